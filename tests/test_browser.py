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

from conftest import ASCC, GUANGZHOU, ROOT, SEEDS, free_port, start_app

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ASCC_QUESTION = "서울시가 ASCC에서 무엇을 발표했나?"
ASCC_TITLE = "아시아스마트시티컨퍼런스(ASCC) 참가를 위한 공무국외출장"
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
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ko-KR")
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
    box = page.get_by_label("질문", exact=True)
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
    assert ASCC_TITLE in answer and ASCC not in answer  # the source list names the report; its file is in the panel

    page.locator("#qa-chat a[href^='#qa:cite:0:1']").first.click()
    card = page.locator("#qa-sources .qa-card.active")
    assert ASCC in card.inner_text()
    assert any("탄소중립" in t for t in card.locator("mark").all_inner_texts())

    card.get_by_text("원문 보기").click()
    page.wait_for_selector("#qa-doc .qa-fulltext mark")
    doc = page.locator("#qa-doc")
    assert "원문" in doc.inner_text()
    assert any("탄소중립" in t for t in doc.locator("mark").all_inner_texts())
    page.wait_for_timeout(300)  # the scroll after the link
    assert in_viewport(page, "#qa-doc mark")  # scrolled to the passage inside the panel
    assert in_viewport(page, "#qa-chat .bot")  # while the chat stays beside it (the panel is sticky)

    # The original file can be downloaded from the panel.
    with page.expect_download() as download:
        page.locator("#qa-original").click()
    assert Path(download.value.path()).read_bytes() == (ROOT / "seeds" / ASCC).read_bytes()


def in_viewport(page, selector: str) -> bool:
    """Whether the first element matching `selector` is at least partly inside the browser window."""
    return page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                  return r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth; }""",
        selector,
    )


def test_unanswerable_question_abstains_and_offers_nearest_documents(page):
    ask(page, UNANSWERABLE)
    answer = last_answer(page)
    # A refusal says only what was checked: nothing found, or the asked value not in the report found.
    assert "찾지 못했습니다" in answer or "나와 있지 않습니다" in answer, answer
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
    page.locator("#qa-new-chat").wait_for()
    assert in_viewport(page, "#qa-new-chat")  # always in view at the top of the chat
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

    page.get_by_role("tab", name="문서", exact=True).click()
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
    page.locator("#qa-chat a[href^='#qa:cite:']").last.click()
    page.wait_for_function("() => document.querySelector('#qa-sources').innerText.includes('uploads/부산 출장 보고서.txt')")
    ask(page, "싱가포르 항만청과 무인 크레인 운영 방식을 협의한 기관은?")
    answer = last_answer(page)
    assert "부산항만공사" in answer
    page.locator("#qa-chat a[href^='#qa:cite:']").last.click()
    page.wait_for_function("() => document.querySelector('#qa-sources').innerText.includes('uploads/싱가포르 출장.hwp')")

    # The 문서 tab lists the uploads with their status and gives their originals back.
    page.get_by_role("tab", name="문서", exact=True).click()
    listing = page.locator("#qa-ingest").inner_text()
    assert "uploads/싱가포르 출장.hwp" in listing and "색인됨" in listing


def test_feedback_with_comment_goes_to_the_log(page, app_server):
    ask(page, ASCC_QUESTION)
    comment = open_comment(page)
    # The box says which answer it is about.
    label = comment.evaluate("e => e.closest('label')?.innerText || e.getAttribute('aria-label') || ''")
    assert "👎" in label and ASCC_QUESTION[:10] in label
    comment.fill("요약 문장보다 발표 내용이 먼저 나오면 좋겠습니다")
    page.get_by_role("button", name="의견 보내기").click()
    records = wait_for_records(app_server.feedback_log, lambda r: r["comment"] != "")
    last = records[-1]
    assert last["question"] == ASCC_QUESTION and last["verdict"] == "down"
    assert last["comment"].startswith("요약 문장보다")
    assert last["citations"][0]["source"] == ASCC
    assert records[-2]["id"] == last["id"] and records[-2]["comment"] == ""


def until_shown(act, shown) -> None:
    """`act()` until `shown` is visible: a click that lands while the chatbot re-renders its last
    message is lost."""
    for _ in range(3):
        act()
        try:
            shown.wait_for(state="visible", timeout=5000)
            return
        except PlaywrightTimeout:
            continue


def open_comment(page):
    """👎 on the last answer; the comment box it opens."""
    comment = page.get_by_label("의견 (선택)")
    until_shown(page.locator("#qa-chat").get_by_label("싫어요").last.click, comment)  # Gradio follows the locale
    return comment


def dislike_with_comment(page, text: str) -> None:
    open_comment(page).fill(text)
    page.get_by_role("button", name="의견 보내기").click()


@pytest.fixture(scope="module")
def operator_app(seed_index_dir, tmp_path_factory):
    """The page with the operator's 피드백 tab switched on."""
    work = tmp_path_factory.mktemp("operator-app")
    env = {"QA_FEEDBACK_VIEW": "true", "QA_FEEDBACK_REGRESSIONS": str(work / "regressions.jsonl")}
    yield from start_app(work, seed_index_dir, env)


