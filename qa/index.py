"""Index: build, persist and load the dense + keyword index of a corpus.

Layout of an index folder (inspectable with ls and cat, never a pickle):

    index/
      current -> builds/<id>          symlink, swapped atomically after a build
      builds/<id>/
        manifest.json                 format, embedder, chunking, per-file hashes
        documents.jsonl               one line per document: facts and cleaned text
        chunks.jsonl                  one line per passage: text, section, page, offsets, quarantine flag
        dense.faiss                   passage vectors (FAISS)
        sentences.npy                 sentence vectors (and report-header vectors when composed)
        keyword/                      BM25 over content morphemes (bm25s files)
        ingest_report.json            what was indexed, skipped or failed, per file

A build writes a new folder under builds/ and only then repoints `current`, so
an interrupted build (even SIGKILL) leaves the previous index intact; one build
runs at a time per index folder (a lock file). Files that fail are recorded in
the manifest with their reason, so they don't make the index look stale until
they change. The same report in two formats (an HWP and its PDF) is indexed
once; the other files are listed as its duplicates. Unchanged files (same
content hash and settings) reuse their chunks and vectors; only new text is
embedded.

Every distinct sentence is embedded (the answer scores sentences). Passages are embedded whole
by default; with `passage_vectors="composed"` a passage's vector is made from its sentences'
and its report header's instead (`compose_passage_vectors`), which saves more than half the build.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from .backend import MILVUS_LITE_DIR, collection_name, drop_milvus, is_server, milvus_uri, write_milvus
from .catalogue import Catalogue, write_catalogue
from .chunk import Chunk, chunk_document
from .clean import clean_text
from .dense import DenseIndex
from .embed import IndexEmbeddings, get_embedder
from .facts import TripRecord, extract_trip
from .injection import quarantined_rows
from .keyword import KeywordIndex
from .load import HTML_SUFFIXES, TEXT_SUFFIXES, LoadError, load_file
from .settings import Settings
from .workers import BuildWorkers, build_workers

log = logging.getLogger(__name__)

INDEX_FORMAT = 1
# Bump when cleaning, fact extraction, chunking or the injection patterns change what is indexed:
# old indexes become stale.
PROCESSING_VERSION = 30
ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


class IndexUnavailable(Exception):
    """The index is missing, unreadable or does not match the settings. Message is Korean."""


class SearchServiceUnavailable(IndexUnavailable):
    """The index is fine but its search service can't be reached (a Milvus server that is down, a
    Milvus Lite file another process holds): rebuilding would not help."""


class CorpusMismatch(IndexUnavailable):
    """A build would replace an index of another corpus (its documents would be lost)."""


class DiskFull(IndexUnavailable):
    """Not enough free space for a build; the previous index is untouched."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class IndexedDocument:
    source: str
    path: str
    kind: str
    sha256: str
    size: int
    mtime_ns: int
    facts: TripRecord  # the trip record the catalogue stores and the chunk header is made of
    text: str  # cleaned text, pages joined by a blank line
    page_starts: list[tuple[int, int]] = field(default_factory=list)  # (page, offset) for PDFs
    duplicates: list[str] = field(default_factory=list)  # other files holding the same report

    def to_json(self) -> dict:
        d = asdict(self)
        d["facts"] = self.facts.to_json()
        return d

    @classmethod
    def from_json(cls, d: dict) -> "IndexedDocument":
        d = dict(d)
        facts = d["facts"]
        if "source" not in facts:  # a build before PROCESSING_VERSION 22 kept only the header's fields
            facts = {"source": d["source"], "title": facts["title"], "organisation": facts["organisation"],
                     "countries": facts["country"].split(), "cities": facts["city"].split(),
                     "start_date": facts["start_date"], "end_date": facts["end_date"],
                     "duration_text": facts["duration"], "published": facts["published"]}
        d["facts"] = TripRecord.from_json(facts)
        d["page_starts"] = [tuple(p) for p in d.get("page_starts", [])]
        return cls(**d)


@dataclass(frozen=True)
class FileOutcome:
    file: str
    status: str  # "indexed", "unchanged", "duplicate" (of `duplicate_of`) or "error"
    chunks: int = 0
    reason: str = ""
    duplicate_of: str = ""


@dataclass
class BuildReport:
    index_dir: Path
    files: list[FileOutcome]
    chunks: int
    embedded: int  # passages + sentences actually sent to the model (the rest came from the cache)
    seconds: dict[str, float]

    @property
    def errors(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "error"]

    def counts(self) -> dict[str, int]:
        counts = {"indexed": 0, "unchanged": 0, "duplicate": 0, "error": 0}
        for f in self.files:
            counts[f.status] += 1
        return counts

    def to_json(self) -> dict:
        return {
            "index_dir": str(self.index_dir),
            "ok": not self.errors,
            "counts": self.counts(),
            "chunks": self.chunks,
            "embedded": self.embedded,
            "seconds": self.seconds,
            "files": [asdict(f) for f in self.files],
        }


