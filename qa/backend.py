"""Search backends: where passages are searched, behind one interface.

`Searcher` (qa.retrieve) asks a backend for the candidates of a question: the top passages by
dense similarity and the top ones by BM25, each with both scores, so that it can fuse them. The
passages themselves, their sentences and the trip catalogue stay in the index folder
(qa.index); a backend holds only what is searched.

- `LocalBackend` (the default, `QA_SEARCH_BACKEND=faiss`): FAISS inner product and bm25s files,
  loaded into this process.
- `MilvusBackend` (`QA_SEARCH_BACKEND=milvus`): a Milvus collection per build, holding the e5
  vectors as dense vectors and our Kiwi BM25 weights as sparse vectors, so that Korean
  tokenisation stays ours. `QA_MILVUS_URI` is a Milvus server (`http://host:19530`) or a
  Milvus Lite file; empty gives each build a Milvus Lite file of its own (`<index>/milvus/<build>.db`).

The BM25 of the sparse vectors is bm25s's "lucene" variant, split so that the document side
holds tf / (tf + k1·(1 − b + b·len/avglen)) and the question side holds each term's idf: the
inner product is then exactly the score bm25s gives, and documents need no rewrite when the
idf of a term changes.
"""

from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Sequence

import numpy as np

if TYPE_CHECKING:
    from .index import LoadedIndex
    from .settings import Settings

# bm25s's defaults, which `qa.keyword` builds with.
BM25_K1 = 1.5
BM25_B = 0.75
MILVUS_LITE_DIR = "milvus"  # inside the index folder: one Milvus Lite file per build


@dataclass(frozen=True)
class Candidates:
    """Passages proposed for a question, by row, with both scores of each."""

    rows: np.ndarray  # int64, ascending
    dense: np.ndarray  # cosine similarity of the question and the passage
    keyword: np.ndarray  # BM25 score (0: none of the terms)
    timings_ms: dict[str, float] = field(default_factory=dict)  # "keyword", "dense" (and "fetch") search times


class SearchBackend(Protocol):
    def candidates(self, vector: np.ndarray, terms: Sequence[str], k: int, rows: np.ndarray | None = None) -> Candidates:
        """The top `k` passages by dense similarity and the top `k` by BM25 (only those with a
        positive score), restricted to `rows` when given, each with both scores."""
        ...

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        """The stored passage vectors of these rows, in that order."""
        ...

    def close(self) -> None: ...


def _empty() -> Candidates:
    return Candidates(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32))


class LocalBackend:
    """FAISS (exact inner product over normalised vectors) and bm25s, in this process."""

    def __init__(self, index: "LoadedIndex"):
        self._dense = index.dense
        self._keyword = index.keyword
        self._vectors = self._dense.view()  # no second copy of every passage vector

    def candidates(self, vector: np.ndarray, terms: Sequence[str], k: int, rows: np.ndarray | None = None) -> Candidates:
        t = time.perf_counter()
        kw_scores = self._keyword.scores(list(terms))
        if rows is not None:
            mask = np.zeros(len(kw_scores), dtype=bool)
            mask[rows] = True
            kw_scores = np.where(mask, kw_scores, 0)
        kw_top = [int(i) for i in np.argsort(-kw_scores)[:k] if kw_scores[i] > 0]
        timings = {"keyword": (time.perf_counter() - t) * 1000}
        t = time.perf_counter()
        dense_top = [i for i, _ in self._dense.search(vector, k, rows)]
        timings["dense"] = (time.perf_counter() - t) * 1000
        cand = np.array(sorted(set(dense_top) | set(kw_top)), dtype=np.int64)
        if not len(cand):
            return _empty()
        return Candidates(cand, self._vectors[cand] @ vector, kw_scores[cand], timings)

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        return self._vectors[list(rows)]

    def close(self) -> None:
        pass


# --------------------------------------------------------------------------- Milvus


def bm25_vocabulary(documents_terms: list[list[str]]) -> dict[str, int]:
    """Term -> sparse index, in sorted order: it follows from the terms alone, so the loader of a
    build has the same one as its writer."""
    return {t: i for i, t in enumerate(sorted({t for terms in documents_terms for t in terms}))}


def bm25_document_weights(documents_terms: list[list[str]]) -> tuple[dict[str, int], list[dict[int, float]]]:
    """The vocabulary and each passage's BM25 document-side weights."""
    vocab = bm25_vocabulary(documents_terms)
    # bm25s gives an empty passage one placeholder token; its length counts in the average.
    lengths = [max(len(terms), 1) for terms in documents_terms]
    average = sum(lengths) / max(len(lengths), 1)
    weights = []
    for terms, length in zip(documents_terms, lengths):
        counts: dict[str, int] = {}
        for t in terms:
            counts[t] = counts.get(t, 0) + 1
        norm = BM25_K1 * (1 - BM25_B + BM25_B * length / average)
        # Milvus refuses an empty sparse vector: an empty passage gets bm25s's placeholder token, whose
        # index no question uses.
        weights.append({vocab[t]: tf / (tf + norm) for t, tf in counts.items()} or {len(vocab): 1.0})
    return vocab, weights