def test_operator_sees_disliked_answers_and_writes_them_as_regression_questions(browser, operator_app):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(operator_app.url)
    ask(page, UNANSWERABLE)
    dislike_with_comment(page, "참가비가 보고서에 있는데 못 찾았습니다")
    wait_for_records(operator_app.feedback_log, lambda r: r["comment"] != "")
    page.get_by_role("tab", name="피드백").click()
    page.wait_for_function("() => document.querySelector('#qa-feedback').innerText.includes('참가비가 보고서에')")
    assert UNANSWERABLE in page.locator("#qa-feedback").inner_text()
    page.locator("#qa-feedback-export").click()
    page.wait_for_function("() => document.querySelector('#qa-feedback-result').innerText.includes('1개')")
    lines = (operator_app.feedback_log.parent / "regressions.jsonl").read_text(encoding="utf-8").splitlines()
    question = json.loads(lines[0])
    assert question["question"] == UNANSWERABLE and question["keys"] == [] and "참가비가" in question["comment"]
    page.locator("#qa-feedback-export").click()  # exported once only
    page.wait_for_function("() => document.querySelector('#qa-feedback-result').innerText.includes('0개')")
    context.close()


def test_documents_tab_downloads_an_original_and_removes_a_document_to_the_trash(browser, operator_app):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(operator_app.url)
    page.get_by_role("tab", name="문서", exact=True).click()
    listing = page.locator("#qa-ingest")
    assert "002_6ada6236b972a2c9.txt" in listing.inner_text() and "색인됨" in listing.inner_text()
    pick = page.locator("#qa-doc-pick input").first
    pick.click()
    pick.fill("OECD")
    page.get_by_role("option", name=re.compile("OECD")).first.click()
    with page.expect_download() as download:
        page.locator("#qa-doc-download").click()
    assert Path(download.value.path()).read_bytes() == (SEEDS / "002_6ada6236b972a2c9.txt").read_bytes()

    page.get_by_text("고른 문서 지우기 · 바꾸기").click()
    page.locator("#qa-doc-delete").click()
    page.wait_for_function("() => document.querySelector('#qa-doc-result').innerText.includes('뺐습니다')")
    assert "002_6ada6236b972a2c9.txt" not in listing.inner_text()
    assert list((operator_app.corpus / ".trash").rglob("002_6ada6236b972a2c9.txt"))  # moved, not lost
    page.get_by_role("tab", name="질문하기").click()
    ask(page, "OECD 스마트시티 라운드테이블은 어디에서 열렸나?")
    assert "002_6ada6236b972a2c9" not in page.locator("#qa-chat").inner_html()
    context.close()


@pytest.fixture
def phone(browser, app_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_server.url)
    yield page
    context.close()


