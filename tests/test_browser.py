"""The chat page in a real headless Chromium (Debian's package, driven by Playwright).

Screenshots go to test-artifacts/ so a person can look at them.
"""

from __future__ import annotations

import json
import re
import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import ASCC, ROOT, start_app

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ASCC_QUESTION = "서울시가 ASCC에서 무엇을 발표했나?"
UNANSWERABLE = "OECD 라운드테이블 참가비는 얼마였나?"
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = "Chromium이 없습니다: apt-get install chromium (scripts/test.sh가 root일 때 설치합니다)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_server, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_server.url)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()


def ask(page, question: str) -> None:
    """Type a question, press Enter, wait for the final answer (not the progress or streaming text)."""
    before = page.locator("#qa-chat .bot").count()
    box = page.get_by_label("질문")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        """n => { const bots = document.querySelectorAll('#qa-chat .bot');
                  const text = bots.length > n ? bots[bots.length - 1].innerText.trim() : '';
                  return text.length > 0 && !['찾는 중', '▌', 'Loading content'].some(t => text.includes(t)); }""",
        arg=before,
    )


def wait_for_records(log: Path, done, seconds: float = 15) -> list[dict]:
    """The feedback log's records once the last one satisfies `done`."""
    deadline = time.time() + seconds
    while True:
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        records = [json.loads(line) for line in lines]
        if (records and done(records[-1])) or time.time() > deadline:
            return records
        time.sleep(0.2)


def last_answer(page) -> str:
    return page.locator("#qa-chat .bot").last.inner_text()


def test_answer_cites_the_report_and_the_citation_opens_the_passage(page):
    ask(page, ASCC_QUESTION)
    answer = last_answer(page)
    assert "탄소중립" in answer
    assert ASCC in answer  # the source list under the answer

    page.locator("#qa-chat a[href^='#qa:cite:0:1']").first.click()
    card = page.locator("#qa-sources .qa-card.active")
    assert ASCC in card.inner_text()
    assert "탄소중립" in card.locator("mark").all_inner_texts()[-1]

    card.get_by_text("원문 보기").click()
    page.wait_for_selector("#qa-doc .qa-fulltext mark")
    doc = page.locator("#qa-doc")
    assert "원문" in doc.inner_text()
    assert any("탄소중립" in t for t in doc.locator("mark").all_inner_texts())
    assert doc.locator("mark").first.is_visible()  # scrolled to the passage


def test_unanswerable_question_abstains_and_offers_nearest_documents(page):
    ask(page, UNANSWERABLE)
    answer = last_answer(page)
    assert "찾지 못했습니다" in answer
    assert "가장 가까운 문서" in answer
    page.locator("#qa-chat a[href^='#qa:near:0:0']").click()
    page.wait_for_selector("#qa-doc .qa-fulltext")
    assert "OECD" in page.locator("#qa-doc").inner_text()


def test_the_askers_own_markup_is_shown_as_text(page):
    ask(page, "<img src=http://127.0.0.1:9/x.png> **굵게** 광저우 출장 며칠?")
    user = page.locator("#qa-chat .user").last
    assert user.locator("img").count() == 0 and user.locator("strong").count() == 0
    assert "<img src=http://127.0.0.1:9/x.png>" in user.inner_text() and "**굵게**" in user.inner_text()


def test_example_button_asks_and_new_conversation_clears(page):
    page.get_by_role("button", name="광저우 출장은 며칠 동안이었어?").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#qa-chat .bot')].some(b => b.innerText.includes('출처'))"
    )
    assert "광저우" in last_answer(page) or "2박" in last_answer(page) or "3일" in last_answer(page)
    page.get_by_role("button", name="새 대화").click()
    page.wait_for_function("() => document.querySelectorAll('#qa-chat .bot').length === 0")


