"""The trip catalogue: extraction on every seed, parsing variants, the router, catalogue answers."""

from __future__ import annotations

import re
import sqlite3
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ASCC, GUANGZHOU, INDIA_NEWS, OECD, TCS_NEWS
from qa.catalogue import TripFilter
from qa.lexicon import normalise_country, parse_date, parse_duration
from qa.query import CorpusStats, analyse

# Expected values, field by field, for every seed ("" / None / [] = the document does not say).
SEED_TRIPS = {
    ASCC: dict(
        title="아시아스마트시티컨퍼런스(ASCC) 참가를 위한 공무국외출장", doc_type="disclosure",
        organisation="서울특별시", traveller_count=1, travellers=[], countries=["일본"], cities=["요코하마"],
        start_date="2025-11-24", end_date="2025-11-27", duration_text="3박 4일", duration_days=4,
        purpose="", published="",
    ),
    GUANGZHOU: dict(
        title="탄소중립 및 기후변화 연구센터 전문가 세미나 참석", doc_type="disclosure",
        organisation="서울특별시", traveller_count=1, travellers=[], countries=["중국"], cities=["광저우"],
        start_date="2025-11-09", end_date="2025-11-12", duration_text="3박 4일", duration_days=4,
        purpose="서울시의 지속가능발전 우수사례와 미래 전략을 공유하고, 광저우시의 탄소중립 및 기후변화 정책 사례를 "
        "학습하며 관련 시설을 방문하여 양 도시의 지속가능성을 높이는 방안을 모색",
        published="",
    ),
    OECD: dict(
        title="국토교통부 대표단* 일원으로 제3차 OECD 스마트시티 라운드 테이블 참석 및 발표", doc_type="report",
        organisation="국토연구원", traveller_count=1, travellers=["이재용 연구위원"], countries=["프랑스"],
        cities=["파리"], start_date="2023-07-02", end_date="2023-07-05", duration_text="2박 4일", duration_days=4,
        purpose="국토교통부 대표단* 일원으로 제3차 OECD 스마트시티 라운드 테이블 참석 및 발표", published="",
    ),
    INDIA_NEWS: dict(
        title="지속 가능한 스마트시티 조성을 위한 서울-인도 간 협력방안, 내용은", doc_type="news",
        organisation="서울특별시", traveller_count=None, travellers=["박원순 서울시장"], countries=["인도"],
        cities=["델리", "뉴델리"], start_date="", end_date="", duration_text="", duration_days=None, purpose="", published="",
    ),
    TCS_NEWS: dict(
        title="한중일 3국 협력 사무국, ‘한중일 스마트시티 온라인 세미나’ 개최", doc_type="news",
        organisation="", traveller_count=None, travellers=[], countries=[], cities=[], start_date="", end_date="",
        duration_text="", duration_days=None, purpose="", published="2020-08-06",
    ),
}
SEED_EVENTS = {
    ASCC: ["시티넷(CityNet) 주관 세미나 관련 실무회의 참석", "아시아스마트시티컨퍼런스(ASCC) 개회식 참석"],
    OECD: ["제3차 OECD 스마트시티 라운드 테이블 참석 및 발표", "국토교통부대표단 - IEA 업무협의 및 오찬"],
}


@pytest.fixture(scope="module")
def trips(seed_qa):
    return {t.source: t for t in seed_qa.trips()}


@pytest.mark.e2e
@pytest.mark.parametrize("source", sorted(SEED_TRIPS))
def test_seed_fields_exactly(trips, source):
    record = trips[source]
    for name, expected in SEED_TRIPS[source].items():
        assert getattr(record, name) == expected, name
    for event in SEED_EVENTS.get(source, []):
        assert event in record.events


@pytest.mark.e2e
def test_every_field_cites_where_it_came_from(trips, seed_qa):
    quoted = {
        (ASCC, "start_date"): "2025년 11월 24일", (ASCC, "duration"): "3박 4일", (ASCC, "traveller_count"): "1",
        (OECD, "start_date"): "2023.07.02.(일)", (OECD, "end_date"): "2023.07.05.(수)",
        (OECD, "travellers"): "이재용 연구위원", (OECD, "organisation"): "국토연구원",
        (INDIA_NEWS, "countries"): "인도", (INDIA_NEWS, "travellers"): "박원순 서울시장",
    }
    for (source, field), text in quoted.items():
        span = trips[source].provenance[field]
        assert seed_qa.document(source).text[span.start:span.end] == text


@pytest.mark.e2e
def test_catalogue_is_sqlite_inside_the_index_with_the_documented_schema(seed_qa):
    path = seed_qa.index.folder / "catalogue.sqlite"
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"trips", "trip_places"}
        assert db.execute("SELECT COUNT(*) FROM trips").fetchone()[0] == 5
        assert db.execute("SELECT country_code FROM trip_places WHERE source=?", (ASCC,)).fetchone()[0] == "JP"
        # A place filter looks each trip's places up through an index, not by scanning them all.
        plan = " ".join(str(r) for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM trips t WHERE EXISTS (SELECT 1 FROM trip_places p "
            "WHERE p.source=t.source AND p.country IN ('일본'))"))
        assert "USING COVERING INDEX trip_places_source" in plan or "USING INDEX trip_places_source" in plan


