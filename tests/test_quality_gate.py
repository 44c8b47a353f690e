"""Quality gate: the seeds dev set must stay at or above the floors we reached."""

from datetime import date
from pathlib import Path

import pytest

from conftest import ROOT
from eval.metrics import key_present, summarise
from eval.run import load_questions, run_questions, select_split

pytestmark = pytest.mark.e2e
DEV = ROOT / "eval" / "seeds_dev.jsonl"


def test_dev_set_shape():
    qs = load_questions(DEV)
    types = [q.type for q in qs]
    assert len(qs) >= 40
    assert types.count("unanswerable") >= 5 and types.count("multi") >= 5
    assert types.count("trip") >= 5 and types.count("english") + types.count("typo") >= 3
    assert types.count("trip-set") >= 10


def test_seed_dev_set_floors(seed_qa):
    questions = load_questions(DEV)
    summary = summarise(questions, run_questions(seed_qa, questions))
    print(summary)
    # Floors = the figures reached (`python -m eval.dev`) less about one question's worth
    # (1/54 ≈ 0.019), so a single regression fails the build but the gate is not a snapshot.
    # Nothing is fitted on this set any more (the models are fitted on the tune split of
    # realtrips_dev.jsonl); the targets of the answer-path issue are higher still.
    assert summary["gold_source_cited"] >= 0.96  # reached 0.981
    assert summary["all_keys_present"] >= 0.90  # reached 0.926 (up to three sentences of a report since stop 24)
    assert summary["key_recall"] >= 0.91  # reached 0.935
    assert summary["abstained_unanswerable"] >= 0.75  # reached 0.875 (8 questions)
    assert summary["abstained_answerable"] <= 0.02  # reached 0.0
    assert summary["retrieval"]["hit@5"] >= 0.96  # reached 0.981
    assert summary["retrieval"]["mrr@10"] >= 0.94  # reached 0.960
    assert summary["citation_precision"] >= 0.96  # reached 0.981
    assert summary["key_recall_by_type"]["trip-set"] >= 0.95  # reached 1.0


# Floors of the new seed question files, each measured only, one question below the figures reached
# (32 answerable, 8 unanswerable in each): (file, gold source cited ≥, all keys ≥, unanswerable
# refused ≥, answerable refused ≤).
SEED_FLOORS = {
    # Over two of the seeds, written in stop 41 by someone who never saw the code. 0.875 / 0.812 / 0.75 /
    # 0.125 at the first reading, 0.906 / 0.844 / 0.75 / 0.094 at the end of stop 41.
    "holdout2": ("seeds_holdout2.jsonl", 0.87, 0.81, 0.62, 0.13),
    # Over all five seeds, written in stop 42 by someone who never saw the code or any other question
    # file: 0.969 / 0.812 / 0.75 / 0.031 at the first reading, on the session's starting code as on its
    # end (textbook 0.969 / 0.500).
    "holdout3": ("seeds_holdout3.jsonl", 0.93, 0.78, 0.62, 0.07),
    # Over all five seeds, written in stop 45 the same way: 0.875 / 0.656 / 0.50 / 0.125 at the first
    # reading, 0.875 / 0.719 / 0.50 / 0.125 at the end of stop 45.
    "holdout4": ("seeds_holdout4.jsonl", 0.84, 0.68, 0.37, 0.16),
}


@pytest.mark.parametrize("name", SEED_FLOORS)
def test_seed_holdout_floors(seed_qa, name):
    file, gold, keys, unanswerable, answerable = SEED_FLOORS[name]
    questions = load_questions(ROOT / "eval" / file)
    summary = summarise(questions, run_questions(seed_qa, questions))
    print(summary)
    assert summary["gold_source_cited"] >= gold
    assert summary["all_keys_present"] >= keys
    assert summary["abstained_unanswerable"] >= unanswerable
    assert summary["abstained_answerable"] <= answerable


@pytest.fixture(scope="module")
def realtrips_qa():
    """The realtrips-dev corpus read from ../shared plus the seeds (skipped without it)."""
    from eval.dev import REALTRIPS, open_realtrips

    if not REALTRIPS.is_dir():
        pytest.skip(f"realtrips-dev corpus not found: {REALTRIPS}")
    return open_realtrips()


# Floors of the realtrips question sets: (file, split, gold source cited ≥, all keys ≥, unanswerable
# refused ≥, answerable refused ≤), one or two questions below the figures reached with
# `python -m eval.dev`:
REALTRIPS_FLOORS = {
    # The holdout split (documents nothing was fitted on), 182 answerable and 20 unanswerable questions.
    # Reached 0.967 / 0.830 / 0.95 / 0.033 (stop 31).
    "holdout": ("realtrips_dev.jsonl", "holdout", 0.95, 0.81, 0.85, 0.05),
    # 90 questions written after the models were fitted (over tune documents), never fitted on.
    # Reached 0.971 / 0.824 / 0.59 / 0.029 (68 answerable, 22 unanswerable).
    "fresh": ("realtrips_fresh.jsonl", None, 0.95, 0.79, 0.50, 0.06),
    # 90 newer questions over tune documents, whose failures were read to find classes of errors (the
    # refusal model is fitted on them since stop 31).
    # Reached 0.944 / 0.917 / 0.78 / 0.056 (72 answerable, 18 unanswerable); 0.875 / 0.083 at stop 25's start.
    "tune2": ("realtrips_tune2.jsonl", None, 0.92, 0.89, 0.66, 0.09),
    # 70 questions over tune documents written in stop 26, read individually after a first reading.
    # Reached 0.911 / 0.875 / 0.79 / 0.071 (56 answerable, 14 unanswerable); 0.929 / 0.821 / 0.57 / 0.054 unseen.
    "tune3": ("realtrips_tune3.jsonl", None, 0.88, 0.84, 0.64, 0.11),
    # 60 questions a helper wrote in stop 37 over half of all documents, measured only, never read one by one.
    # Reached 0.978 / 0.978 / 1.00 / 0.022 (45 answerable, 15 unanswerable) at the first reading and since.
    "holdout5": ("realtrips_holdout5.jsonl", None, 0.93, 0.93, 0.86, 0.07),
    # 60 more by the same helper in stop 38 over the same half, measured only, never read one by one.
    # Reached 0.979 / 0.833 / 0.83 / 0.021 (48 answerable, 12 unanswerable) at the first reading and since.
    "holdout6": ("realtrips_holdout6.jsonl", None, 0.95, 0.81, 0.75, 0.05),
    # 60 more in stop 39 over the same half (and the one document neither had used), measured only.
    # Reached 1.000 / 0.979 / 0.75 / 0.0 (48 answerable, 12 unanswerable) at the first reading.
    "holdout7": ("realtrips_holdout7.jsonl", None, 0.97, 0.95, 0.66, 0.03),
    # 60 more in stop 40 over the same half, measured only.
    # Reached 0.958 / 0.833 / 0.75 / 0.042 (48 answerable, 12 unanswerable) at the first reading and since.
    "holdout8": ("realtrips_holdout8.jsonl", None, 0.93, 0.81, 0.66, 0.07),
    # 60 more in stop 41 over a new halving of all documents, measured only.
    # Reached 0.979 / 0.896 / 0.75 / 0.021 (48 answerable, 12 unanswerable) at the first reading.
    "holdout9": ("realtrips_holdout9.jsonl", None, 0.95, 0.87, 0.66, 0.05),
    # 60 more in stop 45 over another halving (seed 5151), measured only.
    # Reached 1.000 / 0.936 / 0.92 / 0.0 (47 answerable, 13 unanswerable) at the first reading and since.
    "holdout10": ("realtrips_holdout10.jsonl", None, 0.97, 0.91, 0.84, 0.03),
}