def test_phone_reader_asks_opens_a_citation_as_a_sheet_and_comes_back(phone):
    ARTIFACTS.mkdir(exist_ok=True)
    ask(phone, ASCC_QUESTION)
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=ARTIFACTS / "phone_chat.png")
    assert not phone.locator("#qa-side").is_visible()  # no panel below the chat to scroll to
    # The title breaks between words, never inside one ("질의응/답").
    height = phone.locator("#qa-title h1").evaluate("e => e.offsetHeight / parseFloat(getComputedStyle(e).fontSize)")
    assert height < 2  # one line
    assert phone.locator("#qa-title h1").evaluate("e => getComputedStyle(e).wordBreak") == "keep-all"

    sheet = phone.locator("#qa-side")
    marker = phone.locator("#qa-chat a[href^='#qa:cite:0:1']").first
    # The reader's place is the page's scroll and the chat's own scroll when the tap landed (a
    # locator's tap first scrolls its target into view, where Playwright chooses).
    place = """() => {
        let box = document.querySelector("#qa-chat a[href^='#qa:cite:0:1']");
        while (box && !(box.scrollHeight > box.clientHeight && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
        return [window.scrollY, box ? box.scrollTop : 0];
    }"""
    phone.evaluate(f"""() => addEventListener('click', () => {{
        if (!document.querySelector('#qa-side.qa-open')) window.qaTapPlace = ({place})();
    }}, true)""")
    until_shown(marker.tap, sheet)
    before = phone.evaluate("() => window.qaTapPlace")
    box = sheet.bounding_box()
    assert box["y"] <= 1 and box["height"] >= 840 and box["width"] >= 389  # the whole screen
    phone.locator("#qa-sources .qa-card.active").get_by_text("원문 보기").tap()
    phone.wait_for_selector("#qa-doc .qa-fulltext mark")
    phone.wait_for_timeout(300)
    assert in_viewport(phone, "#qa-doc mark") and phone.locator("#qa-sheet-close").is_visible()
    phone.screenshot(path=ARTIFACTS / "phone_sheet.png")

    phone.locator("#qa-sheet-close").tap()
    sheet.wait_for(state="hidden")
    phone.wait_for_timeout(500)  # and stays there
    after = phone.evaluate(place)
    assert abs(after[0] - before[0]) <= 2 and abs(after[1] - before[1]) <= 2  # back where the reader was
    assert in_viewport(phone, "#qa-chat a[href^='#qa:cite:0:1']")


def test_phone_trip_list_is_cards_that_open_a_trip(phone):
    phone.get_by_role("tab", name="출장 목록").tap()
    phone.wait_for_function("() => /출장 \\d+건/.test(document.querySelector('#qa-trip-count').innerText)")
    card = phone.locator("#qa-trips tbody tr", has_text="국토연구원").first
    lines = card.inner_text().splitlines()  # one field per line, each labelled
    for expected in ("국토연구원", "프랑스", "2023-07-02", "2박 4일", "1명"):
        assert expected in lines
    labels = card.locator("td").evaluate_all("tds => tds.map(td => getComputedStyle(td, '::before').content)")
    assert any("기관" in label for label in labels) and any("인원" in label for label in labels)
    assert card.bounding_box()["width"] <= 390 and phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=ARTIFACTS / "phone_trips.png", full_page=True)
    card.tap()
    phone.wait_for_selector("#qa-trip .qa-fulltext mark")
    phone.wait_for_timeout(300)
    assert in_viewport(phone, "#qa-trip .qa-card")


