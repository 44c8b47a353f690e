"""The chat page through a real HTTP server and gradio_client."""

import socket
import subprocess
import sys
import time

import pytest

from conftest import ASCC, ROOT, SEEDS

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(seed_index_dir):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port), "--corpus", str(SEEDS), "--index-dir", str(seed_index_dir)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(proc.stdout.read())
            time.sleep(0.5)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_api_endpoint_returns_the_cli_json(app_url):
    from gradio_client import Client

    data = Client(app_url, verbose=False).predict("서울시가 ASCC에서 무엇을 발표했나?", api_name="/ask")
    assert {"question", "answer", "abstained", "citations", "timings_ms"} <= set(data)
    assert data["citations"][0]["source"] == ASCC


def test_chat_endpoint_renders_answer_with_sources(app_url):
    from gradio_client import Client

    text = Client(app_url, verbose=False).predict("OECD 라운드테이블 참가비는 얼마였나?", api_name="/respond")
    assert "찾지 못했습니다" in text