@pytest.mark.parametrize("name", REALTRIPS_FLOORS)
def test_realtrips_floors(realtrips_qa, name):
    file, split, gold, keys, unanswerable, answerable = REALTRIPS_FLOORS[name]
    questions = select_split(load_questions(ROOT / "eval" / file), split)
    results = run_questions(realtrips_qa, questions)
    summary = summarise(questions, results)
    print(summary)
    # However its strategies compose it, no answer says the same sentence twice.
    assert not [r["question"] for r in results if len({s["text"] for s in r["segments"]}) < len(r["segments"])]
    assert summary["gold_source_cited"] >= gold
    assert summary["all_keys_present"] >= keys
    assert summary["abstained_unanswerable"] >= unanswerable
    assert summary["abstained_answerable"] <= answerable


def test_staff_questions_holdout_floor(realtrips_qa):
    """Trip-set and prior-trip questions of the holdout split (`python -m eval.dev`, "출장 목록 질문")."""
    from eval.dev import REALTRIPS_QA, staff_questions

    summary = staff_questions(realtrips_qa, load_questions(REALTRIPS_QA), "holdout")
    print(summary)
    # Reached: 0.907 over 54 questions (31 trip-set, 23 prior-trip); the target is 0.90.
    assert summary["questions"] >= 50
    assert summary["all_keys"] >= 0.90


def test_staff_questions_written_after_the_router_floor(realtrips_qa):
    """45 staff questions by someone who never saw the code (`eval/realtrips_staff2.jsonl`): 0.40 of
    them held all keys at their first reading; their failures were then read to find classes."""
    from eval.dev import STAFF2_QA

    questions = load_questions(STAFF2_QA)
    summary = summarise(questions, run_questions(realtrips_qa, questions))
    print(summary)
    # Reached 0.875 / 0.80 / 0.0 (40 answerable, 5 unanswerable).
    assert summary["all_keys_present"] >= 0.85
    assert summary["abstained_unanswerable"] >= 0.8
    assert summary["abstained_answerable"] <= 0.05


def test_catalogue_field_accuracy_on_realtrips_dev(realtrips_qa):
    """Every catalogue field against the hand-read labels of realtrips-dev (`python -m eval.catalogue`)."""
    from eval.catalogue import read_labels, score
    from eval.dev import REALTRIPS

    rows = read_labels(REALTRIPS.parent / "facts.tsv")
    scores = score({r.source: r for r in realtrips_qa.index.catalogue.trips()}, rows)
    right = {name: s.right / s.labelled for name, s in scores.items()}
    print(right)
    # Reached: countries 0.99, organisation 0.99, title, dates and duration 1.0, travellers 0.98.
    # A value where the text gives none is a guess: at most 2 per field.
    floors = {"countries": 0.97, "organisation": 0.97, "title": 0.97, "departure": 1.0, "arrival": 1.0,
              "duration": 0.97, "travellers": 0.96}
    for name, floor in floors.items():
        assert right[name] >= floor, (name, scores[name].misses)
        assert scores[name].invented <= 2, name


@pytest.mark.parametrize("region", ["유럽", "동남아", "북미", "동아시아", "오세아니아"])
def test_region_questions_list_the_trips_the_labels_place_there(realtrips_qa, region):
    """'유럽 출장 몇 건?': the trips whose hand-read countries lie in the region (UN M49), and no other."""
    from eval.catalogue import read_labels
    from eval.dev import REALTRIPS
    from qa.lexicon import REGIONS

    rows = read_labels(REALTRIPS.parent / "facts.tsv")
    labelled = {Path(r["file"]).name for r in rows
                if set(filter(None, (r.get("countries_in_text") or "").split(";"))) & set(REGIONS[region])}
    answer = realtrips_qa.ask(f"{region} 출장 몇 건이야?")
    assert answer.mode == "catalogue"
    found = {c.source for c in answer.citations} & {Path(r["file"]).name for r in rows}
    assert len(found ^ labelled) <= 1, (sorted(found - labelled), sorted(labelled - found))
    assert labelled


@pytest.mark.parametrize("question, level", [("군 단위 지자체 출장 몇 건?", "군"), ("자치구 출장 몇 건?", "구"),
                                             ("시 단위 지자체 출장 몇 건?", "시"), ("도청 출장 몇 건?", "도"),
                                             ("광역시청 출장 몇 건?", "광역시")])
def test_organisation_level_questions_count_the_trips_of_that_level(realtrips_qa, question, level):
    """'군 단위 지자체 출장 몇 건?': the trips whose hand-read organisation is a 군 (a 시·도 itself for 도청)."""
    from eval.catalogue import read_labels
    from eval.dev import REALTRIPS
    from qa.lexicon import PROVINCES

    def level_of(org: str) -> str:
        if org in PROVINCES:
            return "도" if org.endswith("도") else "광역시"
        return {"시": "시", "군": "군", "구": "구"}.get(org[-1:], "")

    rows = read_labels(REALTRIPS.parent / "facts.tsv")
    labelled = {Path(r["file"]).name for r in rows if r["file"].startswith("corpus/trip_") and level_of(r["organisation"]) == level}
    answer = realtrips_qa.ask(question)
    assert answer.mode == "catalogue"
    found = {c.source for c in answer.citations} & {Path(r["file"]).name for r in rows if r["file"].startswith("corpus/trip_")}
    assert found == labelled and labelled


def test_summary_disagreements_are_the_ones_the_labels_note(realtrips_qa):
    """realtrips-dev's README: three trips' summaries give other dates (472867, 472089, 474663),
    and in 21 the summary counts a night fewer. The header wins; the catalogue keeps both."""
    trips = {t.source: t for t in realtrips_qa.index.catalogue.trips()}
    dated = {s for s, t in trips.items() if "start_date" in t.summary or "end_date" in t.summary}
    assert dated == {"trip_472867.txt", "trip_472089.txt", "trip_474663.txt"}
    assert sum("duration" in t.summary for t in trips.values()) == 21


def test_key_matching_ignores_spacing_and_case():
    assert key_present("탄소 중립 전략을 발표", ["탄소중립"])
    assert key_present("the NET-ZERO transition", ["net-zero transition"])
    assert not key_present("요코하마", ["파리", "런던"])