@dataclass
class LoadedIndex:
    """Everything a query needs, in memory. Read once per process."""

    folder: Path
    manifest: dict
    documents: dict[str, IndexedDocument]
    chunks: list[Chunk]
    chunk_terms: list[list[str]]
    sentence_rows: list[list[int]]  # per chunk, rows of `sentence_vectors`
    sentence_vectors: np.ndarray
    header_rows: list[int]  # per chunk, the row of its document header's vector (-1: none)
    catalogue: Catalogue | None = None  # None for a build older than the catalogue (it is stale)
    # Rows of passages holding instruction-like text (`qa.injection`): never quoted, never support.
    quarantined: frozenset[int] = frozenset()
    # The FAISS and bm25s indexes, read on first use: a process searching Milvus never reads them.
    _search_files: dict = field(default_factory=dict, repr=False)
    _search_files_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def dense(self) -> DenseIndex:
        with self._search_files_lock:
            if "dense" not in self._search_files:
                path = self.folder / "dense.faiss"
                with _reading(path):
                    dense = DenseIndex.load(path)
                if dense.size != len(self.chunks):
                    raise IndexUnavailable(f"색인이 손상되었습니다 ({self.folder}): 벡터 {dense.size}개, 문단 {len(self.chunks)}개")
                self._search_files["dense"] = dense
            return self._search_files["dense"]

    @property
    def keyword(self) -> KeywordIndex:
        with self._search_files_lock:
            if "keyword" not in self._search_files:
                with _reading(self.folder / "keyword"):
                    self._search_files["keyword"] = KeywordIndex.load(self.folder / "keyword", len(self.chunks))
            return self._search_files["keyword"]

    @property
    def embedder_id(self) -> str:
        return self.manifest["embedder"]["model_id"]

    def document(self, source: str) -> IndexedDocument | None:
        """The document of a source name, also when the file is a duplicate of an indexed one."""
        doc = self.documents.get(source)
        if doc is None:
            canonical = self.manifest.get("files", {}).get(source, {}).get("duplicate_of")
            doc = self.documents.get(canonical) if canonical else None
        return doc


# --------------------------------------------------------------------------- corpus files


@dataclass
class CorpusScan:
    files: list[tuple[Path, str]]  # (file, source name), sorted by source name
    refused: dict[str, tuple[Path, str]]  # source name -> (path, Korean reason): links leading outside


def scan_corpus(paths: Iterable[Path]) -> CorpusScan:
    """Every file under the corpus paths; hidden files skipped, links out of the corpus refused.

    The source name is the path relative to the corpus folder it was found in. A
    symbolic link is followed only when its target lies inside one of the corpus
    folders, so a link can't pull in (and the viewer can't show) a file from elsewhere.
    """
    roots = [Path(p) for p in paths]
    for root in roots:
        if not root.exists():
            raise IndexUnavailable(f"코퍼스 경로가 없습니다: {root}")
    inside = [r.resolve() for r in roots]

    def allowed(target: Path) -> bool:
        return any(target == r or target.is_relative_to(r) for r in inside)

    found: dict[str, Path] = {}
    refused: dict[str, tuple[Path, str]] = {}
    for root in roots:
        if root.is_file():
            found.setdefault(root.name, root)
            continue
        def unreadable(exc: OSError, root: Path = root) -> None:
            folder = Path(exc.filename)
            source = folder.relative_to(root).as_posix() + "/" if folder != root else f"{root.name}/"
            refused[source] = (folder, f"폴더를 읽을 수 없습니다 ({exc.strerror or exc})")

        for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames) + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
                if name.startswith("."):
                    continue
                file = Path(dirpath) / name
                source = file.relative_to(root).as_posix()
                if source in found or source in refused:
                    source = f"{root.name}/{source}"
                if file.is_symlink():
                    target = file.resolve()
                    if not allowed(target):
                        refused[source] = (file, "코퍼스 폴더 밖을 가리키는 링크라서 건너뜁니다")
                        continue
                    if file.is_dir():
                        continue  # a link to a folder inside the corpus: its files are indexed there
                found.setdefault(source, file)
    files = sorted(((f, s) for s, f in found.items()), key=lambda x: x[1])
    return CorpusScan(files, refused)


def corpus_files(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """(file, source name) for every file the index would read; see `scan_corpus`."""
    return scan_corpus(paths).files


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def settings_fingerprint(settings: Settings, embedder: IndexEmbeddings) -> dict:
    """Everything that changes the content of an index; a difference makes it stale."""
    return {
        "format": INDEX_FORMAT,
        "processing": PROCESSING_VERSION,
        "embedder": {
            "model_id": embedder.model_id,
            "dim": embedder.dim,
            **({"prompts": embedder.prompts} if getattr(embedder, "prompts", None) else {}),
        },
        "chunking": {
            "target_chars": settings.chunk_target_chars,
            "max_chars": settings.chunk_max_chars,
            "overlap_sentences": settings.chunk_overlap_sentences,
        },
        "limits": {"max_file_mb": settings.max_file_mb, "max_text_mb": settings.max_text_mb},
        "duplicate_threshold": settings.duplicate_threshold,
        "passage_vectors": (
            {"mode": "composed", "header_weight": HEADER_WEIGHT} if settings.passage_vectors == "composed"
            else {"mode": "embedded"}
        ),
        # A build for Milvus is also searchable locally (its FAISS and bm25s files are always written),
        # so only Milvus needs a build of its own.
        **({"search_backend": {"kind": "milvus", "uri": settings.milvus_uri}} if settings.search_backend == "milvus" else {}),
    }


# --------------------------------------------------------------------------- staleness


def current_folder(index_dir: Path) -> Path | None:
    link = Path(index_dir) / "current"
    if not link.exists():
        return None
    return link.resolve()


def build_folders(index_dir: Path) -> list[Path]:
    """The complete builds of `index_dir`, the current one first, then older ones newest first
    (a build folder is complete once renamed from its `.tmp` name; a killed build never is)."""
    current = current_folder(index_dir)
    builds = Path(index_dir) / "builds"
    older = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")
                    and p.resolve() != current), key=lambda p: p.name, reverse=True) if builds.is_dir() else []
    return ([current] if current is not None and current.is_dir() else []) + older


