"""The offline answer composer on the real seed index."""

import json
import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import ASCC, GUANGZHOU, INDIA_NEWS, OECD, TCS_NEWS
from qa import QA
from qa.calibration import PACKAGED, REFUSAL, SENTENCES, LogisticModel
from qa.refusal import FEATURES, fit_refusal_model
from qa.answer import NOT_FOUND_TEXT

MARKER = re.compile(r"\[(\d+)\]")
e2e = pytest.mark.e2e


# --------------------------------------------------------------------------- fast: hash embedder


@pytest.fixture
def hash_qa(hash_settings, small_corpus, tmp_path):
    # The packaged refusal model is fitted on e5 similarities; the hash embedder gets one that never
    # refuses, so these tests see the strategies' answers (refusal has its own tests below).
    return QA.open(hash_settings.model_copy(update={"calibration_dir": models_dir(tmp_path, intercept=5.0)}))


def models_dir(tmp_path: Path, intercept: float) -> Path:
    """The packaged sentence model beside a refusal model that never (intercept 5) or always (-5) refuses."""
    folder = tmp_path / f"models{intercept}"
    folder.mkdir()
    shutil.copy(PACKAGED / SENTENCES, folder / SENTENCES)
    n = len(FEATURES)
    LogisticModel(FEATURES, (0.0,) * n, (1.0,) * n, (0.0,) * n, intercept, 0.5, "hash-bigrams-256").save(folder / REFUSAL)
    return folder


def qa_over(hash_settings, tmp_path: Path, pages: dict[str, str]) -> QA:
    """A QA object on the hash embedder over the given pages (file name -> text; the settings' corpus
    folder is tmp_path/corpus) that never refuses."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in pages.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return QA.open(hash_settings.model_copy(update={"calibration_dir": models_dir(tmp_path, intercept=5.0)}))


def test_query_analysis_reads_answer_type_topic_and_pointers(hash_qa):
    analyse = hash_qa.searcher.analyse
    assert analyse("요코하마 출장 며칠 갔어?").answer_type == "duration"
    assert analyse("요코하마 출장 몃일 갔어?").answer_type == "duration"  # a common misspelling
    assert analyse("언제 출발했어?").answer_type == "when"
    assert analyse("How many people went?").language == "en"
    assert analyse("Who is 이재용?").language == "en"
    assert analyse("Danil Kerimi는 누구야?").language == "ko"  # a Korean question about a name in Latin letters
    q = analyse("ASCC 발표자 이름이 뭐야?")
    assert "이름" not in q.topic_terms and "ascc" in q.topic_terms
    assert analyse("거기서 또 뭐 했어?", has_history=True).refers_back
    assert not analyse("ASCC에서 서울시는 무엇을 발표했나?", has_history=True).refers_back
    assert not analyse("거기서 뭐 했어?", has_history=False).refers_back


def test_a_noun_cue_followed_by_the_noun_asked_about_does_not_set_the_answer_type(hash_qa):
    analyse = hash_qa.searcher.analyse
    assert analyse("요코하마 출장 기간 현지 날씨는?").answer_type == "what"  # the weather, not the duration
    assert analyse("요코하마 출장 기간은?").answer_type == "duration"
    assert analyse("두 출장 인원을 비교해 주세요").answer_type == "count"  # 비교(하다) is a verb
    assert analyse("What was the duration of the Yokohama trip?").answer_type == "duration"


def test_the_act_asked_through_its_verb_and_the_name_of_a_thing_are_read(hash_qa):
    analyse = hash_qa.searcher.analyse
    assert analyse("요코하마 간 서울시 공무원들 뭐 발표했어?").asked_act == "발표"
    assert analyse("IEA 회의에서 무엇을 논의했나").asked_act == "논의"
    assert analyse("무슨 공원 견학했어?").asked_act == ""  # the park is asked, not the visit
    assert analyse("거기서 뭐 했어?").asked_act == ""
    assert analyse("요코하마에서 서울시 발표 주제").asked_act == "발표"  # asked through its content
    assert analyse("IEA 회의 논의 내용").asked_act == "논의"
    assert analyse("호주에서 참관한 박람회 이름이 뭐야?").named_thing == "박람회"
    assert analyse("소각시설의 명칭은?").asks_thing_name
    assert not analyse("광저우 출장자 이름이 뭐야?").asks_thing_name  # someone's name
    assert analyse("박원순 시장 인도 갔을 때 델리 주총리 누구 만났어?").asked_title == "주총리"  # not 시장
    assert analyse("트립닷컴 CEO 이름 뭐야").asked_title == "CEO"


def test_two_trips_compared_by_a_measure_ask_that_measure_of_each(hash_qa):
    analyse = hash_qa.searcher.analyse
    assert analyse("부산시 싱가포르랑 경기도 싱가포르 출장 인원 비교").answer_type == "count"
    assert analyse("울산 트램 연수랑 광명 교통 연수 뭐가 더 길어").answer_type == "duration"
    assert analyse("제주 두 출장 기간 차이").answer_type == "duration"


def test_initials_typed_in_an_english_question_are_read_as_the_reports_write_them(hash_qa):
    """A Korean report writes IEA and OECD as the question does; the English words it does not."""
    native = hash_qa.searcher.analyse("Who headed the IEA division at the OECD meeting?").native_terms
    assert "iea" in native and "oecd" in native and "division" not in native


def test_a_question_word_before_a_noun_asks_which_one_of_it(hash_qa):
    analyse = hash_qa.searcher.analyse
    asked = analyse("요코하마 출장 어디 미술관들 갔어?")
    assert asked.answer_type == "what" and asked.asked_about[0] == "미술관"  # which museums, not where
    assert analyse("요코하마 출장 어디로 갔어?").answer_type == "where"
    assert analyse("요코하마 출장 어디 갔어?").answer_type == "where"
    assert analyse("요코하마 출장 어디 도시 갔어?").answer_type == "where"  # a kind of place
    assert analyse("서울시 공무원들 어디 출장 갔어?").answer_type == "where"  # the trip itself


def test_the_places_gone_to_asked_as_a_noun_ask_where(hash_qa):
    analyse = hash_qa.searcher.analyse
    gone = analyse("서울시 출장 간 나라")
    assert gone.answer_type == "where" and gone.asked_about[0] == "나라"
    assert analyse("서울시가 방문한 도시들을 알려주세요").answer_type == "where"
    # What happened at the place visited is no "where".
    assert analyse("요코하마에서 방문한 곳에서 뭐 배웠어?").answer_type == "what"


def test_a_cue_inside_another_word_asks_nothing(hash_qa):
    analyse = hash_qa.searcher.analyse
    # 준비용 is 준비 + 용 (for): it holds 비용 but asks no price; 출장비용 is 출장 + 비용 and does.
    assert analyse("연수 무슨 행사 준비용이야?").answer_type == "what"
    assert analyse("광저우 출장비용 얼마야?").answer_type == "cost"


def test_why_a_trip_was_made_asks_its_purpose(hash_qa):
    analyse = hash_qa.searcher.analyse
    assert analyse("대만 견학은 왜 간 거야?").asks_purpose
    assert analyse("광저우 출장 목적이 뭐야").asks_purpose
    assert analyse("독일에는 뭐 하러 갔어?").asks_purpose
    # The purpose qualifying what is asked is not asked itself.
    assert not analyse("카자흐스탄 출장의 목적이 된 국제대회 이름이 뭔가요?").asks_purpose
    # How the question asks is no topic a report must have (이유 is in no report).
    assert "이유" not in analyse("독일 출장 학생들 데리고 간 이유").topic_terms


def test_went_there_is_read_as_going(hash_qa):
    analyse = hash_qa.searcher.analyse
    # Kiwi reads "광저우 간" as 간/NNB (between); after a place alone it is the verb: the travellers' stay.
    went = analyse("광저우 간 서울시 직원 몇 박 했어")
    assert went.about_trip and went.asks_trip_fact() and "간" not in went.terms
    assert not analyse("한국과 일본 간 협력 사례").about_trip
    # "무슨 얘기 나왔어": what was said; no report calls it 얘기.
    assert "얘기" not in analyse("IEA 협의에서 무슨 얘기 나왔어").terms


def test_an_abbreviation_is_the_corpus_word_it_shortens():
    from qa.query import CorpusStats

    text = "홍콩과학기술대학교 광저우 캠퍼스를 방문했다. 독일에서는 괴테대학교를 찾았다. 국토교통부와 국토연구원"
    stats = CorpusStats(df={"광저우": 1, "캠퍼스": 1, "독일": 1, "방문": 1}, passages=3, text=text.lower())
    assert stats.abbreviated("홍콩과기대") == "홍콩과학기술대학교"
    assert stats.abbreviated("독일서") == "독일에서는"  # 독일서 is 독일에서 (its content word, 독일, is the term)
    assert stats.abbreviated("국토연") == ""  # 국토교통부? 국토연구원? no reading
    assert stats.abbreviated("광저") == ""  # two syllables are too few


def test_a_country_kiwi_splits_in_context_is_the_country(hash_qa):
    analyse = hash_qa.searcher.analyse
    # Kiwi reads "동구 대만" as 대/NNB + 만/JX.
    assert "대만" in analyse("동구 대만 견학 왜 갔어?").names
    assert "가나" not in analyse("일본 가나요?").names


def test_the_names_of_the_officials_who_went_ask_for_the_travellers(hash_qa):
    analyse = hash_qa.searcher.analyse
    for question in ("도쿄 연수 간 공무원 3명 이름 알려줘", "광저우 출장 간 직원들 이름이 뭐야?"):
        query = analyse(question)
        assert query.answer_type == "who" and query.asks_names and query.asks_trip_fact()
    # Someone met is not a traveller.
    assert not analyse("광저우에서 면담한 사람 이름 알려줘").asks_trip_fact()


def test_evidence_weights_keep_the_direction_they_are_given():
    # "odd" goes up with answerability in these rows, but its sign says it may only lower the
    # probability: an unconstrained fit would weight it positively; a constrained one leaves it at 0.
    from qa.calibration import fit_logistic

    rng = np.random.default_rng(2)
    rows, labels = [], []
    for i in range(400):
        answerable = i % 3 != 0
        rows.append({"cover": float(rng.normal(0.7 if answerable else 0.3, 0.2)),
                     "odd": float(rng.normal(0.6 if answerable else 0.4, 0.2))})
        labels.append(answerable)
    free = fit_logistic(rows, labels, ("cover", "odd"), "hash", "synthetic")
    signed = fit_logistic(rows, labels, ("cover", "odd"), "hash", "synthetic", signs={"cover": +1, "odd": -1})
    assert dict(zip(free.features, free.coef))["odd"] > 0.1
    coef = dict(zip(signed.features, signed.coef))
    assert coef["odd"] <= 0 and coef["cover"] > 0.5
    assert signed.probability({"cover": 0.0, "odd": 0.5}) < 0.2


def test_sentence_ranking_is_fitted_within_each_question():
    # Feature "a" ranks the right sentence first within every question, but its level shifts from
    # question to question; "b" is noise. A pairwise fit must weight "a" and still give probabilities.
    from qa.calibration import fit_ranking

    rng = np.random.default_rng(1)
    rows, labels, groups = [], [], []
    for g in range(60):
        offset = rng.normal(0, 3)
        for i in range(8):
            right = i == 0
            rows.append({"a": offset + (1.0 if right else 0.0) + rng.normal(0, 0.2), "b": float(rng.normal())})
            labels.append(right)
            groups.append(str(g))
    model = fit_ranking(rows, labels, groups, ("a", "b"), "hash", "synthetic")
    coef = dict(zip(model.features, model.coef))
    assert coef["a"] > 3 * abs(coef["b"])
    firsts = 0
    for g in range(60):
        members = [i for i, x in enumerate(groups) if x == str(g)]
        best = max(members, key=lambda i: model.probability(rows[i]))
        firsts += labels[best]
    assert firsts >= 54
    assert all(0.0 < model.probability(r) < 1.0 for r in rows)


def test_withheld_variants_take_the_answer_away(hash_qa):
    from eval.run import Question
    from qa.calibration import withheld_variants

    q = Question(id="q", question="ASCC 회의는 어디서 열렸어?", sources=[ASCC], keys=[["요코하마"]])
    retrieval = hash_qa.searcher.search(q.question)
    variants = withheld_variants(hash_qa, q, retrieval, hash_qa.proposal(retrieval)[0])
    assert variants
    for r, withheld in variants:
        if not withheld:  # the report left out of the search
            assert all(h.chunk.source != ASCC for h in r.hits)
        else:  # the report is there, its sentences with the key phrase are not
            assert all("요코하마" in w.replace(" ", "") for w in withheld)
            answer, features = hash_qa.proposal(r, exclude=withheld)
            assert answer is None or all("요코하마" not in s.text for s in answer.segments if answer.mode == "extractive")


def test_spelling_is_corrected_against_the_corpus(hash_qa):
    q = hash_qa.searcher.analyse("요꼬하마에서 뭘 발표했어?")
    assert "요코하마" in q.terms and q.corrections


def test_a_misspelt_word_kiwi_splits_is_corrected_as_a_whole():
    from qa.query import CorpusStats, analyse

    stats = CorpusStats(df={"스페인": 3, "출장": 5}, passages=10)
    q = analyse("스펜인 출장 며칠이야?", stats)  # Kiwi: 스펜 + 이 + ㄴ
    assert "스페인" in q.terms and not q.unknown and "스페인 출장" in q.corrected


def test_two_nouns_typed_together_are_read_as_the_two_words():
    from qa.query import CorpusStats, analyse

    stats = CorpusStats(df={"대만": 3, "견학": 5, "우리": 2, "나라": 4, "원칙": 2}, passages=10)
    q = analyse("환경미화원 대만견학 뭐 배워왔대", stats)  # Kiwi reads 대만견학 as one unknown noun here
    assert {"대만", "견학"} <= set(q.terms) and "대만견학" not in q.unknown and "대만 견학" in q.corrected
    q = analyse("대만견학서 뭐 배웠어", stats)  # ... and 대만견학서 too, a particle typed onto it
    assert {"대만", "견학"} <= set(q.terms) and not q.unknown
    # 우리 is a pronoun: 우리나라 (one noun to Kiwi here) is one word, not 우리 + 나라.
    assert "우리" not in analyse("아이슬란드에서 우리나라 지자체 중 처음으로 참가했다는 회의", stats).terms


def test_a_name_whose_first_syllable_kiwi_reads_as_a_determiner_is_the_corpus_word():
    from qa.query import CorpusStats, analyse

    # Kiwi: "이클레이가" -> 이/MM ("this") + 클레이, where the reports write 이클레이 as one word.
    stats = CorpusStats(df={"이클레이": 3, "클레이": 1, "가입": 4}, passages=10)
    assert analyse("이클레이가 뭐하는 데야", stats).terms[0] == "이클레이"
    assert "이클레이" not in analyse("이 클레이 뭐야", stats).terms  # a determiner apart is still one


@pytest.mark.e2e
def test_a_name_kiwi_splits_at_a_question_start_is_found(seed_qa):
    answer = seed_qa.ask("이클레이가 뭐하는 데야")  # was refused: only "클레이" was searched for
    assert not answer.abstained and answer.citations[0].source == INDIA_NEWS and "ICLEI" in answer.answer


@pytest.mark.e2e
def test_a_body_named_as_news_names_its_city_is_named(seed_qa):
    """"서울시는 한중일 세미나에서 뭘 소개했대": the article writes "서울, 도쿄, 베이징", "서울의 스마트시티 통합
    플랫폼", never 서울시; the question was refused as naming a body the article does not."""
    answer = seed_qa.ask("서울시는 한중일 세미나에서 뭘 소개했대")
    assert not answer.abstained and answer.citations[0].source == TCS_NEWS
    assert "서울, 도쿄, 베이징" in answer.answer
    stats = seed_qa.searcher.stats
    assert stats.names_written_in("서울시", "서울의 스마트시티 통합 플랫폼")
    assert not stats.names_written_in("서울시", "서울대학교 연구진")  # a word of its own, not a longer one


