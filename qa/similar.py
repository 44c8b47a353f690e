"""Prior trips for a planned one ("다음 달 핀란드로 교육 연수를 가는데 참고할 이전 출장 있어?").

Trips are ranked by place first (the same city, then the same country or region), then by how
close the report is to the plan (the question's embedding against the mean of the report's
passages). Each comes with its report's lesson: of the sentences that draw one (시사점, 교훈,
개선, 제안, 도입, 적용, 향후, 필요 …), the one closest to the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .answer import Answer, Citation, Segment
from .facts import TripRecord
from .lexicon import city_country, countries_of, same_city
from .fact_answer import trip_citation
from .retrieve import Searcher
from .route import describe_trip, is_trip

# A sentence that draws a lesson from the trip for the traveller's own organisation ...
LESSON = re.compile(r"시사점|교훈|개선|제안|도입|적용|향후|필요|활용|배울|벤치마킹|검토|추진\s*(?:할|하고|해야)")
# ... and not the report's opening, which only restates the trip's purpose and dates.
OPENING = re.compile(r"목적|\d+\s*월\s*\d+\s*일\s*부터|\d+\s*박\s*\d+\s*일")
# A section whose heading promises lessons: its sentences come first.
LESSON_SECTION = re.compile(r"시사점|교훈|결론|제언|향후|활용|느낀\s*점|소감|건의")
MAX_TRIPS = 5


@dataclass(frozen=True)
class PriorTrip:
    record: TripRecord
    place: str  # "city", "country" (or region) or "" when only the topic is close
    similarity: float  # of the report to the plan
    lesson: tuple[int, int] | None  # offsets of the lesson sentence in the document text


def prior_trips(searcher: Searcher, plan: str, country: str = "", city: str = "", k: int = MAX_TRIPS) -> list[PriorTrip]:
    """The `k` trips most like the plan (see module docstring); `plan` is the question or a topic."""
    catalogue = searcher.index.catalogue
    if catalogue is None:
        return []
    # A city named alone still puts its country's trips next (톨레도 -> 스페인); any spelling of it counts.
    wanted = countries_of(country) or ({city_country(city)} - {""} if city else set())
    cities = {city, *same_city(city)} if city else set()
    plan_vector = searcher.embedder.embed_question(plan or country or city)
    scored = []
    for record in catalogue.trips():
        rows = searcher.rows_of(record.source)
        if not is_trip(record) or not rows:
            continue
        centre = searcher.document_centre(record.source)
        similarity = float(centre @ plan_vector / (np.linalg.norm(centre) or 1.0))
        place = "city" if cities & set(record.cities) else "country" if wanted & set(record.countries) else ""
        scored.append((("city", "country", "").index(place), -similarity, record, place, similarity))
    scored.sort(key=lambda x: x[:2])
    return [PriorTrip(r, place, sim, _lesson(searcher, r.source, plan_vector)) for _, _, r, place, sim in scored[:k]]


def lesson_of(searcher: Searcher, source: str, plan: str = "") -> tuple[int, int] | None:
    """Offsets of the lesson a report draws: the one closest to `plan`, or without a plan to what
    the report is mostly about (the mean of its passages)."""
    if plan:
        vector = searcher.embedder.embed_question(plan)
    else:
        if not searcher.rows_of(source):
            return None
        vector = searcher.document_centre(source)
    return _lesson(searcher, source, vector)


def _lesson(searcher: Searcher, source: str, plan_vector: np.ndarray) -> tuple[int, int] | None:
    index = searcher.index
    best, best_score = None, -2.0
    for row in searcher.rows_of(source):
        if row in searcher.quarantined:
            continue
        chunk = index.chunks[row]
        in_lessons = bool(LESSON_SECTION.search(chunk.section))
        for (s, e), vector_row in zip(chunk.sentences, index.sentence_rows[row]):
            text = chunk.text[s:e]
            if len(text) < 25 or not LESSON.search(text) or OPENING.search(text):
                continue
            score = float(index.sentence_vectors[vector_row] @ plan_vector) + 0.05 * in_lessons
            if score > best_score:
                best, best_score = (chunk.start + s, chunk.start + e), score
    return best


def prior_trips_answer(question: str, trips: list[PriorTrip], texts: dict[str, str], country: str = "", city: str = "") -> Answer:
    """The prior trips as a cited list: what each was, and the lesson its report draws."""
    if not trips:
        return Answer(question=question, segments=[Segment("참고할 이전 출장을 출장 목록에서 찾지 못했습니다.")],
                      abstained=True, citations=[], mode="catalogue")
    place = city or country
    same = sum(1 for t in trips if t.place)
    if place and same:
        head = f"참고할 만한 이전 출장 {len(trips)}건입니다. {place} 출장 {same}건을 먼저, 이어서 주제가 가까운 출장을 보입니다."
    elif place:
        head = f"{place}(으)로 간 출장은 없어, 주제가 가까운 이전 출장 {len(trips)}건을 보입니다."
    else:
        head = f"주제가 가까운 이전 출장 {len(trips)}건입니다."
    segments = [Segment(head)]
    citations: list[Citation] = []
    for n, trip in enumerate(trips, 1):
        text = texts.get(trip.record.source, "")
        citation = trip_citation(n, trip.record, text)
        segments.append(Segment(f"{n}. {describe_trip(trip.record)}", (n,), newline=True))
        if trip.lesson:
            s, e = trip.lesson
            segments.append(Segment(f"   시사점: “{text[s:e].strip()}”", (n,), newline=True))
            citation = Citation(
                n=n, source=citation.source, section="출장 정보 · 시사점", page=None,
                quote=f"{citation.quote} · {text[s:e]}", score=round(trip.similarity, 4), title=citation.title,
                start=min(citation.start, s), end=max(citation.end, e),
                highlights=sorted({*map(tuple, citation.highlights), (s, e)}),
            )
        citations.append(citation)
    return Answer(question=question, segments=segments, abstained=False, citations=citations, mode="catalogue",
                  evidence=1.0)