def _read_manifest_file(path: Path) -> dict:
    """One build's manifest, checked: a dict of the current format with its file table."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise IndexUnavailable(f"색인 파일이 손상되었습니다: {path} ({exc.__class__.__name__})") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files", {}), dict) \
            or not isinstance(manifest.get("failed", {}), dict):
        raise IndexUnavailable(f"색인 파일이 손상되었습니다: {path} (형식이 맞지 않음)")
    if manifest.get("format") != INDEX_FORMAT:
        raise IndexUnavailable(f"색인 형식이 다릅니다 ({manifest.get('format')} ≠ {INDEX_FORMAT}): {path}; 다시 만드세요")
    return manifest


def read_manifest(index_dir: Path) -> dict | None:
    """The manifest of the build `load_index` would open; None when no build has a readable one."""
    for folder in build_folders(index_dir):
        try:
            return _read_manifest_file(folder / "manifest.json")
        except IndexUnavailable:
            continue
    return None


def indexed_corpus(index_dir: Path) -> list[Path] | None:
    """The corpus folders and files the index in `index_dir` was built from, while they all still
    exist; None without an index, or when the corpus has moved or gone.

    The manifest holds them relative to the index folder, so a project folder copied or moved as a
    whole keeps its index tied to its own corpus (older manifests: relative to the working folder)."""
    manifest = read_manifest(index_dir)
    if not manifest or not manifest.get("corpus"):
        return None
    if "corpus_from_index" in manifest:
        paths = [(Path(index_dir) / p).resolve() for p in manifest["corpus_from_index"]]
    else:
        paths = [Path(p).resolve() for p in manifest["corpus"]]
    return paths if all(p.exists() for p in paths) else None


def check_same_corpus(corpus: list[Path], index_dir: Path, settings: Settings) -> None:
    """Refuse a build that would drop documents of the index's own corpus: every folder it was built
    from must still be part of the new corpus (adding folders is fine), unless `replace_index`."""
    built_from = indexed_corpus(index_dir)
    wanted = [Path(p).resolve() for p in corpus]
    if built_from is None or settings.replace_index or set(built_from) <= set(wanted):
        return
    raise CorpusMismatch(
        f"색인 폴더 {index_dir}는 다른 코퍼스({', '.join(map(str, built_from))})의 색인입니다. "
        f"{', '.join(map(str, wanted))}로 다시 만들면 그 색인의 문서를 잃습니다. "
        "다른 색인 폴더(--index-dir)를 쓰거나, 정말 바꾸려면 --replace-index를 붙이세요."
    )


def stale_reason(settings: Settings, corpus: list[Path], index_dir: Path) -> str | None:
    """Why the index must be (re)built, in Korean, or None when it is up to date."""
    current = current_folder(index_dir)
    try:  # a damaged current build is a reason to rebuild, even when an older one is intact
        manifest = _read_manifest_file(current / "manifest.json") if current is not None else read_manifest(index_dir)
    except IndexUnavailable as exc:
        return str(exc)
    if manifest is None:
        return "색인이 없습니다"
    embedder = get_embedder(settings.embedder, settings)
    fingerprint = settings_fingerprint(settings, embedder)
    for key, value in fingerprint.items():
        if manifest.get(key) != value:
            if key == "embedder":
                built = (manifest.get("embedder") or {}).get("model_id", "?")
                return f"색인은 임베딩 모델 '{built}'로 만들어졌는데 지금 설정은 '{value['model_id']}'입니다"
            return f"설정이 바뀌었습니다 ({key})"
    known = {**manifest.get("failed", {}), **manifest.get("files", {})}
    scan = scan_corpus(corpus)
    if set(known) != {s for _, s in scan.files} | set(scan.refused):
        return "파일이 추가되거나 삭제되었습니다"
    for path, source in scan.files:
        if not _unchanged(path, known[source]):
            return f"파일이 바뀌었습니다: {source}"
    return None


def _still(path: Path, record) -> bool:
    """`_unchanged`, with a file gone or unreadable counted as changed (reading it reports why)."""
    try:
        return _unchanged(path, record)
    except OSError:
        return False


def _unchanged(path: Path, record) -> bool:
    """Whether the file still holds what `record` (its manifest entry) describes: same size and
    modification time, or else the same bytes. A damaged record counts as changed."""
    if not isinstance(record, dict):
        return False
    st = path.stat()
    if st.st_size == record.get("size") and st.st_mtime_ns == record.get("mtime_ns"):
        return True
    return "sha256" in record and _sha256(path) == record["sha256"]


# --------------------------------------------------------------------------- build


def _process_file(path: Path, source: str, settings: Settings) -> tuple[IndexedDocument, list[Chunk]]:
    # The file's size, time and hash are taken before it is read, so that a file changed while it
    # is read (a half-copied upload) never looks unchanged to the next build: its recorded state
    # is the older one, and the next build reads it again.
    try:
        st = path.stat()
        sha256 = _sha256(path)
    except FileNotFoundError as exc:
        raise LoadError(path, "파일이 없습니다 (색인하는 동안 지워졌거나 옮겨졌습니다)") from exc
    doc = load_file(
        path, source, max_file_bytes=int(settings.max_file_mb * 2**20), max_text_bytes=int(settings.max_text_mb * 2**20)
    )
    pages = [(p.number, clean_text(p.text)) for p in doc.pages]
    pages = [(n, t) for n, t in pages if t.strip()]
    if not pages:
        raise LoadError(path, "정리 후 남은 텍스트가 없습니다")
    # Extracted from the text exactly as chunk_document joins it, so the record's provenance spans
    # point into the stored text.
    facts = extract_trip(source, "\n\n".join(t for _, t in pages))
    text, chunks = chunk_document(
        source,
        pages,
        header=facts.header(),
        target_chars=settings.chunk_target_chars,
        max_chars=settings.chunk_max_chars,
        overlap_sentences=settings.chunk_overlap_sentences,
    )
    page_starts, offset = [], 0
    for n, t in pages:
        if n is not None:
            page_starts.append((n, offset))
        offset += len(t) + 2
    record = IndexedDocument(
        source=source,
        path=str(path.resolve()),
        kind=doc.kind,
        sha256=sha256,
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        facts=facts,
        text=text,
        page_starts=page_starts,
    )
    return record, chunks


def process_or_reason(path: Path, source: str, settings: Settings) -> tuple[IndexedDocument, list[Chunk]] | str:
    """`_process_file`, or the Korean reason the file can't be indexed."""
    try:
        return _process_file(path, source, settings)
    except LoadError as exc:
        return exc.reason
    except FileNotFoundError:
        return "파일이 없습니다 (색인하는 동안 지워졌거나 옮겨졌습니다)"
    except OSError as exc:
        return f"파일을 읽을 수 없습니다 ({exc.strerror or exc})"


