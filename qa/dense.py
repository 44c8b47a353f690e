"""Dense index: FAISS inner product over L2-normalised vectors (= cosine similarity).

Saved with FAISS's own writer. An exact flat index is used: at the sizes this
tool sees (thousands to a few hundred thousand passages) it is fast enough and
needs no training.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np


class DenseIndex:
    def __init__(self, index: faiss.Index):
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray, dim: int) -> "DenseIndex":
        index = faiss.IndexFlatIP(dim)
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    @property
    def size(self) -> int:
        return self._index.ntotal

    @property
    def dim(self) -> int:
        return self._index.d

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> "DenseIndex":
        return cls(faiss.read_index(str(path)))

    def vectors(self) -> np.ndarray:
        """All stored vectors, row i = passage i (used to reuse embeddings on rebuild)."""
        if self.size == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._index.reconstruct_n(0, self.size)

    def view(self) -> np.ndarray:
        """The stored vectors without a copy (read-only; valid while this DenseIndex lives)."""
        if not self.size or not isinstance(self._index, faiss.IndexFlat):
            return self.vectors()
        view = faiss.rev_swig_ptr(self._index.get_xb(), self.size * self.dim).reshape(self.size, self.dim)
        view.flags.writeable = False
        return view

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (row, cosine); `allowed` restricts the search to those rows."""
        k = min(k, self.size if allowed is None else len(allowed))
        if k == 0:
            return []
        params = None
        if allowed is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)))
        scores, ids = self._index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