def test_upload_adds_reports_that_answer_rejects_an_empty_file_and_a_wrong_type_by_name_and_lists_skipped_corpus_files(page, app_server, tmp_path):
    from documents import write_hwp

    report = tmp_path / "부산 출장 보고서.txt"
    report.write_text(
        "부산광역시 국외출장 결과보고서\n\n2026년 3월 부산광역시 공무원 2명이 핀란드 헬싱키의 순환경제 박람회를 "
        "방문했다. 박람회에서 부산시는 해양 플라스틱 재활용 사례를 소개했다.\n",
        encoding="utf-8",
    )
    hwp = write_hwp(tmp_path / "싱가포르 출장.hwp")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    slides = tmp_path / "발표자료.pptx"  # a type the index does not read: refused alone, in Korean
    slides.write_bytes(b"PK\x03\x04" + os.urandom(512))
    (app_server.corpus / "깨진 보고서.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2048))  # already in the corpus

    page.get_by_role("tab", name="문서 추가").click()
    page.set_input_files("#qa-upload input[type=file]", [str(report), str(hwp), str(empty), str(slides)])
    page.wait_for_function("() => document.querySelectorAll('#qa-upload tr').length === 4")  # all uploaded
    page.get_by_role("button", name="색인에 추가").click()
    page.wait_for_selector("#qa-upload-result table")
    result = page.locator("#qa-upload-result").inner_text()
    assert "부산 출장 보고서.txt" in result and "싱가포르 출장.hwp" in result and result.count("추가했습니다") == 2
    assert "empty.txt" in result and "빈 파일입니다" in result
    assert "발표자료.pptx" in result and "지원하지 않는 형식" in result
    assert (app_server.corpus / "uploads" / "부산 출장 보고서.txt").exists()
    assert not (app_server.corpus / "uploads" / "empty.txt").exists()
    status = page.locator("#qa-ingest").inner_text()
    assert "깨진 보고서.pdf" in status and "PDF" in status  # the corpus file the index skipped, with the reason

    page.get_by_role("tab", name="질문하기").click()
    ask(page, "부산시가 헬싱키 박람회에서 소개한 사례는?")
    answer = last_answer(page)
    assert "해양 플라스틱" in answer
    assert "uploads/부산 출장 보고서.txt" in answer
    ask(page, "싱가포르 항만청과 무인 크레인 운영 방식을 협의한 기관은?")
    answer = last_answer(page)
    assert "부산항만공사" in answer and "uploads/싱가포르 출장.hwp" in answer


def test_feedback_with_comment_goes_to_the_log(page, app_server):
    ask(page, ASCC_QUESTION)
    dislike = page.locator("#qa-chat").get_by_label("싫어요")  # Gradio follows the browser locale
    comment = page.get_by_label("의견 (선택)")
    for _ in range(3):  # a click that lands while the chatbot re-renders its last message is lost
        dislike.last.click()
        try:
            comment.wait_for(state="visible", timeout=5000)
            break
        except PlaywrightTimeout:
            continue
    comment.fill("요약 문장보다 발표 내용이 먼저 나오면 좋겠습니다")
    page.get_by_role("button", name="의견 보내기").click()
    records = wait_for_records(app_server.feedback_log, lambda r: r["comment"] != "")
    last = records[-1]
    assert last["question"] == ASCC_QUESTION and last["verdict"] == "down"
    assert last["comment"].startswith("요약 문장보다")
    assert last["citations"][0]["source"] == ASCC
    assert records[-2]["id"] == last["id"] and records[-2]["comment"] == ""


def test_phone_width_has_no_horizontal_scroll(browser, app_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_server.url)
    ask(page, ASCC_QUESTION)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "phone.png", full_page=True)
    context.close()
    assert width <= 390


def test_follow_up_question_uses_the_conversation(page):
    ask(page, ASCC_QUESTION)
    ask(page, "그 출장은 며칠이었어?")
    answer = last_answer(page)
    assert "3박 4일" in answer and ASCC in answer
    assert "이전 답변의 문서" in answer


@pytest.fixture(scope="module")
def llm_app(seed_index_dir, tmp_path_factory):
    """The page with an LLM configured: a scripted OpenAI-compatible server on loopback."""
    from fake_llm import FakeLLM, Reply, passage_number

    def script(body: dict) -> Reply:
        prompt = body["messages"][-1]["content"]
        n = passage_number(prompt, "탄소중립 전략")
        return Reply(f"서울시는 시티넷 세미나에서 2050 탄소중립 전략을 발표했습니다 [{n}]. 출장단은 달 기지를 방문했습니다 [{n}].")

    with FakeLLM(script) as llm:
        env = {"QA_LLM_BASE_URL": llm.url, "QA_LLM_MODEL": "test-model", "QA_LLM_TIMEOUT": "5"}
        yield from start_app(tmp_path_factory.mktemp("llm-app"), seed_index_dir, env)