def test_a_refusal_offers_the_trips_of_the_organisation_the_question_names(realtrips_qa):
    """No 포항시 trip went to Japan: the nearest documents are 포항시's trips, not news articles that
    share only 일본 and 출장 (the best-retrieved document stays first)."""
    answer = realtrips_qa.ask("포항시 일본 출장 뭐 하러 갔어?")
    assert answer.abstained
    pohang = {r.source for r in realtrips_qa.trips() if "포항시" in r.organisation}
    assert len(pohang & {d.source for d in answer.nearest}) == 2


@pytest.mark.parametrize("country", ["핀란드", "싱가포르", "베트남", "뉴질랜드"])
def test_prior_trips_list_the_trips_to_the_planned_country_first(realtrips_qa, country):
    """'다음 달 X로 연수 가는데 참고할 이전 출장 있어?': the trips the labels place in X come first."""
    from eval.catalogue import read_labels
    from eval.dev import REALTRIPS

    rows = read_labels(REALTRIPS.parent / "facts.tsv")
    labelled = {Path(r["file"]).name for r in rows if country in (r.get("countries_in_text") or "").split(";")}
    answer = realtrips_qa.ask(f"다음 달 {country}로 연수 가는데 참고할 이전 출장 있어?")
    assert answer.mode == "catalogue" and labelled
    first = [c.source for c in answer.citations[: min(len(labelled), 5)]]
    assert len(set(first) - labelled) <= 1, (first, sorted(labelled))


@pytest.mark.parametrize("question, field", [("호주 다녀온 사람 몇명이야", "travellers"), ("독일 며칠 갔어?", "duration")])
def test_a_fact_question_naming_only_a_country_answers_for_each_of_its_trips(realtrips_qa, question, field):
    """Several trips went there: each trip's fact, the count first, never one trip picked at random."""
    from eval.catalogue import read_labels
    from eval.dev import REALTRIPS

    country = question.split()[0]
    rows = read_labels(REALTRIPS.parent / "facts.tsv")
    labelled = {Path(r["file"]).name: r for r in rows
                if r["file"].startswith("corpus/trip_") and country in (r.get("countries_in_text") or "").split(";")}
    answer = realtrips_qa.ask(question)
    assert answer.mode == "facts" and len(labelled) >= 3
    assert answer.answer.startswith(f"질문에 맞는 출장이 {len(labelled)}건입니다.")
    cited = {c.source for c in answer.citations}
    assert cited <= set(labelled) and len(cited) == min(len(labelled), 5)
    for source in cited:
        value = labelled[source]["travellers" if field == "travellers" else "duration"]
        assert (f"{value}명" if field == "travellers" else value) in answer.answer


def test_a_question_of_names_and_a_cue_only_is_about_the_trip(realtrips_qa):
    """'울주군 라오스 몇박?': no word 출장, yet the trip's length, read from its facts."""
    answer = realtrips_qa.ask("울주군 라오스 몇박?")
    assert answer.mode == "facts"
    assert answer.answer.startswith("울산광역시 울주군의 「2025년 공무직 해외견학」 출장 기간은 5박 6일(2025년 8월 31일 ~ 9월 5일)")


def test_an_inspection_or_tour_is_the_trip_itself(realtrips_qa):
    """시찰, 탐방, 답사 name the trip as 출장 does: its traveller count comes from its facts."""
    answer = realtrips_qa.ask("울산 동구 후쿠오카 방사능 방재 시찰 몇명?")
    assert answer.mode == "facts" and "출장 인원은 4명입니다" in answer.answer
    assert [c.source for c in answer.citations] == ["trip_467142.txt"]


def test_a_destination_the_question_names_is_not_the_answer_to_where(realtrips_qa):
    """'대전 서구 미국 연수 어디 둘러봤어?' already says 미국: the report's sentence naming the sites
    answers, never "출장지는 미국입니다"."""
    answer = realtrips_qa.ask("대전 서구 미국 연수 어디어디 둘러봤어?")
    assert not answer.abstained and "출장지는 미국입니다" not in answer.answer
    assert {c.source for c in answer.citations} == {"trip_469834.txt"}
    assert "요세미티" in answer.answer or "그랜드캐니언" in answer.answer


def test_an_organisation_written_as_one_word_names_its_trip(realtrips_qa):
    """'전남도립미술관' is 전라남도's 「도립미술관 …」 trip: beside 연제구's, each trip's own dates."""
    from eval.catalogue import read_labels
    from eval.dev import REALTRIPS

    labels = {Path(r["file"]).name: r for r in read_labels(REALTRIPS.parent / "facts.tsv")}
    answer = realtrips_qa.ask("부산 연제구하고 전남도립미술관 파리 출장은 각각 언제 떠났어?")
    assert answer.mode == "facts"
    assert sorted(c.source for c in answer.citations) == ["trip_465294.txt", "trip_476941.txt"]
    for source in ("trip_465294.txt", "trip_476941.txt"):
        _, month, day = (int(x) for x in labels[source]["departure"].split("-"))
        assert f"{month}월 {day}일" in answer.answer


def test_one_trip_to_two_countries_is_one_trip(realtrips_qa):
    """Two countries named ('독일 스위스') may be one trip: its fact alone, no second trip beside it."""
    answer = realtrips_qa.ask("여수시 독일 스위스 연수 몇 명 다녀왔어")
    assert answer.mode == "facts" and "14명" in answer.answer
    assert [c.source for c in answer.citations] == ["trip_473525.txt"]


@pytest.mark.parametrize("question", ["포천시 홋카이도 공진회 품평회에서 우승한 사람 누구야?",
                                      "전남도립미술관 파리 출장에서 작품 빌리기로 한 작가 누구야?"])
def test_someone_asked_for_is_answered_by_a_name_or_not_at_all(realtrips_qa, question):
    """'누구' asks for a person: an overview sentence about the trip, naming none, is no answer."""
    assert realtrips_qa.ask(question).abstained


@pytest.mark.parametrize("question, name", [("고양시 도서관 연수 몬세라트에서 누구 만났어?", "Angels Rius"),
                                            ("진주시의회 의장 누구야?", "백승흥")])
def test_someone_the_report_names_is_the_answer(realtrips_qa, question, name):
    answer = realtrips_qa.ask(question)
    assert not answer.abstained and name in answer.answer


@pytest.mark.parametrize("question, place", [("천안시 연수 크로아티아에선 어느 도시 들렀어?", None),
                                             ("영암군 연수 뉴질랜드에선 어느 도시 갔어?", "퀸스타운"),
                                             ("동두천시 중국 출장 어느 도시랑 교류했어?", "삼문협")])
def test_a_city_asked_within_a_country_is_one_of_that_country(realtrips_qa, question, place):
    """The 천안 report names Hungarian and Austrian cities only: no Croatian city, no answer. A city of
    the country asked (퀸스타운), or a town the gazetteer lacks (삼문협시), answers."""
    answer = realtrips_qa.ask(question)
    if place is None:
        assert answer.abstained
    else:
        assert not answer.abstained and place in answer.answer


def test_a_city_the_question_names_picks_the_report_that_names_it(realtrips_qa):
    """Two 울산광역시 transport trips: only one went to 파리, and only its report answers."""
    answer = realtrips_qa.ask("울산 교통 연수 파리에서는 뭐 했어")
    assert not answer.abstained and {c.source for c in answer.citations} == {"trip_468178.txt"}


