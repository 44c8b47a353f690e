"""The Python API: one object that indexes a corpus and answers questions.

    from qa import QA
    qa = QA.open()                      # settings from QA_* env; builds the index if missing or stale
    answer = qa.ask("서울시가 ASCC에서 무엇을 발표했나?")
    print(answer.answer, answer.citations[0].source)

The CLI and the app are thin layers over this class.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Iterable

from .answer import Answer, compose_answer
from .embed import get_embedder
from .index import (
    BuildReport,
    IndexedDocument,
    IndexUnavailable,
    LoadedIndex,
    ProgressFn,
    build_index,
    load_index,
    stale_reason,
)
from .retrieve import HybridRetriever, Retrieval, Searcher
from .settings import Settings
from .uploads import UploadOutcome, save_uploads

log = logging.getLogger(__name__)


class QA:
    """Question answering over one index. Thread-safe: a rebuild swaps the searcher atomically."""

    def __init__(self, settings: Settings, index: LoadedIndex):
        self.settings = settings
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()  # one build at a time; questions never wait for it
        self._searcher = Searcher(index, get_embedder(settings.embedder), settings)

    # ------------------------------------------------------------------ construction

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        build_if_stale: bool = True,
        progress: ProgressFn | None = None,
    ) -> "QA":
        """Load the index of `settings.index_dir`, first (re)building it when missing or stale."""
        settings = settings or Settings()
        if build_if_stale:
            reason = stale_reason(settings, settings.corpus, settings.index_dir)
            if reason:
                log.info("색인을 새로 만듭니다: %s", reason)
                build_index(settings.corpus, settings.index_dir, settings, progress)
        return cls(settings, load_index(settings.index_dir))

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
        """Incrementally rebuild the index and switch to it; questions keep being answered meanwhile."""
        with self._build_lock:
            report = build_index(corpus or self.settings.corpus, self.settings.index_dir, self.settings, progress)
            searcher = Searcher(load_index(self.settings.index_dir), self._searcher.embedder, self.settings)
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
        )
        if not any(o.ok for o in outcomes):
            return outcomes, None
        report = self.rebuild(progress=progress)
        failed = {f.file: f.reason for f in report.errors}
        checked = []
        for o in outcomes:
            if o.ok and o.source in failed:
                (root / o.source).unlink(missing_ok=True)  # it passed the checks but not the indexer
                o = UploadOutcome(o.name, False, failed[o.source])
            checked.append(o)
        return checked, report

    # ------------------------------------------------------------------ documents

    def documents(self) -> list[IndexedDocument]:
        """Every indexed document, by source name."""
        return sorted(self.index.documents.values(), key=lambda d: d.source)

    def document(self, source: str) -> IndexedDocument | None:
        """An indexed document by source name; None for anything not in the index (no file access)."""
        return self.index.documents.get(source)

    # ------------------------------------------------------------------ asking

    def retrieve(self, question: str, k: int | None = None, sources: Iterable[str] | None = None) -> Retrieval:
        return self._searcher.search(question, k, sources)

    def ask(self, question: str, k: int | None = None, sources: Iterable[str] | None = None) -> Answer:
        """Answer `question` from the top-k passages (optionally only from `sources`)."""
        question = question.strip()
        if not question:
            raise ValueError("질문이 비어 있습니다")
        t0 = time.perf_counter()
        searcher = self._searcher  # one consistent index for the whole question
        retrieval = searcher.search(question, k, sources)
        t1 = time.perf_counter()
        answer = compose_answer(
            retrieval,
            searcher,
            max_sentences=self.settings.max_answer_sentences,
            abstain_threshold=self.settings.abstain_threshold,
        )
        t2 = time.perf_counter()
        answer.timings_ms = {
            "retrieve": (t1 - t0) * 1000,
            "answer": (t2 - t1) * 1000,
            "total": (t2 - t0) * 1000,
            **retrieval.timings_ms,
        }
        return answer
