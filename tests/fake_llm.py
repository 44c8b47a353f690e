"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol, with scripted replies.

Each request is recorded. The reply comes from `script`, a function of the request body
returning a `Reply`: text (sent plain or as server-sent events, as the client asked), an
HTTP error status, or a delay first.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Reply:
    text: str = ""
    status: int = 200
    delay: float = 0.0
    error: str = ""
    raw: bytes | None = None  # sent as is (a broken or foreign reply), whatever the client asked for
    raw_type: str = "application/json"
    drip: float = 0.0  # seconds between streamed pieces


class FakeLLM:
    def __init__(self, script: Callable[[dict], Reply] | None = None):
        self.script = script or (lambda body: Reply("답"))
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                reply = server.script(body)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status != 200:
                    payload = json.dumps({"error": {"message": reply.error or "scripted error", "type": "test"}})
                    self._send(reply.status, "application/json", payload.encode())
                    return
                if reply.raw is not None:
                    self._send(200, reply.raw_type, reply.raw)
                elif body.get("stream"):
                    self._stream(reply.text, body.get("model", ""), reply.drip)
                else:
                    self._send(200, "application/json", json.dumps(_completion(reply.text, body.get("model", ""))).encode())

            def _send(self, status: int, kind: str, data: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def _stream(self, text: str, model: str, drip: float = 0.0) -> None:
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    pieces = re.findall(r"\S+\s*|\s+", text) or [""]
                    for i, piece in enumerate(pieces):
                        delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
                        if drip and i:
                            time.sleep(drip)
                        self._event(_chunk(model, delta, None))
                    self._event(_chunk(model, {}, "stop"))
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _event(self, obj: dict) -> None:
                self.wfile.write(f"data: {json.dumps(obj, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "FakeLLM":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # Helpers for scripts and assertions.
    def user_prompts(self) -> list[str]:
        return [r["body"]["messages"][-1]["content"] for r in self.requests]


def _completion(text: str, model: str) -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, delta: dict, finish: str | None) -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def passage_number(prompt: str, needle: str) -> int:
    """The n of the first <passage> in a user prompt whose text contains `needle`."""
    for n, text in re.findall(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', prompt, flags=re.S):
        if needle in text:
            return int(n)
    raise AssertionError(f"no passage contains {needle!r}")
