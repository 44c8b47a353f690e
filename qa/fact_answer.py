"""Trip facts answer fact questions: "광저우 출장 며칠 갔어?" -> "3박 4일 (2025년 11월 9일 ~ 11월 12일) [1]".

A question asks for a trip fact when its answer type is a date, a duration, a traveller count,
a place or an organisation and the thing it asks about is the trip itself: the noun before the
cue is the trip or its delegation ("독일 출장 며칠", "방문단 몇 명", "며칠 갔어?"), not an event
or a group on it ("라운드테이블은 어디서", "괴테대학교 방문은 언제", "학생 몇 명"). The answer comes from the
trip's catalogue record and cites the spans where each fact was read, followed by the report's
best sentence stating that kind of value (its dates, a place, a number of people), cited too: the
record keeps one reading of the page, the report may say more ("치앙마이주와 람푼주") or say it
otherwise. A field the catalogue left empty gives no fact answer: the extractive strategy answers instead.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .answer import Answer, AnswerContext, Citation, Segment, make_citation, not_found
from .facts import TripRecord, is_field_line
from .extractive import TOWN_AFTER, TYPE_VALUE, Candidate, candidates, display, header_terms, items_listed, towns_named
from .catalogue import TripFilter
from .lexicon import COUNTRIES, FOREIGN_CITIES, REGIONS, place_named, places_named, same_city
from .korean import content_morphemes, names_in
from .query import GENERIC_TERMS, NATIVE_NUMERAL, PEOPLE_WHO_WENT, TRIP_NOUNS, Query, compound_of, is_group_or_visit
from .retrieve import Hit

_FIELDS = {
    "duration": ("duration", "start_date", "end_date"),
    "when": ("start_date", "end_date", "duration"),
    "count": ("traveller_count",),
    "where": ("countries", "cities"),
    "who": ("organisation", "travellers"),
}


def korean_date(iso: str, with_year: bool = True) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}년 {m}월 {d}일" if with_year else f"{m}월 {d}일"


def date_range(r: TripRecord) -> str:
    if not r.start_date:
        return ""
    if not r.end_date or r.end_date == r.start_date:
        return korean_date(r.start_date)
    same_year = r.start_date[:4] == r.end_date[:4]
    return f"{korean_date(r.start_date)} ~ {korean_date(r.end_date, not same_year)}"


def trip_label(r: TripRecord) -> str:
    if r.title and r.organisation:
        return f"{r.organisation}의 「{r.title}」"
    if r.title:
        return f"「{r.title}」"
    if r.organisation and r.countries:  # "울산광역시의 독일·체코 출장 기간은"
        return f"{r.organisation}의 {'·'.join(r.countries)}"
    return r.organisation or "이"


def fact_sentence(kind: str, r: TripRecord, query: Query | None = None, labelled: bool = True) -> str | None:
    """The answer sentence for one trip, or None when the record lacks the fact (`labelled`: the
    sentence names the trip; a second fact of the same trip does not repeat it)."""
    label = f"{trip_label(r)} " if labelled else ""
    dates = date_range(r)
    duration = r.duration_text or (f"{r.duration_days}일" if r.duration_days else "")
    if kind == "duration" and duration:
        return f"{label}출장 기간은 {duration}" + (f"({dates})" if dates else "") + "입니다." + summary_note(r)
    if kind == "when" and dates:
        return f"{label}출장은 {dates}" + (f"({duration})" if duration else "") + "입니다." + summary_note(r)
    if kind == "count" and r.traveller_count:
        return f"{label}출장 인원은 {r.traveller_count}명입니다."
    if kind == "where" and (r.countries or r.cities):
        cities = f" ({', '.join(r.cities)})" if r.countries and r.cities else ", ".join(r.cities)
        if labelled and not r.title and r.organisation:
            label = f"{r.organisation}의 "  # not "울릉군의 싱가포르 출장지는 싱가포르입니다"
        return f"{label}출장지는 {'·'.join(r.countries)}{cities}입니다."
    if kind == "who" and query is not None and query.asks_organisation and r.organisation:
        trip = f"「{r.title}」" if r.title else "·".join(r.countries)
        return f"{trip + ' ' if trip else '이 '}출장은 {r.organisation}의 출장입니다."
    if kind == "who" and r.travellers:  # people: only when the report names them
        return f"{label}출장자는 {', '.join(r.travellers)}입니다."
    if kind == "who" and r.organisation:  # "누가 갔어?" of a report that names no one: who sent them, how many
        return f"{who_went(r)}{NO_NAMES}"
    return None


def summary_said(r: TripRecord) -> str:
    """What the report's summary gives where it differs from the header ("7박 9일", or its dates),
    '' when it agrees."""
    said = []
    if "start_date" in r.summary or "end_date" in r.summary:
        said.append(date_range(replace(r, start_date=r.summary.get("start_date", r.start_date),
                                       end_date=r.summary.get("end_date", r.end_date))))
    if "duration" in r.summary:
        said.append(r.summary["duration"])
    return ", ".join(said)


def summary_note(r: TripRecord) -> str:
    """" 보고서 요약에는 7박 9일로 적혀 있습니다." (the answer follows the header); '' otherwise."""
    said = summary_said(r)
    return f" 보고서 요약에는 {said}로 적혀 있습니다." if said else ""


def who_went(r: TripRecord) -> str:
    """"「…」 출장은 부산광역시 수영구에서 1명이 다녀왔습니다." ('' without an organisation)."""
    if not r.organisation:
        return ""
    people = f"{r.traveller_count}명이" if r.traveller_count else ""
    # A page without a title is named by its countries ("싱가포르·말레이시아 출장은 경기도에서 …").
    name = f"「{r.title}」 " if r.title else f"{'·'.join(r.countries)} " if r.countries else ""
    return f"{name}출장은 {r.organisation}에서 {people} 다녀왔습니다.".replace("  ", " ")


def trip_citation(n: int, r: TripRecord, text: str, fields: tuple[str, ...] | None = None) -> Citation:
    """Citation [n] of a catalogue record: the spans where its facts were read."""
    fields = fields or ("start_date", "end_date", "duration", "countries", "cities", "organisation", "title", "published")
    spans = sorted({(r.provenance[f].start, r.provenance[f].end) for f in fields if f in r.provenance})
    start = min((s for s, _ in spans), default=0)
    end = max((e for _, e in spans), default=min(len(text), 200))
    return Citation(
        n=n, source=r.source, section="출장 정보", page=None,
        quote=" · ".join(text[s:e] for s, e in spans) or r.title,
        score=1.0, chunk_id="", title=r.title, start=start, end=end, highlights=spans,
    )


MAX_ALIKE_TRIPS = 5
NO_NAMES = " 보고서에 출장자 이름은 없습니다."


def trip_names(r: TripRecord) -> str:
    return " ".join([r.organisation, *r.countries, *r.cities])


def several_trips(ctx: AnswerContext, records: list[TripRecord], mode: str) -> Answer | None:
    """One fact sentence per trip the question's names match (the best-retrieved first, then by date)."""
    query, searcher = ctx.query, ctx.searcher
    first, rest = records[0], sorted(records[1:], key=lambda r: r.start_date or "9999")
    said = [(r, s) for r in (first, *rest) if (s := fact_sentence(query.answer_type, r, query))]
    if len(said) < 2:
        return None
    segments = [Segment(f"질문에 맞는 출장이 {len(said)}건입니다.")]
    citations = []
    shown = said[:MAX_ALIKE_TRIPS]
    # "보고서에 출장자 이름은 없습니다" is said once, after the trips, when it holds for all of them.
    unnamed = all(sentence.endswith(NO_NAMES) for _, sentence in shown)
    # Trips of one body without titles read alike ("제주특별자치도의 출장지는 …" twice): their dates tell
    # them apart, unless the sentence gives them already.
    alike = len({trip_label(r) for r, _ in shown}) < len(shown) and query.answer_type not in ("when", "duration")
    for record, sentence in shown:
        if alike and (dates := date_range(record)):
            sentence = f"({dates}) {sentence}"
        doc = searcher.index.documents.get(record.source)
        n = len(citations) + 1
        citations.append(trip_citation(n, record, doc.text if doc else "", _FIELDS[query.answer_type]))
        segments.append(Segment(sentence.removesuffix(NO_NAMES) if unnamed else sentence, (n,), newline=True))
    if unnamed:
        segments.append(Segment("보고서에 출장자 이름은 나와 있지 않습니다.", newline=True))
    if len(said) > MAX_ALIKE_TRIPS:
        segments.append(Segment(f"나머지 {len(said) - MAX_ALIKE_TRIPS}건은 ‘출장 목록’ 탭에서 볼 수 있습니다.", newline=True))
    return Answer(question=query.text, segments=segments, abstained=False, citations=citations, mode=mode,
                  signals={"sentence_typed": 1.0})


