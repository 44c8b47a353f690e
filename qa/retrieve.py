"""Retrieve: hybrid search over the dense and keyword indexes.

The search backend (`qa.backend`: FAISS and bm25s files, or Milvus) proposes candidates
from both indexes, each with both scores; the scores are fused (min-max normalised mixing by
default, reciprocal-rank fusion as an alternative) and near-duplicate passages are collapsed.
`HybridRetriever` exposes the same search as a LangChain `BaseRetriever`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from .backend import SearchBackend, open_backend
from .chunk import Chunk
from .embed import IndexEmbeddings
from .index import IndexUnavailable, LoadedIndex
from .lexicon import COUNTRIES, FOREIGN_CITIES, same_city
from .query import ANSWER_LABELS, CorpusStats, Query, analyse
from .rerank import get_reranker
from .settings import Settings


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # fused score, 0..1 for min-max fusion
    dense: float  # cosine similarity of question and passage
    keyword: float  # BM25 score
    row: int  # position of the passage in the index


@dataclass
class Retrieval:
    query: Query
    query_vector: np.ndarray
    hits: list[Hit]
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def question(self) -> str:
        return self.query.text

    @property
    def terms(self) -> list[str]:
        return list(self.query.terms)


def _minmax(values: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return values
    lo, hi = float(values.min()), float(values.max())
    if hi - lo < 1e-9:
        return np.ones_like(values) if hi > 0 else np.zeros_like(values)
    return (values - lo) / (hi - lo)


def fuse_minmax(dense: np.ndarray, keyword: np.ndarray, alpha: float) -> np.ndarray:
    return alpha * _minmax(dense) + (1 - alpha) * _minmax(keyword)


def fuse_rrf(dense: np.ndarray, keyword: np.ndarray, k: int = 60) -> np.ndarray:
    def ranks(v: np.ndarray) -> np.ndarray:
        order = np.argsort(-v, kind="stable")
        r = np.empty(len(v))
        r[order] = np.arange(1, len(v) + 1)
        return r

    fused = 1 / (k + ranks(dense)) + np.where(keyword > 0, 1 / (k + ranks(keyword)), 0)
    return fused / (2 / (k + 1))  # 1.0 = ranked first by both


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class Searcher:
    """Hybrid search over one loaded index. Holds no per-query state; safe to share."""

    def __init__(self, index: LoadedIndex, embedder: IndexEmbeddings, settings: Settings):
        if index.embedder_id != embedder.model_id:
            raise IndexUnavailable(
                f"색인은 '{index.embedder_id}' 모델로 만들어졌는데 질문은 '{embedder.model_id}' 모델로 "
                "임베딩하려고 합니다. `qa index`로 색인을 다시 만드세요."
            )
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.reranker = get_reranker(settings.reranker, settings.st_device) if settings.reranker else None
        self.backend: SearchBackend = open_backend(index, settings)
        if settings.fusion.startswith("milvus-") and not hasattr(self.backend, "fused"):
            raise ValueError(f"QA_FUSION={settings.fusion}는 Milvus 검색 백엔드(QA_SEARCH_BACKEND=milvus)에서만 쓸 수 있습니다")
        self._centres: dict[str, np.ndarray] = {}  # per report, filled at the first call
        self._centres_lock = threading.Lock()
        self._term_sets = [set(t) for t in index.chunk_terms]
        df: dict[str, int] = {}
        for terms in self._term_sets:
            for t in terms:
                df[t] = df.get(t, 0) + 1
        trips = index.catalogue.trips() if index.catalogue is not None else []
        self.stats = CorpusStats(
            df=df,
            passages=len(index.chunks),
            # Raw text too: a question noun can sit inside a longer compound ("초등학교" in "미나토미라이초등학교").
            text="\n".join(c.search_text for c in index.chunks).lower(),
            organisations=sorted({t.organisation for t in trips if t.organisation}),
            cities={c for t in trips for c in t.cities},
            titles=[" ".join([t.title, t.purpose, *t.events]).lower() for t in trips],
        )
        # Passages that talk to an AI: never an answer, never support (qa.injection).
        self.quarantined = index.quarantined
        self._organisation_of = {t.source: t.organisation for t in trips}
        self._countries_of = {t.source: set(t.countries) for t in trips}
        self._rows_by_source: dict[str, list[int]] = {}
        for i, c in enumerate(index.chunks):
            self._rows_by_source.setdefault(c.source, []).append(i)

    def document_centre(self, source: str) -> np.ndarray:
        """What a report is mostly about: the mean of its passages' vectors. All reports' are read
        at the first call, in a few requests to the backend rather than one per report."""
        with self._centres_lock:  # one filling, never a half-filled table read by another question
            if not self._centres:
                sources = list(self._rows_by_source)
                for start in range(0, len(sources), 500):
                    batch = sources[start:start + 500]
                    rows = [r for s in batch for r in self._rows_by_source[s]]
                    vectors = dict(zip(rows, self.backend.vectors(rows)))
                    self._centres.update({s: np.mean([vectors[r] for r in self._rows_by_source[s]], axis=0) for s in batch})
        centre = self._centres.get(source)
        return centre if centre is not None else np.zeros(self.embedder.dim, dtype=np.float32)

    def reports_named(self, words) -> list[str]:
        """The reports of the trips `words` name: by an organisation they name, to every country they name."""
        organisations = self.stats.organisations_named(words)
        countries = {COUNTRIES[w] for w in words if w in COUNTRIES}
        return [src for src, org in self._organisation_of.items()
                if org in organisations and countries <= self._countries_of.get(src, set())]

    def _named_first(self, query: Query, order: np.ndarray, cand: np.ndarray) -> np.ndarray:
        """`order` with the passages of the trip the question names first. For a question about the trip
        itself, a trip to the countries it names, then of the organisation it names ("통영 의원들 싱가포르
        출장 예산": 통영시의회's, not 울릉군's 싱가포르 trip; not for "서울시는 라운드테이블에서 무엇을
        발표했나", told in another organisation's report); then one naming the foreign cities it names
        ("울산 교통 연수 파리에서는": another 울산 trip never went to 파리). Only for one trip: each of
        several names its own.

        A country can be what the organisation's report talks about rather than where it went ("충남 수소
        출장에서 일본 한국 암모니아 혼소 몇 프로": 충청남도's trip went elsewhere, its report tells of Japan's
        and Korea's co-firing): the named organisation's report naming the country ranks with another
        organisation's trip to it, before the named organisation's other trips."""
        sources = [self.index.chunks[int(cand[j])].source for j in order]
        keys = np.zeros(len(order), dtype=np.int64)
        organisations = self.stats.organisations_named(query.names) if query.about_trip else set()
        if query.about_trip and (countries := {COUNTRIES[n] for n in query.names if n in COUNTRIES}):
            own_mentions = {src: self._organisation_of.get(src) in organisations and self._names_all(src, [(c,) for c in countries])
                            for src in set(sources)}
            keys += np.array([0 if countries <= self._countries_of.get(src, set()) else 2 if own_mentions[src] else 4
                              for src in sources])
        if organisations:
            keys += 2 * np.array([self._organisation_of.get(src) not in organisations for src in sources])
        if places := [p for p in query.proper_nouns if p in FOREIGN_CITIES]:
            naming = {src: self.names_places(src, places) for src in set(sources)}
            keys += np.array([not naming[src] for src in sources])
        return order[np.argsort(keys, kind="stable")]

    def names_places(self, source: str, places: list[str]) -> bool:
        """Whether the document names every one of `places` (as written, or another name of the city)."""
        return self._names_all(source, [(p, *same_city(p)) for p in places])

    def _names_all(self, source: str, names: list[tuple[str, ...]]) -> bool:
        """Whether the document's text names each of `names` (in any of its forms)."""
        doc = self.index.documents.get(source)
        text = doc.text if doc is not None else ""
        return all(any(form in text for form in forms) for forms in names)

    def rows_of(self, source: str) -> list[int]:
        """The rows of a document's passages, in document order."""
        return self._rows_by_source.get(source, [])

    def idf(self, term: str) -> float:
        """Inverse document frequency over passages; unseen terms get the maximum."""
        return self.stats.idf(term)

    def analyse(self, question: str, has_history: bool = False) -> Query:
        return analyse(question, self.stats, has_history)

    def terms_of(self, row: int) -> set[str]:
        return self._term_sets[row]


    def search(self, query: Query | str, k: int | None = None, sources: Iterable[str] | None = None) -> Retrieval:
        """Top-k passages for `query`, optionally only from the documents in `sources`; 2k for a
        question about several trips, so that each trip's own passages are among them."""
        timings: dict[str, float] = {}
        t = time.perf_counter()
        if isinstance(query, str):
            query = self.analyse(query)
        k = (k or self.settings.top_k) * (2 if query.several and sources is None else 1)
        terms = list(query.terms)
        corrected = query.corrected
        timings["terms"] = (time.perf_counter() - t) * 1000

        t = time.perf_counter()
        qvec = self.embedder.embed_question(corrected)
        timings["embed"] = (time.perf_counter() - t) * 1000

        allowed = None
        if sources is not None:
            allowed = np.array(sorted(r for s in sources for r in self._rows_by_source.get(s, [])), dtype=np.int64)

        # Reports label the answer to "where"/"when" questions ("장소: …", "일시: …"): search the label too.
        native = list(query.native_terms)
        searched = native or terms
        keyword_terms = searched + [c for c in ANSWER_LABELS.get(query.answer_type, ()) if c not in searched]
        found = self.backend.candidates(qvec, keyword_terms, self.settings.candidates, allowed)
        timings.update(found.timings_ms)

        t = time.perf_counter()
        cand, d, kw = found.rows, found.dense, found.keyword
        wanted = max(k, self.settings.rerank_candidates) if self.reranker else k
        hits: list[Hit] = []
        if len(cand):
            if self.settings.fusion.startswith("milvus-"):
                fused = self.backend.fused(qvec, keyword_terms, cand, self.settings.fusion, self.settings.fusion_alpha)
            elif self.settings.fusion == "rrf":
                fused = fuse_rrf(d, kw)
            else:
                # An English question's words find the corpus's English passages, not the answer:
                # across languages only the multilingual embedding can tell, and the names it gives
                # as the reports write them (`Query.native_terms`).
                alpha = self.settings.fusion_alpha
                if query.language == "en":
                    # … as much as those names are of the question.
                    initialled = {w for _, words in query.initials for w in words}
                    said = [t for t in terms if t in native or t in initialled]
                    share = sum(map(self.idf, said)) / max(1e-9, sum(map(self.idf, terms)))
                    alpha = 1.0 - (1.0 - alpha) * share
                fused = fuse_minmax(d, kw, alpha)
            order = np.argsort(-fused, kind="stable")
            if not query.several:
                order = self._named_first(query, order, cand)
            kept_terms: list[set[str]] = []
            for j in order:
                row = int(cand[j])
                terms_j = self._term_sets[row]
                if any(_jaccard(terms_j, other) >= self.settings.dedup_threshold for other in kept_terms):
                    continue
                kept_terms.append(terms_j)
                hits.append(Hit(self.index.chunks[row], float(fused[j]), float(d[j]), float(kw[j]), row))
                if len(hits) >= wanted:
                    break
        timings["fusion"] = (time.perf_counter() - t) * 1000
        if self.reranker and hits:
            t = time.perf_counter()
            scores = self.reranker.scores(corrected, [h.chunk.search_text for h in hits])
            hits = [hits[i] for i in np.argsort(-scores, kind="stable")[:k]]
            timings["rerank"] = (time.perf_counter() - t) * 1000
        return Retrieval(query, qvec, hits, timings)


def hit_to_document(hit: Hit) -> Document:
    c = hit.chunk
    return Document(
        page_content=c.text,
        id=c.id,
        metadata={
            "source": c.source,
            "section": c.section,
            "page": c.page,
            "start": c.start,
            "end": c.end,
            "score": hit.score,
            "dense_score": hit.dense,
            "keyword_score": hit.keyword,
        },
    )


class HybridRetriever(BaseRetriever):
    """LangChain retriever over our hybrid search: `retriever.invoke("질문")` -> Documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Searcher
    k: int = 5
    sources: list[str] | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [hit_to_document(h) for h in self.searcher.search(query, self.k, self.sources).hits]
