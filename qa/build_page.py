"""A page served at once on first start, while the index is built (the chat page needs the index).

The browser sees the build's progress (stage, files, passages, time left) and opens the chat page by
itself when it is ready; a question or an API call meanwhile gets "색인을 만드는 중입니다". The
server stops before the chat page starts on the same address.
"""

from __future__ import annotations

import html
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BUILDING = "색인을 만드는 중입니다. 잠시 후 다시 물어봐 주세요."
STAGES = {"files": "파일 읽는 중", "chunks": "구절 임베딩 중", "sentences": "문장 임베딩 중"}

PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
 body {{ font-family: system-ui, 'Noto Sans KR', 'NanumGothic', sans-serif; max-width: 640px; margin: 48px auto; padding: 0 16px; color: #222; }}
 h1 {{ font-size: 1.5rem; word-break: keep-all; }}
 progress {{ width: 100%; height: 18px; }}
 #qa-build-detail {{ color: #555; }}
 input {{ width: 100%; padding: 10px; font-size: 1rem; box-sizing: border-box; }}
 #qa-build-answer {{ margin-top: 8px; font-weight: 600; }}
</style></head>
<body>
<h1>{title}</h1>
<p>보고서 색인을 만드는 중입니다. 다 되면 이 페이지가 저절로 질문 화면으로 바뀝니다.</p>
<p id="qa-build-stage">준비 중…</p>
<progress id="qa-build-bar" max="1" value="0"></progress>
<p id="qa-build-detail"></p>
<form id="qa-build-form"><input id="qa-build-question" placeholder="질문을 미리 적어 보세요" aria-label="질문"></form>
<p id="qa-build-answer" role="status"></p>
<script>
const minutes = s => s >= 90 ? `약 ${{Math.round(s / 60)}}분` : `약 ${{Math.max(1, Math.round(s))}}초`;
document.getElementById('qa-build-form').addEventListener('submit', e => {{
  e.preventDefault();
  document.getElementById('qa-build-answer').textContent = {building};
}});
async function poll() {{
  try {{
    const r = await fetch('/qa-build-progress', {{cache: 'no-store'}});
    if (r.headers.get('X-QA-Building') !== '1') {{ location.reload(); return; }}
    const p = await r.json();
    document.getElementById('qa-build-stage').textContent = p.stage_label;
    const bar = document.getElementById('qa-build-bar');
    bar.max = Math.max(p.total, 1); bar.value = p.done;
    const parts = [`파일 ${{p.files}}개`];
    if (p.passages) parts.push(`구절 ${{p.passages}}개`);
    if (p.eta_s !== null) parts.push(`남은 시간 ${{minutes(p.eta_s)}}`);
    document.getElementById('qa-build-detail').textContent = parts.join(' · ');
  }} catch (e) {{ /* the chat page is starting on this address */ }}
  setTimeout(poll, 1000);
}}
poll();
</script>
</body></html>
"""


@dataclass
class BuildProgress:
    """The indexer's (stage, done, total) callbacks, kept for the page (and passed on to `also`)."""

    also: object = None
    stage: str = ""
    done: int = 0
    total: int = 0
    files: int = 0
    passages: int = 0
    stage_started: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, stage: str, done: int, total: int) -> None:
        with self.lock:
            if stage != self.stage:
                self.stage, self.stage_started = stage, time.monotonic()
            self.done, self.total = done, total
            if stage == "files":
                self.files = total
            elif stage == "chunks":
                self.passages = total
        if callable(self.also):
            self.also(stage, done, total)

    def snapshot(self) -> dict:
        with self.lock:
            elapsed = time.monotonic() - self.stage_started
            eta = elapsed / self.done * (self.total - self.done) if self.done and self.total > self.done else None
            return {"stage": self.stage, "stage_label": STAGES.get(self.stage, "준비 중…"), "done": self.done,
                    "total": self.total, "files": self.files, "passages": self.passages,
                    "eta_s": None if eta is None else round(eta, 1)}


class BuildPage:
    """Serves the progress page on (host, port) until closed. Only the given host names are answered."""

    def __init__(self, host: str, port: int, progress: BuildProgress, title: str, allowed_hosts: list[str]):
        page = PAGE.format(title=html.escape(title), building=json.dumps(BUILDING, ensure_ascii=False)).encode()

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.send_header("X-QA-Building", "1")
                self.end_headers()
                self.wfile.write(body)

            def _host_ok(self) -> bool:
                name = (self.headers.get("Host") or "").rsplit(":", 1)[0]
                return "*" in allowed_hosts or name in allowed_hosts

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if not self._host_ok():
                    self._send(400, "잘못된 호스트입니다.".encode(), "text/plain; charset=utf-8")
                elif self.path == "/":
                    self._send(200, page, "text/html; charset=utf-8")
                elif self.path.startswith("/qa-build-progress"):
                    self._send(200, json.dumps(progress.snapshot(), ensure_ascii=False).encode(), "application/json")
                else:  # the chat page's assets and API: not yet
                    self._send(503, json.dumps({"error": BUILDING}, ensure_ascii=False).encode(), "application/json")

            def do_POST(self) -> None:  # noqa: N802
                self._send(503, json.dumps({"error": BUILDING}, ensure_ascii=False).encode(), "application/json")

            def log_message(self, *args) -> None:  # quiet: the build's own progress is on stderr
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "BuildPage":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