# A number of people ("28명", "70여명", "세 명"), not of things.
_PEOPLE = re.compile(rf"\d+\s*(?:여\s*)?명|{NATIVE_NUMERAL}\s*명(?!\s*째)")
# A trip fact, the words for it, and what any statement of it contains. Looser than the refusal's
# `extractive.TYPE_VALUE` on purpose: this one says a fact is missing, so any number of days counts
# as a possible length ("90일 이내"), and only people count as a traveller count.
_REPORT_VALUES = {
    "count": ("출장 인원이", re.compile(_PEOPLE.pattern + "|인원")),
    "duration": ("출장 기간이", re.compile(r"\d+\s*(?:박|일)|부터")),
    "when": ("출장 날짜가", re.compile(r"\d{1,2}\s*[월.]\s*\d{1,2}|\d{4}\s*[.년-]|\d+\s*일")),
}


def _not_in_report(kind: str, r: TripRecord, searcher) -> str:
    """The words for the fact `kind` when neither the trip's record nor its report's text holds it, else ''."""
    if kind not in _REPORT_VALUES or fact_sentence(kind, r) is not None:
        return ""
    words, value = _REPORT_VALUES[kind]
    doc = searcher.index.documents.get(r.source)
    return "" if doc is None or value.search(doc.text) else words