@pytest.mark.e2e
@pytest.mark.parametrize(
    "where, expected",
    [
        (TripFilter(country="Japan"), {ASCC}),
        (TripFilter(country="JP"), {ASCC}),
        (TripFilter(city="파리"), {OECD}),
        (TripFilter(organisation="서울"), {ASCC, GUANGZHOU, INDIA_NEWS}),
        (TripFilter(date_from="2025-01-01", date_to="2025-12-31"), {ASCC, GUANGZHOU}),
        (TripFilter(date_to="2024-01-01"), {OECD, TCS_NEWS}),
        (TripFilter(doc_type="news"), {INDIA_NEWS, TCS_NEWS}),
        (TripFilter(country="중국", organisation="서울"), {GUANGZHOU}),
        (TripFilter(country="미국"), set()),
        # World regions from UN M49 with CLDR's Korean names, and Korean's short forms.
        (TripFilter(country="유럽"), {OECD}),
        (TripFilter(country="동아시아"), {ASCC, GUANGZHOU}),
        (TripFilter(country="아시아"), {ASCC, GUANGZHOU, INDIA_NEWS}),
        (TripFilter(country="동남아"), set()),
        (TripFilter(country="유럽,남아시아"), {OECD, INDIA_NEWS}),
        # Bounds, months of departure, organisation levels.
        (TripFilter(max_days=4), {OECD, ASCC, GUANGZHOU}),
        (TripFilter(max_days=3), set()),
        (TripFilter(months="11,12"), {ASCC, GUANGZHOU}),
        (TripFilter(months="07", departed="2023"), {OECD}),
        (TripFilter(level="광역시"), {ASCC, GUANGZHOU, INDIA_NEWS}),
        (TripFilter(level="기초"), set()),
    ],
)
def test_filters(seed_qa, where, expected):
    assert {t.source for t in seed_qa.trips(where)} == expected


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "text, year, expected",
    [
        ("2023.07.02.(일)", None, "2023-07-02"),
        ("2023.7.2.", None, "2023-07-02"),
        ("2023-07-02", None, "2023-07-02"),
        ("2023/07/02", None, "2023-07-02"),
        ("2025년 11월 24일", None, "2025-11-24"),
        ("2025년11월9일(일)", None, "2025-11-09"),
        ("7월2일(일)", 2023, "2023-07-02"),
        ("7월 2일", 2023, "2023-07-02"),
        ("7.5.(수)", 2023, "2023-07-05"),
        ("7월2일(일)", None, ""),  # no year known: empty, not a guess
        ("2023.02.30.", None, ""),  # no such day
        ("출장 없음", None, ""),
    ],
)
def test_parse_date_variants(text, year, expected):
    assert parse_date(text, year)[0] == expected


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)), st.sampled_from(
    ["{y}.{m:02d}.{d:02d}.", "{y}.{m}.{d}.", "{y}-{m:02d}-{d:02d}", "{y}년 {m}월 {d}일", "{y}년{m}월{d}일(월)", "{y}. {m}. {d}."]
))
def test_parse_date_round_trips_every_format(day, fmt):
    text = "기간: " + fmt.format(y=day.year, m=day.month, d=day.day) + " ~ 다음 날"
    assert parse_date(text)[0] == day.isoformat()


@pytest.mark.parametrize(
    "text, expected",
    [("3박 4일", ("3박 4일", 4)), ("3박4일", ("3박4일", 4)), ("2박 4일", ("2박 4일", 4)), ("4일간", ("4일간", 4)),
     ("10박 12일", ("10박 12일", 12)), ("당일", ("", None))],
)
def test_parse_duration_variants(text, expected):
    assert parse_duration(text) == expected


@given(st.integers(0, 60), st.integers(1, 90))
def test_parse_duration_reads_the_days_as_written(nights, days):
    assert parse_duration(f"여행 기간: {nights}박 {days}일")[1] == days


@pytest.mark.parametrize("name, expected", [("일본", "일본"), ("Japan", "일본"), ("JP", "일본"), ("jp", ""),
                                            ("미국", "미국"), ("USA", "미국"), ("터키", "튀르키예"), ("화성", "")])
def test_country_names_normalise(name, expected):
    assert normalise_country(name) == expected


# --------------------------------------------------------------------------- router