def test_copy_gives_plain_text_and_labels_are_plain(browser, app_server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ko-KR")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server.url.rstrip("/"))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_server.url)
    ask(page, "광저우 출장은 며칠 동안이었어?")
    page.locator("#qa-chat .bot").last.locator("xpath=ancestor::*[contains(@class,'message-row')]/following-sibling::*[1]") \
        .get_by_role("button", name="복사").click()
    page.wait_for_timeout(500)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    label = page.locator("#qa-chat [data-testid='bot']").last.get_attribute("aria-label")
    context.close()
    assert "[1]" in copied and "출처" in copied and "3박 4일" in copied
    assert re.search(r"^\[1\] .*· \S+\.txt$", copied, re.M)  # each source with its file
    for markup in ("](#qa:", "\\[", "&#", "**"):
        assert markup not in copied and markup not in label
    assert label.startswith("답변: ") and "3박 4일" in label


def test_page_text_is_korean_at_default_settings(page):
    """No English interface words and no environment variable names on the page a citizen sees."""
    ask(page, ASCC_QUESTION)
    texts = []
    for tab in ("질문하기", "출장 목록", "문서"):
        page.get_by_role("tab", name=tab, exact=True).click()
        page.wait_for_timeout(500)
        texts.append(page.evaluate("() => document.body.innerText"))
        texts += page.evaluate("() => [...document.querySelectorAll('[aria-label], [title], [placeholder]')]"
                               ".filter(e => e.offsetParent !== null)"
                               ".map(e => [e.getAttribute('aria-label'), e.title, e.getAttribute('placeholder')].join(' '))")
    # Names of reports and places may be Latin (ASCC, OECD, CityNet); interface words may not.
    interface_words = re.compile(r"\b(Copy|Clear|Sort|Filter|Info|Warning|Error|Loading|Submit|Upload|Download|Search|"
                                 r"Drop|Click|Built with|Use via API|Settings|message|conversation)\b", re.IGNORECASE)
    assert page.get_by_role("tab", name="피드백").count() == 0  # the operator's view is off by default
    page_text = "\n".join(texts)
    assert not interface_words.findall(page_text), interface_words.findall(page_text)
    assert "QA_" not in page_text and "참고할 구절 수" not in page_text


def test_follow_up_question_uses_the_conversation(page):
    ask(page, ASCC_QUESTION)
    ask(page, "그 출장은 며칠이었어?")
    answer = last_answer(page)
    assert "3박 4일" in answer and ASCC_TITLE in answer
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
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(llm_app.url)
    page.get_by_text("고급 설정").click()
    page.get_by_label("LLM 답변").check()
    ask(page, ASCC_QUESTION)
    answer = last_answer(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "llm_mode.png", full_page=True)
    context.close()
    assert "2050 탄소중립 전략을 발표했습니다" in answer and ASCC_TITLE in answer
    assert "달 기지" not in answer  # the unsupported sentence was removed
    assert "LLM이 쓴 답변" in answer and "1개" in answer


def test_trip_list_sorts_by_header_filters_opens_a_trip_and_exports_csv(page):
    page.get_by_role("tab", name="출장 목록").click()
    page.wait_for_function("() => /출장 \\d+건/.test(document.querySelector('#qa-trip-count').innerText)")
    titles = page.locator("#qa-trips tbody td.qa-title")
    assert any("아시아스마트시티컨퍼런스" in t for t in titles.all_inner_texts())
    assert "monospace" not in page.locator("#qa-trips td").first.evaluate("e => getComputedStyle(e).fontFamily")

    # A click on a column header sorts by it; a second click reverses; undated rows stay last.
    start = page.locator("#qa-trips thead th", has_text="출발")
    start.click()
    dates = [d for d in page.locator("#qa-trips tbody td:nth-child(5)").all_inner_texts()]
    known = [d for d in dates if d]
    assert known == sorted(known) and start.get_attribute("aria-sort") == "ascending"
    start.click()
    known = [d for d in page.locator("#qa-trips tbody td:nth-child(5)").all_inner_texts() if d]
    assert known == sorted(known, reverse=True)

    # A row opens the trip's summary and its report with the extracted facts highlighted, in view.
    page.locator("#qa-trips tbody tr", has_text="국토연구원").first.click()
    page.wait_for_selector("#qa-trip .qa-fulltext mark")
    summary = page.locator("#qa-trip .qa-card").inner_text()
    assert "이재용 연구위원" in summary and "2023-07-02 ~ 2023-07-05 (2박 4일)" in summary
    page.wait_for_timeout(300)
    assert in_viewport(page, "#qa-trip .qa-card")

    # Filter by country (any spelling), then export what is shown.
    country = page.locator("#qa-trips").locator("xpath=ancestor::*[contains(@class,'tabitem')]").get_by_label("나라", exact=True)
    country.click()
    page.keyboard.type("일본")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#qa-trip-count').innerText.includes('출장 1건')")
    assert page.locator("#qa-trips tbody tr").count() == 1
    with page.expect_download() as download:
        page.locator("#qa-trips-csv").click()
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2 and rows[0].startswith("파일,출장명,문서 종류,기관,나라") and ASCC in rows[1]


def test_trip_set_question_is_answered_from_the_catalogue(page):
    ask(page, "서울시 국외출장은 몇 건이야?")
    answer = last_answer(page)
    assert "3건" in answer and "2025년 11월 24일 ~ 11월 27일" in answer and ASCC_TITLE in answer


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


def test_first_start_shows_the_build_progress_then_opens_the_chat_by_itself(browser, tmp_path):
    """No index yet: the browser gets a progress page at once, API questions a clear "building" reply,
    and the page turns into the chat page when the index is ready, without the visitor reloading."""
    import shutil
    import socket
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    # Two of the seeds: a build long enough to be seen under way, in a third of the whole seeds' time.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (GUANGZHOU, "003_428debc20d82d9a5.txt"):
        shutil.copy(SEEDS / name, corpus / name)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    log = (tmp_path / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--corpus", str(corpus),
                             "--index-dir", str(tmp_path / "index")], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, (tmp_path / "app.log").read_text()
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as refused:  # an API question while building
            urllib.request.urlopen(urllib.request.Request(url + "gradio_api/call/ask", data=b"{}", method="POST"))
        assert refused.value.code == 503 and "색인을 만드는 중입니다" in refused.value.read().decode()

        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
        page = context.new_page()
        page.goto(url)
        assert "색인을 만드는 중입니다" in page.inner_text("body")
        page.wait_for_function("() => /구절 \\d+개/.test(document.body.innerText)", timeout=120_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "first_start.png")
        page.fill("#qa-build-question", "광저우 출장은 며칠?")
        page.press("#qa-build-question", "Enter")
        assert "색인을 만드는 중입니다" in page.inner_text("#qa-build-answer")

        page.wait_for_selector("#qa-chat", timeout=240_000)  # the same tab, reloaded by the page itself
        page.set_default_timeout(TIMEOUT_MS)
        ask(page, "광저우 출장은 며칠 동안이었어?")
        assert "3박 4일" in last_answer(page)
        context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_conversations_are_kept_in_the_browser_reopened_exported_and_deleted(page):
    ask(page, "광저우 출장은 며칠 동안이었어?")
    ask(page, "그 출장에서 방문한 대학은?")
    page.wait_for_timeout(1000)  # stored just after the answer is shown
    page.reload()  # a reload no longer loses the conversation
    page.get_by_text("지난 대화 · 내보내기").click()
    entry = page.locator("#qa-past label", has_text="광저우 출장은 며칠 동안이었어?")
    entry.wait_for()
    assert page.locator("#qa-chat .bot").count() == 0
    entry.click()
    page.locator("#qa-past-open").click()
    page.wait_for_function("() => document.querySelectorAll('#qa-chat .bot').length === 2")
    assert "3박 4일" in page.locator("#qa-chat .bot").first.inner_text()
    page.locator("#qa-chat a[href^='#qa:cite:1:']").first.click()  # the reopened answers' citations still open
    page.wait_for_selector("#qa-sources .qa-card.active")

    page.get_by_text("지난 대화 · 내보내기").click()
    with page.expect_download() as download:
        page.locator("#qa-export-md").click()
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    assert "## 1. 광저우 출장은 며칠 동안이었어?" in markdown and "## 2. 그 출장에서 방문한 대학은?" in markdown
    assert "출처:" in markdown and ".txt" in markdown
    with page.expect_download() as download:
        page.locator("#qa-export-json").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [t["question"] for t in exported["turns"]] == ["광저우 출장은 며칠 동안이었어?", "그 출장에서 방문한 대학은?"]
    assert exported["turns"][0]["citations"]

    entry.click()
    page.locator("#qa-past-delete").click()
    page.wait_for_function("() => !document.querySelector('#qa-past').innerText.includes('광저우 출장은 며칠')")
    page.reload()
    page.get_by_text("지난 대화 · 내보내기").click()
    page.wait_for_timeout(1000)
    assert "광저우 출장은 며칠" not in page.locator("#qa-past").inner_text()