def _states_fact(kind: str, text: str, r: TripRecord) -> bool:
    """Whether a report sentence (not a field line of the record) states a value of the trip fact `kind`:
    dates or a length, a number of people (the pupils taken along may be what "몇 명" is after), a place,
    or someone or something by name other than the trip's own organisation and title."""
    if is_field_line(text, r):
        return False
    if kind == "count":
        return _PEOPLE.search(text) is not None
    if kind in ("when", "duration"):
        return TYPE_VALUE[kind].search(text) is not None
    named = any(n not in r.organisation and n not in r.title for n in names_in(text))
    if kind == "where":
        return named or bool(places_named(text))
    return kind == "who" and (named or TYPE_VALUE["who"].search(text) is not None)


def _adds_place(r: TripRecord, query: Query) -> bool:
    """Whether the trip's countries and cities name a place the question does not. Its country is no news
    to a question naming one of its cities ("홋카이도 정원 견학 어디어디": not "일본 (홋카이도)")."""
    said = {*query.topic_terms, *query.names, *query.proper_nouns}

    def new(place: str) -> bool:
        return place not in said and not set(same_city(place)) & said

    names_a_city = any(not new(c) for c in r.cities)
    return any(new(p) for p in (r.cities if names_a_city else (*r.countries, *r.cities)))