ROUTES = [
    # (question, kind, expected filter fields)
    ("2025년에 일본으로 간 출장은?", "list", {"country": "일본", "departed": "2025"}),
    ("11월 중국 출장 목록", "list", {"country": "중국", "departed": "-11"}),
    ("2025년 10월 출발한 일본 방문 출장 목록", "list", {"country": "일본", "departed": "2025-10"}),
    ("OECD 관련 출장 목록", "list", {"keyword": "OECD"}),
    ("가장 긴 출장은?", "longest", {}),
    ("가장 짧은 출장은 언제였어?", "shortest", {}),
    ("서울시 국외출장은 몇 건이야?", "count", {"organisation": "서울특별시"}),
    ("가장 최근 출장은 어디였어?", "latest", {}),
    ("최근에 다녀온 출장은?", "latest", {}),
    ("언제부터 출장 기록이 있어?", "earliest", {}),
    ("가장 먼저 간 출장은?", "earliest", {}),
    ("프랑스 파리 출장 목록 보여줘", "list", {"country": "프랑스", "city": "파리"}),
    ("국토연구원 출장 내역", "list", {"organisation": "국토연구원"}),
    ("서울시가 다녀온 나라는 어디 어디야?", "list", {"organisation": "서울특별시"}),
    ("인도 순방은 몇 번 있었어?", "count", {"country": "인도"}),
    ("Japan 출장 목록", "list", {"country": "일본"}),
    ("뉴스 기사로 보도된 출장은?", "list", {"doc_type": "news"}),
    ("2023년 출장은 총 몇 건?", "count", {"departed": "2023"}),
    ("25년 일본 출장 몇 건?", "count", {"departed": "2025", "country": "일본"}),  # a year as people shorten it
    ("10년 동안 다녀온 출장 목록", "list", {"departed": ""}),  # a span of years, not a year
    ("중국에 간 출장은 어떤 게 있어?", "list", {"country": "중국"}),
    ("일본 출장은 몇 번이야?", "count", {"country": "일본"}),
    ("요코하마 방문 출장 알려줘", "list", {"city": "요코하마"}),
    ("서울특별시 출장 현황", "list", {"organisation": "서울특별시"}),
    ("환경부 출장 목록", "list", {"confident": False}),  # not an organisation of the catalogue: never a silent filter
    ("2025년 서울시 출장 목록", "list", {"organisation": "서울특별시", "departed": "2025"}),
    ("서울시가 다녀온 국외출장을 모두 알려줘", "list", {"organisation": "서울특별시", "confident": True}),
    ("서울시 일본 출장들 알려줘", "list", {"organisation": "서울특별시", "country": "일본", "confident": True}),
    ("몽골 다녀온 출장 몇 건?", "count", {"country": "몽골", "confident": True}),
    ("서울시 해외출장 있어?", "list", {"organisation": "서울특별시", "confident": True}),  # whether any exists
    ("인도 간 적 있어?", "list", {"country": "인도"}),
    # a half of a year, and a year said relative to today; 해당 is no topic word
    ("2025년 하반기 출장 중 인원이 제일 많은 출장은?", "largest",
     {"date_from": "2025-07-01", "date_to": "2025-12-31", "departed": "", "confident": True}),
    ("작년 일본 출장 몇 건?", "count", {"country": "일본", "departed": str(date.today().year - 1)}),
    ("올해 상반기 출장 목록", "list", {"date_from": f"{date.today().year}-01-01", "date_to": f"{date.today().year}-06-30"}),
    ("해당 기관 2023년 출장 몇 건?", "count", {"departed": "2023", "confident": True}),
    ("일본 간 거 있어?", "list", {"country": "일본"}),
    ("일본 출장 갔다온거 있어?", "list", {"country": "일본", "confident": True}),  # spoken forms of going
    ("일본 갔던 적 있어?", "list", {"country": "일본", "confident": True}),
    # any of the reports' words for a trip, and the cases asked for
    ("인도로 연수 간 사례 뭐 있어?", "list", {"country": "인도", "confident": True}),
    ("일본 견학 뭐 있어?", "list", {"country": "일본", "confident": True}),
    ("일본 간 거 뭐야?", "list", {"country": "일본", "confident": True}),
    ("일본 가서 본 거 뭐 있어?", "passage", {}),  # what one trip saw
    ("인제군 일본 간 거 언제부터 언제까지야?", "passage", {}),  # one trip's dates, not the earliest trip
    ("서울시 요코하마 출장 몇 번째야?", "passage", {}),  # which edition, not how many trips
    ("2025년 8월 유럽 출장 목록 부탁해요", "list", {"country": "유럽", "departed": "2025-08", "confident": True}),  # a polite frame
    # a planned trip asking for earlier ones, in any wording
    ("다음 달 프랑스 출장 예정입니다. 유사한 기존 출장 사례를 알려주세요.", "similar", {"country": "프랑스"}),
    ("일본 요코하마로 출장 계획 중인데 전에 다녀온 출장 있나요?", "similar", {"country": "일본", "city": "요코하마"}),
    ("인도 방문을 계획하고 있습니다. 선례가 있을까요?", "similar", {"country": "인도"}),
    ("I'm planning a trip to China next month. Any earlier trips I could learn from?", "similar", {"country": "중국"}),
    # … or, with no plan said, whether there were earlier ones
    ("예전에 일본 간 출장 있나요?", "similar", {"country": "일본"}),
    ("인도 출장 선례 있어?", "similar", {"country": "인도"}),
    ("ASCC 출장 때 오전에 발표한 것 있어?", "passage", {}),  # 오전에 is no 전에
    # a misspelt country filters as the corpus spells it
    ("프랑쓰 다녀온 출장 몇개야?", "count", {"country": "프랑스", "confident": True}),
    # a season, a bound in numbers or in words, an organisation level
    ("2025년 가을에 중국 다녀온 출장 몇 건이나 돼?", "count", {"country": "중국", "departed": "2025", "months": "09,10,11"}),
    ("겨울에 간 출장 목록", "list", {"months": "12,01,02", "departed": ""}),
    ("일주일 넘게 다녀온 출장 몇 건?", "count", {"min_days": 7}),
    ("3박 이하 출장 몇 건?", "count", {"max_days": 4}),
    ("11월 9일부터 12일까지 간 출장 목록", "list", {"min_days": 0, "max_days": 0}),  # a date is no bound
    ("군 단위 지자체 출장 몇 건?", "count", {"level": "군", "confident": True}),
    ("광역시청 본청이 간 출장 몇 건이에요?", "count", {"level": "광역시"}),
    ("기초자치단체 출장 목록", "list", {"level": "기초"}),
    ("서울 시군 중에 일본 간 곳", "list", {"level": "기초", "country": "일본"}),  # 시군: the basic bodies
    ("시 단위 말고 도청이 직접 간 일본 출장", "list", {"level": "도", "country": "일본"}),  # a level left out
    # a place or body left out is a condition, not the filter
    ("일본 빼고 다른 나라 간 출장 목록", "list", {"country": "", "not_country": "일본", "confident": True}),
    ("중국을 제외한 아시아 출장 몇 건?", "count", {"country": "아시아", "not_country": "중국"}),
    ("서울시 말고 출장 간 기관 있어?", "list", {"organisation": "", "not_organisation": "서울특별시"}),
    ("파리 외에 간 출장", "list", {"city": "", "not_city": "파리"}),
    ("일본, 중국 말고 다른 나라 출장 목록", "list", {"country": "", "not_country": "일본,중국"}),
    ("서울시랑 국토연구원 빼고 출장 간 곳 있어?", "list", {"organisation": "", "not_organisation": "서울특별시,국토연구원"}),
    # where trips went most often, however the ranking is asked
    ("어느 나라로 출장을 제일 많이 갔어?", "most", {}),  # not the largest party
    ("출장 많이 간 도시 top 5", "most", {}),
    ("지자체별 출장 순위", "most", {}),
    ("나라별 출장 건수 순위", "most", {}),
    ("인원 제일 많았던 출장 어디야", "largest", {}),
    # several months, a span of months, and a party's exact size
    ("9월이랑 10월에 출발한 중국 출장 몇 건", "count", {"months": "09,10", "departed": "", "country": "중국"}),
    ("2025년 9~11월 미국 출장", "list", {"months": "09,10,11", "departed": "2025"}),
    ("10월 출발 일본 출장 몇 건?", "count", {"months": "", "departed": "-10"}),
    ("혼자 간 출장 몇 건이야?", "count", {"min_travellers": 1, "max_travellers": 1}),
    ("3명이서 다녀온 출장 목록", "list", {"min_travellers": 3, "max_travellers": 3}),
    ("5명 이상 간 출장 목록", "list", {"min_travellers": 5, "max_travellers": 0}),
    # no list or count cue, but a condition only a set of trips has
    ("2025년 10월 출발한 일본 출장 중에 5일 이상인 거", "list", {"country": "일본", "departed": "2025-10", "min_days": 5}),
    ("3일 이하로 짧게 다녀온 출장 있어?", "list", {"max_days": 3}),
    ("구청(자치구)에서 일본 간 출장 어디야", "list", {"country": "일본", "level": "구"}),
    ("2025년 9월에 출발한 동아시아 출장 뭐뭐 있어", "list", {"country": "동아시아", "departed": "2025-09"}),
    ("2025년 동아시아 방면 출장 현황", "list", {"country": "동아시아", "confident": True}),  # 방면: the area, no topic
    ("몽골 출장 간 지자체 있나요", "list", {"country": "몽골"}),
    ("How many business trips went to Japan?", "count", {"country": "일본"}),
    ("what trips went to Japan", "list", {"country": "일본"}),
    ("Which Korean cities sent officials to Japan?", "list", {"country": "일본"}),  # the bodies that went
    ("프랑스 다녀온 지자체 어디야", "list", {"country": "프랑스"}),  # which bodies went
    ("프랑스 출장 다녀온 지자체들", "list", {"country": "프랑스"}),  # ... asked as a noun phrase
    ("일본 간 기관들?", "list", {"country": "일본"}),
    ("구청들 해외출장 뭐 있었어", "list", {"level": "구"}),  # a level word with an ending after it
    ("시청에서 간 일본 출장 몇 건", "count", {"level": "시", "country": "일본", "confident": True}),
    ("다음달 인도 출장 잡혔는데 먼저 다녀온 데 있어?", "similar", {"country": "인도"}),
    # a verb of going is a trip word ("일본 몇 번 갔어?"); the particle 가 is not
    ("일본 몇 번 갔어?", "count", {"country": "일본", "confident": True}),
    ("작년 겨울에 유럽 간 곳", "list", {"country": "유럽", "months": "12,01,02", "departed": str(date.today().year - 1)}),
    # English bounds and dates
    ("How many trips lasted more than a week?", "count", {"min_days": 7, "confident": True}),
    ("Which trips to China took less than 4 days?", "list", {"country": "중국", "max_days": 4}),
    ("List trips to Japan with at least 5 people", "list", {"country": "일본", "min_travellers": 5}),
    ("how many trips to Japan in October 2025?", "count", {"country": "일본", "departed": "2025-10", "confident": True}),
    ("Did anyone go to Mongolia?", "list", {"country": "몽골", "confident": True}),
    # passage questions
    ("유럽 출장에서 뭐 배웠어?", "passage", {}),  # a region, but asked what happened
    ("출장 비용이 얼마가 들었어?", "passage", {}),  # the particle 가 is no verb of going
    ("요코하마에서 간 곳 알려줘", "passage", {}),  # places within a trip, no condition only a set has
    ("2025년 11월 광저우 출장은 며칠이었어?", "passage", {}),  # one trip's length
    ("ASCC에서 발표할 예정이었던 사례는 뭐야?", "passage", {}),  # a plan of the report, not of the asker
    ("서울시가 ASCC에서 무엇을 발표했나?", "passage", {}),
    ("광저우 출장은 며칠 동안이었어?", "passage", {}),
    ("가장 인상 깊은 사례는?", "passage", {}),
    ("OECD 라운드테이블은 어디에서 열렸나?", "passage", {}),
    ("그 출장은 며칠이었어?", "passage", {}),
    ("한중일 스마트시티 온라인 세미나에는 몇 명이 참여했나?", "passage", {}),
    ("서울시 요코하마 출장단은 총 몇 명이었어?", "passage", {}),  # 총 몇 명 counts people, not trips
    ("요코하마시가 추진하는 공동 공개 서한은 무엇인가?", "passage", {}),
    ("박원순 시장이 인도에서 만난 장관은 누구야?", "passage", {}),
    ("출장단이 방문한 캠퍼스 이름은?", "passage", {}),
    ("What did Seoul present at ASCC?", "passage", {}),
    ("IEA와의 업무협의에는 누가 참석했나?", "passage", {}),
    ("서울시가 2024년에 미국 뉴욕으로 간 출장에서는 무엇을 했나?", "passage", {}),
    ("요코하마 출장 다녀와서 나온 아이디어 뭐뭐 있어", "passage", {}),  # a list of ideas, not of trips
    ("ASCC 출장에서 발표한 거 무엇무엇이야?", "passage", {}),
    ("요코하마 간 출장 뭐 배웠대", "passage", {}),  # what one trip learned, not a list of trips
    # a Korean city's body the reports do not have is still the filter (no trips), not a word left out
    ("강릉시 일본 출장 몇 건?", "count", {"organisation": "강릉시", "country": "일본", "confident": True}),
    ("인천시 출장 있어?", "list", {"organisation": "인천광역시", "confident": True}),  # a province-level city by its full name
]