def test_words_typed_together_are_read_as_the_corpus_writes_them():
    from qa.query import CorpusStats, analyse

    # Three words typed as one: the phrase the reports write, when they write it so ...
    stats = CorpusStats(df={"글로벌": 2, "인문": 2, "리더": 3, "학생": 4}, passages=10, text="'글로벌 인문 리더' 프로그램에 선발된 학생")
    assert stats.spaced("글로벌인문리더") == "글로벌 인문 리더" and stats.spaced("인문학생") == ""
    assert {"글로벌", "인문", "리더"} <= set(analyse("글로벌인문리더 어디 갔어?", stats).terms)  # each word a term
    # ... or else the fewest corpus nouns it is made of.
    stats = CorpusStats(df={"장기": 2, "근속": 2, "연수": 5}, passages=10)
    assert stats.split_compound("장기근속연수") == ("장기", "근속", "연수")
    assert stats.split_compound("근속연수자") == ()  # 자 is no corpus noun
    q = analyse("장기근속연수 어디로 갔어?", stats)
    assert {"장기", "근속", "연수"} <= set(q.terms) and not q.unknown


def test_an_acronym_read_out_in_hangul_is_the_acronym():
    from qa.query import CorpusStats, analyse, spelled_letters

    assert spelled_letters("엠오유") == "MOU" and spelled_letters("에이아이") == "AI" and spelled_letters("시장") == ""
    stats = CorpusStats(df={"mou": 3, "여행사": 2}, passages=10)
    q = analyse("어느 여행사랑 엠오유 했어?", stats)
    assert "mou" in q.terms and not q.unknown
    # Only an acronym the corpus uses: letters inside English words ("oe" of "does") are none.
    assert "oe" not in analyse("오이 얘기 있어?", CorpusStats(df={"얘기": 1}, passages=10, text="what does it say")).terms
    # Two syllables are a word, not letters, even when the corpus has the acronym: 이유 (reason) is no EU.
    assert "eu" not in analyse("톨레도 시청을 방문한 이유는?", CorpusStats(df={"eu": 4, "시청": 2}, passages=10)).terms


