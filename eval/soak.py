"""Memory soak benchmark: the app (`python app.py`) on the seeds answers many `/ask` requests from
new API sessions; prints the app's resident memory every `--every` requests, then after an idle
pause. Prints figures only (a benchmark, not a test).

    python -m eval.soak                      # 10,000 requests (about 25 min on 2 cores)
    python -m eval.soak --requests 2000 --every 250
    python -m eval.soak --requests 2600 --session-every 2 --every 200   # 1,300 sessions: past the app's 1,000 kept
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .run import load_questions

ROOT = Path(__file__).resolve().parent.parent
DEV = Path(__file__).with_name("seeds_dev.jsonl")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=500)
    parser.add_argument("--session-every", type=int, default=50, help="requests per API session (a new client after them)")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of idleness before the last reading")
    args = parser.parse_args()
    from gradio_client import Client

    work = Path(tempfile.mkdtemp(prefix="qa-soak-"))
    shutil.copytree(ROOT / "seeds", work / "corpus")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env["QA_FEEDBACK_LOG"] = str(work / "feedback.jsonl")
    log = (work / "app.log").open("w")
    app = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port), "--corpus", str(work / "corpus"), "--index-dir", str(work / "index")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        # The address first serves the build's progress page; the chat page (with its API) follows.
        deadline = time.time() + 600
        while True:
            try:
                Client(url, verbose=False)
                break
            except Exception:  # noqa: BLE001 - not listening yet, or still the progress page
                if app.poll() is not None or time.time() > deadline:
                    raise SystemExit((work / "app.log").read_text())
                time.sleep(2)
        # Questions vary (the morpheme and analysis caches see new text), and each batch of requests
        # comes from a new client (a new session), as visitors do.
        questions = [q.question for q in load_questions(DEV)]
        variants = (f"{q} {n}" if n else q for n, q in ((i // len(questions), q) for i, q in enumerate(itertools.cycle(questions))))
        print(f"start: {rss_mb(app.pid):.0f} MB")
        client, started, sessions = None, time.perf_counter(), 0
        for i in range(1, args.requests + 1):
            if client is None or (i - 1) % args.session_every == 0:
                client = Client(url, verbose=False)
                sessions += 1
            client.predict(next(variants), api_name="/ask")
            if i % args.every == 0:
                rate = i / (time.perf_counter() - started)
                print(f"{i:>6} requests, {sessions:>5} sessions: {rss_mb(app.pid):.0f} MB ({rate:.1f} req/s)", flush=True)
        time.sleep(args.idle)
        print(f"after {args.idle:.0f} s idle: {rss_mb(app.pid):.0f} MB")
    finally:
        app.terminate()
        app.wait(timeout=30)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