@pytest.mark.parametrize("question", ["충남 수소 출장 보고서에 일본 암모니아 혼소 얘기 뭐 나왔어?",
                                      "충남 수소 출장 때 일본이랑 한국 암모니아 혼소 비율 몇 퍼센트라고 했어?"])
def test_a_country_the_named_organisations_report_talks_about_answers_from_that_report(realtrips_qa, question):
    """충청남도's hydrogen trip did not go to Japan; its report tells of Japan's and Korea's ammonia
    co-firing. That report answers, not another organisation's trip to Japan; and Japan joined to the
    home country ("일본이랑 한국") is a comparison, not a second trip."""
    answer = realtrips_qa.ask(question)
    assert not answer.abstained and "20%" in answer.answer
    assert {c.source for c in answer.citations} == {"trip_477540.txt"}


@pytest.mark.parametrize("question, sources, places", [
    ("울릉군은 어디 갔다 왔어?", {"news_kislandnews-6112.txt"}, ["싱가포르"]),
    ("광명시 공무원들 해외 어디 다녀왔어?", {"trip_466547.txt", "trip_473963.txt"}, ["인도네시아", "스웨덴"]),
    ("포항시 공무원들 출장 간 나라들", {"trip_471054.txt", "trip_477535.txt"}, ["스페인", "영국"]),
])
def test_where_an_organisation_went_is_each_of_its_trips_destination(realtrips_qa, question, sources, places):
    """A "where" question naming only an organisation asks where its trips went: each trip's
    destination from the catalogue, not sentences of one report."""
    answer = realtrips_qa.ask(question)
    assert answer.mode == "facts" and {c.source for c in answer.citations} == sources
    assert all(p in answer.answer for p in places)


@pytest.mark.parametrize("question, source, purpose", [
    ("동구 대만 견학 왜 갔어?", "trip_476476.txt", "사기를 진작"),
    ("여수시 독일 스위스 연수 왜 갔대?", "trip_473525.txt", "섬박람회"),
])
def test_why_a_trip_was_made_is_answered_by_its_purpose(realtrips_qa, question, source, purpose):
    """"왜 갔어?" is answered by the sentence giving the trip's purpose, not by what was seen."""
    answer = realtrips_qa.ask(question)
    assert not answer.abstained and answer.citations[0].source == source
    assert "목적" in answer.segments[0].text and purpose in answer.segments[0].text


@pytest.mark.parametrize("question, people", [
    ("파주시 오키나와 간 직원들 이름 알려줘", "2명"),
    ("광명시 인도네시아 연수 간 공무원 이름", "1명"),
])
def test_names_of_the_officials_who_went_that_no_report_gives(realtrips_qa, question, people):
    """The pages name no traveller: the answer says so and who went, instead of other sentences."""
    answer = realtrips_qa.ask(question)
    assert answer.abstained and "이름은 나와 있지 않습니다" in answer.answer and people in answer.answer


def test_a_city_by_its_older_name_finds_the_trip(realtrips_qa):
    """상해, 동경: the Korean readings of 上海 and 東京 find the reports that write 상하이 and 도쿄;
    상해 as a word (injury) is not read as the city."""
    days = realtrips_qa.ask("상해 출장 간 부산시 몇박 했어?")
    assert days.mode == "facts" and "1박 2일" in days.answer and days.citations[0].source == "trip_467089.txt"
    seen = realtrips_qa.ask("동경 출장 간 경주시 공무원들 뭐 봤어?")
    assert not seen.abstained and seen.citations[0].source == "trip_472128.txt"
    assert "상해" not in realtrips_qa.searcher.analyse("여행자 보험 상해 보상 받았어?").corrections


def test_a_list_question_gets_the_sentence_that_lists(realtrips_qa):
    """"어떤 정원들 갔어?": besides the likeliest sentences (which describe the gardens), the report's
    sentence naming them all."""
    answer = realtrips_qa.ask("충북 홋카이도 정원 견학 어떤 정원들 구경했어?")
    assert answer.citations[0].source == "trip_467581.txt"
    assert all(garden in answer.answer for garden in ("시치쿠 가든", "우에노팜", "팜토미타"))


def test_a_bare_country_line_is_no_place_visited(realtrips_qa):
    """The page's country line ("프랑스") names the destination, which the facts give; it never
    answers where they went within it."""
    answer = realtrips_qa.ask("영주시 SF팀 스페인 가서 어디 어디 갔어?")
    assert not answer.abstained and all(s.text.strip() not in ("프랑스", "스페인", "스페인프랑스") for s in answer.segments)
    assert "몬세라트" in answer.answer


def test_the_report_naming_the_city_asked_answers(realtrips_qa):
    """Two 울산 transport trips: only one went to 파리. Its sentences answer, though the other trip's
    score higher on the embedding."""
    answer = realtrips_qa.ask("울산 트램 연수 파리에서 뭐 봤어")
    assert answer.citations[0].source == "trip_468178.txt" and "파리" in answer.answer


def test_the_officials_who_went_are_no_missing_topic(realtrips_qa):
    """"공무원들" of a question about the trip are its travellers, whatever the report calls them."""
    answer = realtrips_qa.ask("제주도 공무원들 중국 가서 뭐했대")
    assert not answer.abstained and answer.citations[0].source in {"trip_473068.txt", "trip_471418.txt"}


def test_a_district_of_a_city_without_trips_is_not_another_citys(realtrips_qa):
    """"인천 서구": the catalogue has 대전광역시 서구, not 인천's; the condition said back is the user's."""
    answer = realtrips_qa.ask("인천 서구 핀란드 출장 있어?")
    assert answer.abstained and "대전" not in answer.segments[0].text and "인천 서구" in answer.answer


def test_whom_a_trip_met_is_answered_by_a_meeting(realtrips_qa):
    """"누구 만났어?": a sentence telling of a meeting (기관과의 면담), not any sentence naming something;
    a report telling of no meeting at the place asked about is no answer."""
    met = realtrips_qa.ask("전남도립미술관 파리에서 누구 만났어?")
    assert not met.abstained and "프랑스 문화원" in met.answer and "르 원더 레지던시" in met.answer
    assert realtrips_qa.ask("통영 시의원들 싱가포르 국회에서 누구 만났어?").abstained


def test_an_abbreviated_name_finds_its_report(realtrips_qa):
    """홍콩과기대 is 홍콩과학기술대학교, 독일서 is 독일에서: read as the words the reports write."""
    answer = realtrips_qa.ask("홍콩과기대에서 서울시 무슨 얘기했어")
    assert not answer.abstained and answer.citations[0].source == "001_1eeefbb6c15ec2a8.txt"
    schools = realtrips_qa.ask("안동 인문리더 학생들 독일서 어떤 학교들 갔어")
    assert not schools.abstained and "괴테대학교" in schools.answer


