"""The page's API endpoint through a real HTTP server and gradio_client."""

import pytest

from conftest import ASCC, OECD

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def client(app_server):
    from gradio_client import Client

    return Client(app_server.url, verbose=False)


def test_ask_endpoint_returns_the_cli_json(client):
    data = client.predict("서울시가 ASCC에서 무엇을 발표했나?", api_name="/ask")
    assert {"question", "answer", "abstained", "citations", "timings_ms", "nearest", "mode"} <= set(data)
    assert not data["abstained"]
    assert data["citations"][0]["source"] == ASCC
    assert "탄소중립" in data["answer"]


def test_ask_endpoint_abstains_and_names_nearest_documents(client):
    data = client.predict("OECD 라운드테이블 참가비는 얼마였나?", api_name="/ask")
    assert data["abstained"] and data["citations"] == []
    assert OECD in [d["source"] for d in data["nearest"]]


def test_ask_endpoint_takes_the_number_of_passages(client):
    # A passage answer (a trip fact's answer cites the trip record beside the report's sentence).
    question = "광저우 캠퍼스에서 무엇을 봤어?"
    assert len(client.predict(question, api_name="/ask")["citations"]) > 1
    assert len(client.predict(question, 1, api_name="/ask")["citations"]) == 1


def test_only_the_ask_endpoint_is_public(client):
    assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/ask"]


def test_requests_for_another_host_name_are_refused(app_server):
    """DNS rebinding: a page on evil.example whose name now points at 127.0.0.1 gets nothing."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(app_server.url, headers={"Host": "evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    for host in ("127.0.0.1", "localhost"):
        port = app_server.url.rsplit(":", 1)[1].strip("/")
        request = urllib.request.Request(app_server.url, headers={"Host": f"{host}:{port}"})
        assert urllib.request.urlopen(request, timeout=10).status == 200
