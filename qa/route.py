"""Questions about trips as a whole ("2025년에 일본으로 간 출장은?", "가장 긴 출장은?").

The query analysis (`qa.query`) recognises the request and its filters; `catalogue_answer`
lists, counts or picks the matching trips and cites each report.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from .answer import Answer, Segment
from .catalogue import Catalogue, TripFilter
from .facts import DOC_TYPES, TripRecord
from .lexicon import COUNTRIES, SEASONS, city_country, countries_of, normalise_country
from .fact_answer import date_range, trip_citation
from .query import HALF_YEARS, CatalogueRequest, CorpusStats, Query


# How each organisation level reads back in an answer.
LEVEL_NAMES = {"광역": "시·도 본청", "광역시": "광역시·특별시 본청", "도": "도 본청", "기초": "시·군·구", "시": "시 단위 지자체",
               "군": "군 단위 지자체", "구": "자치구"}


def merge_filters(a: TripFilter, b: TripFilter) -> TripFilter:
    """`a` with every field `b` sets (b is what the user chose explicitly)."""
    return replace(a, **{k: v for k, v in vars(b).items() if v})


# --------------------------------------------------------------------------- answers


def is_trip(record: TripRecord) -> bool:
    """A row describes a trip when it names a destination or travel dates (an online seminar does not)."""
    return bool(record.countries or record.start_date)


def trips_of_the_one_name(query: Query, catalogue: Catalogue, stats: CorpusStats) -> tuple[str, list[str]]:
    """"미국 출장 어땠어?", "청도군 출장 뭐 했어?": the country or organisation that is all the question
    names (`Query.only_name`), as the catalogue writes it, and the reports of that body's trips, or of
    some body's trips to that country (not an article on where officials go at large); ("", []) when
    the question names more, or the name no trip."""
    name = query.only_name
    if name in COUNTRIES:
        country = COUNTRIES[name]
        return country, [r.source for r in catalogue.trips(TripFilter(country=country)) if is_trip(r) and r.organisation]
    # The body itself, not also its districts ("부산" is 부산광역시).
    organisation = stats.organisation_for([name]) if name else ""
    trips = [r.source for r in catalogue.trips(TripFilter(organisation=organisation)) if r.organisation == organisation] if organisation else []
    return (organisation, trips) if trips else ("", [])


def _matches(record: TripRecord, keyword: str) -> bool:
    hay = " ".join([record.title, record.purpose, record.organisation, *record.events]).lower()
    return keyword.lower() in hay


def describe_trip(r: TripRecord) -> str:
    """One line about a trip: title, organisation, places, dates, duration, travellers."""
    place = " ".join([*r.countries, *r.cities])
    if r.start_date:
        when = date_range(r)
    else:
        when = f"보도 {r.published}" if r.published else "날짜 미상"
    if r.duration_text:
        when += f" ({r.duration_text})"
    people = f"{r.traveller_count}명" if r.traveller_count else ""
    parts = [p for p in (r.organisation, place, when, people) if p]
    # A page without a title line is named by who went where, never by its file name.
    name = r.title or " ".join(p for p in (r.organisation, " ".join(r.countries), "출장") if p)
    return f"「{name}」 — " + ", ".join(parts)


def _filters_text(route: CatalogueRequest) -> str:
    w = route.where
    bits = []
    if w.departed and not w.months:
        year, _, month = w.departed.partition("-")
        bits.append(" ".join(p for p in (f"{year}년" if year else "", f"{int(month)}월" if month else "") if p) + " 출발")
    # A whole year or one of its halves reads back as said ("2025년", "2025년 하반기").
    spans = {("01-01", "12-31"): "", **{days: f" {half}반기" for half, days in HALF_YEARS.items()}}
    if w.date_from and w.date_to and w.date_from[:4] == w.date_to[:4] and (w.date_from[5:], w.date_to[5:]) in spans:
        bits.append(f"{w.date_from[:4]}년{spans[w.date_from[5:], w.date_to[5:]]}")
    elif w.date_from or w.date_to:
        bits.append(f"{w.date_from or '…'}~{w.date_to or '…'}")
    if w.organisation:
        bits.append(" 또는 ".join(w.organisation.split(",")))
    if w.country:
        bits.append(" 또는 ".join(normalise_country(c) or c for c in w.country.split(",")))
    if w.months:
        months = [int(m) for m in w.months.split(",")]
        season = next((name for name, ms in SEASONS.items() if tuple(months) == ms), "")
        year = f"{w.departed}년 " if w.departed else ""
        bits.append(year + (f"{season}({months[0]}~{months[-1]}월)" if season else "·".join(f"{m}월" for m in months)) + " 출발")
    if w.level:
        bits.append(LEVEL_NAMES[w.level])
    if w.min_days:
        bits.append(f"{w.min_days}일 이상")
    if w.max_days:
        bits.append(f"{w.max_days}일 이하")
    if w.min_travellers and w.min_travellers == w.max_travellers:
        bits.append(f"{w.min_travellers}명")  # "혼자 간 출장": 1명
    else:
        if w.min_travellers:
            bits.append(f"{w.min_travellers}명 이상")
        if w.max_travellers:
            bits.append(f"{w.max_travellers}명 이하")
    if w.city:
        bits.append(w.city)
    if w.doc_type:
        bits.append(DOC_TYPES.get(w.doc_type, w.doc_type))
    left_out = [*(normalise_country(c) or c for c in w.not_country.split(",") if c), w.not_city, *w.not_organisation.split(",")]
    if any(left_out):
        bits.append("·".join(x for x in left_out if x) + " 제외")
    if route.keyword:
        bits.append(f"‘{route.keyword}’ 관련")
    return " · ".join(bits)


# What "가장 많이 간 …" counts trips by: its noun, read back as said.
_GROUPS = [(re.compile(r"도시|city", re.I), "cities", "도시"), (re.compile(r"지자체|기관", re.I), "organisation", "지자체"),
           (re.compile(r"나라|국가|countr", re.I), "countries", "나라")]
MOST_SHOWN = 5


def _most_often(trips: list[TripRecord], question: str, country_given: bool) -> tuple[str, list[tuple[str, int]], list[TripRecord]]:
    """The noun the trips are counted by ("나라"), the values with the most trips (most first), and
    the trips of the first. A place asked within a country ("일본에서 제일 많이 간 데") is a city."""
    # A place ("곳", "데") is a country, or a city within the country the question names.
    _, field_name, noun = next((g for g in _GROUPS if g[0].search(question)), _GROUPS[0 if country_given else 2])

    def values(r: TripRecord) -> list[str]:
        value = getattr(r, field_name)
        return [value] if isinstance(value, str) else list(dict.fromkeys(value))

    ranked = Counter(v for r in trips for v in values(r) if v).most_common(MOST_SHOWN)
    return noun, ranked, [r for r in trips if ranked and ranked[0][0] in values(r)]


def _compared_groups(route: CatalogueRequest, trips: list[TripRecord]) -> list[tuple[str, list[TripRecord]]]:
    """The sets a comparison names (its organisations, else its countries, else its months), each with
    its trips."""
    w = route.where
    if "," in w.organisation:
        return [(o, [r for r in trips if o in r.organisation]) for o in w.organisation.split(",") if o]
    if "," in w.months and "," not in w.country:
        return [(f"{int(m)}월 출발", [r for r in trips if r.start_date[5:7] == m]) for m in w.months.split(",")]
    names = [normalise_country(c) or c for c in w.country.split(",") if c]
    return [(c, [r for r in trips if countries_of(c) & set(r.countries)]) for c in names]


def _summary_of(name: str, trips: list[TripRecord]) -> str:
    """One set of a comparison in a line: how many trips, where to, when, how long, how many went."""
    if not trips:
        return f"{name}: 출장 없음"
    bits = [f"{len(trips)}건"]
    # Where a body's (or a region's) trips went; within a country, which of its cities.
    if normalise_country(name) == name:
        places = Counter(c for r in trips for c in dict.fromkeys(r.cities) if city_country(c, r.countries) == name)
    else:
        places = Counter(c for r in trips for c in dict.fromkeys(r.countries))
    if places:
        bits.append(", ".join(f"{c} {n}건" if n > 1 else c for c, n in places.most_common(4)))
    dates = sorted(r.start_date for r in trips if r.start_date)
    if dates:
        bits.append(f"{dates[0]} ~ {dates[-1]} 출발" if dates[0] != dates[-1] else f"{dates[0]} 출발")
    days = [r.duration_days for r in trips if r.duration_days]
    if days:
        bits.append(f"평균 {sum(days) / len(days):.1f}일" if len(days) > 1 else f"{days[0]}일")
    people = [r.traveller_count for r in trips if r.traveller_count]
    if people:
        # Trips whose page gives no head count are left out of the sum, and the line says so.
        known = f", {len(people)}건 기준" if len(people) < len(trips) else ""
        bits.append(f"출장자 {sum(people)}명" + (f"(건당 평균 {sum(people) / len(people):.1f}명{known})" if len(people) > 1 or known else ""))
    return f"{name}: " + " · ".join(bits)


def catalogue_answer(question: str, route: CatalogueRequest, records: list[TripRecord], texts: dict[str, str]) -> Answer:
    """List, count or pick trips from catalogue rows (already filtered by `route.where`)."""
    trips = [r for r in records if is_trip(r) and (not route.keyword or _matches(r, route.keyword))]
    note = ""
    if route.keyword and not trips and not route.where.is_empty() and any(is_trip(r) for r in records):
        # The title word is the least certain condition ("10박 넘는 장기 출장" finds no title with 장기):
        # the trips the other conditions match, saying so.
        note = f"제목·목적에 ‘{route.keyword}’ 단어가 든 출장은 없어, 그 말을 빼고 찾았습니다. "
        route = replace(route, keyword="")
        trips = [r for r in records if is_trip(r)]
    scope = _filters_text(route)
    label = f"조건({scope})에 맞는" if scope else "보유한 보고서의"
    most_head = ""
    if route.kind in ("longest", "shortest"):
        dated = [r for r in trips if r.duration_days]
        if dated:
            best = (max if route.kind == "longest" else min)(r.duration_days for r in dated)
            trips = [r for r in dated if r.duration_days == best]
    elif route.kind == "most" and trips:
        noun, ranked, top_trips = _most_often(trips, question, bool(route.where.country))
        if ranked:
            (top, n), trips = ranked[0], top_trips
            others = ", ".join(f"{v} {c}건" for v, c in ranked[1:])
            most_head = f"{label} 출장이 가장 많은 {noun}는 {top}({n}건)입니다." + (f" 다음은 {others}입니다." if others else "")
    elif route.kind == "largest":
        counted = [r for r in trips if r.traveller_count]
        if counted:
            most = max(r.traveller_count for r in counted)
            trips = [r for r in counted if r.traveller_count == most]
    elif route.kind in ("earliest", "latest"):
        dated = sorted((r for r in trips if r.start_date or r.published), key=lambda r: r.start_date or r.published)
        if dated:
            pick = dated[0] if route.kind == "earliest" else dated[-1]
            key = pick.start_date or pick.published
            trips = [r for r in dated if (r.start_date or r.published) == key]

    if not trips:
        return Answer(
            question=question,
            segments=[Segment(f"{label} 출장을 출장 목록에서 찾지 못했습니다.")],
            abstained=True, citations=[], mode="catalogue",
        )
    groups: list[tuple[str, list[TripRecord]]] = []
    if route.kind == "compare":
        # Each set's trips together, in the order the question names the sets (a trip to two countries
        # compared is listed once, under the first).
        groups = _compared_groups(route, trips)
        trips = list({id(r): r for _, members in groups for r in members}.values())
    citations = [trip_citation(i + 1, r, texts.get(r.source, "")) for i, r in enumerate(trips)]
    lines = [Segment(f"{i + 1}. {describe_trip(r)}", (i + 1,), newline=True) for i, r in enumerate(trips)]
    if groups:
        head = f"{label} 출장은 {len(trips)}건입니다. 나눠 보면:"
        # One line per set before the trips (whose own lines cite each one).
        lines = [*(Segment(f"• {_summary_of(name, members)}", newline=True) for name, members in groups), *lines]
    elif most_head:
        head = most_head
    elif route.kind in ("count", "list", "most"):
        head = f"{label} 출장은 {len(trips)}건입니다."
        if "," in route.where.organisation:
            # "부산이랑 대구 출장 몇 건씩": each organisation's count too.
            each = [(o, sum(o in r.organisation for r in trips)) for o in route.where.organisation.split(",")]
            head = head[:-1] + " (" + ", ".join(f"{o} {n}건" for o, n in each) + ")."
    else:
        what = {"longest": "가장 긴", "shortest": "가장 짧은", "earliest": "가장 이른", "latest": "가장 최근",
                "largest": "인원이 가장 많은"}[route.kind]
        head = f"{label} 출장 중 {what} 출장입니다" + (f" ({len(trips)}건)." if len(trips) > 1 else ".")
        if route.kind in ("longest", "shortest") and trips[0].duration_days:
            head = f"{label} 출장 중 {what} 출장은 {trips[0].duration_days}일입니다" + (
                f" ({len(trips)}건, 같은 기간)." if len(trips) > 1 else "."
            )
        if route.kind == "largest" and trips[0].traveller_count:
            head = f"{label} 출장 중 {what} 출장은 {trips[0].traveller_count}명입니다" + (
                f" ({len(trips)}건)." if len(trips) > 1 else "."
            )
    return Answer(
        question=question,
        segments=[Segment(note + head), *lines],
        abstained=False,
        citations=citations,
        mode="catalogue",
        evidence=1.0,
    )