def test_a_number_the_report_never_gives_is_said_to_be_missing(realtrips_qa):
    """"메달 몇 개": the report found holds no count of anything, so no sentence answers; an amount
    written "1백만원" is an amount."""
    medals = realtrips_qa.ask("삼척 태권도 대회 나가서 메달 몇 개 땄어?")
    assert medals.abstained and "나와 있지 않습니다" in medals.answer
    paid = realtrips_qa.ask("강서구청 공무원 배낭여행 한 사람당 얼마 지원해줬어?")
    assert not paid.abstained and "1백만원" in paid.answer


def test_trips_compared_get_each_trips_fact(realtrips_qa):
    """'어디가 더 오래 있었어?' compares two trips: each one's length, from its facts."""
    answer = realtrips_qa.ask("안동시랑 구미시 출장 중에 어디가 더 오래 있었어?")
    assert answer.mode == "facts"
    assert sorted(c.source for c in answer.citations) == ["trip_464269.txt", "trip_464632.txt"]
    assert "8박 9일" in answer.answer and "7박 8일" in answer.answer


def test_a_value_to_check_gets_the_trips_fact(realtrips_qa):
    """'14명 맞아?' asks the traveller count, to compare it with what the user heard."""
    answer = realtrips_qa.ask("천안시 연수 14명 맞아?")
    assert answer.mode == "facts" and "출장 인원은 14명입니다" in answer.answer


def test_the_people_of_a_trip_by_their_own_word(realtrips_qa):
    """참가자, 연수자: the travellers (not 연구자, one jamo away), counted or named from the facts."""
    count = realtrips_qa.ask("파주시 일본 연수 참가자 몇명")
    assert count.mode == "facts" and "출장 인원은 2명입니다" in count.answer
    names = realtrips_qa.ask("고양시 연수자 이름")
    assert names.abstained and names.answer.startswith("보고서에 출장자 이름은 나와 있지 않습니다.")


def test_the_bodies_that_went_in_a_season_are_listed(realtrips_qa):
    """'작년 가을에 일본 간 지자체 다 알려줘' (Kiwi reads this 간 as a noun): the catalogue's list."""
    answer = realtrips_qa.ask("작년 가을에 일본 간 지자체 다 알려줘")
    assert answer.mode == "catalogue" and answer.citations
    last_year = str(date.today().year - 1)
    for c in answer.citations:
        trip = realtrips_qa.trip(c.source)
        assert "일본" in trip.countries and trip.start_date[:4] == last_year and trip.start_date[5:7] in ("09", "10", "11")


def test_a_trip_fact_the_report_never_gives_is_said_to_be_missing(realtrips_qa):
    """The 진주시의회 article names no number of travellers: the trip is found, and the answer says
    the count is not there, never a sentence about something else."""
    answer = realtrips_qa.ask("진주시의회 싱가포르 연수 인원 몇 명이야?")
    assert answer.abstained and answer.answer.startswith("보고서에 출장 인원이 나와 있지 않습니다.")
    assert "진주시의회" in answer.answer


def test_an_english_name_no_report_knows_gets_no_other_trips_facts(realtrips_qa):
    """'Gimhae' is in no report: the answer may not state another organisation's trip facts."""
    answer = realtrips_qa.ask("Where did Gimhae city officials go?")
    assert answer.mode != "facts"
    days = realtrips_qa.ask("How many days was the Andong trip to Germany?")
    assert days.mode == "facts" and "8박 9일" in days.answer and "출장 인원" not in days.answer


def test_a_match_score_the_report_does_not_give_is_not_answered_with_an_overview(realtrips_qa):
    """"친선경기 몇 대 몇": a score, which the 인제군 report does not give (친선경기 is a match, not 경기도)."""
    query = realtrips_qa.searcher.analyse("인제 유소년축구단 고토우라정이랑 친선경기 몇대몇이었어")
    assert query.answer_type == "score" and "경기" not in query.names and "인제" in query.names
    assert realtrips_qa.ask(query.text).abstained


def test_a_short_name_the_tagger_reads_as_another_word_is_the_organisation(realtrips_qa):
    """인제 is also an adverb ("now") to Kiwi; in a question about trips it is 인제군."""
    answer = realtrips_qa.ask("인제 축구단 일본 언제 갔어?")
    assert answer.mode == "facts" and "인제군" in answer.answer and "9월 5일" in answer.answer


def test_a_korean_body_no_report_knows_gets_no_other_trips_facts(realtrips_qa):
    """강릉시의회 went to Portugal in no report: not 청주시's Portugal trip's traveller count."""
    answer = realtrips_qa.ask("강릉시의회 포르투갈 국외출장 몇명 갔어?")
    assert answer.mode != "facts" and "청주" not in answer.answer


def test_a_name_no_report_knows_beside_a_known_body_keeps_the_trip_facts(realtrips_qa):
    """Trip.com is written 트립닷컴 in the report; Busan names the trip, whose facts answer both asks."""
    answer = realtrips_qa.ask("How long was Busan's Shanghai trip for the Trip.com deal, and how many people went?")
    assert answer.mode == "facts" and "1박 2일" in answer.answer and "3명" in answer.answer


def test_a_word_with_its_particle_after_a_title_is_no_name(realtrips_qa):
    """"… 시장 선점을 목표로" names no one: the CEO's name is not in the report, and the answer says so."""
    answer = realtrips_qa.ask("부산시 상하이 트립닷컴 MOU 때 트립닷컴 CEO 이름이 뭐야")
    assert answer.abstained and "이름은 나와 있지 않습니다" in answer.answer


def test_who_went_on_several_trips_says_once_that_no_names_are_given(realtrips_qa):
    answer = realtrips_qa.ask("싱가폴 출장 누가 갔어")
    assert answer.mode == "facts" and answer.answer.startswith("질문에 맞는 출장이")
    assert answer.answer.count("출장자 이름") == 1 and "경기도에서 8명이 다녀왔습니다" in answer.answer


def test_what_struck_them_is_answered_from_the_place_named(realtrips_qa):
    """'인상적인 점' is how the question asks: the report's sentences about 톨레도 answer it."""
    answer = realtrips_qa.ask("포항시 스페인 연수 톨레도 인상적인 점")
    assert not answer.abstained and "톨레도" in answer.answer
    assert {c.source for c in answer.citations} == {"trip_477535.txt"}


@pytest.mark.parametrize("question, field", [("해외출장 제일 많이 간 나라", "countries"), ("어느 도시에 가장 많이 갔어?", "cities")])
def test_where_trips_went_most_often(realtrips_qa, question, field):
    """Staff ask where trips go most: the place with the most catalogue trips, its count, and its trips."""
    from collections import Counter

    from qa.route import is_trip

    counts = Counter(v for r in realtrips_qa.trips() if is_trip(r) for v in set(getattr(r, field)))
    (top, n), = counts.most_common(1)
    answer = realtrips_qa.ask(question)
    assert answer.mode == "catalogue" and f"{top}({n}건)" in answer.answer
    assert len(answer.citations) == n


def test_where_trips_went_most_often_within_a_country_is_a_city(realtrips_qa):
    """"일본 출장 제일 많이 간 데": the trips to Japan counted by city (counted by country, Japan
    would win by definition)."""
    from collections import Counter

    from qa.route import is_trip

    japan = [r for r in realtrips_qa.trips() if is_trip(r) and "일본" in r.countries]
    (top, n), = Counter(c for r in japan for c in set(r.cities)).most_common(1)
    answer = realtrips_qa.ask("공무원들 일본 출장 제일 많이 간 데가 어디야?")
    assert answer.mode == "catalogue" and f"가장 많은 도시는 {top}({n}건)" in answer.answer