def chunk_to_json(chunk: Chunk) -> dict:
    d = asdict(chunk)
    d["sentences"] = [list(s) for s in chunk.sentences]
    return d


def _chunk_to_json(chunk: Chunk, terms: list[str], sentence_rows: list[int], header_row: int, quarantined: bool) -> dict:
    d = chunk_to_json(chunk)
    d["terms"] = terms
    d["sentence_rows"] = sentence_rows
    d["header_row"] = header_row
    d["quarantined"] = quarantined
    return d


def chunk_from_json(d: dict) -> Chunk:
    return Chunk(
        id=d["id"],
        source=d["source"],
        text=d["text"],
        section=d["section"],
        page=d["page"],
        start=d["start"],
        end=d["end"],
        header=d["header"],
        sentences=tuple(tuple(s) for s in d["sentences"]),
    )


def _embed_cached(
    texts: list[str],
    cache: dict[str, np.ndarray],
    workers: BuildWorkers,
    dim: int,
    stage: str,
    progress: ProgressFn | None,
) -> tuple[np.ndarray, int]:
    """Vectors for `texts`, embedding only those whose hash is not in `cache`. Returns (vectors, n embedded)."""
    hashes = [_text_hash(t) for t in texts]
    missing: dict[str, str] = {}
    for h, t in zip(hashes, texts):
        if h not in cache and h not in missing:
            missing[h] = t
    if missing:
        cache.update(zip(missing, workers.embed(list(missing.values()), stage, progress)))
    out = np.stack([cache[h] for h in hashes]) if hashes else np.zeros((0, dim), dtype=np.float32)
    return out.astype(np.float32), len(missing)


# Composed passage vectors: how much of the document header's vector a passage vector holds,
# beside the mean of its sentences' (which say nothing of which trip they belong to). On the
# tune split of eval/realtrips_dev.jsonl 0.3-0.8 retrieve alike (0 and 1.2 worse); below 0.7 an
# English question about a Korean report finds the wrong report on the seeds (the header carries it).
HEADER_WEIGHT = 0.7


def compose_passage_vectors(vectors: np.ndarray, body_rows: list[list[int]], header_rows: list[int]) -> np.ndarray:
    """Each passage's vector: the normalised mean of its sentence vectors plus HEADER_WEIGHT of
    its header's, normalised (inner product = cosine, as for an embedded passage)."""
    out = np.zeros((len(body_rows), vectors.shape[1]), dtype=np.float32)
    for i, (rows, header_row) in enumerate(zip(body_rows, header_rows)):
        v = vectors[rows].mean(axis=0)
        v = v / max(float(np.linalg.norm(v)), 1e-9)
        if header_row >= 0:
            v = v + HEADER_WEIGHT * vectors[header_row]
        out[i] = v / max(float(np.linalg.norm(v)), 1e-9)
    return out