@pytest.mark.e2e
@pytest.mark.parametrize("question, kind, fields", ROUTES)
def test_router_decisions(seed_qa, question, kind, fields):
    request = seed_qa.searcher.analyse(question).catalogue
    assert (request.kind if request else "passage") == kind
    for name, value in fields.items():
        actual = getattr(request, name) if name in ("keyword", "confident") else getattr(request.where, name)
        assert actual == value, name


def test_short_organisation_names_resolve_against_the_catalogue():
    stats = CorpusStats(df={}, passages=1, organisations=[
        "울산광역시 중구", "대구광역시 중구", "경상북도 안동시", "경상북도 구미시", "전북특별자치도 익산시", "서울특별시"])
    assert stats.organisation_for(["울산", "중구"]) == "울산광역시 중구"
    assert stats.organisation_for(["중구"]) == "중구"  # both 중구: the part they share
    assert stats.organisation_for(["경북"]) == "경상북도"
    assert stats.organisation_for(["익산시"]) == "전북특별자치도 익산시"
    assert stats.organisation_for(["서울시"]) == "서울특별시"
    assert stats.organisation_for(["스마트시티"]) == ""  # an unknown word is never a filter
    # A province however an article shortens it: 경남 is 경상남도, also in "경남 진주시의회".
    with_article = CorpusStats(df={}, passages=1, organisations=["경남 진주시의회", "경상남도", "경상남도 함안군"])
    assert with_article.organisation_for(["경남"]) == "경상남도"
    # Each word names organisations, none both: a filter that matches nothing, not all of 울산's trips.
    assert stats.organisation_for(["울산", "안동시"]) == "울산 안동시"
    # A council by its province's spoken name: 강원도의회 is 강원특별자치도의회.
    council = CorpusStats(df={}, passages=1, organisations=["강원특별자치도의회 안전건설위원회", "강원특별자치도 삼척시"])
    assert council.organisation_for(["강원도의회"]) == "강원특별자치도의회 안전건설위원회"