@pytest.mark.parametrize("question, kind", [("자카르타 시청은 며칠날 갔어?", "when"), ("시청 몇 일에 방문했어?", "when"),
                                            ("며칠 갔어?", "duration"), ("며칠에 걸쳐 다녀왔어?", "duration"),
                                            ("두 출장은 기간이 각각 얼마였나?", "duration"), ("인원은 얼마야?", "count"),
                                            ("경비가 얼마야?", "cost")])
def test_which_day_is_a_date_and_how_many_days_a_length(question, kind):
    from qa.korean import kiwi
    from qa.query import answer_types_of

    assert answer_types_of(question, kiwi().tokenize(question)) == [kind]  # 얼마 after 기간 is no price


def test_a_noun_misspelt_as_it_sounds_is_corrected_and_other_words_are_not():
    from qa.query import CorpusStats, analyse

    stats = CorpusStats(df={"트램": 3, "재일": 2, "요금": 2}, passages=10)
    assert "트램" in analyse("트렘 요금 얼마야?", stats).terms  # ㅔ and ㅐ sound alike
    assert "재일" not in analyse("제일 비싼 요금", stats).terms  # 제일 is an adverb, not a misspelt noun


@pytest.mark.parametrize("glued, noun", [("연수서", "연수"), ("연수랑", "연수"), ("박물관엔", "박물관")])
def test_a_particle_typed_onto_a_noun_leaves_the_noun(glued, noun):
    from qa.query import CorpusStats, analyse

    stats = CorpusStats(df={noun: 3, "공원": 4, "방문": 4}, passages=10)
    query = analyse(f"파리 {glued} 공원 어디 방문했어?", stats)
    assert noun in query.terms and glued not in query.unknown


@pytest.mark.parametrize("question, left_out", [
    ("파리에서 IEA 말고 어디 또 갔어?", ("iea",)),
    ("일본 빼고 어디 갔어?", ("일본",)),
    ("요코하마를 제외한 방문 도시는?", ("요코하마",)),
    ("OECD 외에 어디 방문했어?", ("oecd",)),
    ("인제군 애들 축구 말고 뭐 했어?", ()),  # a common noun is the topic, not a name left out
])
def test_a_word_left_out_is_no_term_the_answer_must_hold_nor_a_name(question, left_out):
    from qa.query import CorpusStats, analyse

    stats = CorpusStats(df={"파리": 3, "iea": 2, "oecd": 3, "일본": 3, "요코하마": 2, "방문": 4, "도시": 4, "축구": 3}, passages=10)
    query = analyse(question, stats)
    assert query.left_out == left_out
    assert not set(left_out) & set(query.names + query.proper_nouns)
    assert not {"말", "빼", "제외", "외"} & set(query.terms)  # the words that leave out are no terms


def test_a_time_of_day_is_asked_by_몇_시_not_a_date_nor_hours(hash_qa):
    analyse = hash_qa.searcher.analyse
    for question in ("파리 출장 때 인천에서 몇 시에 출발했어?", "리셉션 몇시야", "What time did the reception start?"):
        query = analyse(question)
        assert query.answer_type == "when" and query.asks_time and not query.asks_trip_fact(), question
    assert analyse("라운드테이블 몇 시간 했어?").answer_type != "when"  # hours, not a time of day
    assert not analyse("파리 출장 언제 출발했어?").asks_time


@pytest.mark.e2e
def test_the_topic_asked_for_by_its_attribute_noun_is_answered(seed_qa):
    """"주제가 뭐였어?": 주제 names what is asked, like 이름 and 제목; the Guangzhou report never writes the
    word, and the question was refused for it."""
    for question in ("광저우 세미나 주제가 뭐였어?", "광저우 세미나 주제가 머였음"):
        answer = seed_qa.ask(question)
        assert not answer.abstained and answer.citations[0].source == GUANGZHOU, question
        assert "탄소중립" in answer.answer
    assert "주제" not in seed_qa.searcher.analyse("광저우 세미나 주제가 뭐였어?").topic_terms


@pytest.mark.e2e
def test_sentences_about_what_is_left_out_are_not_the_answer(seed_qa):
    """"IEA 말고 어디 또 갔어?": not the IEA meeting (its section's lines say "Internal Energy Agency")."""
    answer = seed_qa.ask("파리에서 IEA 말고 어디 또 갔어?")
    assert not answer.abstained and {c.source for c in answer.citations} == {OECD}
    assert "IEA" not in answer.answer and "Internal Energy Agency" not in answer.answer
    assert all("IEA" not in c.section for c in answer.citations)


@pytest.mark.parametrize("spoken, written", [("빠리", "파리"), ("도꾜", "도쿄"), ("까페", "카페")])
def test_a_foreign_name_spelt_as_spoken_with_tense_consonants_is_the_corpus_word(spoken, written):
    from qa.query import CorpusStats, analyse

    stats = CorpusStats(df={written: 3, "출장": 5, "방문": 4}, passages=10)
    assert written in analyse(f"{spoken} 출장 때 어디 방문했어?", stats).terms


def test_a_long_loanword_in_another_spelling_is_the_corpus_word():
    from qa.query import CorpusStats, analyse

    stats = CorpusStats(df={"라스베이거스": 2, "바르셀로나": 3, "출장": 5}, passages=10)
    # Longer words differ in more letters between spellings (라스베가스: 이 left out, 가 for 거).
    assert "라스베이거스" in analyse("라스베가스 출장 몇명 갔어", stats).terms
    assert "바르셀로나" in analyse("바로셀로나 출장", stats).terms


def test_a_place_asked_is_a_name_not_the_common_nouns_for_places():
    from qa.extractive import type_evidence
    from qa.query import CorpusStats, analyse

    where = type_evidence(analyse("ASCC 어디서 열렸어?", CorpusStats(df={"ascc": 2}, passages=10)))
    assert where.search("요코하마시 퍼시피코 컨벤션 센터를 찾았다") and where.search("중국 광저우시 방문")
    assert not where.search("ASCC에 참석한 다양한 도시 및 국제기구와 협력했다")
    assert not where.search("세계 각국 대표가 모였다")


def test_a_length_asked_as_a_limit_is_answered_by_one():
    """"며칠 안에 공급해?" asks a length: "12일 이내" answers it, as "5일간" does."""
    from qa.extractive import TYPE_VALUE, type_evidence
    from qa.query import CorpusStats, analyse

    q = analyse("송어 양식장 물고기 몇일안에 공급한다고햇지", CorpusStats(df={"송어": 2, "공급": 3}, passages=10))
    assert q.answer_type == "duration"
    for written in ("지역 레스토랑에 12일 이내 직접 공급한다", "귀국 후 90일 이내에 보고회를 연다", "3일 안에 배송된다"):
        assert type_evidence(q).search(written) and TYPE_VALUE["duration"].search(written), written
    assert not type_evidence(q).search("매주 3일 운영한다")


@pytest.mark.e2e
def test_an_english_question_asks_its_topic_and_act_as_a_korean_one_does(seed_qa):
    """"What was the theme …" is answered by the line the report labels 주제, "What did Seoul present …" by
    the sentence saying what was presented (발표하며), as "주제가 뭐야", "뭐 발표했어" are."""
    theme = seed_qa.ask("What was the theme of the 3rd OECD smart city roundtable?")
    assert not theme.abstained and theme.citations[0].source == OECD
    assert theme.segments[0].text.startswith("주제") and "net-zero" in theme.segments[0].text
    presented = seed_qa.ask("What did Seoul present at the CityNet seminar in Yokohama?")
    assert not presented.abstained and "2050 탄소중립 전략" in presented.answer
    analyse = seed_qa.searcher.analyse
    assert analyse("What did they discuss with the OECD?").asked_act == "논의"
    assert analyse("Which agreement did they sign?").asked_act == "체결"
    assert analyse("Who did they meet?").asked_act == ""


def test_a_count_is_answered_in_the_unit_the_question_counts_in():
    from qa.extractive import type_evidence
    from qa.query import CorpusStats, analyse

    stats = CorpusStats(df={"트램": 3, "출퇴근": 2}, passages=10)
    q = analyse("트램 출퇴근때 몇분마다 다녀?", stats)
    assert (q.answer_type, q.counter) == ("count", "분")
    assert type_evidence(q).search("출퇴근 시간에는 5분 간격으로 운행한다")
    people = analyse("몇 명 갔어?", stats)
    assert people.counter == "명" and not type_evidence(people).search("5분 간격으로 운행한다")


def test_an_english_acronym_is_a_country_code_only_for_a_country_the_reports_name():
    from qa.query import CorpusStats

    stats = CorpusStats(df={"미국": 3}, passages=10, text="미국 출장")
    assert stats.korean_name("US") == "미국" and stats.korean_name("AI") == ""


def test_a_noun_cue_joined_to_another_is_asked_too():
    from qa.query import CorpusStats, analyse

    stats = CorpusStats(df={"인원": 3, "예산": 2, "기간": 2}, passages=10)
    q = analyse("출장 인원이랑 예산 얼마야", stats)
    assert (q.answer_type, q.also_asks) == ("count", ("cost",))
    assert analyse("출장 기간 예산 얼마야", stats).answer_type == "cost"  # 기간 only says which budget


