"""Where a build's heavy stages run: reading, cleaning and chunking files, Kiwi morphemes, and
embedding. `LocalWorkers` runs them in this process (the default); `RayWorkers` runs them as Ray
Data pipelines over a Ray cluster's workers (`qa index --ray ADDRESS`). Either way the build
(`qa.index`) decides what needs doing, reuses what it can, and writes the index and the search
backend itself: the workers only turn inputs into outputs, in order.
"""

from __future__ import annotations

import json
import multiprocessing
import weakref
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol

import numpy as np

if TYPE_CHECKING:
    from .chunk import Chunk
    from .index import IndexedDocument
    from .settings import Settings

# (stage, done, total): the build's progress callback.
ProgressFn = Callable[[str, int, int], None]


class BuildWorkers(Protocol):
    def process(self, files: list[tuple[Path, str]], progress: ProgressFn | None) -> list[tuple[IndexedDocument, list[Chunk]] | str]:
        """Each (path, source name) read, cleaned, its facts extracted and chunked, in order; or the
        Korean reason it could not be."""
        ...

    def morphemes(self, texts: list[str]) -> list[list[str]]:
        """The BM25 terms (Kiwi content morphemes) of each text, in order."""
        ...

    def embed(self, texts: list[str], stage: str, progress: ProgressFn | None) -> np.ndarray:
        """The passage embedding of each text, in order."""
        ...


# Below these sizes a stage stays in the building process: starting a worker (Python, this
# package, Kiwi's model) takes about two seconds.
MIN_FILES_FOR_PROCESSES = 16
MIN_TEXTS_FOR_PROCESSES = 2000
MORPHEME_BATCH = 500


class LocalWorkers:
    """This machine: files are read, cleaned and chunked, and Kiwi morphemes found, in
    `settings.build_processes` worker processes; the model embeds in the building process (its C
    engine already uses every core), while the workers find the morphemes."""

    def __init__(self, settings: "Settings", embedder):
        self.settings = settings
        self.embedder = embedder
        self._pool: ProcessPoolExecutor | None = None

    def _workers(self, jobs: int, minimum: int) -> ProcessPoolExecutor | None:
        if self.settings.build_processes < 2 or jobs < minimum:
            return None
        if self._pool is None:
            # Spawned, never forked: the building process runs the embedding engine's threads.
            self._pool = ProcessPoolExecutor(self.settings.build_processes, mp_context=multiprocessing.get_context("spawn"))
            weakref.finalize(self, self._pool.shutdown, wait=False, cancel_futures=True)
        return self._pool

    def process(self, files, progress):
        from .index import process_or_reason

        pool = self._workers(len(files), MIN_FILES_FOR_PROCESSES)
        results = [pool.submit(process_or_reason, path, source, self.settings) for path, source in files] if pool else None
        out = []
        for n, (path, source) in enumerate(files):
            if progress:
                progress("files", n, len(files))
            out.append(results[n].result() if results else process_or_reason(path, source, self.settings))
        return out

    def morphemes(self, texts):
        from .korean import content_morphemes_batch

        pool = self._workers(len(texts), MIN_TEXTS_FOR_PROCESSES)
        if pool is None:
            return content_morphemes_batch(texts)
        batches = [pool.submit(content_morphemes_batch, texts[i:i + MORPHEME_BATCH]) for i in range(0, len(texts), MORPHEME_BATCH)]
        return [terms for b in batches for terms in b.result()]

    def embed(self, texts, stage, progress):
        size = self.settings.embed_batch_size
        out = np.zeros((len(texts), self.embedder.dim), dtype=np.float32)
        if progress:
            progress(stage, 0, len(texts))
        for i in range(0, len(texts), size):
            out[i:i + size] = self.embedder.embed_passages(texts[i:i + size])
            if progress:
                progress(stage, min(i + size, len(texts)), len(texts))
        return out


