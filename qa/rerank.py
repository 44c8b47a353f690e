"""Optional cross-encoder reranking of the fused candidates (sentence-transformers' CrossEncoder)."""

from __future__ import annotations

import threading

import numpy as np

from .embed import require_sentence_transformers

_cache: dict[tuple[str, str | None], "CrossEncoderReranker"] = {}
_cache_lock = threading.Lock()


class CrossEncoderReranker:
    """Scores (question, passage) pairs; higher is more relevant."""

    def __init__(self, name: str, device: str | None = None) -> None:
        st = require_sentence_transformers()
        self.model_id = f"st:{name}"
        self._model = st.CrossEncoder(name, device=device)
        self._lock = threading.Lock()

    def scores(self, question: str, passages: list[str]) -> np.ndarray:
        if not passages:
            return np.zeros(0, dtype=np.float32)
        with self._lock:
            out = self._model.predict([(question, p) for p in passages], convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32).reshape(len(passages), -1)[:, -1]


def get_reranker(name: str, device: str | None = None) -> CrossEncoderReranker:
    """The process-wide reranker for 'st:<model folder or hub id>'."""
    if not name.startswith("st:") or len(name) <= 3:
        raise ValueError(f"알 수 없는 재순위 모델입니다: {name!r} (형식: st:<모델 폴더 또는 허브 ID>)")
    with _cache_lock:
        key = (name, device)
        if key not in _cache:
            _cache[key] = CrossEncoderReranker(name[3:], device)
        return _cache[key]