@pytest.mark.e2e
def test_organisations_joined_are_each_counted(seed_qa):
    answer = seed_qa.ask("서울시랑 국토연구원 출장 몇 건씩이야?")
    assert answer.answer.startswith("조건(서울특별시 또는 국토연구원)에 맞는 출장은 4건입니다 (서울특별시 3건, 국토연구원 1건).")


@pytest.mark.e2e
def test_two_bodies_or_countries_compared_get_each_set_summed_up(seed_qa):
    """"A 출장이랑 B 출장 비교해줘": each set of trips in a line (how many, where, when, how long, who
    went), then the trips, each cited; not the passages of one of them."""
    answer = seed_qa.ask("서울시 출장이랑 국토연구원 출장 비교해줘")
    assert answer.mode == "catalogue" and not answer.abstained
    lines = answer.answer.splitlines()
    assert lines[0].startswith("조건(서울특별시 또는 국토연구원)에 맞는 출장은 4건입니다.")
    seoul = next(line for line in lines if line.startswith("• 서울특별시: 3건"))
    assert {"일본", "중국", "인도"} <= set(re.findall(r"[가-힣]+", seoul)) and "2025-11-09 ~ 2025-11-24 출발" in seoul
    oecd = next(line for line in lines if line.startswith("• 국토연구원: 1건"))
    assert "프랑스" in oecd and "2023-07-02 출발" in oecd and "4일" in oecd
    assert {c.source for c in answer.citations} == {ASCC, GUANGZHOU, INDIA_NEWS, OECD}
    by_country = seed_qa.ask("일본 출장이랑 프랑스 출장 비교")
    assert by_country.mode == "catalogue" and "• 일본: 1건" in by_country.answer and "• 프랑스: 1건" in by_country.answer
    # Said as a difference, or the bodies named side by side; months compared are sets too.
    for question in ("서울시랑 국토연구원 출장 뭐가 달라?", "서울 국토연구원 출장 비교"):
        assert seed_qa.searcher.analyse(question).catalogue.kind == "compare", question
    by_month = seed_qa.ask("7월이랑 11월 출장 비교해줘").answer
    assert "• 7월 출발: 1건" in by_month and "• 11월 출발: 2건" in by_month
    # One measure compared ("인원 비교") is answered for each trip, from its facts.
    assert seed_qa.searcher.analyse("서울시 광저우 출장이랑 국토연구원 출장 기간 비교").catalogue is None
    # One body is no comparison of sets.
    one = seed_qa.searcher.analyse("서울시 광저우 출장이랑 요코하마 출장 비교").catalogue
    assert one is None or one.kind != "compare"


def test_a_trip_in_two_sets_compared_is_counted_in_each_and_listed_once():
    from qa.facts import TripRecord
    from qa.query import CatalogueRequest
    from qa.route import catalogue_answer

    both = TripRecord("a.txt", title="한중일 순방", organisation="가상시", countries=["일본", "중국"], start_date="2025-09-01",
                      traveller_count=3)
    japan = TripRecord("b.txt", title="도쿄 출장", organisation="가상시", countries=["일본"], cities=["도쿄"], start_date="2025-10-01")
    request = CatalogueRequest("compare", TripFilter(country="일본,중국"))
    answer = catalogue_answer("일본 출장이랑 중국 출장 비교", request, [both, japan], {})
    lines = answer.answer.splitlines()
    assert lines[0].endswith("출장은 2건입니다. 나눠 보면:") and len(answer.citations) == 2
    assert lines[1].startswith("• 일본: 2건 · 도쿄 · 2025-09-01 ~ 2025-10-01 출발") and "출장자 3명(건당 평균 3.0명, 1건 기준)" in lines[1]
    assert lines[2].startswith("• 중국: 1건 · 2025-09-01 출발")


def test_organisations_joined_by_a_conjunction_or_comma_are_several():
    stats = CorpusStats(df={}, passages=1, organisations=["부산광역시", "대구광역시 중구", "경상북도 청도군", "전라남도 완도군"])
    for question, organisation in (("부산이랑 대구 출장 몇 건씩이야?", "부산광역시,대구광역시 중구"),
                                   ("청도군, 완도군 출장 목록", "경상북도 청도군,전라남도 완도군"),
                                   ("청도군 및 완도군 출장 몇 건", "경상북도 청도군,전라남도 완도군"),
                                   ("부산시 중국 출장과 일본 출장 몇 건", "부산광역시")):  # one body, two countries
        assert analyse(question, stats).catalogue.where.organisation == organisation, question


def test_a_province_names_its_bodies_trips_and_its_councils():
    """"강원도 출장": the trips of 강원특별자치도's cities and counties and of its council (whose name holds
    the province's), not a title word."""
    stats = CorpusStats(df={}, passages=1, organisations=[
        "강원특별자치도 삼척시", "강원특별자치도 인제군", "강원특별자치도의회 안전건설위원회", "충청북도 청주시"])
    for question in ("강원도 출장 몇 건?", "강원 지자체 해외연수 목록"):
        request = analyse(question, stats).catalogue
        assert request.where.organisation == "강원특별자치도" and request.keyword == "" and request.confident, question


def test_a_province_by_its_spoken_short_name_reads_as_the_corpus_name():
    stats = CorpusStats(df={"충청북도": 2, "홋카이도": 2}, passages=10,
                        organisations=["충청북도", "경상남도 진주시", "경상남도 김해시"])
    query = analyse("충북도 홋카이도 출장은 뭐 보러 간 거야?", stats)
    assert "충청북도" in query.names and not query.unknown and query.corrected.startswith("충청북도")
    assert stats.organisation_for(["경남도"]) == "경상남도"
    assert stats.names_written_in("충북도", "충청북도 일본 출장") and not stats.names_written_in("충북도", "경상남도")


