"""The Python API: one object that indexes a corpus and answers questions.

    from qa import QA
    qa = QA.open()                      # settings from QA_* env; builds the index if missing or stale
    answer = qa.ask("서울시가 ASCC에서 무엇을 발표했나?")
    print(answer.answer, answer.citations[0].source)

The CLI and the app are thin layers over this class.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import threading
import time
from pathlib import Path
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from .answer import Answer, AnswerContext, Segment, joined, not_found
from .catalogue import TripFilter
from .facts import TripRecord
from .embed import get_embedder
from .extractive import ExtractiveAnswerer
from .fact_answer import FactAnswerer
from .followup import offline_standalone, previous_sources, said_before
from .generate import (
    LLMUnavailable,
    answer_messages,
    condense_question,
    make_chat_model,
    stream_text,
    verified_answer,
)
from .index import (
    BuildReport,
    CorpusMismatch,
    IndexedDocument,
    IndexUnavailable,
    LoadedIndex,
    ProgressFn,
    SearchServiceUnavailable,
    build_index,
    current_folder,
    indexed_corpus,
    load_index,
    stale_reason,
)
from .similar import MAX_TRIPS as MAX_PRIOR_TRIPS, lesson_of, prior_trips, prior_trips_answer
from .calibration import REFUSAL, SENTENCES, LogisticModel, calibration_dir, load_model
from .extractive import EMBEDDING_FEATURES as SENTENCE_EMBEDDING_FEATURES
from .refusal import EMBEDDING_FEATURES, evidence_features
from .query import Query
from .retrieve import HybridRetriever, Retrieval, Searcher
from .route import catalogue_answer, merge_filters, trips_of_the_one_name
from .settings import MAX_TOP_K, Settings
from .uploads import UploadOutcome, save_uploads

log = logging.getLogger(__name__)


def _lower_thread_priority() -> None:
    """Give the calling thread (Linux: each thread has its own nice value) the lowest CPU priority but
    a few steps; where that is not possible it runs as it is."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass


# Removed and replaced files go here, inside their corpus folder (hidden folders are never indexed).
TRASH_FOLDER = ".trash"


def _to_trash(path: Path, root: Path) -> Path:
    """Move a corpus file to `<root>/.trash/<time>/<its path in root>`; returns where it went."""
    trash = root / TRASH_FOLDER / time.strftime("%Y%m%d-%H%M%S") / path.relative_to(root)
    trash.parent.mkdir(parents=True, exist_ok=True)
    path.replace(trash)
    return trash