class _Embed:
    """A Ray actor's embedder: the model is loaded once per actor, not per batch."""

    def __init__(self, settings: "Settings"):
        from .embed import get_embedder

        self.embedder = get_embedder(settings.embedder, settings, role="build")

    def __call__(self, batch: dict) -> dict:
        vectors = np.asarray(self.embedder.embed_passages([str(t) for t in batch["text"]]), dtype=np.float32)
        return {"i": batch["i"], "vector": list(vectors)}


class RayWorkers:
    """The same stages as Ray Data pipelines. `address` is a running cluster ("auto", or
    "ray://host:10001"), or "local" to start Ray on this machine. Every worker needs this package
    installed and the corpus files at the same paths (a shared folder); the index is written here."""

    def __init__(self, settings: "Settings", address: str):
        import ray

        if not ray.is_initialized():
            ray.init(address=None if address == "local" else address, include_dashboard=False,
                     log_to_driver=False, configure_logging=False)
        self.settings = settings
        self._ray = ray

    def _run(self, rows: list[dict], transform) -> list[dict]:
        """`transform` over the rows (each with its position `i`), results back in their order."""
        if not rows:
            return []
        ctx = self._ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        out = transform(self._ray.data.from_items(rows)).take_all()
        return sorted(out, key=lambda r: int(r["i"]))

    def process(self, files, progress):
        settings = self.settings

        def one(row: dict) -> dict:
            from .index import chunk_to_json, process_or_reason

            result = process_or_reason(Path(row["path"]), row["source"], settings)
            if isinstance(result, str):
                return {"i": row["i"], "error": result, "document": "", "chunks": ""}
            document, chunks = result
            return {"i": row["i"], "error": "", "document": json.dumps(document.to_json(), ensure_ascii=False),
                    "chunks": json.dumps([chunk_to_json(c) for c in chunks], ensure_ascii=False)}

        from .index import IndexedDocument, chunk_from_json

        if progress:
            progress("files", 0, len(files))
        rows = self._run([{"i": i, "path": str(p), "source": s} for i, (p, s) in enumerate(files)], lambda ds: ds.map(one))
        if progress:
            progress("files", len(files), len(files))
        return [r["error"] or (IndexedDocument.from_json(json.loads(r["document"])),
                               [chunk_from_json(c) for c in json.loads(r["chunks"])]) for r in rows]

    def morphemes(self, texts):
        def batch(b: dict) -> dict:
            from .korean import content_morphemes_batch

            return {"i": b["i"], "terms": [json.dumps(t, ensure_ascii=False) for t in content_morphemes_batch([str(x) for x in b["text"]])]}

        rows = self._run([{"i": i, "text": t} for i, t in enumerate(texts)], lambda ds: ds.map_batches(batch, batch_size=256))
        return [json.loads(r["terms"]) for r in rows]

    def embed(self, texts, stage, progress):
        settings = self.settings
        resources = self._ray.cluster_resources()
        # GPU workers embed with the sentence-transformers model of the bring-your-own-models path.
        gpus = 1 if settings.embedder.startswith("st:") and resources.get("GPU") else 0
        # The e5 C engine uses two threads: one actor per two CPUs.
        actors = max(1, int(resources.get("GPU", 0)) if gpus else int(resources.get("CPU", 2)) // 2)
        if progress:
            progress(stage, 0, len(texts))
        rows = self._run([{"i": i, "text": t} for i, t in enumerate(texts)], lambda ds: ds.map_batches(
            _Embed, fn_constructor_kwargs={"settings": settings}, batch_size=max(settings.embed_batch_size, 64),
            concurrency=actors, num_gpus=gpus))
        if progress:
            progress(stage, len(texts), len(texts))
        dim = len(rows[0]["vector"]) if rows else 0
        return np.array([r["vector"] for r in rows], dtype=np.float32).reshape(len(rows), dim)


def build_workers(settings: "Settings", embedder) -> BuildWorkers:
    return RayWorkers(settings, settings.ray_address) if settings.ray_address else LocalWorkers(settings, embedder)