def test_a_compound_the_corpus_writes_as_two_words_is_the_same_words():
    stats = CorpusStats(df={"포천시": 1, "전일본": 1, "공진회": 2}, passages=10, text="포천시 제16회 전일본 공진회 참관")
    query = analyse("포천시 전일본공진회는 몇 회였어?", stats)
    assert {"전일본", "공진회"} <= set(query.terms) and not query.unknown and "전일본 공진회" in query.corrected
    assert "전일본 공진회" in query.asked_about
    assert analyse("전일본박람회는?", stats).unknown  # no such words in the corpus: still unknown


def test_a_word_kiwi_splits_only_in_the_question_is_the_corpus_word():
    stats = CorpusStats(df={"울산": 2, "트램": 3, "벤치마킹": 2, "국립": 2, "박물관": 3, "국립박물관": 1}, passages=10)
    query = analyse("울산 트램 벤치마킹 어디서 했어", stats)  # Kiwi: 벤치 + 마킹, neither a corpus word
    assert "벤치마킹" in query.terms and not query.unknown
    assert {"국립", "박물관"} <= set(analyse("국립박물관 어디 있어?", stats).terms)  # known pieces stay apart


def test_english_names_read_as_the_corpus_korean_names():
    stats = CorpusStats(df={}, passages=1, organisations=["울산광역시 중구", "경상남도 김해시", "서울특별시"],
                        cities={"상하이", "헬싱키"}, text="미국 출장")
    # Revised Romanization, as official English names are written; countries from CLDR's English names.
    assert stats.korean_name("Gimhae") == "김해" and stats.korean_name("Japan") == "일본"
    assert stats.korean_name("Shanghai") == "상하이" and stats.korean_name("Helsinki") == "헬싱키"
    assert stats.korean_name("learning") == "" and stats.korean_name("gu") == ""  # no name; "gu" is not Guam
    assert stats.korean_name("US") == "미국"
    query = analyse("What did Jung-gu of Ulsan do in Germany?", stats)
    assert {"중구", "울산", "독일"} <= set(query.names) and "중구 of 울산" in query.corrected
    query = analyse("What did Gimhae's mayor do in Japan?", stats)  # the possessive is no part of the name
    assert {"김해", "일본"} <= set(query.names) and "김해's mayor" in query.corrected and "s" not in query.topic_terms
    # Countries joined by hyphens name an event, not the trip's destinations; they stay topic words.
    query = analyse("Which companies presented at the Korea-China-Japan seminar in Japan?", stats)
    assert "중국" in query.topic_terms and "중국" not in query.names and "일본" in query.names  # in Japan


def test_other_names_of_a_country_read_as_the_corpus_name():
    stats = CorpusStats(df={"이탈리아": 3, "터키": 1}, passages=10)
    query = analyse("수영구 이태리 가서 뭐 했어?", stats)
    assert "이탈리아" in query.names and "이태리" not in query.unknown and "이탈리아" in query.corrected
    assert "터키" in analyse("터키 출장은?", stats).names  # the corpus's own spelling stays


def test_a_part_of_a_country_by_compass_direction_is_no_city():
    from qa.facts import extract_trip

    page = "🌍\n미국\n중견간부 국외연수(미국동부)\n\n충청북도\n\n📝 요약\n\n출장단은 미국 동부를 방문했습니다. 뉴욕에서 회의를 했습니다."
    assert extract_trip("page.txt", page).cities == ["뉴욕"]


def test_cities_come_from_the_gazetteer_of_the_trips_countries():
    from qa.lexicon import cities_named, city_country, same_city

    text = "방문단은 일본 삿포로시에서 낙농 현장을 보고 오사카를 거쳐, 네팔 랄릿푸르 시장과 만났다. 이를 위해 지난 회의를 열었다."
    assert [name for name, _, _ in cities_named(text, ["일본"])] == ["삿포로", "오사카"]
    # A name ending like a particle (와, 이, 로) is the whole name, with or without a particle after it.
    text = "일본 오키나와 지역을 방문했다. 베트남 하노이 시청과 하노이에서 회의를 열고, 이집트 카이로 박물관을 봤다."
    assert [name for name, _, _ in cities_named(text, ["일본", "베트남", "이집트"])] == ["오키나와", "하노이", "카이로"]
    name, start, end = cities_named(text, ["일본"])[0]
    assert text[start:end] == name
    assert cities_named(text, ["인도"]) == []  # 랄릿푸르 is placed in Nepal; 위해 and 지난 are words
    assert city_country("해밀턴", ["뉴질랜드"]) == "뉴질랜드" and city_country("해밀턴") == "캐나다"
    assert "도쿄" in same_city("동경")
    # A report saying "상해본사" (Shanghai, but also the word for injury) names no city.
    assert cities_named("상해본사 방문 후 상해 보험 처리를 했다.", ["중국"]) == []
    # A city whose name is also a word (황산, sulphuric acid) is one only written as a city, in its country.
    assert [n for n, _, _ in cities_named("중국 안휘성 황산시에서 열린 축제에 참가했다.", ["중국"])] == ["황산"]
    assert cities_named("황산 처리 시설을 보고, 이를 위해 회의를 열었다.", ["중국"]) == []
    assert cities_named("안휘성 황산시에서 열린 축제", ["일본"]) == []


def test_a_city_by_another_name_is_the_name_the_reports_use_most():
    from qa.lexicon import usual_city_name

    df = {"상하이": 9, "상해": 2, "도쿄": 16, "대전": 40, "대전광역시": 3}.get
    frequency = lambda n: df(n, 0)  # noqa: E731
    assert usual_city_name("상해", frequency) == "상하이"  # GeoNames' other name, though also a word
    assert usual_city_name("동경", frequency) == "도쿄"
    assert usual_city_name("상하이", frequency) == "상하이"
    assert usual_city_name("대전광역시", frequency) == "대전광역시"  # Korean cities are organisations here
    assert usual_city_name("북경", frequency) == "북경"  # no report writes 베이징 either


def test_router_labelled_set_is_large_enough():
    assert len(ROUTES) >= 30 and sum(k == "passage" for _, k, _ in ROUTES) >= 10


# --------------------------------------------------------------------------- answers