def test_a_council_is_found_by_its_citys_short_name(realtrips_qa):
    """"통영 의원들": 통영시의회's trip, not another trip to the same country."""
    answer = realtrips_qa.ask("통영 의원들 싱가포르 출장 예산 얼마였어")
    assert not answer.abstained and "3850만 8000원" in answer.answer
    assert {c.source for c in answer.citations} == {"news_gnmaeil-515498.txt"}


def test_a_city_named_alone_is_the_city_not_its_district(realtrips_qa):
    """대전시 is 대전광역시's own trip to the US, not 대전광역시 서구's."""
    answer = realtrips_qa.ask("대전시 미국 서부 연수 언제부터 언제까지였어요?")
    assert answer.mode == "facts" and "9월 21일" in answer.answer and "서구" not in answer.answer


@pytest.mark.parametrize("question, fact", [("광주 동구 환경관리원 대만 선진지견학 며칠 다녀왔어?", "3박 4일"),
                                            ("동구 환경관리원 대만 선진지견학 몇 명 갔어?", "명입니다")])
def test_a_kind_of_trip_typed_as_one_word_is_the_trip(realtrips_qa, question, fact):
    """선진지견학 (선진지 견학), 정책연수, 벤치마킹출장: a noun ending in a kind of trip is the trip, so its
    facts answer."""
    answer = realtrips_qa.ask(question)
    assert answer.mode == "facts" and fact in answer.answer
    assert {c.source for c in answer.citations} == {"trip_476476.txt"}


def test_whom_a_trip_met_may_be_an_organisation(realtrips_qa):
    answer = realtrips_qa.ask("Who did the Jeonnam provincial art museum team meet in Paris?")
    assert not answer.abstained and "프랑스 문화원" in answer.answer


def test_words_typed_together_and_misspelt_still_find_the_answer(realtrips_qa):
    for question, key in [("광주동구 환경미화원 대만견학 뭐 배워왔대 무슨 원칙 있던데", "쓰레기 불착지"),
                          ("울산시 유럽연수 프랑크프르트 트렘 통합요금 체계 이름이 뭐엿지", "RMV")]:
        answer = realtrips_qa.ask(question)
        assert not answer.abstained and key in answer.answer, question


def test_the_country_of_a_city_the_question_names_is_no_answer_to_where(realtrips_qa):
    """"홋카이도 … 어디어디": the places seen there, not "일본 (홋카이도)"."""
    answer = realtrips_qa.ask("충북도 홋카이도 정원 견학 어디어디 다녀왔나요")
    assert "시치쿠 가든" in answer.answer and "일본 (홋카이도)" not in answer.answer


def test_two_things_asked_together_are_both_answered(realtrips_qa):
    """The traveller count from the trip's facts, the budget from its report's sentence."""
    answer = realtrips_qa.ask("통영시의회 말레이시아 싱가포르 출장 인원이랑 예산 얼마야")
    assert "14명" in answer.answer and "3850만 8000원" in answer.answer


def test_trips_of_two_organisations_are_each_answered_from_their_own_report(realtrips_qa):
    """Two clauses, two organisations, two questions: each trip's answer from its own report."""
    answer = realtrips_qa.ask("부산시 상하이 출장은 어디랑 MOU 맺었고, 동두천시 중국 방문단은 어느 도시들 갔대?")
    assert not answer.abstained and "트립닷컴" in answer.answer and "삼문협" in answer.answer
    assert {c.source for c in answer.citations} == {"trip_467089.txt", "trip_475548.txt"}


def test_which_institution_a_trip_visited_is_no_question_about_who_went(realtrips_qa):
    answer = realtrips_qa.ask("포항시 스페인 연수 어느 기관 갔어?")
    assert answer.mode != "facts" and "톨레도 시청" in answer.answer


@pytest.mark.parametrize("question, key", [
    ("How many artifacts does the Indonesian national museum hold, per the Gwangmyeong report?", "141,000"),  # 141,000점: a count
    ("Busan disaster safety trip to Singapore: whose disaster response system did they study?", "SCDF"),  # whose: an organisation's
])
def test_english_typed_questions_accept_the_korean_answer_forms(realtrips_qa, question, key):
    answer = realtrips_qa.ask(question)
    assert not answer.abstained and key in answer.answer


def test_a_delegation_named_by_its_destination_is_the_trip(realtrips_qa):
    """"삼문협 방문단": the trip's own group, named by the town it visited (not another organisation's)."""
    answer = realtrips_qa.ask("동두천시 중국 삼문협 방문단 몇명이었어")
    assert answer.mode == "facts" and "23명" in answer.answer


def test_what_a_trip_proposed_is_a_proposal_not_what_it_saw(realtrips_qa):
    """"우리 시엔 뭐 하자고 했어": the sentence proposing what to do at home, not the one describing the site."""
    answer = realtrips_qa.ask("경주 도쿄 연수팀 시부야 교차로 보고 나서 우리 시에 뭐 하자고 했대")
    assert not answer.abstained and "내남네거리" in answer.answer


@pytest.mark.parametrize("question, keys", [
    ("Which company runs the trams the Ulsan delegation saw in Frankfurt?", ("VGF",)),  # Frankfurt am Main
    ("What conference did Gumi city go to in Astana?", ("세계도서관정보대회", "WLIC")),  # names read as the corpus's Korean
])
def test_english_place_names_find_the_sentence_that_names_them(realtrips_qa, question, keys):
    answer = realtrips_qa.ask(question)
    assert not answer.abstained and any(k in answer.answer for k in keys)


def test_the_countries_an_organisation_went_to_are_listed(realtrips_qa):
    answer = realtrips_qa.ask("광명시가 출장 간 나라 전부 알려줘")
    assert answer.mode == "catalogue" and all(c in answer.answer for c in ("인도네시아", "핀란드"))


@pytest.mark.parametrize("question, name", [
    ("통영시의회 싱가포르 출장 때 의장 이름 뭐였어?", "김미옥"),  # 의장 김미옥: a title before the name
    ("부산 상하이 출장 트립닷컴 CEO 이름 알려줘", None),  # "트립닷컴그룹 CEO", "부산 시장": no one by name
])
def test_a_name_asked_by_title_is_a_name_or_a_refusal(realtrips_qa, question, name):
    answer = realtrips_qa.ask(question)
    if name:
        assert not answer.abstained and name in answer.answer
    else:
        assert answer.abstained


def test_two_trips_asked_one_question_get_each_trips_fact(realtrips_qa):
    """"안동시 … 출장하고 구미시 … 중 누가 먼저": the first part asks nothing of its own."""
    answer = realtrips_qa.ask("안동시 독일 인문 리더 출장하고 구미시 아스타나 출장 중에 어디가 먼저 출발했어?")
    assert answer.mode == "facts" and "8월 21일" in answer.answer and "8월 17일" in answer.answer