def bm25_idf(documents_terms: list[list[str]]) -> dict[str, float]:
    """bm25s's "lucene" idf of every term."""
    n = len(documents_terms)
    df: dict[str, int] = {}
    for terms in documents_terms:
        for t in set(terms):
            df[t] = df.get(t, 0) + 1
    return {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}


def collection_name(build_id: str) -> str:
    """A Milvus collection name for a build (letters, digits and underscores only)."""
    return "qa_" + re.sub(r"[^0-9A-Za-z_]", "_", build_id)


def milvus_uri(settings: "Settings", index_dir: Path, build_id: str) -> str:
    """Where a build's collection lives: the configured server or file, else a Milvus Lite file of
    its own beside the builds (never inside a build folder, which is renamed when complete: a Lite
    file stays locked at the path it was opened at until its process lets go of it)."""
    return settings.milvus_uri or str(Path(index_dir) / MILVUS_LITE_DIR / f"{build_id}.db")


def is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://"))


def _client(uri: str):
    from .index import IndexUnavailable, SearchServiceUnavailable

    if not is_server(uri):
        # Milvus Lite serves the file from a gRPC server in this process, which logs a traceback for
        # each call pymilvus makes that it does not implement (AllocTimestamp, on every write): noise
        # a user of `qa index` must not see. No other gRPC server runs in this process.
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)

    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise IndexUnavailable("Milvus 검색 백엔드에는 pymilvus가 필요합니다: pip install '.[milvus]'") from None
    try:
        return MilvusClient(uri)
    except Exception as exc:  # noqa: BLE001 - connection failures come in several classes
        lite = "" if is_server(uri) else (
            " Milvus Lite 파일은 한 번에 한 프로세스만 열 수 있습니다: 다른 프로세스가 쓰고 있다면 그 프로세스를 끝내거나 "
            "Milvus 서버(QA_MILVUS_URI=http://host:19530)를 쓰세요.")
        raise SearchServiceUnavailable(f"Milvus에 연결할 수 없습니다: {uri} ({exc.__class__.__name__}).{lite}") from exc


def write_milvus(uri: str, collection: str, chunk_vectors: np.ndarray, documents_terms: list[list[str]],
                 batch: int = 2000, release: bool = False) -> None:
    """Write one build's passages (dense vectors and BM25 sparse vectors, keyed by row) into a new
    collection, replacing one of the same name. `release`: a Milvus Lite file of the build's own is
    let go once written, so that another process (the app, `qa ask`) can open it."""
    from pymilvus import DataType

    if not is_server(uri):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    client = _client(uri)
    try:
        if client.has_collection(collection):
            client.drop_collection(collection)
        schema = client.create_schema(auto_id=False)
        schema.add_field("row", DataType.INT64, is_primary=True)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=int(chunk_vectors.shape[1]))
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        params = client.prepare_index_params()
        params.add_index("dense", index_type="FLAT", metric_type="IP")
        params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
        client.create_collection(collection, schema=schema, index_params=params)
        _, weights = bm25_document_weights(documents_terms)
        for start in range(0, len(weights), batch):
            client.insert(collection, [
                {"row": row, "dense": chunk_vectors[row].tolist(), "sparse": weights[row]}
                for row in range(start, min(start + batch, len(weights)))
            ])
        client.flush(collection)
    finally:
        client.close()
        if release and not is_server(uri):
            _release_lite(uri)


def _release_lite(path: str) -> None:
    """Stop this process's Milvus Lite server of `path`, which holds the file's lock until then."""
    try:
        from milvus_lite.server_manager import server_manager_instance
    except ImportError:
        return
    server_manager_instance.release_server(path)


def drop_milvus(uri: str, collection: str) -> None:
    """Remove a build's collection from a Milvus server (a Lite file goes with its build folder)."""
    client = _client(uri)
    try:
        if client.has_collection(collection):
            client.drop_collection(collection)
    finally:
        client.close()