@pytest.mark.e2e
def test_listing_answer_names_each_trip_with_dates_and_cites_it(seed_qa):
    answer = seed_qa.ask("서울시 출장 목록")
    assert answer.mode == "catalogue" and not answer.abstained
    assert "3건" in answer.answer
    assert {c.source for c in answer.citations} == {ASCC, GUANGZHOU, INDIA_NEWS}
    assert "2025년 11월 24일 ~ 11월 27일" in answer.answer and "[1]" in answer.answer
    ascc = next(c for c in answer.citations if c.source == ASCC)
    assert "2025년 11월 24일" in ascc.quote  # the citation quotes where the dates came from


@pytest.mark.e2e
@pytest.mark.parametrize(
    "question, count, sources",
    [
        ("2025년에 일본으로 간 출장은?", 1, {ASCC}),
        ("서울시 국외출장은 몇 건이야?", 3, {ASCC, GUANGZHOU, INDIA_NEWS}),
        ("2023년 출장은 총 몇 건?", 1, {OECD}),
        ("OECD 관련 출장 목록", 1, {OECD}),
        ("가장 최근 출장은 어디였어?", 1, {ASCC}),
        ("가장 먼저 간 출장은?", 1, {OECD}),
        ("유럽 출장 몇 건이야?", 1, {OECD}),
        ("동아시아로 간 출장 목록", 2, {ASCC, GUANGZHOU}),
        ("2025년 하반기 출장 몇 건?", 2, {ASCC, GUANGZHOU}),
        ("일본 빼고 다른 나라 간 출장 목록", 3, {OECD, GUANGZHOU, INDIA_NEWS}),
        ("혼자 간 출장 몇 건이야?", 3, {OECD, GUANGZHOU, ASCC}),
        ("서울시랑 국토연구원 출장 몇 건씩이야?", 4, {ASCC, GUANGZHOU, INDIA_NEWS, OECD}),
        ("7월이랑 11월에 출발한 출장 목록", 3, {OECD, GUANGZHOU, ASCC}),
        ("서울시 말고 다른 기관 출장 몇 건?", 1, {OECD}),
        ("중국을 제외한 아시아 출장 알려줘", 2, {ASCC, INDIA_NEWS}),
    ],
)
def test_counting_and_picking_answers(seed_qa, question, count, sources):
    answer = seed_qa.ask(question)
    assert answer.mode == "catalogue"
    assert {c.source for c in answer.citations} == sources
    assert len(answer.citations) == count


@pytest.mark.e2e
def test_no_matching_trip_says_so(seed_qa):
    """Neither the catalogue nor the passages hold it: the answer names the condition that matched
    nothing (not a notice that passages answered while the answer refuses)."""
    for question in ("미국 출장 목록", "Did anyone go to Brazil?"):
        answer = seed_qa.ask(question)
        assert answer.abstained and answer.citations == []
        assert answer.answer.startswith("조건(") and "본문에서도 관련 내용을 찾지 못했습니다" in answer.answer, question
        assert "본문에서 찾은 내용" not in answer.notice


@pytest.mark.e2e
def test_a_question_not_about_trips_gets_no_no_trip_notice(seed_qa):
    """"어디어디" reads as a list, but the question asks which companies took part in a seminar, not for
    trips: that no trip matched '한중일' is no news to the asker, so nothing says it."""
    answer = seed_qa.ask("한중일 세미나에 기업은 어디어디 나왔어?")
    assert not answer.abstained and answer.citations[0].source == TCS_NEWS
    assert "출장 목록에서 찾지 못했습니다" not in answer.notice + answer.answer


@pytest.mark.e2e
def test_no_matching_trip_is_said_before_the_passages_that_name_the_place(seed_qa):
    """No trip went to 몽골, but the ASCC report names a Mongolian city's case: the answer says no trip
    matched, then quotes that passage, in English as in Korean, if the refusal model lets it."""
    no_trip = "조건(몽골)에 맞는 출장을 출장 목록에서 찾지 못했습니다"
    quoted = 0
    for question in ("Did anyone go to Mongolia?", "몽골 출장 간 적 있어?"):
        answer = seed_qa.ask(question)
        if answer.abstained:
            assert answer.answer.startswith(no_trip) and answer.citations == [], question
        else:
            assert answer.notice.startswith(no_trip) and "울란바토르" in answer.answer, question
            quoted += 1
    assert quoted >= 1


@pytest.mark.e2e
def test_a_title_word_no_trip_of_the_other_conditions_has_is_dropped_and_said(seed_qa):
    answer = seed_qa.ask("중국 OECD 출장 목록")  # the OECD trip went to France, the China trip was a seminar
    assert answer.mode == "catalogue" and not answer.abstained
    assert "제목·목적에 ‘OECD’ 단어가 든 출장은 없어, 그 말을 빼고 찾았습니다" in answer.answer
    assert [c.source for c in answer.citations] == [GUANGZHOU]


@pytest.mark.e2e
def test_filters_restrict_passage_answers(seed_qa):
    answer = seed_qa.ask("탄소중립 전략을 발표했나?", where=TripFilter(country="중국"))
    assert {c.source for c in answer.citations} == {GUANGZHOU}


@pytest.mark.e2e
def test_catalogue_answers_respect_the_picked_documents(seed_qa):
    answer = seed_qa.ask("서울시 출장 목록", sources=[ASCC])
    assert answer.mode == "catalogue" and [c.source for c in answer.citations] == [ASCC] and "1건" in answer.answer


# --------------------------------------------------------------------------- prior trips


@pytest.mark.e2e
def test_prior_trips_for_a_planned_one_put_the_same_country_first_with_a_lesson(seed_qa):
    answer = seed_qa.ask("다음 달 프랑스로 스마트시티 연수 가는데 참고할 이전 출장 있어?")
    assert answer.mode == "catalogue" and not answer.abstained
    assert answer.citations[0].source == OECD and "프랑스 출장 1건을 먼저" in answer.answer
    assert "시사점:" in answer.answer
    lesson = answer.citations[0].highlights[-1]
    assert seed_qa.document(OECD).text[lesson[0]:lesson[1]] in answer.answer  # the lesson is quoted and cited
    assert TCS_NEWS not in {c.source for c in answer.citations}  # an online seminar is not a trip