def test_a_trip_fact_of_a_body_with_two_such_trips_gives_both(realtrips_qa):
    """Two 울산광역시 trips studied trams: "울산 트램 연수 몇 명" is either; one trip of 안동시 went to Germany."""
    answer = realtrips_qa.ask("울산 트램 연수 몇 명 갔어")
    assert answer.mode == "facts" and answer.answer.startswith("질문에 맞는 출장이 2건입니다.")
    assert {c.source for c in answer.citations} == {"trip_473998.txt", "trip_468178.txt"}
    assert "울주군" not in realtrips_qa.ask("울산 연수 며칠 갔어").answer  # 울산 is 울산광역시, not its districts
    assert {c.source for c in realtrips_qa.ask("안동시 독일 출장 몇 명").citations} == {"trip_464269.txt"}


def test_a_trip_fact_comes_with_what_the_report_says_of_it(realtrips_qa):
    """The record reads one city off the page; the report's own sentence names the regions visited.
    A count the report gives of other people (the pupils taken along) is quoted beside the travellers'."""
    answer = realtrips_qa.ask("경남 태국출장 어느 지역 갔어?")
    assert answer.mode == "facts" and "치앙마이" in answer.segments[0].text and "람푼" in answer.segments[1].text
    assert {c.source for c in answer.citations} == {"trip_478483.txt"}
    pupils = realtrips_qa.ask("안동시 독일 출장 몇 명 데려갔어")
    assert pupils.mode == "facts" and "3명" in pupils.answer and "28명" in pupils.answer
    # A destination the question restates is answered by the report's sentence naming the places, once.
    restated = realtrips_qa.ask("동두천시 사회단체 중국 방문 어디어디 갔었어")
    assert "삼문협" in restated.answer and len({s.text for s in restated.segments}) == len(restated.segments)
    # Trips compared keep to one fact line each.
    both = realtrips_qa.ask("부산 연제구하고 전남도립미술관 파리 출장은 각각 언제 떠났어?")
    assert len(both.segments) == 2


def test_two_trips_one_of_which_holds_no_answer_get_the_one_found(realtrips_qa):
    """Asked of both trips, nothing is found as a whole; 구미시's event is found, 안동시's cost is not, and
    the answer says which."""
    answer = realtrips_qa.ask("안동시 독일 출장 경비는 얼마였고, 구미시 카자흐스탄 출장은 무슨 대회 간 거야?")
    assert not answer.abstained and "세계도서관정보대회" in answer.answer
    assert answer.answer.startswith("‘안동시 독일’에 대해서는 관련 내용을 찾지 못했습니다.")
    assert {c.source for c in answer.citations} == {"trip_464632.txt"}


def test_the_kind_of_thing_asked_for_need_not_be_in_the_report(realtrips_qa):
    """"무슨 회의": the report names the meeting (북극서클총회), not its kind; a rare kind ("무슨 항공사") it never names."""
    answer = realtrips_qa.ask("포항시 아이슬란드 가서 무슨 회의 갔어?")
    assert not answer.abstained and "북극서클총회" in answer.answer
    assert realtrips_qa.ask("여수시 독일 스위스 연수 무슨 항공사 타고 갔어?").abstained


def test_an_english_name_finds_the_report_that_writes_its_initials(seed_qa):
    """"Asia Smart City Conference": the seed report writes it 아시아스마트시티컨퍼런스(ASCC), never in English."""
    answer = seed_qa.ask("Which city hosted the Asia Smart City Conference?")
    assert not answer.abstained and "요코하마" in answer.answer
    assert answer.citations[0].source.startswith("000_")


def test_a_delegation_named_by_its_trips_topic_is_the_trip(realtrips_qa):
    """"스마트팜 연수단" of 「영암군, 일본서 스마트팜·6차산업 연수 실시」: the trip's own group, whose size
    the article never gives, which is said."""
    answer = realtrips_qa.ask("영암 스마트팜 연수단 몇 명이었대?")
    assert answer.abstained and "출장 인원이 나와 있지 않습니다" in answer.answer


@pytest.mark.parametrize("question, place", [
    ("부산시 싱가포르 말레이시아 출장, 말레이시아에서는 어디 들렀대?", None),  # the report tells of Singapore only
    ("영암 호주 뉴질랜드 연수에서 뉴질랜드는 어디 갔었어?", "퀸스타운"),
])
def test_a_country_asked_within_a_trip_is_answered_from_its_part(realtrips_qa, question, place):
    answer = realtrips_qa.ask(question)
    if place:
        assert not answer.abstained and place in answer.answer
    else:
        assert answer.abstained and "말레이시아에서의 일정은 나와 있지 않습니다" in answer.answer


def test_a_sentences_first_word_is_no_name(realtrips_qa):
    """"… ? Please list both.": Please starts a sentence; it names no trip, so the trips' facts answer."""
    answer = realtrips_qa.ask("Which trip had more travellers, Dongducheon's China visit or Yeosu's Germany and "
                              "Switzerland tour? Please list both.")
    assert answer.mode == "facts" and "23명" in answer.answer and "14명" in answer.answer


@pytest.mark.parametrize("question", ["How many work trips went to Laos, and which local governments made them?",
                                      "Has any county sent staff to Laos? Which one?"])
def test_english_questions_about_trips_as_a_whole_get_the_catalogues_list(realtrips_qa, question):
    """"how many official trips" counts trips, not travellers; "sent staff to" asks which trips went."""
    answer = realtrips_qa.ask(question)
    assert answer.mode == "catalogue" and "1건" in answer.answer and "울주군" in answer.answer


def test_which_city_a_trip_went_to_is_its_destination(realtrips_qa):
    # "… 벤치마킹 어느 도시 갔냐": the trip's cities, read from its record
    answer = realtrips_qa.ask("울산시 유럽 트램 벤치마킹 어느 도시 갔냐")
    assert answer.mode == "facts" and all(c in answer.answer for c in ("프랑크푸르트", "파리", "취리히"))
    # A city whose name ends like a particle (오키나와) is in the record too.
    answer = realtrips_qa.ask("파주시 규제개혁 연수 어느 도시 갔어?")
    assert answer.mode == "facts" and "오키나와" in answer.answer


def test_the_sites_a_trip_saw_are_named_beside_its_destination(realtrips_qa):
    answer = realtrips_qa.ask("경주시 모범공무원 도꾜연수 어디어디 견학햇어")
    assert not answer.abstained and "도쿄" in answer.answer and "시부야" in answer.answer and "메이지 신궁" in answer.answer


def test_which_organisations_a_trip_visited_in_english_is_no_question_about_who_went(realtrips_qa):
    answer = realtrips_qa.ask("which organizations in luxembourg did the jeonbuk council committee visit?")
    assert answer.mode != "facts" and "LFF" in answer.answer and "CSSF" in answer.answer


def test_a_date_asked_of_a_visit_is_the_visits_date(realtrips_qa):
    answer = realtrips_qa.ask("광명시 인도네시아 장기근속연수 자카르타시청은 몇일날 갔음")
    assert not answer.abstained and "9월 16일" in answer.answer