def _previous(index_dir: Path, fingerprint: dict) -> tuple[LoadedIndex | None, dict[str, np.ndarray]]:
    """The previous index when it was built with the same settings, and its vector cache."""
    try:
        prev = load_index(index_dir)
    except IndexUnavailable:
        return None, {}
    if any(prev.manifest.get(k) != v for k, v in fingerprint.items() if k != "format"):
        # Different chunking or cleaning: chunks can't be reused, but the same embedder's vectors can.
        if prev.manifest.get("embedder") != fingerprint["embedder"]:
            return None, {}
        reuse_chunks = False
    else:
        reuse_chunks = True
    cache: dict[str, np.ndarray] = {}
    kind = prev.manifest.get("passage_vectors")
    if kind is None or kind.get("mode") == "embedded":  # None: a build before composed vectors existed
        # Embedded passages are reusable; composed ones are not embeddings of their text.
        for chunk, v in zip(prev.chunks, prev.dense.vectors()):
            cache[_text_hash(chunk.search_text)] = v
    for chunk, rows, header_row in zip(prev.chunks, prev.sentence_rows, prev.header_rows):
        for (s, e), r in zip(chunk.sentences, rows):
            cache[_text_hash(chunk.text[s:e])] = prev.sentence_vectors[r].astype(np.float32)
        if header_row >= 0:
            cache[_text_hash(chunk.header)] = prev.sentence_vectors[header_row].astype(np.float32)
    return (prev if reuse_chunks else None), cache


def build_index(
    corpus: list[Path],
    index_dir: Path,
    settings: Settings,
    progress: ProgressFn | None = None,
) -> BuildReport:
    """Build (or incrementally update) the index of `corpus` into `index_dir`.

    Waits for another build of the same index folder (another process or thread) to finish first.
    Raises `CorpusMismatch` instead of replacing an index of another corpus.
    """
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with _build_lock(index_dir):
        check_same_corpus(corpus, index_dir, settings)
        try:
            return _build(corpus, index_dir, settings, progress)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DiskFull(f"디스크 공간이 부족합니다: {index_dir} (이전 색인은 그대로입니다)") from exc
            raise IndexUnavailable(f"색인을 쓸 수 없습니다: {exc.filename or index_dir} ({exc.strerror or exc})") from exc
        except BrokenProcessPool as exc:
            raise IndexUnavailable(
                f"색인 작업 프로세스가 비정상 종료했습니다 (위의 오류를 보세요): {index_dir} (이전 색인은 그대로입니다)"
            ) from exc
        except RuntimeError as exc:  # faiss reports a failed write as a RuntimeError
            if "No space left" in str(exc) or "write error" in str(exc).lower():
                raise DiskFull(f"디스크 공간이 부족하거나 색인을 쓸 수 없습니다: {index_dir} (이전 색인은 그대로입니다)") from exc
            raise


# An index takes about this many bytes per byte of text it holds (passages, sentence vectors,
# keyword index, catalogue; measured on the seeds: 77 KB of text, 1 MB of index).
INDEX_BYTES_PER_TEXT_BYTE = 15


def check_free_space(index_dir: Path, new_files: list[Path]) -> None:
    """Refuse a build that would not fit: a new build needs about the current one's size plus
    INDEX_BYTES_PER_TEXT_BYTE per byte of new text (a binary file's text taken as a quarter of it)."""
    current = current_folder(index_dir)
    existing = sum(f.stat().st_size for f in current.rglob("*") if f.is_file()) if current else 0
    text = 0
    for path in new_files:
        try:
            size = path.stat().st_size
        except OSError:
            continue
        text += size if path.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES else size // 4
    needed = existing + INDEX_BYTES_PER_TEXT_BYTE * text + 2**20
    free = shutil.disk_usage(index_dir).free
    if free < needed:
        raise DiskFull(
            f"디스크 공간이 부족합니다 (필요 약 {needed / 2**20:,.0f} MB, 남은 공간 {free / 2**20:,.0f} MB): "
            f"{index_dir}. 공간을 비운 뒤 다시 색인하세요 (이전 색인은 그대로입니다)"
        )