def test_a_question_about_trips_of_two_organisations_names_each_trip():
    from qa.query import CorpusStats, analyse

    stats = CorpusStats(df={"출장": 3, "도시": 2}, passages=10,
                        organisations=["부산광역시", "경기도 동두천시", "경기도 광명시"])
    q = analyse("부산시 상하이 출장은 어디랑 MOU 맺었고, 동두천시 중국 방문단은 어느 도시들 갔대?", stats)
    assert q.several and [words for words, _ in q.trips] == [("부산광역시",), ("동두천시", "중국")]
    assert q.trips[1][1] == "동두천시 중국 방문단은 어느 도시들 갔대?"  # each clause asks of its own trip
    shared = analyse("부산시 출장이랑 동두천시 출장 각각 며칠이야?", stats)
    assert all(asked == shared.text for _, asked in shared.trips)  # one question asked of both
    # One organisation's trips are told apart by their countries, or not at all.
    assert analyse("광명시 인도네시아 연수랑 광명시 핀란드 출장 각각 며칠?", stats).trips
    assert not analyse("광명시 연수랑 광명시 출장 각각 며칠?", stats).trips


def test_answers_are_typed_segments_with_citations(hash_qa):
    answer = hash_qa.ask("ASCC 출장 며칠 갔어?")
    assert answer.segments and all(s.citations for s in answer.segments)
    assert {n for s in answer.segments for n in s.citations} == {c.n for c in answer.citations}
    assert answer.to_json()["segments"][0]["citations"] == [1]
    assert answer.mode == "facts" and "3박 4일" in answer.answer


def test_the_home_country_never_names_the_trip():
    from qa.query import CorpusStats, analyse

    stats = CorpusStats(df={"대한민국": 1, "스페인": 3, "성남시": 2, "처음": 2, "축제": 1}, passages=10,
                        organisations=["경기도 성남시"])
    for question in ("성남시 스페인 출장팀 한국 언제 들어왔어?", "성남시가 우리나라 지자체 중 처음 간 스페인 축제는?"):
        query = analyse(question, stats)
        assert query.names == ("성남시", "스페인") and not query.unknown, question


def test_an_organisation_kiwi_reads_as_other_words_is_still_named():
    from qa.query import CorpusStats, analyse

    stats = CorpusStats(df={"출장": 5}, passages=10, organisations=["강원특별자치도 인제군", "강원특별자치도 삼척시"])
    query = analyse("삼척시랑 인제군 해외 교류 출장 각각 어디야?", stats)  # Kiwi: 인제/MAG (now) + 군
    assert {"삼척시", "인제군"} <= set(query.names)


def test_departure_and_return_are_trip_dates(hash_qa):
    for question in ("ASCC 출장 귀국일은?", "ASCC 출장 출발 날짜", "ASCC 출장 도착이 언제야?"):
        answer = hash_qa.ask(question)
        assert answer.mode == "facts" and "3박 4일" in answer.answer, question


def test_who_went_is_answered_with_the_organisation_when_the_report_names_no_one(hash_qa):
    answer = hash_qa.ask("ASCC 출장 누가 갔어?")
    assert answer.mode == "facts" and "서울특별시" in answer.answer and "이름은 없습니다" in answer.answer


@pytest.mark.parametrize("question", ["가상군 독일 가서 뭐 했어?", "가상군 독일 출장 어땠어?", "가상군 독일 가서 누구 만났어?"])
def test_what_happened_or_whom_they_met_is_never_answered_with_a_line_the_trip_facts_come_from(hash_settings, tmp_path, question):
    qa = qa_over(hash_settings, tmp_path, {"page.txt": (
        "독일\n\n청년 창업 정책 벤치마킹\n\n경상북도 가상군\n\n출발일: 2025-08-21\n\n도착일: 2025-08-29\n\n"
        "여행 기간: 8박 9일\n\n인원: 3명\n\n📝 요약\n"
        "방문단은 독일 뮌헨 시청을 방문하여 청년 창업 지원 정책과 창업 공간 운영 방식을 청취했습니다.\n"
        "이어 현지 창업 기업들과 간담회를 갖고 가상군 청년 정책에 적용할 과제를 정리했습니다.\n")})
    answer = qa.ask(question)
    first = answer.segments[0].text
    assert not answer.abstained and ("청년 창업" in first or "간담회" in first), first


@pytest.mark.parametrize("question", ["가상시 인도네시아 연수 목적이 뭐야?", "가상시 자카르타 연수 왜 간 거야"])
def test_the_trip_purpose_asked_is_the_one_its_record_states_not_a_visits(hash_settings, tmp_path, question):
    qa = qa_over(hash_settings, tmp_path, {"page.txt": (
        "인도네시아\n\n장기근속 국외연수\n\n경기도 가상시\n\n출발일: 2025-09-12\n\n도착일: 2025-09-19\n\n"
        "여행 기간: 7박 8일\n\n인원: 1명\n\n📝 요약\n"
        "방문단은 자카르타의 국립박물관과 자카르타 시청을 방문하여 문화유산 보존관리 현황을 살펴보았습니다. "
        "이번 연수의 목적은 장기근속자의 혁신 역량을 함양하여 시정 발전에 기여하는 것이었습니다.\n"
        "국립박물관 방문은 9월 15일에 이루어졌으며, 유물 보존 방안을 벤치마킹하는 것이 주된 목적이었습니다.\n"
        "자카르타 시청 방문은 시정 활동을 벤치마킹하기 위한 것이었습니다.\n")})
    answer = qa.ask(question)
    assert not answer.abstained and answer.segments[0].text.startswith("이번 연수의 목적은 장기근속자의"), answer.answer


def test_names_listed_before_the_title_they_share_answer_who_and_a_value_asked_leads(hash_settings, tmp_path):
    qa = qa_over(hash_settings, tmp_path, {"article.txt": (
        "가상구의회 국외출장 조례 통과\n\n"
        "가상구의회는 국외출장 이후 주민보고회 개최를 의무화하는 조례가 상임위원회를 통과했다고 밝혔다.\n"
        "김가온·박나래·최다솜 총 3명의 의원이 공동 발의한 조례안의 핵심은 주민보고회 의무 개최다.\n"
        "의원들은 지난 7월 일본 후쿠오카 출장을 다녀왔다.\n"
        "가상구의회는 이번 출장에 예산 1200만원을 썼다.\n")})
    who = qa.ask("가상구의회 조례 발의한 의원 누구야?")
    assert not who.abstained and "김가온" in who.answer and "최다솜" in who.answer, who.answer
    # The sentence holding the amount asked opens the answer, not the overview before it.
    cost = qa.ask("가상구의회 후쿠오카 출장 예산 얼마야?")
    assert "1200만원" in cost.segments[0].text, cost.answer


def test_a_news_articles_day_of_the_month_answers_when(hash_settings, tmp_path):
    qa = qa_over(hash_settings, tmp_path, {"article.txt": (
        "가상시 협력 사무국, 도시 포럼 개최\n\n"
        "가상시 협력 사무국은 5일 시민 참여를 주제로 도시 포럼을 개최했다.\n"
        "사무국은 2011년 9월 설립됐으며 도시 간 협력 사업을 맡고 있다.\n"
        "포럼에는 지방정부와 기업 관계자들이 참여했다.\n")})
    answer = qa.ask("가상시 도시 포럼 언제 했어?")
    assert not answer.abstained and "5일" in answer.segments[0].text, answer.answer


@e2e
def test_a_korean_question_about_a_name_in_latin_letters_is_answered_from_the_report_naming_them(seed_qa):
    answer = seed_qa.ask("Danil Kerimi는 누구야?")  # mostly Latin letters, but a Korean question
    assert not answer.abstained and answer.citations[0].source == OECD and "WeGo" in answer.segments[0].text, answer.answer


@pytest.mark.parametrize("question, ordinal", [("라운드테이블 몇 번째였어?", True), ("총회 몇 차였어?", True),
                                               ("축제 몇 회째였지?", True), ("공진회 몇회차 대회였어", True), ("과정 몇 기였어?", True),
                                               ("몇 차례 방문했어?", False), ("몇 명 갔어?", False), ("몇 회 열렸어?", False)])
def test_which_edition_is_asked_apart_from_how_many(hash_qa, question, ordinal):
    query = hash_qa.searcher.analyse(question)
    assert query.answer_type == "count" and query.asks_ordinal == ordinal


@e2e
@pytest.mark.parametrize("question", ["OECD 라운드테이블 몇 번째였어?", "국토연구원 OECD 라운드테이블 출장 몇 차였어?"])
def test_which_edition_is_answered_by_an_ordinal_not_a_head_count(seed_qa, question):
    answer = seed_qa.ask(question)  # "제3차 OECD 스마트시티 라운드 테이블", beside "총 7명" and the record's 1 traveller
    assert not answer.abstained and answer.mode != "facts" and "제3차" in answer.segments[0].text, answer.answer


@e2e
def test_a_count_in_native_korean_numerals_answers_how_many(seed_qa):
    answer = seed_qa.ask("한중일 세미나는 세션이 몇 개였어?")  # "세 가지 세션으로 구성됐다", beside "400여명"
    assert not answer.abstained and "세 가지 세션" in answer.segments[0].text, answer.answer