def _sentences_naming_places(ctx: AnswerContext, record: TripRecord) -> list[Candidate]:
    """The trip report's best sentence naming a city or country, or else a Korean proper noun (요세미티,
    미라벨정원), that neither the question, the trip's record nor its header names; for a list ("간 곳들 쭉
    알려줘"), then the sentence listing the most of them, when it lists more."""
    # The trip's own countries and cities are said already (by the question or the facts sentence).
    asked = {*ctx.query.topic_terms, *record.countries, *record.cities}

    def new_places(c: Candidate) -> set[str]:
        # A town counts by its name without the suffix too (삿포로시 is the record's 삿포로).
        return {p for p in places_named(c.text) | towns_named(c.text) if p not in asked and p[:-1] not in asked}

    def new_names(c: Candidate) -> set[str]:
        return {n for n in names_in(c.text) if not n.isascii()} - header_terms(c.hit) - asked

    def listed(c: Candidate) -> int:
        return max(items_listed(c.text, asked), len(new_places(c)))

    naming = _report_sentences(ctx, record, lambda c: new_places(c) or new_names(c))
    if not naming:
        return []
    best = max(naming, key=lambda c: (bool(new_places(c)), c.score))
    if ctx.query.lists_places or ctx.query.wants_list:
        richest = max(naming, key=lambda c: (listed(c), c.score))
        if listed(richest) > listed(best):
            return [best, richest]
    return [best]


def _report_sentences(ctx: AnswerContext, record: TripRecord, accept) -> list[Candidate]:
    """The trip report's sentences that `accept`, never a bare label line. The report's passages are
    searched on their own: the one holding it may rank below other reports' passages."""
    own = replace(ctx, retrieval=ctx.searcher.search(ctx.query, sources=[record.source]))
    return [c for c in candidates(own) if not c.label and accept(c)]


def _best_of_report(ctx: AnswerContext, record: TripRecord, accept, key=lambda c: c.score) -> Candidate | None:
    """The trip report's best sentence that `accept`s (see `_report_sentences`)."""
    return max(_report_sentences(ctx, record, accept), key=key, default=None)


def _place_of(word: str, hit: Hit, searcher) -> bool:
    """`word` names a place the trip went to: a country or foreign city, or a town its report writes
    with a municipal suffix (삼문협 of 삼문협시, too small for the gazetteer)."""
    if word in COUNTRIES or word in FOREIGN_CITIES:
        return True
    doc = searcher.index.documents.get(hit.chunk.source)
    return doc is not None and re.search(re.escape(word) + TOWN_AFTER, doc.text) is not None


def _cite_sentence(c: Candidate, citations: list, segments: list[Segment], searcher) -> None:
    """Add a report sentence to an answer, with its own citation."""
    base = c.hit.chunk.start
    n = len(citations) + 1
    citations.append(make_citation(n, c.hit, [(base + c.span[0], base + c.span[1])], searcher))
    segments.append(Segment(display(c.text), (n,)))