class MilvusBackend:
    """Dense and sparse (BM25) search in a Milvus collection; scores of the other kind are read
    from the candidates' stored vectors, so fusion sees exactly what the local backend gives."""

    def __init__(self, index: "LoadedIndex", uri: str, collection: str):
        self._client = _client(uri)
        self._collection = collection
        if not self._client.has_collection(collection):
            from .index import IndexUnavailable

            self._client.close()
            raise IndexUnavailable(f"Milvus에 이 색인의 컬렉션이 없습니다: {collection} ({uri}). `qa index`로 다시 만드세요")
        self._client.load_collection(collection)
        self._vocab = bm25_vocabulary(index.chunk_terms)
        self._idf = bm25_idf(index.chunk_terms)
        self._size = len(index.chunks)

    def _filter(self, rows: np.ndarray | None) -> str:
        return "" if rows is None else f"row in [{','.join(str(int(r)) for r in rows)}]"

    def _sparse_query(self, terms: Sequence[str]) -> dict[int, float]:
        """The question side of BM25: each known term's idf at its sparse index."""
        return {self._vocab[t]: self._idf[t] for t in dict.fromkeys(terms) if t in self._vocab}

    def candidates(self, vector: np.ndarray, terms: Sequence[str], k: int, rows: np.ndarray | None = None) -> Candidates:
        if rows is not None and not len(rows):
            return _empty()
        limit = min(k, self._size if rows is None else len(rows))
        if limit <= 0:
            return _empty()
        where = self._filter(rows)
        query = self._sparse_query(terms)
        found: set[int] = set()
        timings: dict[str, float] = {}
        t = time.perf_counter()
        if query:
            sparse_hits = self._client.search(self._collection, data=[query], anns_field="sparse", limit=limit,
                                              filter=where, search_params={"metric_type": "IP"}, output_fields=["row"])[0]
            found.update(int(h["row"]) for h in sparse_hits if h["distance"] > 0)
        timings["keyword"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        dense_hits = self._client.search(self._collection, data=[np.asarray(vector, dtype=np.float32).tolist()],
                                         anns_field="dense", limit=limit, filter=where,
                                         search_params={"metric_type": "IP"}, output_fields=["row"])[0]
        found.update(int(h["row"]) for h in dense_hits)
        timings["dense"] = (time.perf_counter() - t) * 1000
        if not found:
            return _empty()
        t = time.perf_counter()
        cand = np.array(sorted(found), dtype=np.int64)
        stored = {int(r["row"]): r for r in self._client.get(self._collection, ids=cand.tolist(),
                                                                output_fields=["dense", "sparse"])}
        dense = np.array([stored[int(r)]["dense"] for r in cand], dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
        keyword = np.array([_dot(query, stored[int(r)]["sparse"]) for r in cand], dtype=np.float32)
        timings["fetch"] = (time.perf_counter() - t) * 1000
        return Candidates(cand, dense, keyword, timings)

    def fused(self, vector: np.ndarray, terms: Sequence[str], rows: np.ndarray, ranker: str, alpha: float) -> np.ndarray:
        """Milvus's own hybrid-search score of each of `rows` (RRFRanker(60), or WeightedRanker with
        `alpha` on the dense side), for comparing its fusion with ours; 0 for a row it does not rank."""
        from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker

        where = self._filter(rows)
        requests = [AnnSearchRequest([np.asarray(vector, dtype=np.float32).tolist()], "dense", {"metric_type": "IP"},
                                     len(rows), expr=where)]
        query = self._sparse_query(terms)
        if query:
            requests.append(AnnSearchRequest([query], "sparse", {"metric_type": "IP"}, len(rows), expr=where))
        chosen = RRFRanker(60) if ranker == "milvus-rrf" else WeightedRanker(alpha, 1 - alpha) if query else WeightedRanker(1.0)
        hits = self._client.hybrid_search(self._collection, requests, chosen, limit=len(rows), output_fields=["row"])[0]
        score = {int(h["row"]): float(h["distance"]) for h in hits}
        return np.array([score.get(int(r), 0.0) for r in rows], dtype=np.float32)

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        stored = {int(r["row"]): r["dense"] for r in self._client.get(self._collection, ids=[int(r) for r in rows],
                                                                       output_fields=["dense"])}
        return np.array([stored[int(r)] for r in rows], dtype=np.float32)

    def close(self) -> None:
        self._client.close()


def _dot(query: dict[int, float], document) -> float:
    document = {int(k): float(v) for k, v in dict(document).items()}
    return sum(w * document.get(i, 0.0) for i, w in query.items())


def open_backend(index: "LoadedIndex", settings: "Settings") -> SearchBackend:
    """The backend the settings ask for, over this build. A build made for Milvus is also
    searchable locally (its FAISS and bm25s files are always written); the reverse is a stale
    index, which `qa.index.stale_reason` reports."""
    if settings.search_backend == "milvus":
        collection = index.manifest.get("milvus_collection")
        if not collection:
            from .index import IndexUnavailable

            raise IndexUnavailable("이 색인은 Milvus용으로 만들어지지 않았습니다. `qa index`로 다시 만드세요")
        return MilvusBackend(index, milvus_uri(settings, index.folder.parent.parent, index.folder.name), collection)
    return LocalBackend(index)