def test_words_typed_together_find_the_reports_phrase(realtrips_qa):
    answer = realtrips_qa.ask("안동시 독일 글로벌인문리더 학생 몇명 데려갔어?")
    assert not answer.abstained and "28명" in answer.answer


def test_a_list_of_ideas_is_no_list_of_trips(realtrips_qa):
    answer = realtrips_qa.ask("경주시 도쿄 연수 다녀와서 나온 아이디어 뭐뭐 있어")
    assert answer.mode != "catalogue" and "황리단길" in answer.answer


def test_an_acronym_read_out_in_hangul_finds_the_report(realtrips_qa):
    answer = realtrips_qa.ask("부산시 상해 출장가서 어느 여행사랑 엠오유 했어?")
    assert not answer.abstained and "트립닷컴" in answer.answer


@pytest.mark.parametrize("question", ["증평군은 겐트대학교와 스마트팜 MOU를 실제로 체결했나?", "증평군 겐트대 MOU 결국 맺었대?"])
def test_what_came_of_a_plan_is_not_answered_by_the_plan(realtrips_qa, question):
    answer = realtrips_qa.ask(question)
    assert answer.abstained and "계획만" in answer.answer and "증평군" in answer.answer  # the report is among the nearest


def test_how_long_each_of_two_trips_took_is_a_duration_not_a_price(realtrips_qa):
    answer = realtrips_qa.ask("부산시의 상하이 관광 출장과 싱가포르·말레이시아 재난안전 출장은 기간이 각각 얼마였나?")
    assert not answer.abstained and "1박 2일" in answer.answer and "6박 7일" in answer.answer


def test_how_many_went_is_the_trips_traveller_count(realtrips_qa):
    answer = realtrips_qa.ask("싱가폴 재난 벤치마킹 몇명 갔냐")
    assert answer.mode == "facts" and "2명" in answer.answer


def test_a_korean_body_the_reports_do_not_have_gets_no_other_bodies_trips(realtrips_qa):
    answer = realtrips_qa.ask("강릉시 일본 출장 몇 건?")
    assert answer.abstained and "강릉시" in answer.answer and "22건" not in answer.answer


def test_a_trip_fact_is_not_another_trip_of_the_same_body(realtrips_qa):
    # 제주 went to China; no report tells of a trip of 제주's to Hawaii (하와이 is in 대전's report).
    answer = realtrips_qa.ask("제주도 하와이 출장 언제야")
    assert answer.abstained, answer.answer
    assert "11월 27일" not in answer.answer  # the China trip's dates
    # The trip a place it names belongs to is still answered from its facts.
    assert "3박 4일" in realtrips_qa.ask("포천시 홋카이도 며칠 갔어").answer


@pytest.mark.parametrize("question", ["충남 호주 수소 출장 때 참관한 박람회 명칭 알려줘",
                                      "영암군 연수단이 해밀턴에서 방문한 기관 명칭 알려줘"])
def test_a_things_name_the_report_never_gives_is_refused_with_what_was_checked(realtrips_qa, question):
    """The reports tell of a fair visited and of bodies visited in Hamilton, never by name."""
    answer = realtrips_qa.ask(question)
    assert answer.abstained and "그 이름은 나와 있지 않습니다" in answer.answer
    named = realtrips_qa.ask("마스코트 인형 이름이 뭐야? 강원도의회 일본 연수")  # a name Kiwi does not know
    assert not named.abstained and "뭉초" in named.answer


def test_several_trips_one_body_and_country_name_alike_are_each_answered_by_date(realtrips_qa):
    """제주특별자치도 went to China twice (황산, 상하이); titles alike, the dates tell the trips apart."""
    answer = realtrips_qa.ask("제주도 중국 출장 두 번 간 거 각각 어느 도시였어?")
    assert answer.mode == "facts" and "황산" in answer.answer and "상하이" in answer.answer
    assert "(2025년 11월 14일 ~ 11월 17일)" in answer.answer


def test_a_korean_body_no_trip_is_of_gets_no_trip_facts_of_an_article_mentioning_it(realtrips_qa):
    """An article lists 수원시 among bodies; no trip is 수원시's, so no destination is claimed for it."""
    answer = realtrips_qa.ask("수원시 공무원들 장기근속 해외연수 어디로 갔어?")
    assert answer.mode != "facts" and "출장지는" not in answer.answer
    assert realtrips_qa.ask("광명시 장기근속 연수 어디로 갔어?").mode == "facts"


def test_a_word_kiwi_splits_otherwise_in_the_question_is_the_reports_word(realtrips_qa):
    """"공진회 보러" reads as 공지 + ㄴ + 회, the report's "전일본 공진회" as 공 + 진 + 회: the word as
    written is the one term both have."""
    query = realtrips_qa.searcher.analyse("전일본 공진회 보러 간 데가 어디야?")
    assert "공진회" in query.topic_terms and "공지" not in query.terms
    # Typed together, it is the report's words, each a term.
    glued = realtrips_qa.searcher.analyse("포천시 전일본공진회 몇 회차였어?")
    assert {"전일본", "공진회"} <= set(glued.terms)
    assert "제16회" in realtrips_qa.ask("포천시 전일본공진회 몇 회차였어?").answer
    answer = realtrips_qa.ask("전일본 공진회 보러 간 데가 어디야?")
    assert not answer.abstained and "홋카이도" in answer.answer


def test_the_places_of_the_one_trip_the_catalogue_finds_come_from_its_report(realtrips_qa):
    """"어디어디" of a trip the catalogue pins down: the report's places, not a list of one trip, even
    when the question's other words (시의원들, 들렀대) match the report poorly."""
    answer = realtrips_qa.ask("통영 시의원들 싱가포르에선 어디어디 들렀대?")
    assert answer.mode == "extractive" and "NEWater" in answer.answer


def test_an_english_place_name_is_read_as_the_reports_spell_it_in_hangul(realtrips_qa):
    """GeoNames spells Montserrat 몬트세라트; the report writes 몬세라트, and is read by its own spelling."""
    assert realtrips_qa.searcher.stats.korean_name("Montserrat") == "몬세라트"
    answer = realtrips_qa.ask("Whom did the Goyang librarian meet at Montserrat?")
    assert not answer.abstained and "Angels Rius" in answer.answer


@pytest.mark.parametrize("question, key", [
    # The report says it met him as an interview (Daniel Tan 교수와의 인터뷰).
    ("남원시 호주 출장은 누가 만났어", "Daniel Tan"),
    # The names listed before the title they share (최기영·…·손혜진 총 7명의 의원이).
    ("북구의회 주민보고회 의무화 조례 발의한 의원 누구누구야", "손혜진"),
    # A region for the trip's country, and the city as another spelling writes it.
    ("연제구 유럽 출장 어느 도시 갔어?", "파리"),
    ("청주 타이페이 여행박람회 홍보관 방문객 몇 명이었대", "8,919명"),
])
def test_real_reports_answer_what_they_say_in_other_words(realtrips_qa, question, key):
    answer = realtrips_qa.ask(question)
    assert not answer.abstained and key in answer.answer, answer.answer