@pytest.mark.e2e
@pytest.mark.parametrize(
    "plan, country, city, first",
    [
        ("탄소중립 세미나", "", "", {GUANGZHOU, ASCC}),  # topic only: the two carbon-neutrality trips
        ("", "유럽", "", {OECD}),  # a region
        ("", "", "광저우", {GUANGZHOU}),  # a city
        ("스마트시티", "인도", "", {INDIA_NEWS}),
    ],
)
def test_prior_trips_rank_place_then_topic(seed_qa, plan, country, city, first):
    answer = seed_qa.prior_trips(plan, country, city)
    assert {c.source for c in answer.citations[: len(first)]} == first


@pytest.mark.e2e
def test_a_city_in_another_spelling_finds_its_trips(seed_qa):
    from qa.catalogue import TripFilter

    assert [t.source for t in seed_qa.trips(TripFilter(city="요코하마시"))] == [ASCC]  # GeoNames: 요코하마 = 요코하마시
    answer = seed_qa.prior_trips("세미나", city="요코하마시")
    assert answer.citations[0].source == ASCC and "요코하마시(으)로 간 출장은 없어" not in answer.answer


@pytest.mark.e2e
def test_a_place_with_no_trip_says_so_and_offers_close_topics(seed_qa):
    answer = seed_qa.prior_trips("스마트시티 교류", country="브라질")
    assert "브라질(으)로 간 출장은 없어" in answer.answer and answer.citations


PAGE = """
경상북도 안동시
출발일
2025년 8월 21일
도착일
2025년 8월 29일
여행 기간
8박 9일
인원
3명
📝 요약
본 보고서는 2024년 8월 21일부터 8월 29일까지 7박 9일간 독일을 방문한 결과입니다.
"""


def test_the_header_wins_and_a_summary_that_differs_is_kept_and_said(tmp_path):
    from qa.clean import clean_text
    from qa.facts import extract_trip

    record = extract_trip("page.txt", clean_text(PAGE))
    assert (record.start_date, record.duration_text) == ("2025-08-21", "8박 9일")  # the header's
    assert record.summary == {"start_date": "2024-08-21", "end_date": "2024-08-29", "duration": "7박 9일"}
    assert extract_trip("same.txt", clean_text(PAGE.replace("2024년", "2025년").replace("7박", "8박"))).summary == {}
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "page.txt").write_text(PAGE, encoding="utf-8")
    from qa import QA, Settings

    qa = QA.open(Settings(index_dir=tmp_path / "index", corpus=[corpus], embedder="hash"))
    assert qa.trips()[0].summary == record.summary  # kept in the catalogue
    answer = qa.ask("안동시 독일 출장 며칠 갔어?")
    assert "8박 9일" in answer.answer and "보고서 요약에는 2024년 8월 21일 ~ 8월 29일, 7박 9일로 적혀 있습니다" in answer.answer


def test_a_page_with_neither_title_nor_purpose_is_named_by_its_summarys_opening_sentence(tmp_path):
    from qa import QA, Settings
    from qa.clean import clean_text
    from qa.facts import extract_trip

    page = PAGE.replace("본 보고서는 2024년 8월 21일부터 8월 29일까지 7박 9일간 독일을 방문한 결과입니다.",
                        "출장단은 독일의 주요 도시들을 방문하여 관광도시의 공원 및 교통체계를 벤치마킹했습니다. 이어 시청을 찾았습니다.")
    assert "교통체계를 벤치마킹했습니다" in extract_trip("page.txt", clean_text(page)).purpose
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "page.txt").write_text(page, encoding="utf-8")
    (corpus / "other.txt").write_text(PAGE.replace("독일을", "독일 뮌헨을"), encoding="utf-8")
    qa = QA.open(Settings(index_dir=tmp_path / "index", corpus=[corpus], embedder="hash"))
    answer = qa.ask("안동시 교통체계 벤치마킹 출장 목록")
    assert [c.source for c in answer.citations] == ["page.txt"], answer.answer


def test_an_article_names_its_travelling_body_at_its_fullest_and_its_party():
    from qa.facts import extract_trip

    article = (
        "남해군의회, 말레이시아·싱가포르 공무국외연수\n"
        "[남해=가상뉴스] 홍길동 기자 = 남해군의회(의장 김아무개)가 23일부터 5박 7일 일정으로 말레이시아와 싱가포르를 "
        "방문하는 공무국외연수에 나섰다. 의원 7명과 의회 직원 5명 등 12명이 참가한다.\n"
        "경남 남해군의회는 현지에서 의회 운영 사례를 살펴볼 예정이다. 예산은 3,079명 주민 설문을 거쳐 편성됐다."
    )
    trip = extract_trip("article.txt", article)
    assert trip.organisation == "경남 남해군의회"
    assert article[trip.provenance["organisation"].start:trip.provenance["organisation"].end] == "경남 남해군의회"
    assert trip.traveller_count == 12
    assert trip.countries == ["말레이시아", "싱가포르"]


def test_an_articles_party_named_by_its_kind_of_delegation_is_counted():
    from qa.facts import extract_trip

    article = ("[가상뉴스] 홍길동 기자 = 충북 옥천군은 이번에 농업, 관광 등 2개 분야 총 9명의 정책시찰단을 꾸려 "
               "일본 구마모토를 방문했다고 14일 밝혔다.")
    assert extract_trip("article.txt", article).traveller_count == 9


def test_an_article_about_several_bodies_names_none():
    from qa.facts import extract_trip

    article = ("공무원 해외출장 관행 여전\n[가상뉴스] 홍길동 기자 = 전북 군산시는 퇴직예정자에게 해외연수를 보냈다. "
               "경기 수원시는 장기 재직자 연수를 체코로 보냈다.\n")
    assert extract_trip("article.txt", article).organisation == ""


def test_a_country_name_that_is_a_common_word_counts_only_as_a_proper_noun():
    from qa.facts import extract_trip

    page = ("경상북도 안동시\n출발일: 2025-08-21\n도착일: 2025-08-29\n📝 요약\n"
            "출장단은 독일 뮌헨을 방문하여 현지 대중교통과 이동 수단을 살펴보는 일정을 소화하였습니다.\n")
    assert extract_trip("page.txt", page).countries == ["독일"]
    assert extract_trip("page.txt", page.replace("독일 뮌헨을", "독일과 수단을")).countries == ["독일", "수단"]