@pytest.mark.parametrize("travellers, held", [("의원 다섯 명이", True), ("의원들이", False)])
def test_a_traveller_count_in_native_korean_numerals_is_not_said_to_be_missing(hash_settings, tmp_path, travellers, held):
    """"다섯 명" is a number of people as "5명" is: the trip's report holds its traveller count. "대한 명칭"
    holds none ("한 명" inside another word), and the count is then said to be missing."""
    qa = qa_over(hash_settings, tmp_path, {"article.txt": (
        "가상군 의원 대만 연수\n\n"
        f"가상군의회 {travellers} 대만 타이베이의 쓰레기 정책을 살펴보고 돌아왔다.\n"
        "연수단은 소각장 운영에 대한 명칭 변경 사례도 들었다.\n")})
    answer = qa.ask("가상군의회 대만 연수 몇 명 갔어?")
    if held:
        assert not answer.abstained and "다섯 명" in answer.answer, answer.answer
    else:
        assert answer.abstained and "인원" in answer.answer, answer.answer


def test_a_count_that_no_sentence_answering_best_gives_is_said_to_be_missing(hash_settings, tmp_path):
    qa = qa_over(hash_settings, tmp_path, {"article.txt": (
        "가상도 관광 설명회 출장\n\n"
        "가상도 방문단은 상하이에서 현지 여행사를 상대로 관광 설명회를 열었다.\n"
        "설명회에 참가한 현지 여행사들과 단체 관광 상품 개발 방안을 논의했다.\n"
        "가상도는 현지 여행사 설명회에서 항공 노선 확대를 제안했다.\n"
        "여행사 설명회 협력은 앞으로도 이어질 예정이다.\n"
        "틈틈이 박물관 2곳도 둘러봤다.\n")})
    answer = qa.ask("가상도 상하이 설명회에 현지 여행사 몇 곳 참가했어?")
    assert answer.abstained and "그 수는 나와 있지 않습니다" in answer.answer, answer.answer


def test_the_places_of_a_trip_asked_as_a_list_include_the_sentence_listing_most_of_them(hash_settings, tmp_path):
    qa = qa_over(hash_settings, tmp_path, {"page.txt": (
        "일본\n\n정원 관광 벤치마킹\n\n충청북도 가상군\n\n출발일: 2025-08-21\n\n도착일: 2025-08-25\n\n"
        "여행 기간: 4박 5일\n\n인원: 5명\n\n📝 요약\n"
        "방문단은 일본 정원 견학으로 시치쿠 가든과 토가치 힐즈에 간 곳마다 정원 운영 전략을 살펴보았습니다.\n"
        "마나베 정원, 우에노팜, 팜토미타, 사계채 언덕, 시치쿠 가든: 휴경지를 테마 공간으로 바꾼 사례입니다.\n")})
    for question in ("가상군 일본 정원 견학 간 곳들 쭉 알려줘", "가상군 일본 출장 어디 방문했어?"):  # the sites visited
        answer = qa.ask(question)
        assert not answer.abstained and "팜토미타" in answer.answer and "토가치 힐즈" in answer.answer, answer.answer


def test_a_question_naming_only_a_country_or_a_body_is_answered_from_its_trips_saying_how_many(hash_settings, tmp_path):
    def trip(org: str, country: str, city: str, did: str) -> str:
        return (f"{country}\n\n{city} 관광 정책 벤치마킹\n\n{org}\n\n출발일: 2025-09-01\n\n도착일: 2025-09-04\n\n"
                f"여행 기간: 3박 4일\n\n인원: 2명\n\n📝 요약\n방문단은 {country} {city}에서 {did}\n")
    qa = qa_over(hash_settings, tmp_path, {
        "a.txt": trip("충청북도 가상군", "일본", "오사카", "시청을 방문하여 관광 안내 체계를 살펴보았습니다."),
        "b.txt": trip("전라남도 나라군", "일본", "도쿄", "도시재생 지구를 견학하고 주민 참여 방식을 배웠습니다."),
        "c.txt": trip("충청북도 가상군", "중국", "상하이", "관광 설명회를 열고 여행사와 협약을 맺었습니다."),
        # An article on where officials go at large names Japan more often than either report, but is
        # no body's trip there.
        "news.txt": ("공무원 해외출장 분석\n\n지방 공무원들은 지난해 일본 중국 미국 일본 일본 등으로 출장을 갔다. "
                     "기자 입력 2018. 12. 19. 글자크기 설정 일본 출장이 가장 많았다.\n"),
    })
    for question in ("일본 가서 뭐 했어?", "일본 출장 어땠어?"):
        answer = qa.ask(question)
        assert not answer.abstained and {c.source for c in answer.citations} <= {"a.txt", "b.txt"}, answer.answer
        assert "일본 출장은 2건" in answer.notice, answer.notice
    # Something else named (a city) tells which trip: no notice of the others.
    assert "출장은 2건" not in qa.ask("일본 오사카 가서 뭐 했어?").notice
    # A body named alone has its own trips.
    answer = qa.ask("가상군 출장 뭐 했어?")
    assert {c.source for c in answer.citations} <= {"a.txt", "c.txt"} and "가상군 출장은 2건" in answer.notice, answer.notice


def test_a_place_is_named_by_any_of_its_names_and_a_region_by_the_trips_countries():
    from qa.lexicon import place_named

    assert place_named("타이페이", "대만 타이베이에서 열린 박람회")  # another spelling of the city
    assert place_named("유럽", "프랑스 파리를 방문했다")  # a region by one of its countries
    assert place_named("유럽", "", countries=["프랑스"])
    # A trip to Japan whose report mentions Europe is no trip to Europe.
    assert not place_named("유럽", "유럽 순환도시 선언을 벤치마킹", countries=["일본"])
    assert not place_named("시드니", "호주 멜버른")


def test_a_sentence_the_document_breaks_off_in_is_shown_as_cut(hash_settings, tmp_path):
    # Disclosure pages sometimes end mid-sentence (the site cut the summary short).
    qa = qa_over(hash_settings, tmp_path, {"page.txt": (
        "독일\n\n청년 창업 정책 벤치마킹\n\n경상북도 가상군\n\n📝 요약\n"
        "방문단은 뮌헨 시청을 방문하여 청년 창업 지원 정책을 청취했습니다.\n"
        "이어 현지 창업 기업들과 간담회를 갖고 청년 정책에 적용할 과제를 직접 정리하")})
    texts = [s.text for s in qa.ask("가상군 독일 창업 기업 간담회 뭐 했어?").segments]
    cut = [t for t in texts if "간담회" in t]
    assert cut and cut[0].endswith("정리하…"), texts
    assert all(t.endswith("…") == (t in cut) for t in texts)  # whole sentences are shown as they are


def test_refusal_model_fit_keeps_false_refusals_within_the_bound():
    rng = np.random.default_rng(0)
    rows, labels = [], []
    for i in range(600):
        answerable = i % 4 != 0
        values = {f: float(rng.normal()) for f in FEATURES}
        values["document_coverage"] = float(rng.normal(0.8 if answerable else 0.3, 0.2))
        rows.append(values)
        labels.append(answerable)
    model = fit_refusal_model(rows, labels, "hash", "synthetic", max_false_refusal=0.05)
    refused = [model.below(r) for r in rows]
    false = sum(r for r, a in zip(refused, labels) if a) / sum(labels)
    caught = sum(r for r, a in zip(refused, labels) if not a) / (len(labels) - sum(labels))
    assert false <= 0.05 and caught >= 0.8
    assert dict(zip(model.features, model.coef))["document_coverage"] > 0  # more coverage, less refusal
    path = Path(tempfile.mkdtemp()) / "m.json"
    model.save(path)
    assert LogisticModel.from_json(json.loads(path.read_text())) == model  # JSON, never a pickle


def test_refusal_answer_offers_the_nearest_documents(hash_settings, small_corpus, tmp_path):
    qa = QA.open(hash_settings.model_copy(update={"calibration_dir": models_dir(tmp_path, intercept=-5.0)}))
    answer = qa.ask("ASCC 출장 숙소 호텔 이름")
    assert answer.abstained and answer.nearest and not answer.citations
    assert answer.nearest[0].source == ASCC  # the best-retrieved document is offered
    assert all(not s.citations for s in answer.segments)


# --------------------------------------------------------------------------- end to end: real model


@e2e
def test_ascc_question_is_answered_with_a_citation(seed_qa):
    answer = seed_qa.ask("서울시가 ASCC에서 무엇을 발표했나?")
    assert not answer.abstained
    assert "탄소중립" in answer.answer
    assert answer.citations[0].source == ASCC
    first_sentence = MARKER.split(answer.answer)[0].strip()
    assert first_sentence and first_sentence in answer.citations[0].quote  # the answer quotes its passage
    assert not first_sentence.startswith("특히")  # no dangling connective at the start