def test_llm_mode_streams_a_checked_answer(browser, llm_app):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(llm_app.url)
    page.get_by_text("검색 범위와 설정").click()
    page.get_by_label("LLM 답변").check()
    ask(page, ASCC_QUESTION)
    answer = last_answer(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "llm_mode.png", full_page=True)
    context.close()
    assert "2050 탄소중립 전략을 발표했습니다" in answer and ASCC in answer
    assert "달 기지" not in answer  # the unsupported sentence was removed
    assert "LLM이 쓴 답변" in answer and "1개" in answer


def test_trip_list_filters_opens_a_trip_and_exports_csv(page):
    page.get_by_role("tab", name="출장 목록").click()
    page.wait_for_function("() => /출장 \\d+건/.test(document.querySelector('#qa-trip-count').innerText)")
    # Every seed is a row (the upload test may have added one more).
    for source in (ASCC, "002_6ada6236b972a2c9.txt"):
        assert page.locator("#qa-trips span.text", has_text=source[:12]).filter(visible=True).count() == 1

    # A row opens the trip's summary and its report with the extracted facts highlighted.
    page.locator("#qa-trips span.text", has_text="국토연구원").filter(visible=True).first.click()
    page.wait_for_selector("#qa-trip .qa-fulltext mark")
    summary = page.locator("#qa-trip .qa-card").inner_text()
    assert "이재용 연구위원" in summary and "2023-07-02 ~ 2023-07-05 (2박 4일)" in summary

    # Filter by country (any spelling), then export what is shown.
    country = page.locator("#qa-trips").locator("xpath=ancestor::*[contains(@class,'tabitem')]").get_by_label("나라", exact=True)
    country.click()
    page.keyboard.type("일본")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#qa-trip-count').innerText.includes('출장 1건')")
    with page.expect_download() as download:
        page.locator("#qa-trips-csv").click()
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2 and rows[0].startswith("파일,출장명,문서 종류,기관,나라") and ASCC in rows[1]


def test_trip_set_question_is_answered_from_the_catalogue(page):
    ask(page, "서울시 국외출장은 몇 건이야?")
    answer = last_answer(page)
    assert "3건" in answer and "2025년 11월 24일 ~ 11월 27일" in answer and ASCC in answer


def test_prior_trip_search_lists_the_same_country_first_with_its_lesson(page):
    page.get_by_role("tab", name="출장 목록").click()
    page.locator("#qa-prior-country textarea, #qa-prior-country input").first.fill("유럽")
    page.locator("#qa-prior-topic textarea, #qa-prior-topic input").first.fill("스마트시티 정책")
    page.click("#qa-prior-find")
    page.wait_for_function("() => document.querySelector('#qa-prior').innerText.includes('시사점')")
    text = page.locator("#qa-prior").inner_text()
    assert re.search(r"유럽 출장 \d건을 먼저", text)  # the Paris trip (and an uploaded Helsinki one, in a full run)
    assert text.index("OECD") < text.index("요코하마")  # the Paris trip first, then close topics
    assert "002_6ada6236b972a2c9.txt" in text  # each trip cites its report
    page.locator("#qa-prior").screenshot(path=ARTIFACTS / "prior_trips.png")


def test_trip_charts_and_compare_view(page):
    page.get_by_role("tab", name="출장 목록").click()
    page.wait_for_function("() => /출장 \\d+건/.test(document.querySelector('#qa-trip-count').innerText)")
    # The charts draw the filtered trips by month, country and organisation.
    for chart in ("#qa-chart-months", "#qa-chart-countries", "#qa-chart-orgs"):
        page.wait_for_selector(f"{chart} canvas, {chart} svg", timeout=30_000)
    assert "프랑스" in page.locator("#qa-chart-countries").inner_text() or page.locator("#qa-chart-countries svg").count()

    # Two trips side by side: dates, duration, travellers, places, purpose and each report's lesson.
    pick = page.locator("#qa-compare-pick input").first
    for title in ("OECD", "ASCC"):
        pick.click()
        pick.fill(title)
        page.get_by_role("option", name=re.compile(title)).first.click()
    page.keyboard.press("Escape")
    page.wait_for_selector("#qa-compare table.qa-compare")
    table = page.locator("#qa-compare").inner_text()
    assert "2023-07-02 ~ 2023-07-05" in table and "2025-11-24 ~ 2025-11-27" in table
    assert "시사점" in table and "국토연구원" in table and "서울특별시" in table
    page.locator("#qa-trip-charts").screenshot(path=ARTIFACTS / "trip_charts.png")
    page.locator("#qa-compare").screenshot(path=ARTIFACTS / "trip_compare.png")
