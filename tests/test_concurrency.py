"""The page keeps answering while the index is rebuilt: 20 concurrent HTTP clients, from before the
upload until the rebuild is done (at least QA_SOAK_SECONDS, 20 by default).

A real Gradio server on loopback (the same `serve` the app uses) over the real seed index; while the
clients ask, a report is added through the upload path (copy + incremental rebuild + atomic switch)
and the whole corpus is rebuilt once more.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import threading
import time
import urllib.request

import pytest

from conftest import ASCC, SEEDS, free_port
from qa import QA, Settings

pytestmark = pytest.mark.e2e

CLIENTS = 20
SECONDS = float(os.environ.get("QA_SOAK_SECONDS", "20"))
QUESTION = "서울시가 ASCC에서 무엇을 발표했나?"
NEW_REPORT = (
    "세종시 국외출장 결과보고서\n1. 출장 개요\n출장지: 핀란드 헬싱키\n"
    "2. 주요 활동\n세종시는 헬싱키 시청에서 자율주행 셔틀 운영 데이터를 공유받기로 합의하였다.\n"
)


def ask(url: str, question: str) -> dict:
    """One /ask call through Gradio's HTTP API (submit, then read the event stream)."""
    body = json.dumps({"data": [question, 0, False]}).encode()
    request = urllib.request.Request(f"{url}gradio_api/call/ask", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        event_id = json.load(response)["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/ask/{event_id}", timeout=120) as response:
        event = None
        for raw in response:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = line.split(":", 1)[1].strip()
                if event == "error":
                    raise RuntimeError(f"server error: {data}")
                return json.loads(data)[0]
    raise RuntimeError("stream ended without an answer")


def test_twenty_concurrent_clients_keep_getting_answers_while_the_index_is_rebuilt(tmp_path, seed_index_dir):
    from app import serve

    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(SEEDS, corpus)
    shutil.copytree(seed_index_dir, index_dir, symlinks=True)
    # The copied index was built from the seeds folder itself: its copy is another corpus, on purpose.
    qa = QA.open(Settings(corpus=[corpus], index_dir=index_dir, feedback_log=tmp_path / "fb.jsonl", replace_index=True),
                 build_if_stale=False)
    port = free_port()
    app = serve(qa, "127.0.0.1", port, block=False)
    url = f"http://127.0.0.1:{port}/"
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.time() + SECONDS
    rebuilt = threading.Event()

    def client():
        # Until the rebuild is over, however long it takes: every answer during it is checked.
        while time.time() < deadline or not rebuilt.is_set():
            start = time.perf_counter()
            try:
                answer = ask(url, QUESTION)
                if answer["abstained"] or answer["citations"][0]["source"] != ASCC:
                    errors.append(f"wrong answer: {answer['answer'][:80]}")
            except Exception as exc:  # every failure counts, whatever its type
                errors.append(f"{type(exc).__name__}: {exc}")
            latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    try:
        for t in threads:
            t.start()
        time.sleep(min(5, SECONDS / 6))
        upload = tmp_path / "세종 출장.txt"
        upload.write_text(NEW_REPORT, encoding="utf-8")
        rebuild_start = time.perf_counter()
        outcomes, report = qa.add_files([(upload, upload.name)])
        assert outcomes[0].ok and report is not None and not report.errors
        answer = ask(url, "세종시는 헬싱키에서 무엇을 합의했나?")  # served from the new index
        assert answer["citations"][0]["source"] == "uploads/세종 출장.txt"
        qa.rebuild()  # a full (incremental) rebuild while the clients keep asking
        rebuild_seconds = time.perf_counter() - rebuild_start
    finally:
        rebuilt.set()
        for t in threads:
            t.join()
        app.close()
    latencies.sort()
    elapsed = time.time() - deadline + SECONDS
    print(
        f"\n{len(latencies)} answers from {CLIENTS} clients in {elapsed:.0f} s "
        f"({len(latencies) / elapsed:.1f}/s), upload + rebuild {rebuild_seconds:.1f} s; latency p50 "
        f"{statistics.median(latencies) * 1000:.0f} ms, p95 {latencies[int(0.95 * len(latencies))] * 1000:.0f} ms"
    )
    assert errors == []
    assert len(latencies) >= CLIENTS * 2
