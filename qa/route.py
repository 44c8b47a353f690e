"""Questions about trips as a whole ("2025년에 일본으로 간 출장은?", "가장 긴 출장은?").

`route_question` decides, by rules on Korean cues, whether a question is answered from
passages or from the trip catalogue, and which filters it names (country, city,
organisation, year, document type, a keyword such as OECD). `catalogue_answer` lists,
counts or picks trips and cites each report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from .answer import Answer, Citation
from .catalogue import CITY_COUNTRY, DOC_TYPES, TripFilter, TripRecord, normalise_country
from .facts import COUNTRIES
from .korean import question_nouns

Kind = Literal["passage", "list", "count", "earliest", "latest", "longest", "shortest"]

_KINDS: list[tuple[Kind, re.Pattern]] = [
    ("count", re.compile(r"몇\s*(?:건|번|차례|회|개)|건수|횟수|총\s*몇|how many", re.I)),
    ("longest", re.compile(r"가장\s*(?:긴|오래\s*(?:간|걸린|머문|다녀온)|길었|길게)|최장|longest", re.I)),
    ("shortest", re.compile(r"가장\s*짧|최단|shortest", re.I)),
    ("latest", re.compile(r"가장\s*(?:최근|늦|나중)|최근(?:에)?\s*(?:다녀온|간|있었던|한)|마지막\s*출장|latest|most recent", re.I)),
    ("earliest", re.compile(r"가장\s*(?:먼저|이른|오래된|처음|앞선)|처음으로|최초|언제부터|earliest|first trip", re.I)),
    ("list", re.compile(
        r"목록|리스트|어떤\s*출장|무슨\s*출장|출장(?:은|들은|들|을)?\s*(?:뭐|무엇|어떤|어디)|어디\s*어디|"
        r"출장\s*(?:내역|현황|기록)|다녀온\s*(?:곳|출장|나라|도시)|(?:간|온|된|한|갔던|있었던)\s*출장(?:은|을|이|들)?\s*(?:\?|$|목록|알려|보여|뭐|무엇|어디|있)|출장(?:은|을)?\s*(?:알려|보여)|list", re.I)),
]
# A catalogue question is about trips, not about what happened on one.
_TRIP_WORDS = re.compile(r"출장|방문|순방|다녀|보고서|trip", re.I)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*년")
_ORG_IN_QUESTION = re.compile(r"([가-힣]{2,10}(?:특별시|광역시|특별자치시|특별자치도|시청|도청|부|청|처|연구원|공사|공단|위원회|재단|시|도))")
_SHORT_ORG = {"서울시": "서울", "부산시": "부산", "대구시": "대구", "인천시": "인천", "광주시": "광주", "대전시": "대전", "울산시": "울산"}
_DOC_TYPE_WORDS = {"뉴스": "news", "기사": "news", "보도자료": "press", "결과보고서": "report"}
_FILLER = {"출장", "국외", "국외출장", "공무", "목록", "리스트", "관련", "보고서", "방문", "순방", "건수", "건", "가장",
           "최근", "처음", "최초", "기간", "내역", "현황", "기록", "나라", "도시", "곳", "해외", "결과보고서", "뉴스", "기사"}
_QUESTION_START = re.compile(r"언제|어디|무엇|누가|누구|얼마|어느|몇")
_LATIN = re.compile(r"\b[A-Z][A-Za-z0-9]{1,15}\b")


@dataclass(frozen=True)
class Route:
    kind: Kind
    where: TripFilter = TripFilter()
    keyword: str = ""  # a name the trips' title, purpose or events must contain (e.g. OECD)


def route_question(question: str) -> Route:
    """Where the answer comes from, and the filters the question names."""
    kind: Kind = "passage"
    for name, pattern in _KINDS:
        if pattern.search(question):
            kind = name
            break
    if kind != "passage" and not _TRIP_WORDS.search(question) and not re.search(r"어디\s*어디", question):
        kind = "passage"  # "가장 인상 깊은 사례는?" is about a passage
    if kind == "passage":
        return Route("passage")

    country = city = organisation = doc_type = ""
    for word, canonical in COUNTRIES.items():
        if word in question:
            country = canonical
            break
    for word in re.findall(r"[A-Za-z]+", question):
        country = country or normalise_country(word)
    for name in CITY_COUNTRY:
        if name in question and not (name == country):
            city = name
            break
    m = _ORG_IN_QUESTION.search(question)
    if m and m.group(1) not in COUNTRIES and m.group(1)[:-1] not in CITY_COUNTRY and not _QUESTION_START.match(m.group(1)):
        org = m.group(1)
        organisation = _SHORT_ORG.get(org, org)
    for word, kind_key in _DOC_TYPE_WORDS.items():
        if word in question:
            doc_type = kind_key
    date_from = date_to = ""
    if y := _YEAR.search(question):
        date_from, date_to = f"{y.group(1)}-01-01", f"{y.group(1)}-12-31"
    named = {country, city, organisation}
    keyword = next((w for w in _LATIN.findall(question) if not normalise_country(w)), "")
    if not keyword:
        rest = [
            n for n in question_nouns(question)
            if n not in _FILLER and n not in named and n not in COUNTRIES and n not in CITY_COUNTRY
            and not any(x in n or n in x for x in named if x) and not _YEAR.fullmatch(n + "년")
        ]
        keyword = rest[0] if len(rest) == 1 and len(rest[0]) >= 3 else ""
    where = TripFilter(country=country, city=city, organisation=organisation, date_from=date_from,
                       date_to=date_to, doc_type=doc_type)
    return Route(kind, where, keyword)


def merge_filters(a: TripFilter, b: TripFilter) -> TripFilter:
    """`a` with every field `b` sets (b is what the user chose explicitly)."""
    return replace(a, **{k: v for k, v in vars(b).items() if v})


# --------------------------------------------------------------------------- answers


def is_trip(record: TripRecord) -> bool:
    """A row describes a trip when it names a destination or travel dates (an online seminar does not)."""
    return bool(record.countries or record.start_date)


def _matches(record: TripRecord, keyword: str) -> bool:
    hay = " ".join([record.title, record.purpose, record.organisation, *record.events]).lower()
    return keyword.lower() in hay


def _describe(r: TripRecord) -> str:
    place = " ".join([*r.countries, *r.cities])
    if r.start_date:
        when = f"{r.start_date}~{r.end_date}" if r.end_date and r.end_date != r.start_date else r.start_date
    else:
        when = f"보도 {r.published}" if r.published else "날짜 미상"
    if r.duration_text:
        when += f" ({r.duration_text})"
    parts = [p for p in (r.organisation, place, when) if p]
    return f"「{r.title or r.source}」 — " + ", ".join(parts)


def _citation(n: int, r: TripRecord, text: str) -> Citation:
    fields = ["start_date", "end_date", "duration", "countries", "cities", "organisation", "title", "published"]
    spans = sorted({(r.provenance[f].start, r.provenance[f].end) for f in fields if f in r.provenance})
    start = min((s for s, _ in spans), default=0)
    end = max((e for _, e in spans), default=min(len(text), 200))
    return Citation(
        n=n, source=r.source, section="출장 정보", page=None,
        quote=" · ".join(text[s:e] for s, e in spans) or r.title,
        score=1.0, chunk_id="", title=r.title, start=start, end=end, highlights=spans,
    )


def _filters_text(route: Route) -> str:
    w = route.where
    bits = []
    if w.date_from and w.date_to and w.date_from[:4] == w.date_to[:4]:
        bits.append(f"{w.date_from[:4]}년")
    elif w.date_from or w.date_to:
        bits.append(f"{w.date_from or '…'}~{w.date_to or '…'}")
    if w.organisation:
        bits.append(w.organisation)
    if w.country:
        bits.append(f"{normalise_country(w.country) or w.country}")
    if w.city:
        bits.append(w.city)
    if w.doc_type:
        bits.append(DOC_TYPES.get(w.doc_type, w.doc_type))
    if route.keyword:
        bits.append(f"‘{route.keyword}’ 관련")
    return " · ".join(bits)


def catalogue_answer(question: str, route: Route, records: list[TripRecord], texts: dict[str, str]) -> Answer:
    """List, count or pick trips from catalogue rows (already filtered by `route.where`)."""
    trips = [r for r in records if is_trip(r) and (not route.keyword or _matches(r, route.keyword))]
    scope = _filters_text(route)
    label = f"조건({scope})에 맞는" if scope else "보유한 보고서의"
    if route.kind in ("longest", "shortest"):
        dated = [r for r in trips if r.duration_days]
        if dated:
            best = (max if route.kind == "longest" else min)(r.duration_days for r in dated)
            trips = [r for r in dated if r.duration_days == best]
    elif route.kind in ("earliest", "latest"):
        dated = sorted((r for r in trips if r.start_date or r.published), key=lambda r: r.start_date or r.published)
        if dated:
            pick = dated[0] if route.kind == "earliest" else dated[-1]
            key = pick.start_date or pick.published
            trips = [r for r in dated if (r.start_date or r.published) == key]

    if not trips:
        return Answer(
            question=question,
            answer=f"{label} 출장을 보고서에서 찾지 못했습니다.",
            abstained=True, citations=[], mode="catalogue",
        )
    citations = [_citation(i + 1, r, texts.get(r.source, "")) for i, r in enumerate(trips)]
    lines = [f"{i + 1}. {_describe(r)} [{i + 1}]" for i, r in enumerate(trips)]
    if route.kind == "count":
        head = f"{label} 출장은 {len(trips)}건입니다."
    elif route.kind == "list":
        head = f"{label} 출장은 {len(trips)}건입니다."
    else:
        what = {"longest": "가장 긴", "shortest": "가장 짧은", "earliest": "가장 이른", "latest": "가장 최근"}[route.kind]
        head = f"{label} 출장 중 {what} 출장입니다" + (f" ({len(trips)}건)." if len(trips) > 1 else ".")
        if route.kind in ("longest", "shortest") and trips[0].duration_days:
            head = f"{label} 출장 중 {what} 출장은 {trips[0].duration_days}일입니다" + (
                f" ({len(trips)}건, 같은 기간)." if len(trips) > 1 else "."
            )
    return Answer(
        question=question,
        answer=head + "\n" + "\n".join(lines),
        abstained=False,
        citations=citations,
        mode="catalogue",
        evidence=1.0,
    )