@contextmanager
def _build_lock(index_dir: Path):
    # flock is released by the kernel when the process dies, so a killed build never blocks the next.
    # The holder's pid is kept in the file: a worker process the build spawned that waits for its
    # parent's lock would wait forever.
    with open(index_dir / ".build.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _refuse_if_parent_builds(fh)
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.truncate(0)
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _refuse_if_parent_builds(lock_file) -> None:
    """A build's worker processes are spawned: each re-runs the calling script's top level, so a
    script that opens the index outside `if __name__ == "__main__":` would have every worker wait
    for its parent's build, and the parent for its workers, forever. Fail with the fix instead."""
    lock_file.seek(0)
    holder = lock_file.read().strip()
    # multiprocessing runs a spawned child's copy of the script as "__mp_main__".
    if "__mp_main__" in sys.modules and holder == str(os.getppid()):
        raise IndexUnavailable(
            "색인을 만드는 작업 프로세스가 호출한 스크립트를 다시 실행해 같은 색인을 또 만들려 했습니다. "
            '스크립트의 본문(QA.open 등)을 `if __name__ == "__main__":` 아래에 두세요'
        )


# Which copy of a report found in several formats is indexed: the editable original keeps
# its tables and headings; a PDF export is the last choice.
_FORMAT_PREFERENCE = {"hwpx": 0, "hwp": 0, "docx": 1, "text": 2, "html": 3, "pdf": 4}
_NON_WORD = re.compile(r"[\W_]+")


def _shingles(text: str, size: int = 5) -> set[str]:
    """Character 5-grams of the text without spaces, punctuation and table rules: format-independent."""
    letters = _NON_WORD.sub("", text.lower())
    return {letters[i : i + size] for i in range(max(len(letters) - size + 1, 0))}


def find_duplicates(documents: list[IndexedDocument], threshold: float) -> dict[str, str]:
    """{duplicate source: kept source} for documents whose texts are near-identical.

    Jaccard similarity of character 5-gram sets, estimated with MinHash LSH (datasketch)
    to find candidates, then computed exactly. The preferred format of a group is kept.
    """
    from datasketch import MinHash, MinHashLSH

    ordered = sorted(documents, key=lambda d: (_FORMAT_PREFERENCE.get(d.kind, 9), d.source))
    lsh = MinHashLSH(threshold=threshold, num_perm=64)
    kept: dict[str, set[str]] = {}
    duplicate_of: dict[str, str] = {}
    for doc in ordered:
        grams = _shingles(doc.text)
        if not grams:
            continue
        signature = MinHash(num_perm=64)
        signature.update_batch([g.encode("utf-8") for g in grams])
        for other in sorted(lsh.query(signature)):
            theirs = kept[other]
            if len(grams & theirs) / len(grams | theirs) >= threshold:
                duplicate_of[doc.source] = other
                break
        else:
            lsh.insert(doc.source, signature)
            kept[doc.source] = grams
    return duplicate_of


def _file_record(path: Path, **extra) -> dict | None:
    """Size and mtime of a corpus entry (the link itself for a refused link); None once it is gone."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, **extra}


def _build(corpus: list[Path], index_dir: Path, settings: Settings, progress: ProgressFn | None) -> BuildReport:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    embedder = get_embedder(settings.embedder, settings, role="build")
    workers = build_workers(settings, embedder)
    fingerprint = settings_fingerprint(settings, embedder)
    prev, cache = _previous(index_dir, fingerprint)
    prev_files = prev.manifest["files"] if prev else {}

    scan = scan_corpus(corpus)
    files = scan.files
    unchanged = {source for path, source in files if prev and source in prev.documents and _still(path, prev_files.get(source))}
    check_free_space(index_dir, [path for path, source in files if source not in unchanged])
    processed: list[tuple[IndexedDocument, list[Chunk], str]] = []  # (document, chunks, status)
    errors: dict[str, str] = {source: reason for source, (_, reason) in scan.refused.items()}
    failed: dict[str, dict] = {}
    prev_chunks_by_source: dict[str, list[Chunk]] = {}
    if prev:
        for c in prev.chunks:
            prev_chunks_by_source.setdefault(c.source, []).append(c)

    for source in (source for _, source in files if source in unchanged):
        doc = replace(prev.documents[source], duplicates=[])
        processed.append((doc, prev_chunks_by_source.get(source, []), "unchanged"))
    changed = [(path, source) for path, source in files if source not in unchanged]
    for (_, source), result in zip(changed, workers.process(changed, progress)):
        if isinstance(result, str):
            errors[source] = result
        else:
            processed.append((*result, "indexed"))
    if progress:
        progress("files", len(files), len(files))
    paths = {source: path for path, source in files} | {source: path for source, (path, _) in scan.refused.items()}
    for source, reason in errors.items():
        log.warning("%s: %s", source, reason)
        record = _file_record(paths[source], reason=reason)
        if record:
            failed[source] = record

    t_dup = time.perf_counter()
    duplicate_of = find_duplicates([d for d, _, _ in processed], settings.duplicate_threshold)
    copies: dict[str, list[str]] = {}
    for dup, kept in duplicate_of.items():
        copies.setdefault(kept, []).append(dup)
    documents: list[IndexedDocument] = []
    chunks: list[Chunk] = []
    outcomes: dict[str, FileOutcome] = {s: FileOutcome(s, "error", reason=r) for s, r in errors.items()}
    file_records: dict[str, dict] = {}
    for doc, doc_chunks, status in processed:
        file_records[doc.source] = {"sha256": doc.sha256, "size": doc.size, "mtime_ns": doc.mtime_ns}
        if doc.source in duplicate_of:
            kept = duplicate_of[doc.source]
            file_records[doc.source]["duplicate_of"] = kept
            outcomes[doc.source] = FileOutcome(doc.source, "duplicate", reason=f"{kept}와 같은 보고서입니다", duplicate_of=kept)
            continue
        documents.append(replace(doc, duplicates=sorted(copies.get(doc.source, []))))
        chunks.extend(doc_chunks)
        outcomes[doc.source] = FileOutcome(doc.source, status, len(doc_chunks))
    if not documents:
        reasons = "; ".join(f"{source}: {reason}" for source, reason in sorted(errors.items())) or "파일이 하나도 없습니다"
        raise IndexUnavailable(f"색인할 수 있는 파일이 없습니다 ({', '.join(map(str, corpus))}) — {reasons}")
    timings["load_clean_chunk"] = t_dup - t0
    timings["duplicates"] = time.perf_counter() - t_dup

    # Morphemes of unchanged passages come from the previous index; Kiwi runs on new text only, in
    # the worker processes while this one embeds (the terms are first needed when writing).
    known_terms = {c.search_text: t for c, t in zip(prev.chunks, prev.chunk_terms)} if prev else {}
    todo = list(dict.fromkeys(c.search_text for c in chunks if c.search_text not in known_terms))
    side = ThreadPoolExecutor(1, thread_name_prefix="morphemes")
    new_terms = side.submit(workers.morphemes, todo)
    side.shutdown(wait=False)

    t2 = time.perf_counter()
    texts: list[str] = []
    row_of: dict[str, int] = {}

    def row(text: str) -> int:
        if text not in row_of:
            row_of[text] = len(texts)
            texts.append(text)
        return row_of[text]

    sentence_rows = [[row(c.text[s:e]) for s, e in c.sentences] for c in chunks]
    if settings.passage_vectors == "composed":
        header_rows = [row(c.header) if c.header else -1 for c in chunks]
        # A passage without sentence spans (none in practice) is embedded whole.
        body_rows = [rows or [row(c.search_text)] for c, rows in zip(chunks, sentence_rows)]
        sentence_vectors, embedded = _embed_cached(texts, cache, workers, embedder.dim, "sentences", progress)
        chunk_vectors = compose_passage_vectors(sentence_vectors, body_rows, header_rows)
    else:
        header_rows = [-1] * len(chunks)
        chunk_vectors, embedded = _embed_cached(
            [c.search_text for c in chunks], cache, workers, embedder.dim, "chunks", progress
        )
        sentence_vectors, n = _embed_cached(texts, cache, workers, embedder.dim, "sentences", progress)
        embedded += n
    timings["embed"] = time.perf_counter() - t2
    t1 = time.perf_counter()
    known_terms.update(zip(todo, new_terms.result()))
    terms = [known_terms[c.search_text] for c in chunks]
    timings["keyword_terms"] = time.perf_counter() - t1  # waiting for morphemes not done while embedding

    t3 = time.perf_counter()
    manifest = {
        **fingerprint,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "corpus": [str(Path(p)) for p in corpus],
        "corpus_from_index": [os.path.relpath(Path(p).resolve(), index_dir.resolve()) for p in corpus],
        "chunks": len(chunks),
        "files": file_records,
        "failed": failed,
    }
    report = BuildReport(index_dir, [outcomes[s] for s in sorted(outcomes)], len(chunks), embedded, timings)
    _write(index_dir, manifest, documents, chunks, terms, sentence_rows, header_rows, chunk_vectors, sentence_vectors,
           embedder, report, settings)
    timings["write"] = time.perf_counter() - t3
    timings["total"] = time.perf_counter() - t0
    return report


def _write(
    index_dir: Path,
    manifest: dict,
    documents: list[IndexedDocument],
    chunks: list[Chunk],
    terms: list[list[str]],
    sentence_rows: list[list[int]],
    header_rows: list[int],
    chunk_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    embedder: IndexEmbeddings,
    report: BuildReport,
    settings: Settings,
) -> None:
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    previous = current_folder(index_dir)
    build_id = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    tmp = builds / f".{build_id}.tmp"
    tmp.mkdir()
    try:
        if settings.search_backend == "milvus":
            # Written before the build is complete: a build that fails here never becomes current.
            manifest = {**manifest, "milvus_collection": collection_name(build_id)}
            write_milvus(milvus_uri(settings, index_dir, build_id), manifest["milvus_collection"], chunk_vectors, terms,
                         release=not settings.milvus_uri)
        with (tmp / "documents.jsonl").open("w", encoding="utf-8") as fh:
            for d in documents:
                fh.write(json.dumps(d.to_json(), ensure_ascii=False) + "\n")
        # Instruction-like passages are found once here, not at every start (about 0.2 ms a passage).
        quarantined = quarantined_rows(chunks)
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for row, (c, t, rows, header_row) in enumerate(zip(chunks, terms, sentence_rows, header_rows)):
                fh.write(json.dumps(_chunk_to_json(c, t, rows, header_row, row in quarantined), ensure_ascii=False) + "\n")
        DenseIndex.build(chunk_vectors, embedder.dim).save(tmp / "dense.faiss")
        np.save(tmp / "sentences.npy", sentence_vectors.astype(np.float16), allow_pickle=False)
        (tmp / "keyword").mkdir()
        KeywordIndex.build(terms).save(tmp / "keyword")
        write_catalogue(tmp / "catalogue.sqlite", [d.facts for d in documents])
        (tmp / "ingest_report.json").write_text(
            json.dumps(report.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        # The manifest is written last: a folder without one is never loaded.
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        final = builds / build_id
        tmp.rename(final)
        link_tmp = index_dir / f".current.{build_id}"
        os.symlink(Path("builds") / build_id, link_tmp)
        os.replace(link_tmp, index_dir / "current")  # atomic switch
        report_tmp = index_dir / f".ingest_report.{build_id}.tmp"
        shutil.copyfile(final / "ingest_report.json", report_tmp)
        os.replace(report_tmp, index_dir / "ingest_report.json")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # The previous build stays until the next one: a process still answering from it (the app
    # between load and switch) can finish its questions. Older builds and leftovers of killed
    # builds go.
    _remove_old_builds(index_dir, keep={final.resolve(), previous.resolve() if previous else final.resolve()})


def _remove_old_builds(index_dir: Path, keep: set[Path]) -> None:
    for entry in (index_dir / "builds").iterdir():
        if entry.resolve() not in keep:
            _drop_server_collection(entry)
            shutil.rmtree(entry, ignore_errors=True)
    kept = {p.name for p in keep}
    for lite in (index_dir / MILVUS_LITE_DIR).glob("*.db"):  # nothing when the folder does not exist
        if lite.stem not in kept:  # Milvus Lite files of removed or killed builds
            shutil.rmtree(lite, ignore_errors=True)
    for entry in [*index_dir.glob(".current.*"), *index_dir.glob(".ingest_report.*.tmp")]:
        entry.unlink(missing_ok=True)


def _drop_server_collection(build: Path) -> None:
    """A removed build's collection on a Milvus server (its Lite file goes with the build)."""
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
        uri, collection = manifest["search_backend"]["uri"], manifest["milvus_collection"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    if is_server(uri):
        try:
            drop_milvus(uri, collection)
        except Exception as exc:  # noqa: BLE001 - a server that is down keeps an unused collection, no more
            log.warning("Milvus 컬렉션 %s를 지우지 못했습니다: %s", collection, exc)


# --------------------------------------------------------------------------- load


def load_index(index_dir: Path, search_backend: str = "faiss") -> LoadedIndex:
    """The current build of `index_dir`; when it is damaged, the newest older build that is intact
    (with a warning naming the damaged file). Raises IndexUnavailable naming what is broken.

    For `search_backend` "milvus" the FAISS and bm25s files are not read (Milvus holds the
    passages), unless something asks for them later."""
    folders = build_folders(index_dir)
    if not folders:
        raise IndexUnavailable(f"색인이 없습니다: {index_dir} (`qa index`로 만드세요)")
    problems: list[str] = []
    for folder in folders:
        try:
            index = _load_build(folder, search_backend)
        except IndexUnavailable as exc:
            problems.append(str(exc))
            continue
        if problems:
            log.warning("%s; 이전 빌드 %s로 답합니다 (`qa index`로 다시 만드세요)", problems[0], folder.name)
        return index
    raise IndexUnavailable(f"{problems[0]}. `qa index`로 다시 만드세요")


@contextmanager
def _reading(path: Path):
    """Any failure to read or parse `path` becomes an IndexUnavailable that names it."""
    try:
        yield
    except IndexUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged file can fail in any parser
        raise IndexUnavailable(f"색인 파일이 손상되었습니다: {path} ({exc.__class__.__name__}: {str(exc)[:120]})") from exc


def _load_build(folder: Path, search_backend: str = "faiss") -> LoadedIndex:
    manifest = _read_manifest_file(folder / "manifest.json")
    documents = {}
    with _reading(folder / "documents.jsonl"), (folder / "documents.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            d = IndexedDocument.from_json(json.loads(line))
            documents[d.source] = d
    chunks, terms, rows, header_rows, flags = [], [], [], [], []
    with _reading(folder / "chunks.jsonl"), (folder / "chunks.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            chunks.append(chunk_from_json(d))
            terms.append(list(d["terms"]))
            rows.append(list(d["sentence_rows"]))
            header_rows.append(int(d.get("header_row", -1)))  # -1: a build before PROCESSING_VERSION 21
            flags.append(d.get("quarantined"))  # None: a build before the flag was stored
    quarantined = (quarantined_rows(chunks) if None in flags
                   else frozenset(row for row, flag in enumerate(flags) if flag))
    with _reading(folder / "sentences.npy"):
        sentence_vectors = np.load(folder / "sentences.npy", allow_pickle=False).astype(np.float32)
        if max((r for rs in [*rows, header_rows] for r in rs), default=-1) >= len(sentence_vectors):
            raise ValueError(f"문장 벡터 {len(sentence_vectors)}개보다 큰 번호")
    catalogue = None
    if (folder / "catalogue.sqlite").exists():
        catalogue = Catalogue(folder / "catalogue.sqlite")
        with _reading(folder / "catalogue.sqlite"):
            catalogue.trips()
    index = LoadedIndex(folder, manifest, documents, chunks, terms, rows, sentence_vectors, header_rows, catalogue, quarantined)
    if not (search_backend == "milvus" and manifest.get("milvus_collection")):
        _ = index.dense, index.keyword  # read (and checked) now: a damaged file falls back to an older build
    return index