class QA:
    """Question answering over one index. Thread-safe: a rebuild swaps the searcher atomically."""

    def __init__(self, settings: Settings, index: LoadedIndex):
        self.settings = settings
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()  # one build at a time; questions never wait for it
        # Builds the app starts (uploads, removals) run one after another in a worker thread of lower
        # CPU priority, so questions asked meanwhile get the processor first.
        self._build_queue = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-build",
                                               initializer=_lower_thread_priority)
        # Slow LLM answers must not take every worker: beyond these, questions get the extractive answer.
        self._llm_slots = threading.BoundedSemaphore(settings.llm_concurrency)
        self._searcher = Searcher(index, get_embedder(settings.embedder, settings), settings)
        models = calibration_dir(settings.calibration_dir, settings.index_dir)
        embedder = self._searcher.embedder.model_id
        self.sentence_model: LogisticModel = load_model(models / SENTENCES, embedder, SENTENCE_EMBEDDING_FEATURES)
        self.refusal: LogisticModel = load_model(models / REFUSAL, embedder, EMBEDDING_FEATURES)
        # Trip facts first: they answer date/duration/place/count questions about a named trip.
        self.answerers = (FactAnswerer(), ExtractiveAnswerer())

    # ------------------------------------------------------------------ construction

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        build_if_stale: bool = True,
        progress: ProgressFn | None = None,
    ) -> "QA":
        """Load the index of `settings.index_dir`, first (re)building it when missing or stale.

        Without a corpus in `settings`, an existing index keeps the corpus it was built from."""
        settings = settings or Settings()
        built_from = indexed_corpus(settings.index_dir)
        if built_from and "corpus" not in settings.model_fields_set:
            settings = settings.model_copy(update={"corpus": built_from})
        if not build_if_stale:
            return cls(settings, load_index(settings.index_dir, settings.search_backend))
        reason = stale_reason(settings, settings.corpus, settings.index_dir)
        if reason is None:
            try:
                index = load_index(settings.index_dir, settings.search_backend)
                if index.folder == current_folder(settings.index_dir):
                    return cls(settings, index)
                reason = "지금 빌드가 손상되어 이전 빌드를 읽었습니다"
            except SearchServiceUnavailable:
                raise  # a service down or a file in use: a new build would not be the cure
            except IndexUnavailable as exc:  # a damaged file the manifest does not show
                reason = str(exc)
        log.warning("색인을 새로 만듭니다: %s", reason)
        try:
            build_index(settings.corpus, settings.index_dir, settings, progress)
        except CorpusMismatch:
            raise
        except IndexUnavailable as exc:
            # A build that cannot finish (a full disk, no readable file) leaves the last good
            # index in place: start on it rather than not at all.
            try:
                index = load_index(settings.index_dir, settings.search_backend)
            except IndexUnavailable:
                raise exc from None
            log.warning("색인을 새로 만들지 못해 이전 색인으로 시작합니다: %s", exc)
            return cls(settings, index)
        return cls(settings, load_index(settings.index_dir, settings.search_backend))

    @property
    def index(self) -> LoadedIndex:
        return self._searcher.index

    @property
    def searcher(self) -> Searcher:
        return self._searcher

    def retriever(self, k: int | None = None, sources: list[str] | None = None) -> HybridRetriever:
        """A LangChain retriever over the current index."""
        return HybridRetriever(searcher=self._searcher, k=k or self.settings.top_k, sources=sources)

    # ------------------------------------------------------------------ indexing

    def rebuild(self, corpus: list[Path] | None = None, progress: ProgressFn | None = None) -> BuildReport:
        """Incrementally rebuild the index and switch to it; questions keep being answered meanwhile.
        The build runs in the background build queue (lower CPU priority); this call waits for it."""
        if threading.current_thread().name.startswith("qa-build"):
            return self._rebuild_now(corpus, progress)
        # The caller's context goes along (a page's progress bar is found through it).
        context = contextvars.copy_context()
        return self._build_queue.submit(context.run, self._rebuild_now, corpus, progress).result()

    def _rebuild_now(self, corpus: list[Path] | None, progress: ProgressFn | None) -> BuildReport:
        with self._build_lock:
            report = build_index(corpus or self.settings.corpus, self.settings.index_dir, self.settings, progress)
            index = load_index(self.settings.index_dir, self.settings.search_backend)
            searcher = Searcher(index, self._searcher.embedder, self.settings)
            with self._lock:
                self._searcher = searcher
        return report

    def add_files(
        self, files: list[tuple[Path, str]], progress: ProgressFn | None = None
    ) -> tuple[list[UploadOutcome], BuildReport | None]:
        """Check (temporary path, file name) pairs, copy the good ones into the corpus, index them.

        Files go to `<first corpus folder>/<upload_subdir>/`. Returns one outcome per
        file (a file the index step rejected is reported as failed) and the build report.
        """
        root = Path(self.settings.corpus[0])
        if not root.is_dir():
            raise IndexUnavailable(f"첫 번째 코퍼스 경로가 폴더가 아니어서 파일을 추가할 수 없습니다: {root}")
        outcomes = save_uploads(
            files,
            root / self.settings.upload_subdir,
            root,
            {s.lower() for s in self.settings.upload_types},
            int(self.settings.upload_max_mb * 2**20),
            int(self.settings.max_text_mb * 2**20),
        )
        if not any(o.ok for o in outcomes):
            return outcomes, None
        try:
            report = self.rebuild(progress=progress)
        except IndexUnavailable as exc:
            # The build could not finish (a full disk): the files leave the corpus again, so that
            # the next start does not retry them forever; the current index keeps answering.
            for o in outcomes:
                if o.ok:
                    (root / o.source).unlink(missing_ok=True)
            return [UploadOutcome(o.name, False, str(exc)) if o.ok else o for o in outcomes], None
        failed = {f.file: f.reason for f in report.errors}
        duplicates = {f.file: f.duplicate_of for f in report.files if f.status == "duplicate"}
        checked = []
        for o in outcomes:
            if o.ok and o.source in failed:
                (root / o.source).unlink(missing_ok=True)  # it passed the checks but not the indexer
                o = UploadOutcome(o.name, False, failed[o.source])
            elif o.ok and o.source in duplicates:
                o = UploadOutcome(o.name, True, f"이미 색인된 {duplicates[o.source]}와 같은 보고서라서 그 출처에 함께 표시합니다", o.source)
            checked.append(o)
        return checked, report

    def remove_document(self, source: str, progress: ProgressFn | None = None) -> Path:
        """Take a document out of the corpus and the index. Its file is moved, never deleted, to
        `<its corpus folder>/.trash/<time>/<source>` (hidden folders are not indexed); returns that path."""
        path, root = self._corpus_file(source)
        trash = _to_trash(path, root)
        try:
            self.rebuild(progress=progress)
        except IndexUnavailable:
            trash.replace(path)  # the index could not follow: the file goes back, nothing changed
            raise
        return trash

    def replace_document(self, source: str, new_file: Path, name: str,
                         progress: ProgressFn | None = None) -> UploadOutcome:
        """Put `new_file` (checked like an upload) in the place of a document: the old file goes to the
        trash folder, the new one takes its name (with its own suffix), and the index follows."""
        path, root = self._corpus_file(source)
        trash = _to_trash(path, root)
        target_name = path.stem + Path(name).suffix.lower()
        [outcome] = save_uploads([(Path(new_file), target_name)], path.parent, root,
                                 {s.lower() for s in self.settings.upload_types},
                                 int(self.settings.upload_max_mb * 2**20), int(self.settings.max_text_mb * 2**20))
        if not outcome.ok:
            trash.replace(path)
            return UploadOutcome(name, False, outcome.message)
        try:
            report = self.rebuild(progress=progress)
        except IndexUnavailable as exc:
            (root / outcome.source).unlink(missing_ok=True)
            trash.replace(path)
            return UploadOutcome(name, False, str(exc))
        failed = {f.file: f.reason for f in report.errors}
        if outcome.source in failed:  # passed the checks, not the indexer: the old file comes back
            (root / outcome.source).unlink(missing_ok=True)
            trash.replace(path)
            self.rebuild(progress=progress)
            return UploadOutcome(name, False, failed[outcome.source])
        return UploadOutcome(name, True, f"{source}을(를) 바꿨습니다 (이전 파일은 {trash.relative_to(root).as_posix()})",
                             outcome.source)

    def _corpus_file(self, source: str) -> tuple[Path, Path]:
        """The original file of an indexed document and the corpus folder holding it."""
        path = self.original(source)
        if path is None:
            raise ValueError(f"코퍼스에 없는 문서입니다: {source}")
        root = next(r for r in (Path(c).resolve() for c in self.settings.corpus) if path.is_relative_to(r))
        if root == path:
            raise ValueError(f"코퍼스 폴더가 아니라 파일로 지정된 문서는 지우거나 바꿀 수 없습니다: {source}")
        return path, root

    # ------------------------------------------------------------------ documents

    def trips(self, where: TripFilter | None = None) -> list[TripRecord]:
        """Catalogue rows (one per document) matching `where`, earliest first."""
        catalogue = self.index.catalogue
        if catalogue is None:
            raise IndexUnavailable("이 색인에는 출장 목록이 없습니다. `qa index`로 다시 만드세요.")
        return catalogue.trips(where or TripFilter())

    def prior_trips(self, plan: str, country: str = "", city: str = "", k: int = MAX_PRIOR_TRIPS) -> Answer:
        """The trips most like a planned one (same city, then country or region, then topic), each
        with the lesson its report draws, cited. `plan` is the question or a topic ("교육 연수")."""
        searcher = self._searcher
        trips = prior_trips(searcher, plan, country, city, k)
        texts = {t.record.source: searcher.index.documents[t.record.source].text for t in trips}
        return prior_trips_answer(plan, trips, texts, country, city)

    def lesson(self, source: str, plan: str = "") -> str:
        """The sentence of a report that draws a lesson (closest to `plan` when given), or ''."""
        span = lesson_of(self._searcher, source, plan)
        doc = self.document(source)
        return doc.text[span[0]:span[1]].strip() if span and doc else ""

    def ingest_report(self) -> dict:
        """The current index's build report: per file "indexed", "unchanged", "duplicate" or "error" with reason."""
        path = self.index.folder / "ingest_report.json"
        if not path.exists():
            return {"files": [], "counts": {}}
        return json.loads(path.read_text(encoding="utf-8"))

    def documents(self) -> list[IndexedDocument]:
        """Every indexed document, by source name."""
        return sorted(self.index.documents.values(), key=lambda d: d.source)

    def trip(self, source: str) -> TripRecord | None:
        """The catalogue row of one document, or None."""
        catalogue = self.index.catalogue
        return catalogue.get(source) if catalogue is not None else None

    def document(self, source: str) -> IndexedDocument | None:
        """An indexed document by source name (also a duplicate's name); None for anything not in the index.

        Looks up the index only and never opens a path, so it can't reach files outside the corpus.
        """
        return self.index.document(source)

    def original(self, source: str) -> Path | None:
        """The original file (PDF, HWP, DOCX, …) of an indexed document, looked up by source name
        (a path relative to a corpus folder); None unless it is a file inside a configured corpus folder."""
        doc = self.index.document(source)
        if doc is None:
            return None
        for root in (Path(c).resolve() for c in self.settings.corpus):
            candidates = [root / doc.source, Path(doc.path)] if root.is_dir() else [Path(doc.path)]
            for path in (p.resolve() for p in candidates):
                if (path == root or path.is_relative_to(root)) and path.is_file():
                    return path
        return None

    # ------------------------------------------------------------------ asking

    def retrieve(self, question: str, k: int | None = None, sources: Iterable[str] | None = None) -> Retrieval:
        return self._searcher.search(question, k, sources)

    def ask(
        self,
        question: str,
        k: int | None = None,
        sources: Iterable[str] | None = None,
        history: Sequence[Answer | dict] = (),
        llm: bool = False,
        where: TripFilter | None = None,
    ) -> Answer:
        """Answer `question` from the top-k passages (optionally only from `sources`).

        `history` holds the conversation's earlier answers, so that follow-ups ("그 출장은
        며칠이었어?") resolve; `llm=True` writes the answer with the configured LLM;
        `where` keeps only trips matching the catalogue filter. Questions about trips as a
        whole ("2025년에 일본으로 간 출장은?") are answered from the trip catalogue.
        """
        answer = None
        for item in self.stream(question, k, sources, history, llm, where):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def check_question(self, question: str) -> str:
        """`question` stripped, or ValueError with a Korean message when it is empty or too long
        (bounded work per question: a 100,000-character "question" would take minutes)."""
        question = question.strip()
        if not question:
            raise ValueError("질문이 비어 있습니다")
        if len(question) > self.settings.max_question_chars:
            raise ValueError(f"질문이 너무 깁니다 ({len(question):,}자, 최대 {self.settings.max_question_chars:,}자). "
                             "줄여서 다시 물어 주세요.")
        return question

    def stream(
        self,
        question: str,
        k: int | None = None,
        sources: Iterable[str] | None = None,
        history: Sequence[Answer | dict] = (),
        llm: bool = False,
        where: TripFilter | None = None,
    ) -> Iterator[str | Answer]:
        """Like `ask`, but yields the LLM's text as it arrives, then the checked Answer last.

        Raises LLMConfigError when the LLM is asked for but misconfigured (wrong key, model
        or URL). An LLM that is down, slow or failing gives the extractive answer with a notice.
        """
        question = self.check_question(question)
        if k is not None and not 1 <= k <= MAX_TOP_K:
            raise ValueError(f"참고할 문단 수(k)는 1~{MAX_TOP_K} 사이여야 합니다 (받은 값: {k})")
        t0 = time.perf_counter()
        turns = [h.to_json() if isinstance(h, Answer) else h for h in history]
        searcher = self._searcher  # one consistent index for the whole question
        model = make_chat_model(self.settings) if llm else None
        notices: list[str] = []
        where = where or TripFilter()
        query = searcher.analyse(question, has_history=bool(previous_sources(turns)))

        catalogue = searcher.index.catalogue
        request = query.catalogue
        unconfident_list: Answer | None = None
        pinned = False  # the catalogue found the one trip whose places are asked
        no_trip: Answer | None = None  # the catalogue's "no trip matched", when the passages are asked as well
        if request is not None and request.kind == "similar" and catalogue is not None:
            w = merge_filters(request.where, where)
            answer = self.prior_trips(question, w.country, w.city)
            ms = (time.perf_counter() - t0) * 1000
            answer.timings_ms = {"retrieve": 0.0, "answer": ms, "total": ms, "catalogue": ms}
            yield answer
            return
        if request is not None and catalogue is not None:
            request = replace(request, where=merge_filters(request.where, where))
            records = catalogue.trips(request.where)
            if sources is not None:  # the documents the user picked
                picked = set(sources)
                records = [r for r in records if r.source in picked]
            texts = {s: d.text for s, d in searcher.index.documents.items()}
            listed = catalogue_answer(question, request, records, texts)
            if request.kind == "list" and query.answer_type == "where" and len(listed.citations) == 1:
                # "대전 서구 미국 연수 어디어디 둘러봤어?": a list of one trip names the trip; the places
                # it visited are in its report (the trip's line, should the report not say).
                sources, unconfident_list, pinned = [listed.citations[0].source], listed, True
            elif request.confident and not listed.abstained:
                ms = (time.perf_counter() - t0) * 1000
                listed.timings_ms = {"retrieve": 0.0, "answer": ms, "total": ms, "catalogue": ms}
                yield listed
                return
            elif listed.abstained:
                # No trip matched, or the request named something the catalogue can't filter on:
                # say so and answer from the passages as well; unless the question was never about
                # trips ("한중일 세미나에 기업은 어디어디 나왔어?" read as a list of places), where
                # "no trip matched" answers nothing that was asked.
                no_trip = listed if request.confident or query.about_trip else None
            elif not request.where.is_empty() or request.kind not in ("list", "count"):
                # The trips the understood conditions match (or the longest, largest … of all), should
                # the passages hold no answer.
                ignored = ", ".join(f"‘{w}’" for w in request.unknown)
                listed.notice = f"{ignored}은(는) 출장 목록의 조건으로 쓰지 못했습니다. 나머지 조건으로 찾은 출장입니다."
                unconfident_list = listed
        # "미국 출장 어땠어?": the question names a country (or a body) and nothing telling which of the
        # trips there it means: the reports of those trips answer it.
        named, named_trips = "", []
        if request is None and catalogue is not None and sources is None and where.is_empty():
            named, named_trips = trips_of_the_one_name(query, catalogue, searcher.stats)
            sources = named_trips or None
        if not where.is_empty():
            if catalogue is None:
                raise IndexUnavailable("이 색인에는 출장 목록이 없습니다. `qa index`로 다시 만드세요.")
            allowed = {r.source for r in catalogue.trips(where)}
            sources = [s for s in sources if s in allowed] if sources is not None else sorted(allowed)

        standalone, scope, said = query, None, frozenset()
        if query.refers_back:
            if query.asks_for_more:
                said = said_before(turns)
            scope = previous_sources(turns) or None
            text = offline_standalone(query, turns)
            if model is not None:
                try:
                    text = condense_question(model, turns, question, self.settings)
                except LLMUnavailable as exc:
                    notices.append(f"{exc}. 이전 대화의 문서에서 찾았습니다.")
            if text != question:
                standalone = replace(searcher.analyse(text), refers_back=True, asks_for_more=query.asks_for_more)
        each = None
        if standalone.trips and not scope:
            each = self._each_trip(standalone, k, sources, searcher)
        elif standalone.clauses and not scope:
            each = self._each_clause(standalone, k, sources, searcher)
        if each is not None and not each[2]:
            retrieval, answer, _ = each
        else:
            retrieval = searcher.search(standalone, k, scope or sources)
            answer = self._propose(retrieval, searcher, said)
            if answer.abstained and each is not None:
                # Asked as a whole, nothing is found either: what was found of each trip, and which not.
                retrieval, answer, _ = each
        if named_trips and answer.abstained:
            # None of those reports holds it: the whole corpus, as for any question.
            sources = None
            retrieval = searcher.search(standalone, k)
            answer = self._propose(retrieval, searcher, said)
        elif len(named_trips) > 1 and answer.mode == "extractive":
            notices.append(f"{named} 출장은 {len(named_trips)}건이며, 질문에 가장 가까운 보고서에서 답했습니다. "
                           "다른 출장은 나라·도시·주제를 함께 넣어 물어보세요.")
        if answer.abstained and pinned:
            # The trip is certain, and its report's sentences naming places answer "어디어디", however
            # little else of the question they share (시의원들, 들렀대); the trip's line if it has none.
            proposed, features = self.proposal(retrieval, searcher, said)
            if proposed is not None and not proposed.abstained:
                proposed.evidence = self.refusal.probability(features)
                answer = proposed
        if answer.abstained and unconfident_list is not None:
            answer = unconfident_list
        if scope and answer.abstained:  # not about the previous trip after all
            retrieval = searcher.search(standalone, k, sources)
            answer = self._propose(retrieval, searcher, said)
        elif scope:
            notices.append("이전 답변의 문서에서 찾은 답입니다.")
        if no_trip is not None and answer.abstained:
            # Neither the catalogue nor the passages: the condition that matched nothing is the answer.
            answer.segments[0] = Segment(f"{no_trip.answer} 보고서 본문에서도 관련 내용을 찾지 못했습니다.")
        elif no_trip is not None:
            notices.append(no_trip.answer + " 보고서 본문에서 찾은 내용입니다.")
        t1 = time.perf_counter()
        flagged = list(dict.fromkeys(h.chunk.source for h in retrieval.hits if h.row in searcher.quarantined))
        if flagged:
            notices.append(f"{', '.join(flagged)}의 구절 중 AI에게 지시하는 듯한 문장이 있는 구절은 답과 근거에 쓰지 않았습니다.")

        if answer.mode == "catalogue":
            model = None  # a list of trips is the catalogue's, not the model's to word
        if model is not None and not answer.abstained and not self._llm_slots.acquire(blocking=False):
            notices.append("LLM 요청이 많아 보고서 발췌로 답합니다.")
        elif model is not None and not answer.abstained:
            # The offline checks decide whether the reports hold an answer at all;
            # the model only words it.
            reply = ""
            try:
                for piece in stream_text(model, answer_messages(standalone.text, retrieval.hits, searcher), self.settings):
                    reply += piece
                    yield piece
                checked = verified_answer(reply, retrieval, searcher, self.settings)
                if checked is None:
                    notices.append("LLM 답변을 보고서 구절로 확인할 수 없어 보고서 발췌로 답합니다.")
                else:
                    checked.evidence = answer.evidence
                    answer = checked
            except LLMUnavailable as exc:
                log.info("LLM unavailable: %s", exc)
                notices.append(f"{exc}. 보고서 발췌로 답합니다.")
            finally:
                self._llm_slots.release()
        if notices or answer.notice:
            answer.notice = " ".join([answer.notice, *notices]).strip()
        answer.question = question
        t2 = time.perf_counter()
        retrieve_ms = sum(retrieval.timings_ms.values())
        answer.timings_ms = {
            "retrieve": retrieve_ms,
            "answer": (t2 - t0) * 1000 - retrieve_ms,
            "total": (t2 - t0) * 1000,
            **retrieval.timings_ms,
        }
        if model is not None:
            answer.timings_ms["llm"] = (t2 - t1) * 1000
        yield answer

    def proposal(self, retrieval: Retrieval, searcher: Searcher | None = None,
                 exclude: frozenset[str] = frozenset(), one_of_several: bool = False) -> tuple[Answer | None, dict[str, float]]:
        """The first strategy's answer for a retrieval and its evidence features, before the refusal decision."""
        searcher = searcher or self._searcher
        ctx = AnswerContext(retrieval.query, retrieval, searcher, self.sentence_model, exclude,
                            self.settings.max_answer_sentences, one_of_several)
        answer = next((a for s in self.answerers if (a := s.answer(ctx)) is not None), None)
        return answer, evidence_features(retrieval.query, retrieval, answer, searcher, exclude)

    def _each_trip(self, query: Query, k: int | None, sources: Iterable[str] | None,
                   searcher: Searcher) -> tuple[Retrieval, Answer, bool] | None:
        """A question naming trips of different organisations, or one organisation's trips to different
        countries (`Query.trips`: "부산시 상하이 출장은 어디랑 MOU 맺었고, 동두천시 중국 방문단은 어느
        도시들 갔대?"): each trip's answer from the reports of the trip it names, as a question about it
        alone, one after the other. None when a trip named is in no report, or no trip's reports
        hold an answer.
        Returns the passages of all of them, the joined answer and whether a trip's reports held no
        answer (the question is then asked as a whole first: a trip's answer may need words of the
        other's part)."""
        named = {w for trip, _ in query.trips for w in trip}
        picked = set(sources) if sources is not None else None
        parts: list[tuple[Retrieval, Answer]] = []
        for trip, asked in query.trips:
            others = named - set(trip)
            reports = searcher.reports_named(trip)
            reports = [r for r in reports if picked is None or r in picked]
            if not reports:
                return None

            def own(words: tuple[str, ...]) -> tuple[str, ...]:
                return tuple(w for w in words if w not in others)

            # Its own clause is a question of its own; a question asked of each is that question
            # without the other trips' names, and of its names only those of this trip (리스버그 of
            # "삼척시 리스버그 … 방문단이랑 영암군 호주 연수" names no place of 영암군's).
            shared = asked == query.text
            alone = query if shared else searcher.analyse(asked)
            proper = tuple(p for p in alone.proper_nouns if p in trip) if shared else own(alone.proper_nouns)
            alone = replace(alone, several=False, trips=(), catalogue=None, terms=own(alone.terms), names=own(alone.names),
                            topic_terms=own(alone.topic_terms), proper_nouns=proper)
            retrieval = searcher.search(alone, k, reports)
            parts.append((retrieval, self._propose(retrieval, searcher, frozenset(), one_of_several=True)))
        return self._joined_parts(query, parts, [" ".join(trip) for trip, _ in query.trips])

    def _each_clause(self, query: Query, k: int | None, sources: Iterable[str] | None,
                     searcher: Searcher) -> tuple[Retrieval, Answer, bool] | None:
        """A question asking two things of one trip, a clause each (`Query.clauses`: "증평군 … 연수단
        몇명이고 벨기에는 어느 대학이랑 MOU 추진함?"): each clause answered as a question of its own, as
        `_each_trip` answers each trip's. A clause naming no organisation asks about the one the
        question named before it."""
        parts: list[tuple[Retrieval, Answer]] = []
        bodies: tuple[str, ...] = ()
        for clause in query.clauses:
            alone = searcher.analyse(clause)
            named = tuple(w for w in alone.names if searcher.stats.names_organisation(w))
            if bodies and not named:
                alone = searcher.analyse(f"{' '.join(bodies)} {clause}")
            bodies = bodies or named
            alone = replace(alone, several=False, catalogue=None)
            retrieval = searcher.search(alone, k, sources)
            parts.append((retrieval, self._propose(retrieval, searcher, frozenset(), one_of_several=True)))
        return self._joined_parts(query, parts, list(query.clauses))

    @staticmethod
    def _joined_parts(query: Query, parts: list[tuple[Retrieval, Answer]],
                      labels: list[str]) -> tuple[Retrieval, Answer, bool] | None:
        """The answers of a question's parts, one after the other (see `_each_trip`); None when no part
        holds an answer."""
        answers = [answer for _, answer in parts]
        if all(answer.abstained for answer in answers):
            return None
        # A part whose reports hold no answer is named, so the answer says which part is missing.
        answers = [replace(a, segments=[Segment(f"‘{label}’에 대해서는 관련 내용을 찾지 못했습니다.")], nearest=[])
                   if a.abstained else a for a, label in zip(answers, labels)]
        timings: dict[str, float] = {}
        for retrieval, _ in parts:
            for key, ms in retrieval.timings_ms.items():
                timings[key] = timings.get(key, 0.0) + ms
        answer = joined(query.text, answers)
        hits = [h for retrieval, _ in parts for h in retrieval.hits]
        return Retrieval(query, parts[0][0].query_vector, hits, timings), answer, any(a.abstained for a in answers)

    def _propose(self, retrieval: Retrieval, searcher: Searcher, exclude: frozenset[str],
                 one_of_several: bool = False) -> Answer:
        answer, features = self.proposal(retrieval, searcher, exclude, one_of_several)
        p = self.refusal.probability(features)
        if answer is not None and answer.abstained:  # the strategy found the asked fact missing and says so
            answer.evidence = p
            return answer
        if answer is None or p < self.refusal.threshold:
            return not_found(retrieval, searcher, p)
        answer.evidence = p
        return answer
