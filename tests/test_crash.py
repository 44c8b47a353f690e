"""SIGKILL during `qa index`, at several points: the previous index still loads and answers; the next run completes."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time

from conftest import ASCC, ROOT, RUN_SETTINGS, SEEDS
from qa import QA, Settings
from qa.index import load_index


def index_command(corpus, index_dir):
    return [sys.executable, "-m", "qa.cli", "index", str(corpus), "--index-dir", str(index_dir), "--embedder", "hash"]


def env():
    base = {k: v for k, v in os.environ.items() if not k.startswith("QA_") or k in RUN_SETTINGS}
    return {**base, "QA_EMBED_BATCH_SIZE": "1"}  # many small embedding steps: a long window to kill in


def add_reports(corpus, count):
    """Distinct new reports (not near-duplicates of each other or the seeds): a third of the seeds' lines each."""
    lines = [line for name in sorted(os.listdir(SEEDS)) for line in (SEEDS / name).read_text(encoding="utf-8").splitlines()
             if len(line) > 20]
    for i in range(count):
        picked = random.Random(i).sample(lines, len(lines) // 3)
        (corpus / f"new-{i:02d}.txt").write_text(f"추가 보고서 {i}번\n" + "\n".join(picked), encoding="utf-8")


def run_and_kill(command, cwd, delay: float | None = None, marker: str | None = None) -> str:
    """Start `command`, SIGKILL it after `delay` seconds or once `marker` shows on stderr; its stderr."""
    proc = subprocess.Popen(command, env=env(), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = bytearray()
    reader = threading.Thread(target=lambda: [seen.extend(b) for b in iter(lambda: proc.stderr.read(1), b"")])
    reader.start()
    start = time.perf_counter()
    while proc.poll() is None:
        if (delay is not None and time.perf_counter() - start >= delay) or (marker and marker.encode() in seen):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait()
    reader.join()
    return seen.decode("utf-8", "replace")


def test_sigkill_at_any_point_keeps_the_previous_index(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(SEEDS, corpus)
    subprocess.run(index_command(corpus, index_dir), env=env(), check=True, capture_output=True, cwd=ROOT)
    before = set(load_index(index_dir).documents)
    add_reports(corpus, 12)
    after = before | {f"new-{i:02d}.txt" for i in range(12)}

    start = time.perf_counter()
    subprocess.run(index_command(corpus, tmp_path / "scratch"), env=env(), check=True, capture_output=True, cwd=ROOT)
    duration = time.perf_counter() - start

    settings = Settings(index_dir=index_dir, corpus=[corpus], embedder="hash")
    outcomes = []
    # Each stage as its progress line shows (a build's timing varies: worker processes start in it),
    # then points in time, the last while the build is written.
    kill_points = [(None, "파일"), (None, "문단 임베딩"), (None, "문장 임베딩")] + [(f, None) for f in (0.3, 0.7, 0.97)]
    for fraction, marker in kill_points:
        stderr = run_and_kill(index_command(corpus, index_dir), ROOT, fraction and fraction * duration, marker)
        index = load_index(index_dir)  # never half-written
        documents = set(index.documents)
        assert documents in (before, after), (fraction, marker)
        answer = QA.open(settings, build_if_stale=False).ask("서울시가 ASCC에서 무엇을 발표했나?")
        assert not answer.abstained and answer.citations[0].source == ASCC
        stage = next((s for s in ("문장 임베딩", "문단 임베딩", "파일") if s in stderr), "starting")
        outcomes.append((marker or f"{fraction:.0%}", stage, "new" if documents == after else "previous"))
        if documents == after:
            break
    print("kill points (when, last stage shown, index after):", outcomes)
    killed_in = {stage for _, stage, result in outcomes if result == "previous"}
    assert {"파일", "문단 임베딩", "문장 임베딩"} <= killed_in, outcomes

    done = subprocess.run(index_command(corpus, index_dir), env=env(), capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert set(load_index(index_dir).documents) == after
    leftovers = [p.name for p in (index_dir / "builds").iterdir() if p.name.startswith(".")]
    assert leftovers == []  # temporary folders of the killed builds are cleaned up
    assert len(list((index_dir / "builds").iterdir())) <= 2  # the current build and the one before
