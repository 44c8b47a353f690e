"""Trip facts answer fact questions: "광저우 출장 며칠 갔어?" -> "3박 4일 (2025년 11월 9일 ~ 11월 12일) [1]".

A question asks for a trip fact when it is about the trip itself (출장, 연수, 갔어; not "where
was the roundtable held"), its answer type is a date, a duration, a traveller count, a place
or an organisation, and every topic word it uses is one the trip's header
already names (which trip it is), so nothing else is asked. The answer comes from the
trip's catalogue record and cites the spans where each fact was read. A field the catalogue
left empty gives no fact answer: the extractive strategy answers instead.
"""

from __future__ import annotations

from .answer import Answer, AnswerContext, Citation, Segment
from .catalogue import TripRecord
from .extractive import header_terms
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
    return f"「{r.title}」" if r.title else r.organisation or "이"


def fact_sentence(kind: str, r: TripRecord) -> str | None:
    """The answer sentence for one trip, or None when the record lacks the fact."""
    label = trip_label(r)
    dates = date_range(r)
    duration = r.duration_text or (f"{r.duration_days}일" if r.duration_days else "")
    if kind == "duration" and duration:
        return f"{label} 출장 기간은 {duration}" + (f"({dates})" if dates else "") + "입니다."
    if kind == "when" and dates:
        return f"{label} 출장은 {dates}" + (f"({duration})" if duration else "") + "입니다."
    if kind == "count" and r.traveller_count:
        return f"{label} 출장 인원은 {r.traveller_count}명입니다."
    if kind == "where" and (r.countries or r.cities):
        return f"{label} 출장지는 {' '.join([*r.countries, *r.cities])}입니다."
    if kind == "who" and (r.organisation or r.travellers):
        who = r.organisation + (f" ({', '.join(r.travellers)})" if r.travellers else "")
        return f"{r.title and f'「{r.title}」 ' or ''}출장은 {who.strip()}의 출장입니다."
    return None


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


class FactAnswerer:
    """Answers date, duration, traveller, place and organisation questions from the catalogue."""

    mode = "facts"

    def answer(self, ctx: AnswerContext) -> Answer | None:
        query, searcher = ctx.query, ctx.searcher
        catalogue = searcher.index.catalogue
        if query.answer_type not in _FIELDS or not query.about_trip or catalogue is None or not ctx.retrieval.hits:
            return None
        trips: list[tuple[Hit, TripRecord]] = []
        covered: set[str] = set()
        for hit in ctx.retrieval.hits:
            if any(hit.chunk.source == r.source for _, r in trips):
                continue
            context = header_terms(hit)
            # Something else is asked about ("괴테대학교 방문은 언제?"): not a trip fact.
            if any(t not in context for t in query.topic_terms):
                if not trips and not query.several:
                    return None
                continue
            names = {t for t in query.topic_terms if t in context}
            if trips and not (names - covered):
                continue
            record = catalogue.get(hit.chunk.source)
            if record is None:
                continue
            trips.append((hit, record))
            covered |= names
            if not query.several or len(trips) == 2:
                break
        segments, citations = [], []
        for hit, record in trips:
            sentence = fact_sentence(query.answer_type, record)
            if sentence is None:
                return None
            doc = searcher.index.documents.get(record.source)
            n = len(citations) + 1
            citations.append(trip_citation(n, record, doc.text if doc else "", _FIELDS[query.answer_type]))
            segments.append(Segment(sentence, (n,)))
        if not segments or (query.several and len(segments) < 2):
            return None
        return Answer(question=query.text, segments=segments, abstained=False, citations=citations, mode=self.mode,
                      signals={"sentence_typed": 1.0})