@e2e
def test_markers_match_the_numbered_citations(seed_qa):
    answer = seed_qa.ask("SDGs 전문가 세미나에서 서울시가 소개한 우수 정책 사례는?")
    numbers = {int(n) for n in MARKER.findall(answer.answer)}
    assert numbers == {c.n for c in answer.citations} == set(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        doc = seed_qa.index.documents[c.source]
        assert c.quote.split(" ")[0] in doc.text[c.start : c.end]


@e2e
def test_answers_are_short(seed_qa):
    answer = seed_qa.ask("광저우 출장에서 방문한 대학은 어디야?")
    assert 1 <= len(MARKER.findall(answer.answer)) <= 3
    assert "홍콩과학기술대학교" in answer.answer
    assert {c.source for c in answer.citations} == {GUANGZHOU}


@e2e
@pytest.mark.parametrize("question", ["광저우 출장자 이름이 뭐야?", "ASCC 출장 간 공무원 성명 알려줘"])
def test_a_name_the_report_does_not_give_is_refused_with_what_it_does_say(seed_qa, question):
    answer = seed_qa.ask(question)
    assert answer.abstained and "출장자 이름은 나와 있지 않습니다" in answer.answer
    assert "서울특별시" in answer.answer and answer.nearest[0].source in (GUANGZHOU, ASCC)
    named = seed_qa.ask("OECD 라운드테이블 출장자 이름은?")  # this report names its traveller
    assert not named.abstained and "이재용" in named.answer


@e2e
def test_what_was_done_is_answered_by_the_sentence_saying_that_verb(seed_qa):
    """"뭐 발표했어": the sentence telling what was presented leads, not one naming the place and the
    people asked about (the ASCC opening ceremony in Yokohama)."""
    answer = seed_qa.ask("요코하마 간 서울시 공무원들 뭐 발표했어?")
    assert "2050 탄소중립 전략" in answer.segments[0].text and answer.citations[0].source == ASCC


@e2e
def test_someone_asked_by_a_title_is_answered_by_the_sentence_naming_that_title(seed_qa):
    """Every sentence names 박원순 시장; the one naming the 주총리 answers, and leads."""
    answer = seed_qa.ask("박원순 시장 인도 갔을 때 델리 주총리 누구 만났어?")
    assert "케지리왈" in answer.segments[0].text


@e2e
def test_an_english_question_for_how_many_went_and_how_long_is_answered_from_trip_facts(seed_qa):
    """Kiwi reads "went" and "for" as nouns; they are not what the question asks about."""
    answer = seed_qa.ask("Seoul sent researchers to Guangzhou. How many went and for how long?")
    assert answer.mode == "facts" and "3박 4일" in answer.answer and "1명" in answer.answer
    assert answer.citations[0].source == GUANGZHOU
    # Leaving and coming back are going too.
    back = seed_qa.ask("When did the Seoul team return from Guangzhou?")
    assert back.mode == "facts" and "11월 12일" in back.answer and back.citations[0].source == GUANGZHOU


def test_the_act_asked_is_evidence_said_as_a_verb_or_closing_a_terse_line(hash_qa):
    """"뭐 소개했어": "…을 소개하며" and a report's "- … 사례 소개" say it; "소개서" and "패널발표 자료" do not."""
    from qa.extractive import asked_act

    said = asked_act(hash_qa.searcher.analyse("이재용 연구위원 라운드테이블에서 뭐 소개했어?"))
    assert said.search("인덱스를 소개하며 한계를 강조") and said.search("- 한국의 스마트시티 인덱스와 시범적용 사례 소개")
    assert not said.search("소개서를 제출했다")
    assert asked_act(hash_qa.searcher.analyse("라운드테이블 날짜 언제야?")) is None


@e2e
def test_the_name_of_a_thing_is_quoted_when_the_report_gives_it(seed_qa):
    answer = seed_qa.ask("인도에서 문 연 센터 이름이 뭐야?")
    assert not answer.abstained and "서울-인도 경제교류센터" in answer.answer


@e2e
def test_how_long_the_officials_who_went_stayed_is_the_trips_length(seed_qa):
    answer = seed_qa.ask("광저우 간 서울시 직원 몇 박 했어")
    assert answer.mode == "facts" and "3박 4일" in answer.answer and answer.citations[0].source == GUANGZHOU


@e2e
def test_a_stay_asked_in_nights_is_the_trips_length_whatever_noun_names_the_trip(seed_qa):
    answer = seed_qa.ask("파리 OECD 회의 몇박이었어")  # the meeting names the trip; nights are its stay
    assert answer.mode == "facts" and "2박 4일" in answer.answer and answer.citations[0].source == OECD


@e2e
@pytest.mark.parametrize("question", ["요코하마 컨퍼런스 서울시 누가 갔어", "서울시 광저우 누가 갔어?", "서울시 일본 간 거 누가 갔어"])
def test_who_of_an_organisation_or_to_a_city_went_is_answered_by_the_trips_travellers(seed_qa, question):
    answer = seed_qa.ask(question)
    assert answer.mode == "facts" and "1명" in answer.answer and "이름은 없습니다" in answer.answer, answer.answer


@e2e
def test_a_question_word_inside_a_name_and_a_title_asked_for_are_no_missing_words(seed_qa):
    where = seed_qa.ask("탄소중립 세미나 어디 대학에서 했어")  # 대학 in 홍콩과학기술대학교
    assert not where.abstained and "홍콩과학기술대학교" in where.answer, where.answer
    title = seed_qa.ask("시티넷 세미나에서 서울시 발표 제목")  # no report says 제목
    assert not title.abstained and "2050 탄소중립" in title.answer, title.answer


@e2e
def test_the_sentence_far_likelier_than_the_rest_opens_the_answer(seed_qa):
    # In the report the seminar sentence comes first, in the same passage.
    answer = seed_qa.ask("서울시 일본 출장에서 방문한 초등학교")
    assert "미나토미라이초등학교" in answer.segments[0].text, answer.answer


@e2e
def test_the_line_labelled_with_what_is_asked_answers(seed_qa):
    """A formal report's "- 주 제: …" line (cleaned to "주제:") answers "회의 주제 뭐였어", ahead of the
    table rows that score higher."""
    answer = seed_qa.ask("국토연구원 파리 회의 주제 뭐였어")
    assert answer.segments[0].text.startswith("주제:") and "net-zero" in answer.segments[0].text
    assert answer.citations[0].source == OECD


@e2e
def test_trip_fact_question_is_answered_from_the_trip_facts(seed_qa):
    answer = seed_qa.ask("ASCC 출장 인원은 몇 명이었나?")
    assert answer.mode == "facts" and "1명" in answer.answer
    days = seed_qa.ask("광저우 출장 며칠 갔어?")
    assert days.mode == "facts" and "3박 4일" in days.answer and "2025년 11월 9일" in days.answer
    assert days.citations[0].source == GUANGZHOU and "3박 4일" in days.citations[0].quote
    # The trip named by its organisation and country, not by the word 출장.
    went = seed_qa.ask("서울시 일본 갔을 때 몇 명 갔어?")
    assert went.mode == "facts" and "1명" in went.answer and went.citations[0].source == ASCC
    # The record counts travellers: "몇 곳" asks for something else.
    assert seed_qa.ask("광저우 출장 때 몇 곳 방문했어?").mode != "facts"
    # "몇명 감" (갔음, as typed) asks how many went too.
    typed = seed_qa.ask("요코하마 컨퍼런스 몇명 감")
    assert typed.mode == "facts" and "1명" in typed.answer
    # Named by its organisation and city alone, like "울주군 라오스 몇박?".
    city = seed_qa.ask("서울시 광저우 몇박몇일?")
    assert city.mode == "facts" and "3박 4일" in city.answer


@e2e
def test_a_trip_asked_by_a_world_region_is_a_trip_to_one_of_its_countries(seed_qa):
    paris = seed_qa.ask("국토연구원 유럽 출장 어느 도시 갔어?")
    assert paris.mode == "facts" and "파리" in paris.answer and paris.citations[0].source == OECD
    # Seoul's trips went to Japan, China and India; the Yokohama report only mentions Europe.
    assert seed_qa.ask("서울시 유럽 출장 며칠이었어?").abstained


@e2e
def test_several_facts_asked_at_once_are_all_answered(seed_qa):
    answer = seed_qa.ask("광저우 출장 어디로 며칠 갔어?")
    assert answer.mode == "facts" and "3박 4일" in answer.answer and "광저우" in answer.answer
    assert answer.answer.count("「") == 1  # the trip is named once
    both = seed_qa.ask("OECD 출장 기간과 인원은?")  # "기간과 인원" joins two things asked, not two trips
    assert both.mode == "facts" and "2박 4일" in both.answer and "1명" in both.answer
    assert {c.source for c in both.citations} == {OECD}


@e2e
@pytest.mark.parametrize("question", ["ASCC 출장 때 누구 만났어?", "요코하마에서는 어디 갔어?"])
def test_people_met_and_places_within_a_named_city_are_not_trip_facts(seed_qa, question):
    # Who was met is not who travelled; a place within 요코하마 is not the trip's destination.
    assert seed_qa.ask(question).mode != "facts"


@e2e
def test_place_question_prefers_a_sentence_with_the_place(seed_qa):
    answer = seed_qa.ask("제3차 OECD 스마트시티 라운드테이블은 어디에서 열렸나?")
    assert "OECD 본부" in answer.answer
    assert answer.citations[0].source == OECD
    # A label line may answer; table rows never trail after it ("1 | Nadim Ahmad | Deputy Director | OECD").
    assert "|" not in seed_qa.ask("OECD 라운드테이블 어디서 했음").answer


@e2e
@pytest.mark.parametrize(
    "question",
    ["ASCC 출장에 든 경비는 총 얼마였나?", "부산시 공무원의 싱가포르 출장 보고서 내용은?",
     "서울시가 2024년에 미국 뉴욕으로 간 출장에서는 무엇을 했나?"],
)
def test_unanswerable_questions_abstain_and_name_nearest_documents(seed_qa, question):
    answer = seed_qa.ask(question)
    assert answer.abstained
    # An amount the report found never states is said to be missing from it.
    assert answer.answer.startswith(NOT_FOUND_TEXT) or answer.answer.startswith("찾은 보고서에 그 금액은 나와 있지 않습니다.")
    assert answer.citations == []
    assert answer.nearest and answer.nearest[0].source.endswith(".txt")


@e2e
def test_a_refusal_claims_only_what_was_checked(seed_qa):
    answer = seed_qa.ask("OECD 라운드테이블 참가비는 얼마였나?")
    assert answer.abstained and "어디에도" not in answer.answer and "참가비" not in answer.answer
    assert answer.nearest[0].source == OECD  # the best-retrieved report is offered


@e2e
@pytest.mark.parametrize("question, key", [
    ("광저우 출장 날짜 알려줘", "2025년 11월 9일"),
    ("ASCC 세미나에서 서울시가 발표한 전략 이름이 뭐야?", "탄소중립 전략"),
    ("How many days was the Guangzhou trip?", "3박 4일"),
    # 주최 occurs nowhere in the seeds: the news says 개최했다; the verb is the relation asked about.
    ("한중일 스마트시티 세미나 누가 주최했어?", "한중일"),
])
def test_a_question_word_missing_from_the_corpus_does_not_refuse(seed_qa, question, key):
    # 날짜 and 이름 occur nowhere in the seeds: they ask for something, they are not the topic.
    answer = seed_qa.ask(question)
    assert not answer.abstained and key in answer.answer


@e2e
@pytest.mark.parametrize("question, source", [
    ("싱가폴 출장 보고서에서 서울시가 뭘 했어?", None),
    ("광져우 출장은 몃일 갔어?", GUANGZHOU),
    ("ASCC 출장 몃명 갓어?", ASCC),  # 몃 is the common misspelling of 몇
    # "Seoul" is read as 서울 (Revised Romanization of the corpus names), so Korean passages match.
    ("What did Seoul present at the Asia Smart City Conference?", ASCC),
])
def test_variants_typos_and_english_are_answered(seed_qa, question, source):
    answer = seed_qa.ask(question)
    if source is None:  # no trip to Singapore in the seeds
        assert answer.abstained
    else:
        assert not answer.abstained and answer.citations[0].source == source


@e2e
def test_two_trips_in_one_question_get_one_sentence_each(seed_qa):
    answer = seed_qa.ask("ASCC 출장과 광저우 출장은 각각 며칠이었어?")
    assert {c.source for c in answer.citations} == {ASCC, GUANGZHOU}
    assert len(answer.segments) == 2


@e2e
def test_a_second_report_joins_only_when_several_are_asked_for(seed_qa):
    answer = seed_qa.ask("광저우 출장에서 방문한 대학은 어디야?")
    assert {c.source for c in answer.citations} == {GUANGZHOU}
    # A partner joined to what was done with it is one trip; two trips are joined by their names.
    analyse = seed_qa.searcher.analyse
    assert not analyse("서울시 광저우 연수 가서 중산대학교랑 MOU 체결식 언제 했어?").several
    assert not analyse("광저우 출장 때 홍콩과기대랑 MOU 맺었어?").several
    assert analyse("광저우 출장이랑 OECD 라운드테이블 각각 며칠 갔어?").several
    assert analyse("서울시 광저우 연수랑 국토연구원 파리 회의 며칠 갔어?").several


@e2e
def test_the_same_question_word_in_two_clauses_asks_for_two_trips(seed_qa):
    answer = seed_qa.ask("광저우 출장은 어느 도시에서 열렸고, OECD 라운드테이블은 어느 도시에서 열렸어?")
    assert {c.source for c in answer.citations} >= {GUANGZHOU, OECD}
    assert "광저우" in answer.answer and "파리" in answer.answer
    # Two question words ask two facts of one trip, not two trips.
    assert not seed_qa.searcher.analyse("광저우에는 어디 갔고 며칠 있었어?").several


@e2e
def test_two_things_asked_of_one_trip_in_two_clauses_get_an_answer_each(seed_qa):
    """"… 언제고, … 뭐 발표했어?": each clause is answered as a question of its own, on a line of its own;
    asked as a whole, the date went missing behind what was presented."""
    answer = seed_qa.ask("서울시가 시티넷 회장도시 된 게 언제고, 요코하마 시티넷 세미나에선 뭐 발표했어?")
    assert not answer.abstained and "2013" in answer.answer and "2050 탄소중립 전략" in answer.answer
    assert sum(s.newline for s in answer.segments) == 1
    analyse = seed_qa.searcher.analyse
    assert analyse("증평군 연수단 몇명이고 벨기에는 어느 대학이랑 MOU 추진함?").clauses == (
        "증평군 연수단 몇명이고", "벨기에는 어느 대학이랑 MOU 추진함?")
    assert analyse("파리 가서 회의하고 뭐 했어?").clauses == ()  # one thing asked


@e2e
def test_when_opens_with_the_date_of_the_thing_asked_about(seed_qa):
    """"한중일 세미나 언제 열렸어": the sentence dating the seminar ("5일 … 세미나를 개최했다") leads, not the
    likelier one dating the organiser's founding ("2011년 9월 서울에 설립됐으며")."""
    answer = seed_qa.ask("한중일 세미나 언제 열렸어")
    assert not answer.abstained and answer.citations[0].source == TCS_NEWS
    assert "세미나" in answer.segments[0].text and "2011" not in answer.segments[0].text


@e2e
def test_an_unrelated_question_after_an_answer_is_not_scoped_to_it(seed_qa):
    first = seed_qa.ask("서울시가 ASCC에서 무엇을 발표했나?")
    second = seed_qa.ask("제3차 OECD 스마트시티 라운드테이블은 어디에서 열렸나?", history=[first])
    assert "이전 답변" not in second.notice and second.citations[0].source == OECD
    follow = seed_qa.ask("그 출장은 며칠이었어?", history=[first])
    assert follow.citations[0].source == ASCC and "3박 4일" in follow.answer


@e2e
def test_a_catalogue_filter_that_matches_nothing_falls_back_to_passages(seed_qa):
    answer = seed_qa.ask("몽골 다녀온 출장 몇 건이야?")
    assert answer.mode != "catalogue"  # no dead end: the passages are searched as well
    # The condition that matched nothing is said: beside a passage answer, or as the refusal itself.
    said = answer.answer if answer.abstained else answer.notice
    assert "조건(몽골)" in said and "찾지 못했습니다" in said


@e2e
def test_empty_question_is_rejected(seed_qa):
    with pytest.raises(ValueError):
        seed_qa.ask("   ")


@e2e
def test_timings_are_reported(seed_qa):
    timings = seed_qa.ask("한중일 스마트시티 온라인 세미나는 누가 개최했나?").timings_ms
    assert {"retrieve", "answer", "total", "embed", "keyword", "dense", "fusion"} <= set(timings)
    assert timings["total"] >= timings["retrieve"] > 0


def test_two_untitled_trips_of_one_organisation_are_told_apart_by_their_purpose(hash_settings, tmp_path):
    """Disclosure pages that start at the organisation line have no title: a question about two of
    the same organisation's trips finds each by what its summary says the trip was for."""
    page = ("\n광주광역시 동구\n출발일\n{start}\n도착일\n{end}\n여행 기간\n3박 4일\n인원\n2명\n📝 요약\n"
            "출장단은 {country}을 방문했습니다. 이번 출장의 주된 목적은 {purpose}하는 것이었습니다. {detail}\n")
    qa = qa_over(hash_settings, tmp_path, {
        "trip_1.txt": page.format(
            start="2025년 11월 18일", end="2025년 11월 21일", country="대만", purpose="환경관리원 사기를 진작하고 폐기물 시설을 견학",
            detail="타이베이 소각장에서 폐기물 처리 과정을 살펴보았습니다."),
        "trip_2.txt": page.format(
            start="2025년 10월 22일", end="2025년 10월 25일", country="이탈리아", purpose="도시교통 혁신 사례를 조사",
            detail="로마의 트램과 버스 환승 체계를 조사했습니다."),
    })
    answer = qa.ask("동구 환경관리원 견학이랑 도시교통 조사는 각각 어느 나라로 갔어?")
    assert {c.source for c in answer.citations} == {"trip_1.txt", "trip_2.txt"}
    assert "대만" in answer.answer and "이탈리아" in answer.answer


def test_the_sentence_continuing_the_best_one_joins_the_answer_right_after_it():
    # "인제군 애들 축구 말고 뭐 했어?": "둘째 날에는 친목 활동이 이루어졌습니다" says what only with
    # the sentence after it, which the model ranks below two overview sentences.
    from types import SimpleNamespace

    from qa.extractive import Candidate, choose, reading_order

    chunk = SimpleNamespace(source="inje.txt", header="일본 고토우라정 교류", section="", start=0)

    def candidate(score: float, start: int, text: str) -> Candidate:
        return Candidate(0, SimpleNamespace(chunk=chunk), (start, start + len(text)), text, 0.0, 0.0, 0.0, score)

    overview = candidate(0.8, 0, "이번 출장은 유소년 간 친목을 다지는 데 중점을 두었습니다.")
    best = candidate(0.9, 100, "둘째 날에는 한일 유소년축구단 간 친목 활동이 이루어졌습니다.")
    activities = candidate(0.5, 100 + len(best.text) + 1, "자기소개, 마루 컬링, 티셔츠 만들기 체험을 했습니다.")
    result = candidate(0.7, 300, "양 도시 간 교류 사업 확대의 기반을 마련하였습니다.")
    query = SimpleNamespace(several=False, wants_list=False, lists_places=False, topic_terms=("인제군",))
    ctx = SimpleNamespace(query=query, max_sentences=3, searcher=SimpleNamespace(index=SimpleNamespace(catalogue=None)))
    ranked = [best, overview, result, activities]
    answer = [c.text for c in reading_order(choose(ctx, ranked))]
    assert answer == [overview.text, best.text, activities.text, result.text]  # one passage: in document order
    # A sentence continuing a continuation follows it too, whatever the order they were chosen in.
    second = candidate(0.6, activities.span[1] + 1, "저녁에는 환영 만찬이 열렸습니다.")
    other = replace(result, hit_rank=1)
    assert [c.text for c in reading_order([best, other, second, activities])] == \
        [best.text, activities.text, second.text, other.text]
    # A date, a length or a number asked for: the passage of the best sentence holding one leads.
    assert [c.text for c in reading_order([best, other, second, activities], lead=other)] == \
        [other.text, best.text, activities.text, second.text]
    # A following sentence much less likely than the best is no part of the answer.
    unlikely = replace(activities, score=0.3)
    assert unlikely.text not in [c.text for c in choose(ctx, [best, overview, result, unlikely])]


def test_the_second_trip_is_the_report_naming_most_of_the_question():
    # "남원시 호주 출장과 일본 출장": 남원시 is said once for both trips, so the Japan trip is
    # 남원시's, not 경주시's, whose sentence ranks above it.
    from types import SimpleNamespace

    from qa.extractive import Candidate, choose

    def candidate(score: float, source: str, header: str, text: str) -> Candidate:
        chunk = SimpleNamespace(source=source, header=header, section="", start=0)
        return Candidate(0, SimpleNamespace(chunk=chunk), (0, len(text)), text, 0.0, 0.0, 0.0, score)

    ranked = [
        candidate(0.9, "namwon-au.txt", "호주 선진지 정책연수\n전북특별자치도 남원시", "시드니 대학교 농업기술센터를 방문했습니다."),
        candidate(0.8, "gyeongju-jp.txt", "일본 도쿄 연수\n경상북도 경주시", "도쿄 시부야 교차로를 견학했습니다."),
        candidate(0.5, "namwon-jp.txt", "일본 농업인단체 연수\n전북특별자치도 남원시", "도쿄 농업기술박람회를 참관했습니다."),
    ]
    query = SimpleNamespace(several=True, wants_list=False, topic_terms=("남원시", "호주", "일본"))
    ctx = SimpleNamespace(query=query, max_sentences=3, searcher=SimpleNamespace(index=SimpleNamespace(catalogue=None)))
    assert [c.hit.chunk.source for c in choose(ctx, ranked)] == ["namwon-au.txt", "namwon-jp.txt"]


def test_a_trip_fact_is_followed_by_the_reports_own_words_for_it(hash_qa):
    # The record's dates, then the report's sentence giving them, each cited where it was read.
    answer = hash_qa.ask("ASCC 출장 며칠 갔어?")
    assert answer.mode == "facts" and len(answer.segments) == 2
    fact, said = answer.segments
    assert "3박 4일" in fact.text and answer.citations[0].section == "출장 정보"
    assert re.search(r"\d+\s*일", said.text) and said.text in answer.citations[said.citations[0] - 1].quote
    # A count is stated by a number of people, never of things; without one, the fact stands alone.
    count = hash_qa.ask("ASCC 출장 인원은 몇 명이었나?")
    assert count.mode == "facts" and all(re.search(r"\d+\s*명", s.text) for s in count.segments)


@e2e
def test_a_question_for_a_date_opens_with_the_sentence_giving_it(seed_qa):
    # The conference is an event, not the trip: no facts answer; its passage ranks below others.
    answer = seed_qa.ask("요코하마 스마트시티 컨퍼런스 언제였어")
    assert not answer.abstained and re.search(r"\d+일", answer.segments[0].text)


@pytest.mark.parametrize("question", ["가상군 미국 연수 방문한 기관 다 알려줘", "가상군 미국 연수 간 기관들 어디야?", "Which institutions did Gasang county visit in the US?"])
def test_every_item_asked_for_is_given_though_the_report_spreads_them_over_sentences(hash_settings, tmp_path, question):
    qa = qa_over(hash_settings, tmp_path, {"page.txt": (
        "미국\n\n중견간부 국외연수\n\n충청북도 가상군\n\n출발일: 2025-09-22\n\n도착일: 2025-10-03\n\n"
        "여행 기간: 10박 12일\n\n인원: 20명\n\n📝 요약\n"
        "가상군 연수단은 미국 동부의 여러 기관을 방문하여 과학기술 인프라와 지역산업의 상생 모델을 연구했습니다.\n"
        "이번 미국 연수는 기관 방문을 통해 가상군에 적용할 정책 과제를 찾는 데 목적을 두었습니다.\n"
        "연수단은 방문 기관마다 가상군의 현안을 설명하고 협력 가능성을 타진했습니다.\n"
        "먼저 Boston 시청과 MIT 미디어랩을 방문하여 혁신 클러스터 조성 과정을 들었습니다.\n"
        "이어 Baltimore 항만청과 Maryland 상무부에서 기관 간 협력 사례를 살펴보았습니다.\n"
        "마지막으로 Albany 재난관리본부와 Toronto 비상관리국에서 재난 대응 체계를 확인했습니다.\n")})
    answer = qa.ask(question)
    assert not answer.abstained
    for name in ("MIT", "Maryland", "Toronto"):
        assert name in answer.answer, answer.answer
    assert answer.segments[0].text.startswith("가상군 연수단은"), answer.answer  # the answer keeps its lead


def test_a_request_for_every_item_is_told_from_a_question_about_one_thing(hash_qa):
    analyse = hash_qa.searcher.analyse
    for question in ("어디어디 갔어?", "뭐뭐 봤대", "어떤 정원들 갔어?", "방문 기관들 어디야", "간 곳 다 알려줘",
                     "Which cities did they visit?"):
        assert analyse(question).enumerates, question
    for question in ("무슨 행사 준비하러 갔어?", "의원들 후쿠오카 가서 뭐 봤대?", "다 같이 갔어?", "Which hotel did they stay at?",
                     "What does WeGo do?"):
        assert not analyse(question).enumerates, question


def test_a_korean_city_no_report_names_is_not_read_as_a_typo_of_one_that_is():
    from qa.query import Speller

    speller = Speller({"강원도의회": 3, "싱가포르": 5, "광명시": 2})
    assert speller.correct("창원시의회") == "창원시의회"  # another council, not 강원도의회 three jamo away
    assert speller.correct("싱가폴") == "싱가포르"  # a misspelt name still is corrected
    assert speller.correct("광멍시") == "광명시"


def test_a_trip_asked_by_its_organisation_is_answered_from_its_report_not_an_article_on_officials_abroad(hash_settings, tmp_path):
    qa = qa_over(hash_settings, tmp_path, {
        "article.txt": (
            "공무원 해외출장 일본에 왜 많이 갔나\n\n"
            "지난해 공무원 국외출장은 일본이 가장 많았고 공무원 출장자 대부분이 일본 관광지를 둘러봤다.\n"
            "공무원들은 일본에서 온천과 쇼핑 명소를 봤다는 비판을 받았다.\n"),
        "page.txt": (
            "일본\n\n축산 선진기술 벤치마킹\n\n경기도 가상시\n\n출발일: 2025-10-24\n\n도착일: 2025-10-27\n\n"
            "여행 기간: 3박 4일\n\n인원: 4명\n\n📝 요약\n"
            "방문단은 홋카이도의 낙농 체험 공원과 품평회장을 견학하여 운영 체계를 확인하였습니다.\n"
            "이어 현지 낙농 관계자와 면담하며 심사 교류 방안을 논의하였습니다.\n")})
    answer = qa.ask("가상시 공무원들 일본 가서 뭐 봤어?")
    assert not answer.abstained and answer.citations[0].source == "page.txt", answer.answer


def test_a_list_of_what_a_trip_visited_is_asked_of_its_report_not_the_catalogue(hash_qa):
    analyse = hash_qa.searcher.analyse
    assert analyse("서울시 출장 목록").catalogue.kind == "list"
    assert analyse("일본 간 기관 목록").catalogue.kind == "list"  # the bodies that went
    for question in ("서울시 요코하마 출장 방문기관 목록", "서울시 인도 출장 방문지 리스트 알려줘"):
        assert analyse(question).catalogue is None, question