class FactAnswerer:
    """Answers date, duration, traveller, place and organisation questions from the catalogue."""

    mode = "facts"

    def answer(self, ctx: AnswerContext) -> Answer | None:
        query, searcher = ctx.query, ctx.searcher
        catalogue = searcher.index.catalogue
        if catalogue is None or not ctx.retrieval.hits:
            return None
        # The words naming the retrieved trips (title and organisation): "전남도립미술관은 언제 출발했어?"
        # asks about that trip; with several trips asked about, any of them.
        shown = ctx.retrieval.hits if query.several else ctx.retrieval.hits[:1]
        docs = [d for h in shown if (d := searcher.index.documents.get(h.chunk.source)) is not None]
        trip_name = set(content_morphemes("\n".join(f"{d.facts.title} {d.facts.organisation}" for d in docs)))
        if not query.asks_trip_fact(trip_name) or query.within_countries:
            return None  # not a trip fact; or a place within one of its countries, which its report says
        # The catalogue bodies the question names (울산 -> 울산광역시).
        bodies = [o for n in query.names if (o := searcher.stats.organisation_for([n]))]

        def no_trip_has(p: str) -> bool:
            # A name no report knows ("강릉시의회 포르투갈 몇 명", "Where did Gimhae officials go in Japan?"),
            # or a Korean body no trip is of (수원시, which an article only mentions).
            return not searcher.stats.known(p) or p in query.names and p not in COUNTRIES and not searcher.stats.organisation_for([p])

        if any(no_trip_has(p) for p in query.proper_nouns) and not bodies:
            # Not another body's trip to that country, unless an organisation the reports know names the
            # trip ("Busan's trip for the Trip.com deal").
            return None
        noun, before = query.asked_about
        trips: list[tuple[Hit, TripRecord]] = []
        covered: set[str] = set()
        # Question words that write a retrieved trip's name as one word (전남도립미술관: 「도립미술관 …」).
        headers = [header_terms(h) for h in ctx.retrieval.hits]
        compounds = {t for t in query.topic_terms for header in headers if compound_of(t, header)}
        for hit in ctx.retrieval.hits:
            if any(hit.chunk.source == r.source for _, r in trips):
                continue
            context = header_terms(hit)
            if (not trips and is_group_or_visit(noun) and before and before not in context and before not in hit.chunk.header
                    and not _place_of(before, hit, searcher)):
                # "괴테대학교 방문은 언제", "국토교통부 대표단은 몇 명": not the trip itself ("삼문협 방문단",
                # "스마트팜 연수단" of 「…스마트팜·6차산업 연수」: it is)
                return None
            # Names compare as text: Kiwi splits 대전광역시 in the header but not in the question.
            document = searcher.index.documents.get(hit.chunk.source)
            written = hit.chunk.header + (document.text if document else "")
            gone_to = document.facts.countries if document else ()
            if not query.several and (
                any(not searcher.stats.names_written_in(n, written) for n in query.names)
                or any(not place_named(p, written, gone_to) for p in query.proper_nouns
                       if p not in query.names and (p in REGIONS or same_city(p) or searcher.stats.known(p) and not p.isascii()))
            ):
                # Not the trip the question names (its country or organisation, or a place its report never
                # names: "인천 … 베트남", "부산 … Frankfurt", "제주도 하와이" of 제주's trip to China; 동경
                # is 도쿄). A passage of the named trip further down may still be; without names to check,
                # only the best passage's trip is trusted.
                if query.names:
                    continue
                return None
            # The question's words this trip's header names (전남도립미술관 is 전라남도's 「도립미술관 …」).
            names = {t for t in query.topic_terms if t in context or compound_of(t, context)}
            named = names | {n for n in query.names if searcher.stats.names_written_in(n, hit.chunk.header)}
            if query.several and (query.names and not named & {*query.names, *names}):
                continue  # each of several trips is one the question names
            # Countries, organisations and trip names no chosen trip has yet.
            waiting = (set(query.names) | compounds) - covered
            if trips and (not names or (waiting and not names & waiting)):
                continue  # a second trip must have what the first lacks ("안동시 … 구미시 …"), if anything
            record = catalogue.get(hit.chunk.source)
            if record is None:
                continue
            trips.append((hit, record))
            covered |= names
            if not query.several or len(trips) == 2 or set(query.topic_terms) <= covered:
                break  # one trip named by every word ("여수시 … 독일·스위스 연수") is not two
        if len(trips) == 1 and query.names and not query.trips:
            # "호주 다녀온 사람 몇 명?" with three trips to 호주, "울산 트램 연수 몇 명?" with two 울산 trips
            # about trams, "제주도 중국 출장 두 번 간 거 각각 어느 도시": each trip's fact, not one picked at
            # random. A named country or organisation narrows the records in SQL first (at the site's
            # size, reading every record is 0.1 s); the names are then checked as elsewhere, and the
            # question's other words in each report.
            country = next((COUNTRIES[n] for n in query.names if n in COUNTRIES), "")
            # (The travellers, "공무원들", say no more of the trip than its organisation does.)
            words = [t for t in query.topic_terms
                     if t not in query.names and t not in TRIP_NOUNS and t not in GENERIC_TERMS and t not in PEOPLE_WHO_WENT]

            def tells_of(r: TripRecord) -> bool:
                doc = searcher.index.documents.get(r.source)
                return doc is not None and all(w in f"{doc.facts.header()} {doc.text}" for w in words)

            # A body named is the body of the trip found ("울산" is 울산광역시, not also its districts).
            alike = [r for r in catalogue.trips(TripFilter(country=country, organisation="" if country else next(iter(bodies), "")))
                     if r.source != trips[0][1].source and all(searcher.stats.names_written_in(n, trip_names(r)) for n in query.names)
                     and (not bodies or r.organisation == trips[0][1].organisation) and tells_of(r)]
            if alike and tells_of(trips[0][1]) and (answer := several_trips(ctx, [trips[0][1], *alike], self.mode)):
                return answer
        if query.asks_names and len(trips) == 1 and not trips[0][1].travellers:
            # The report names no one: a refusal (the name is not there) that says who went.
            text = f"보고서에 출장자 이름은 나와 있지 않습니다. {who_went(trips[0][1])}".strip()
            refusal = not_found(ctx.retrieval, searcher, text=text)
            refusal.mode = self.mode
            return refusal
        if len(trips) == 1 and not query.several and (missing := _not_in_report(query.answer_type, trips[0][1], searcher)):
            # The trip is found, its record lacks the fact and its report holds no such value anywhere:
            # say so, rather than answer with sentences about something else.
            refusal = not_found(ctx.retrieval, searcher, text=f"보고서에 {missing} 나와 있지 않습니다. {who_went(trips[0][1])}".strip())
            refusal.mode = self.mode
            return refusal
        segments, citations = [], []
        for hit, record in trips:
            sentence = fact_sentence(query.answer_type, record, query)
            # "대전 서구 미국 연수는 어디 둘러봤어?": a destination the question already names tells nothing;
            # the report's own sentence naming another place answers instead.
            restated = query.answer_type == "where" and not _adds_place(record, query)
            if sentence is None or (restated and query.also_asks):
                return None
            # "어디로 며칠 갔어?": every trip fact the question asks, in one answer.
            more = [(k, s) for k in query.also_asks if k in _FIELDS and k != query.answer_type
                    and (s := fact_sentence(k, record, query, labelled=False))]
            doc = searcher.index.documents.get(record.source)
            n = len(citations) + 1
            fields = tuple(dict.fromkeys(f for k in (query.answer_type, *(k for k, _ in more)) for f in _FIELDS[k]))
            if not restated:
                citations.append(trip_citation(n, record, doc.text if doc else "", fields))
                segments.append(Segment(sentence, (n,)))
                segments.extend(Segment(s, (n,)) for _, s in more)
            for kind in (k for k in query.also_asks if k not in _FIELDS and k in TYPE_VALUE):
                # "인원이랑 예산 얼마야": what the catalogue does not hold, from the report's sentence holding it.
                if (best := _best_of_report(ctx, record, lambda c, k=kind: TYPE_VALUE[k].search(c.text))) is not None:
                    _cite_sentence(best, citations, segments, searcher)
            if query.answer_type == "where" and (restated or not record.cities or query.asks_sites):
                # The catalogue knows the country only, or only what the question says, or the question asks
                # for the sites seen: the report's own sentence names the places.
                if naming := _sentences_naming_places(ctx, record):
                    for c in naming:
                        _cite_sentence(c, citations, segments, searcher)
                elif restated:
                    return None
        if not segments or (query.several and len(trips) < 2 and set(query.names) - covered):
            return None  # several trips asked about, and the names of one not found
        if len(trips) == 1 and len(citations) == 1 and not restated and not ctx.one_of_several:
            # The report's own words for the fact: its best sentence holding the kind of value asked
            # ("치앙마이주와 람푼주를 방문하여" beside the record's 치앙마이; the days the report counts).
            # The record keeps one reading of the page; the report may say more, or say it otherwise.
            # Only after the record's line alone (a destination restated is answered by a report sentence
            # already); a trip compared with others keeps to its facts, one line each.
            record = trips[0][1]
            if (best := _best_of_report(ctx, record, lambda c: _states_fact(query.answer_type, c.text, record))) is not None:
                _cite_sentence(best, citations, segments, searcher)
        return Answer(question=query.text, segments=segments, abstained=False, citations=citations, mode=self.mode,
                      signals={"sentence_typed": 1.0})
