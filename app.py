"""Chat page over the trip reports (Gradio). A thin layer over `qa.QA`.

    python app.py [--host 127.0.0.1] [--port 7860] [--corpus seeds] [--index-dir index] [--share]

The index is built first when it is missing or stale. Scripts use the `/ask` endpoint:

    from gradio_client import Client
    Client("http://127.0.0.1:7860/").predict("서울시가 ASCC에서 무엇을 발표했나?", api_name="/ask")
"""

from __future__ import annotations

import argparse
import logging
import hashlib
import html
import re
import secrets
import shutil
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote, unquote

import gradio as gr
import pandas as pd
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from qa import QA, Settings
from qa.answer import NEAREST_INTRO
from qa.build_page import BuildPage, BuildProgress
from qa import conversation as conversations
from qa.catalogue import TripFilter, trips_csv
from qa.fact_answer import summary_said
from qa.facts import DOC_TYPES, TripRecord
from qa.route import is_trip
from qa.cli import TqdmProgress
from qa.feedback import MAX_COMMENT_CHARS, disliked, export_regression_questions, record_feedback
from qa.generate import LLMConfigError
from qa.index import IndexedDocument, IndexUnavailable

log = logging.getLogger(__name__)

TITLE = "공무국외출장 보고서 질의응답"
NOTICE_TITLE = "알림"  # a toast's own title (Gradio 6 still heads the toast group with its type)
LLM_UNAVAILABLE = "지금은 LLM 답변을 쓸 수 없어 보고서 발췌로 답합니다."
EXAMPLES = [
    "서울시가 ASCC에서 무엇을 발표했나?",
    "광저우 출장은 며칠 동안이었어?",
    "OECD 라운드테이블 참가비는 얼마였나?",
]
CONTEXT_CHARS = 300  # text shown around a cited passage in the sources panel

# Links inside answers and lists look like "#qa:<kind>:…" (cite, doc, near: a citation of an answer;
# trip: a row of the trip list). One delegated listener turns a click on them into a value of the
# hidden `link` textbox, which the server handles. The same script sorts the trip list by a click on
# a column header, opens the sources panel as a full-screen sheet at phone width (closed by its
# button or Escape, back where the reader was), and gives the chat's copy buttons and screen
# readers plain text instead of the Markdown behind a message.
JS = """
() => {
  const PHONE = '(max-width: 768px)';
  // The reader's place: the page's scroll and the scroll of the box the tapped link sits in (the
  // chat scrolls inside its own box, and Gradio may scroll it while the sheet covers it).
  let saved = null;
  const side = () => document.querySelector('#qa-side');
  const scroller = (el) => {
    while (el && !(el.scrollHeight > el.clientHeight && /auto|scroll/.test(getComputedStyle(el).overflowY))) el = el.parentElement;
    return el;
  };
  const openSheet = (link) => {
    if (!window.matchMedia(PHONE).matches || side()?.classList.contains('qa-open')) return;
    const box = scroller(link);
    saved = {page: window.scrollY, box, top: box ? box.scrollTop : 0};
    side()?.classList.add('qa-open');
    document.body.style.overflow = 'hidden';
  };
  const closeSheet = () => {
    if (!side()?.classList.contains('qa-open')) return;
    side().classList.remove('qa-open');
    document.body.style.overflow = '';
    const place = saved;
    const restore = () => {
      if (!place) return;
      window.scrollTo(0, place.page);
      if (place.box) place.box.scrollTop = place.top;
    };
    restore();
    requestAnimationFrame(restore);  // after the layout the sheet's closing causes
  };
  const sortTrips = (th, dir) => {
    const table = th.closest('table');
    const i = [...th.parentNode.children].indexOf(th);
    table.querySelectorAll('thead th').forEach(h => h.removeAttribute('aria-sort'));
    th.setAttribute('aria-sort', dir);
    const value = r => r.cells[i].dataset.v ?? r.cells[i].innerText.trim();
    const numeric = th.dataset.type === 'num';
    const rows = [...table.tBodies[0].rows];
    rows.sort((a, b) => {
      const x = value(a), y = value(b);
      if (x === '' || y === '') return (x === '') - (y === '');  // empty cells last either way
      const c = numeric ? Number(x) - Number(y) : x.localeCompare(y, 'ko');
      return dir === 'ascending' ? c : -c;
    });
    rows.forEach(r => table.tBodies[0].appendChild(r));
    window.qaTripSort = [th.dataset.key, dir];
  };
  // A new list (other filters) keeps the order the reader chose.
  window.qaResort = () => {
    const [key, dir] = window.qaTripSort || [];
    const th = key && document.querySelector(`#qa-trips th[data-key="${key}"]`);
    if (th) sortTrips(th, dir);
  };
  document.addEventListener('click', (event) => {
    if (event.target.closest('#qa-sheet-close')) { closeSheet(); return; }
    const header = event.target.closest('table.qa-trips thead th');
    if (header) {
      sortTrips(header, header.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending');
      return;
    }
    let link = event.target.closest('a[href^="#qa:"]');
    if (!link) link = event.target.closest('#qa-trips tbody tr')?.querySelector('a[href^="#qa:"]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const box = document.querySelector('#qa-link textarea, #qa-link input');
    if (!box) return;
    const value = link.getAttribute('href').slice(1);
    if (!value.startsWith('qa:trip:')) openSheet(link);
    box.value = value + ':' + Date.now();
    box.dispatchEvent(new Event('input', {bubbles: true}));
  }, true);
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') closeSheet(); });

  // Plain text of a chat message: what the reader sees, not its Markdown.
  // The source list's lines get their file names (each [n] link's title) back.
  const plain = (el) => {
    const files = {};
    el.querySelectorAll('li a[href^="#qa:cite:"][title]').forEach(a => { files[a.innerText.trim()] = a.title; });
    return el.innerText.replace(/\\n{3,}/g, '\\n\\n').trim().split('\\n').map(line => {
      const n = line.match(/^\\[\\d+\\]/);
      return n && files[n[0]] ? `${line} · ${files[n[0]]}` : line;
    }).join('\\n');
  };
  const conversation = () => [...document.querySelectorAll('#qa-chat .message.user, #qa-chat .message.bot')]
    .map(m => (m.classList.contains('user') ? '질문: ' : '답변: ') + plain(m)).join('\\n\\n');
  const LABELS = {'Copy message': '복사', 'Copy conversation': '대화 전체 복사', 'Copied!': '복사했습니다',
                  'Copied message': '복사했습니다', 'Copied conversation': '복사했습니다', 'chatbot conversation': '대화',
                  'Click to upload or drop files': '파일을 끌어다 놓거나 눌러서 고르세요',
                  'Gradio footer navigation': '바닥글'};
  const relabel = () => {
    document.querySelectorAll('[aria-label]').forEach(e => {
      const old = e.getAttribute('aria-label');
      const label = LABELS[old] ?? (old.startsWith("Title text '") ? old.slice(12, -1) : null);  // a chart's title
      if (label) { e.setAttribute('aria-label', label); if (e.title) e.title = label; }
    });
    document.querySelectorAll('#qa-chat [data-testid="user"], #qa-chat [data-testid="bot"]').forEach(m => {
      const label = (m.dataset.testid === 'user' ? '질문: ' : '답변: ') + plain(m);
      if (m.getAttribute('aria-label') !== label) m.setAttribute('aria-label', label);
    });
  };
  new MutationObserver(relabel).observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-label']});
  document.addEventListener('click', (event) => {
    const button = event.target.closest('#qa-chat button');
    if (!button) return;
    const label = button.getAttribute('aria-label');
    let text = null;
    if (label === '대화 전체 복사') text = conversation();
    else if (label === '복사') {
      const row = button.closest('.message-buttons')?.previousElementSibling;
      const message = row?.querySelector('.message.bot, .message.user');
      if (message) text = plain(message);
    }
    // Gradio writes the Markdown first; the plain text replaces it.
    if (text !== null) setTimeout(() => navigator.clipboard.writeText(text), 150);
  }, true);
}
"""
RESORT = "() => window.qaResort && window.qaResort()"
# After a link was followed: scroll what it opened into view inside the sources panel (sticky at
# desktop width, a sheet at phone width) without moving the chat; a trip row scrolls the page to the trip.
SCROLL_TO_OPENED = """
(value) => {
  const kind = (value || '').split(':')[1];
  if (kind === 'trip') { document.querySelector('#qa-trip')?.scrollIntoView({block: 'start'}); return; }
  const side = document.querySelector('#qa-side');
  const into = (box, el, share) => {
    if (box && el) box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight * share;
  };
  if (kind === 'cite') { into(side, document.querySelector('#qa-sources .qa-card.active'), 0); return; }
  into(side, document.querySelector('#qa-doc'), 0);
  const mark = document.querySelector('#qa-doc mark');
  into(mark?.closest('.qa-fulltext'), mark, 1 / 3);
}
"""

CSS = """
.qa-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px; margin-bottom: 10px; }
.qa-card.active { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft); }
.qa-card h4 { margin: 0 0 6px 0; font-size: 1rem; }
.qa-card dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0 0 8px 0; font-size: 0.9rem; }
.qa-card dt { color: var(--body-text-color-subdued); }
.qa-card dd { margin: 0; word-break: break-all; }
.qa-passage { white-space: pre-wrap; font-size: 0.92rem; line-height: 1.6; background: var(--background-fill-secondary); padding: 8px; border-radius: 6px; }
.qa-fulltext { white-space: pre-wrap; line-height: 1.7; max-height: 65vh; overflow-y: auto; padding: 10px; border: 1px solid var(--border-color-primary); border-radius: 8px; }
mark { background: #ffe066; color: inherit; padding: 0 1px; }
.qa-compare { border-collapse: collapse; width: 100%; font-size: 0.9rem; table-layout: fixed; }
.qa-compare th, .qa-compare td { border: 1px solid var(--border-color-primary); padding: 6px 8px; vertical-align: top; text-align: left; word-break: break-word; }
.qa-compare tbody th { width: 5.5em; color: var(--body-text-color-subdued); font-weight: normal; }
#qa-compare { overflow-x: auto; }
.qa-page { display: block; text-align: center; color: var(--body-text-color-subdued); font-size: 0.85rem; margin: 8px 0; }
.qa-fulltext { position: relative; }
/* The trip list: a sortable table at desktop width, cards at phone width. */
#qa-trips { max-height: 70vh; overflow: auto; }
.qa-trips { width: 100%; border-collapse: collapse; font-size: 0.9rem; font-family: var(--font); }
.qa-trips th, .qa-trips td { border-bottom: 1px solid var(--border-color-primary); padding: 6px 8px; text-align: left; vertical-align: top; }
.qa-trips thead th { position: sticky; top: 0; background: var(--background-fill-primary); cursor: pointer; white-space: nowrap; user-select: none; }
.qa-trips thead th::after { content: " ↕"; color: var(--body-text-color-subdued); }
.qa-trips thead th[aria-sort=ascending]::after { content: " ▲"; color: inherit; }
.qa-trips thead th[aria-sort=descending]::after { content: " ▼"; color: inherit; }
.qa-trips tbody tr { cursor: pointer; }
.qa-trips tbody tr:hover { background: var(--background-fill-secondary); }
.qa-trips td.qa-nowrap { white-space: nowrap; }
.qa-trips td.qa-title a { color: inherit; text-decoration: none; font-weight: 600; }
.qa-back { font-size: 0.9rem; }
#qa-sheet-bar { display: none; }
#qa-sheet-close { width: 100%; padding: 10px; border-radius: 8px; border: 1px solid var(--border-color-primary);
                  background: var(--button-secondary-background-fill); font-size: 1rem; cursor: pointer; }
#qa-title h1 { word-break: keep-all; }
@media (min-width: 769px) {
  #qa-side { position: sticky; top: 8px; max-height: calc(100vh - 16px); overflow-y: auto; align-self: flex-start;
             flex-wrap: nowrap; }
}
@media (max-width: 768px) {
  .qa-trips thead tr { display: flex; flex-wrap: wrap; gap: 4px; padding-bottom: 6px; }
  .qa-trips thead th { position: static; border: 1px solid var(--border-color-primary); border-radius: 12px; padding: 2px 8px; }
  .qa-trips tbody tr { display: block; border: 1px solid var(--border-color-primary); border-radius: 8px; margin-bottom: 8px; padding: 8px 10px; }
  .qa-trips tbody td { display: block; border: 0; padding: 1px 0; white-space: normal; }
  .qa-trips tbody td:empty { display: none; }
  .qa-trips tbody td::before { content: attr(data-label) " · "; color: var(--body-text-color-subdued); }
  .qa-trips tbody td.qa-title::before { content: none; }
  /* The sources panel and the document viewer open over the chat as a sheet. */
  #qa-side { display: none !important; }
  #qa-side.qa-open { display: flex !important; flex-wrap: nowrap; position: fixed; inset: 0; z-index: 1000; margin: 0; padding: 12px;
                           overflow-y: auto; background: var(--background-fill-primary); }
  #qa-side.qa-open #qa-sheet-bar { display: block; position: sticky; top: -12px; z-index: 2; padding: 4px 0;
                                   background: var(--background-fill-primary); }
  #qa-trips { max-height: none; overflow: visible; }
  #qa-title h1 { font-size: 1.5rem; }
}
"""

_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]<>#+|~&]")


def _md(text: str) -> str:
    """Text shown as plain text inside Markdown: no formatting, no HTML, no autolinks (an autolinked
    "http://…>" would swallow the escapes after it)."""
    return _MARKDOWN_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", text).replace("://", "&#58;//")


def _code(text: str) -> str:
    """`text` as a Markdown code span that its own backticks cannot close (CommonMark: a longer fence)."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


def _link_title(text: str) -> str:
    """`text` inside a Markdown link title ("…"): no quote or bracket can end it early."""
    return re.sub(r'["\\()<>]', " ", text)


def _where(citation: dict) -> str:
    return f"{citation['page']}쪽" if citation.get("page") else citation.get("section") or ""


# --------------------------------------------------------------------------- answer messages


def render_answer(answer: dict, turn: int, facts: dict[str, str] | None = None) -> str:
    """Markdown for one answer: text with clickable [n] markers, then the sources or nearest documents.

    `facts` gives a short line of catalogue facts (place, dates) per source, shown beside its citation.
    """
    facts = facts or {}
    segments = answer.get("segments") or [{"text": answer["answer"], "citations": [], "newline": False}]
    if answer["abstained"]:
        text = " ".join(seg["text"] for seg in segments if not seg["text"].startswith(NEAREST_INTRO))
        lines = [f"**{_md(text)}**"]
        if answer["nearest"]:
            lines.append("\n가장 가까운 문서 (원문을 확인해 보세요):")
            for i, d in enumerate(answer["nearest"]):
                lines.append(f"- [{_md(d['title'] or d['source'])}](#qa:near:{turn}:{i})")
        return "\n".join(lines + _footnotes(answer))

    numbers = {c["n"] for c in answer["citations"]}
    parts = []
    for seg in segments:
        if parts:
            parts.append("  \n" if seg.get("newline") else " ")
        parts.append(_md(seg["text"]))
        for n in seg["citations"]:
            parts.append(f" [\\[{n}\\]](#qa:cite:{turn}:{n})" if n in numbers else f" \\[{n}\\]")
    lines = ["".join(parts), "", "**출처**"]
    for c in answer["citations"]:
        name = f"「{_md(c['title'])}」" if c.get("title") else _code(c["source"])  # the file name is in the panel
        details = "".join(f" · {_md(v)}" for v in (facts.get(c["source"]), _where(c)) if v)
        # The file name rides along as the link's title: the copy button adds it to the plain text.
        lines.append(f"- [\\[{c['n']}\\]](#qa:cite:{turn}:{c['n']} \"{_link_title(c['source'])}\") {name}{details}")
    return "\n".join(lines + _footnotes(answer))


def render_listing(answer: dict) -> str:
    """Markdown for an answer shown outside the chat (the prior-trip search): its lines and sources."""
    lines = []
    for seg in answer.get("segments") or []:
        marks = "".join(f" \\[{n}\\]" for n in seg["citations"])
        lines.append(f"{_md(seg['text'])}{marks}")
    if answer["citations"]:
        lines.append("\n**출처**")
        lines += [f"- \\[{c['n']}\\] 「{_md(c['title'])}」 · {_code(c['source'])}" for c in answer["citations"]]
    return "  \n".join(lines)


def _footnotes(answer: dict) -> list[str]:
    notes = []
    if answer.get("mode") == "llm" and not answer["abstained"]:
        notes.append("LLM이 쓴 답변입니다. 문장마다 인용한 구절과 대조해 확인했습니다.")
    if answer.get("notice"):
        notes.append(answer["notice"])
    return [f"\n<small>ℹ️ {_md(n)}</small>" for n in notes]


# --------------------------------------------------------------------------- sources panel


def _highlighted(text: str, spans: list[tuple[int, int]], offset: int = 0, page_starts=()) -> str:
    """HTML of `text` with `spans` (document offsets) in <mark> and optional page separators."""
    cuts: list[tuple[int, str]] = []
    for s, e in spans:
        s, e = max(s - offset, 0), min(e - offset, len(text))
        if s < e:
            cuts += [(s, "<mark>"), (e, "</mark>")]
    for page, start in page_starts:
        if 0 < start - offset < len(text):
            cuts.append((start - offset, f'<span class="qa-page">— {page}쪽 —</span>'))
    out, last = [], 0
    for pos, tag in sorted(cuts, key=lambda c: (c[0], c[1] != "</mark>")):
        out.append(html.escape(text[last:pos]))
        out.append(tag)
        last = pos
    out.append(html.escape(text[last:]))
    return re.sub(r"\n{2,}", "\n", "".join(out))  # cleaned text separates lines with blank lines


def short_facts(trip: TripRecord | None) -> str:
    """"일본 요코하마, 2025-11-24~2025-11-27": where and when, for the source list under an answer."""
    if trip is None:
        return ""
    place = " ".join([*trip.countries, *trip.cities])
    when = "~".join(d for d in (trip.start_date, trip.end_date) if d) or trip.published
    return ", ".join(p for p in (place, when) if p)


def trip_facts(trip: TripRecord | None) -> list[tuple[str, str]]:
    """Catalogue facts shown beside a citation: organisation, place, dates, travellers."""
    if trip is None:
        return []
    period = _period(trip)
    if trip.duration_text:
        period = f"{period} ({trip.duration_text})" if period else trip.duration_text
    rows = [
        ("기관", trip.organisation), ("출장지", " ".join([*trip.countries, *trip.cities])), ("기간", period),
        ("출장자", ", ".join(trip.travellers)), ("보도일", trip.published),
    ]
    return [(k, v) for k, v in rows if v]


def render_sources(answer: dict | None, turn: int, active: int | None, qa: QA) -> str:
    """The sources panel: one card per citation, its passage in context with the quote highlighted."""
    if not answer:
        return '<p class="qa-empty">답변의 [1], [2] 표시나 출처를 누르면 여기에서 근거 구절을 확인할 수 있습니다.</p>'
    if answer["abstained"]:
        return "<p>이 질문에는 보고서에서 근거를 찾지 못했습니다. 답변 아래의 가까운 문서를 눌러 원문을 확인해 보세요.</p>"
    cards = []
    for c in answer["citations"]:
        doc = qa.document(c["source"])
        rows = [("파일", c["source"]), ("같은 보고서", ", ".join(c.get("duplicates", []))), ("위치", _where(c))]
        rows += trip_facts(qa.trip(c["source"]))
        dl = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in rows if v)
        if doc is not None:
            start = max(0, c["start"] - CONTEXT_CHARS)
            end = min(len(doc.text), c["end"] + CONTEXT_CHARS)
            start = doc.text.rfind("\n", 0, c["start"] - CONTEXT_CHARS // 2) + 1 if start else 0
            passage = _highlighted(doc.text[start:end], [tuple(h) for h in c["highlights"]], start)
            passage = ("… " if start else "") + passage + (" …" if end < len(doc.text) else "")
        else:
            passage = f"<mark>{html.escape(c['quote'])}</mark>"
        title = html.escape(c.get("title") or c["source"])
        cls = "qa-card active" if c["n"] == active else "qa-card"
        cards.append(
            f'<div class="{cls}" id="qa-card-{c["n"]}"><h4>[{c["n"]}] {title}</h4><dl>{dl}</dl>'
            f'<div class="qa-passage">{passage}</div>'
            f'<p><a href="#qa:doc:{turn}:{c["n"]}">원문 보기</a></p></div>'
        )
    return "".join(cards)


def render_document(doc: IndexedDocument | None, spans: list[tuple[int, int]], trip: TripRecord | None = None) -> str:
    """The whole cleaned document, passage highlighted (the page scrolls to it)."""
    if doc is None:
        return "<p>이 문서는 색인에 없습니다.</p>"
    rows = [("파일", doc.source), ("같은 보고서", ", ".join(doc.duplicates))] + trip_facts(trip)
    rows = [(k, v) for k, v in rows if v]
    head = " · ".join(html.escape(v) for _, v in rows)
    body = _highlighted(doc.text, spans, 0, doc.page_starts)
    title = html.escape(doc.facts.title or doc.source)
    return f'<h3>원문: {title}</h3><p>{head}</p><div class="qa-fulltext">{body}</div>'


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{max(n, 1) / 1024:.0f} KB"


def render_documents(qa: QA) -> str:
    """The 문서 tab: every corpus file with its title, type, organisation, dates, size and index status
    (indexed, the same report as another file, or left out with the reason)."""
    report = qa.ingest_report().get("files", [])
    indexed = qa.documents()
    skipped = [f for f in report if f["status"] == "error"]
    rows = []
    for doc in indexed:
        trip = qa.trip(doc.source) or doc.facts
        status = "색인됨" + (f" (같은 보고서: {', '.join(doc.duplicates)})" if doc.duplicates else "")
        rows.append((trip.title or doc.source, doc.source, DOC_TYPES.get(trip.doc_type, ""), trip.organisation,
                     _period(trip) or trip.published, _size(doc.size), status))
    for f in skipped:
        rows.append(("", f["file"], "", "", "", "", f"❌ 건너뜀: {f['reason']}"))
    head = f"<p><b>색인 상태</b>: 문서 {len(indexed)}개 색인"
    head += f", 건너뛴 파일 {len(skipped)}개</p>" if skipped else ", 건너뛴 파일 없음</p>"
    table = _labelled_table(("제목", "파일", "종류", "기관", "기간", "크기", "상태"), rows, "qa-trips qa-docs")
    return f'{head}<div class="qa-doc-list">{table}</div>'


def _labelled_table(labels: tuple[str, ...], rows: list[tuple], cls: str = "qa-trips") -> str:
    """An HTML table whose cells carry their column's label (a card's field names at phone width);
    empty cells stay empty, so a card leaves them out."""
    thead = "".join(f"<th>{label}</th>" for label in labels)
    body = "".join(
        "<tr>" + "".join(f'<td data-label="{label}">{html.escape(str(v))}</td>' if v else "<td></td>"
                         for label, v in zip(labels, row)) + "</tr>"
        for row in rows
    )
    return f'<table class="{cls}"><thead><tr>{thead}</tr></thead><tbody>{body}</tbody></table>'


# --------------------------------------------------------------------------- the page


def _document_choices(qa: QA) -> list[tuple[str, str]]:
    return [(f"{d.facts.title or d.source} ({d.source})", d.source) for d in qa.documents()]


def trip_filter(country: str, organisation: str, date_from: str, date_to: str, doc_type: str = "") -> TripFilter:
    """The page's filter fields as a TripFilter; a malformed or impossible date is an error the user sees."""
    try:
        return TripFilter(country=country or "", organisation=organisation or "", date_from=(date_from or "").strip(),
                          date_to=(date_to or "").strip(), doc_type=doc_type or "")
    except ValueError as exc:
        raise gr.Error(str(exc), title="입력 오류") from None


TRIPS_SHOWN = 1000  # rows drawn in the page's list; the CSV holds every trip of the filter


def render_trip_table(trips: list[TripRecord]) -> str:
    """The trip list as an HTML table: a click on a header sorts it (the page's script), a click on a
    row opens the trip; at phone width each row is a card (CSS)."""
    columns = [  # (label, sort key, sort type, value, sort value)
        ("출장명", "title", "text", lambda t: t.title or t.source, None),
        ("기관", "org", "text", lambda t: t.organisation, None),
        ("나라", "country", "text", lambda t: ", ".join(t.countries), None),
        ("도시", "city", "text", lambda t: ", ".join(t.cities), None),
        ("출발", "start", "text", lambda t: t.start_date or t.published, None),
        ("귀국", "end", "text", lambda t: t.end_date, None),
        ("기간", "days", "num", lambda t: t.duration_text, lambda t: t.duration_days or ""),
        ("인원", "people", "num", lambda t: "" if t.traveller_count is None else f"{t.traveller_count}명",
         lambda t: "" if t.traveller_count is None else t.traveller_count),
        ("문서 종류", "type", "text", lambda t: DOC_TYPES.get(t.doc_type, ""), None),
    ]
    head = "".join(f'<th data-key="{key}" data-type="{kind}" scope="col">{label}</th>'
                   for label, key, kind, _, _ in columns)
    rows = []
    for trip in trips[:TRIPS_SHOWN]:
        cells = []
        for i, (label, _key, _kind, value, sort_value) in enumerate(columns):
            text = html.escape(str(value(trip) or ""))
            sort_attr = f' data-v="{html.escape(str(sort_value(trip)))}"' if sort_value else ""
            if i == 0:
                href = "#qa:trip:" + quote(trip.source, safe="")
                cells.append(f'<td class="qa-title" data-label="{label}"><a href="{href}">{text}</a></td>')
            else:
                cls = ' class="qa-nowrap"' if label in ("출발", "귀국", "기간", "인원") else ""
                cells.append(f'<td{cls} data-label="{label}"{sort_attr}>{text}</td>' if text else "<td></td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = (f'<p>처음 {TRIPS_SHOWN}건만 보입니다. 조건으로 좁히거나 CSV로 모두 받으세요.</p>'
            if len(trips) > TRIPS_SHOWN else "")
    return f'<table class="qa-trips"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}'


def _period(trip: TripRecord) -> str:
    """"2025-11-09 ~ 2025-11-12", or the one date known, or ''."""
    return " ~ ".join(d for d in (trip.start_date, trip.end_date) if d)


def trip_charts(trips: list[TripRecord]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The trips (not the undated, placeless documents) counted by month of departure, by country
    and by organisation (the 12 with most trips)."""
    trips = [t for t in trips if is_trip(t)]

    def counts(values: list[str], column: str, top: int | None = None) -> pd.DataFrame:
        series = pd.Series([v for v in values if v], dtype=str).value_counts()
        series = series.head(top) if top else series.sort_index()
        return pd.DataFrame({column: series.index, "출장 수": series.values})

    months = counts([(t.start_date or t.published)[:7] for t in trips], "출발 월")
    countries = counts([c for t in trips for c in t.countries], "나라", top=15)
    organisations = counts([t.organisation for t in trips], "기관", top=12)
    return months, countries, organisations


def render_compare(trips: list[TripRecord], lessons: dict[str, str]) -> str:
    """2-4 trips side by side: dates, duration, travellers, places, purpose, lesson."""
    if len(trips) < 2:
        return "<p>비교할 출장을 두 개 이상 (네 개까지) 고르세요.</p>"
    rows = [
        ("기관", lambda t: t.organisation),
        ("출장지", lambda t: " ".join([*t.countries, *t.cities])),
        ("기간", lambda t: _period(t) or t.published),
        ("일수", lambda t: t.duration_text or (f"{t.duration_days}일" if t.duration_days else "")),
        ("인원", lambda t: f"{t.traveller_count}명" if t.traveller_count else ""),
        ("목적", lambda t: t.purpose),
        ("시사점", lambda t: lessons.get(t.source, "")),
        ("파일", lambda t: t.source),
    ]
    head = "".join(f"<th>{html.escape(t.title or t.source)}</th>" for t in trips)
    body = "".join(
        f"<tr><th>{name}</th>" + "".join(f"<td>{html.escape(str(get(t) or '—'))}</td>" for t in trips) + "</tr>"
        for name, get in rows
    )
    return f'<table class="qa-compare"><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>'


def render_trip(trip: TripRecord | None, doc: IndexedDocument | None) -> str:
    """A trip's summary (every catalogue field) and its report, the fields highlighted where they were found."""
    if trip is None:
        return "<p>표에서 출장을 고르면 요약과 원문이 여기에 나옵니다.</p>"
    period = _period(trip)
    rows = [
        ("문서 종류", DOC_TYPES.get(trip.doc_type, "")), ("기관", trip.organisation),
        ("출장지", " ".join([*trip.countries, *trip.cities])),
        ("기간", f"{period} ({trip.duration_text})" if period and trip.duration_text else period or trip.duration_text),
        # Where the report's summary says otherwise (the header's value is the one above).
        ("요약에는", summary_said(trip)),
        ("인원", "" if trip.traveller_count is None else f"{trip.traveller_count}명"),
        ("출장자", ", ".join(trip.travellers)), ("목적", trip.purpose), ("주요 일정", " / ".join(trip.events)),
        ("보도일", trip.published), ("파일", trip.source),
    ]
    dl = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in rows if v)
    title = html.escape(trip.title or trip.source)
    card = f'<div class="qa-card active"><h4>{title}</h4><dl>{dl}</dl><a class="qa-back" href="#qa-trips">↑ 목록으로</a></div>'
    spans = sorted({(p.start, p.end) for p in trip.provenance.values()})
    return card + render_document(doc, spans)


def _excerpt(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_feedback(records: list[dict]) -> str:
    """The operator's list of 👎 answers: when, the question, the answer given, the visitor's comment."""
    if not records:
        return "<p>아직 👎 받은 답변이 없습니다.</p>"
    rows = [(r["time"][:16].replace("T", " "), r["question"], _excerpt(r.get("answer", ""), 160), r.get("comment", ""))
            for r in records]
    return f'<p>👎 {len(records)}건</p>' + _labelled_table(("시각", "질문", "답변", "의견"), rows)


def browser_secret(settings: Settings) -> str:
    """The key that encrypts conversations in visitors' browsers: made once, kept beside the index, so
    a restart still reads them."""
    path = settings.index_dir / "browser_secret"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        secret = secrets.token_urlsafe(24)
        try:
            settings.index_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secret, encoding="utf-8")
            path.chmod(0o600)
        except OSError:  # a read-only index folder: conversations last until the restart
            pass
        return secret


def build_app(qa: QA) -> gr.Blocks:
    settings = qa.settings
    if not settings.llm_configured:  # the operator's business, not the visitor's
        log.info("LLM 답변을 쓰려면 QA_LLM_BASE_URL과 QA_LLM_MODEL을 설정하세요 (지금은 보고서 발췌로만 답합니다).")

    def submit(
        message: str, history: list, answers: list, sources: list[str], k: int, mode: str,
        country: str, organisation: str, date_from: str, date_to: str,
    ):
        message = (message or "").strip()
        if not message:
            gr.Warning("질문을 입력해 주세요.", title=NOTICE_TITLE)
            yield history, answers, gr.skip(), gr.skip(), message
            return
        try:
            qa.check_question(message)
        except ValueError as exc:  # too long: said before anything is added to the conversation
            gr.Warning(str(exc), title=NOTICE_TITLE)
            yield history, answers, gr.skip(), gr.skip(), message
            return
        where = trip_filter(country, organisation, date_from, date_to)  # a bad date stops here, visibly
        history = history + [
            {"role": "user", "content": _md(message)},  # the asker's text is shown, never rendered
            {"role": "assistant", "content": "보고서에서 찾는 중…"},
        ]
        yield history, answers, gr.skip(), gr.skip(), ""
        answer, text = None, ""
        options = dict(k=int(k), sources=sources or None, history=answers, where=where)
        try:
            for item in qa.stream(message, llm=mode == "llm", **options):
                if isinstance(item, str):  # the LLM's words as they arrive; checked at the end
                    text += item
                    history[-1] = {"role": "assistant", "content": _md(text) + " ▌"}
                    yield history, answers, gr.skip(), gr.skip(), ""
                else:
                    answer = item
        except LLMConfigError as exc:
            # The setting to fix is the operator's business (the log); the visitor gets the answer.
            log.warning("LLM 설정 오류: %s", exc)
            gr.Warning(LLM_UNAVAILABLE, title=NOTICE_TITLE)
            answer = qa.ask(message, **options)
            answer.notice = LLM_UNAVAILABLE
        answer = answer.to_json()
        answers = answers + [answer]
        turn = len(answers) - 1
        facts = {c["source"]: short_facts(qa.trip(c["source"])) for c in answer["citations"]}
        history[-1] = {"role": "assistant", "content": render_answer(answer, turn, facts)}
        yield history, answers, render_sources(answer, turn, 1, qa), "", ""

    exports = Path(tempfile.mkdtemp(prefix="qa-trips-"))  # one folder per app: CSV exports, originals

    def export_file(key: str, name: str, write) -> Path:
        """`<this app's export folder>/<hash of key>/<name>`, written by `write(path)` to a temporary
        file first: sessions asking for the same file never see a half-written one."""
        folder = exports / hashlib.sha1(key.encode()).hexdigest()[:12]
        folder.mkdir(parents=True, exist_ok=True)
        part = folder / f".{threading.get_ident()}.part"
        write(part)
        part.replace(folder / name)
        return folder / name

    def original_download(source: str):
        """The download button for a document's original file (a copy, so Gradio serves nothing of the corpus itself)."""
        path = qa.original(source) if source else None
        if path is None:
            return gr.update(visible=False, value=None)
        copy = export_file(f"original:{source}", path.name, lambda part: shutil.copyfile(path, part))
        return gr.update(visible=True, value=str(copy), label=f"원본 파일 받기 ({path.name})")

    def follow_link(value: str, answers: list):
        """A click on a marker, a source or a nearest document inside an answer, or on a trip row."""
        keep = (gr.skip(),) * 4
        kind, _, rest = (value or "").removeprefix("qa:").partition(":")
        if kind == "trip":
            source = unquote(rest.rpartition(":")[0])
            return gr.skip(), gr.skip(), gr.skip(), render_trip(qa.trip(source), qa.document(source))
        try:
            turn, n, _nonce = rest.split(":")
            answer = answers[int(turn)]
            n = int(n)
        except (ValueError, IndexError):
            return keep
        if kind == "cite":
            return render_sources(answer, int(turn), n, qa), gr.skip(), gr.skip(), gr.skip()
        if kind == "doc":
            c = next((c for c in answer["citations"] if c["n"] == n), None)
            if c is None:
                return keep
            spans = [tuple(h) for h in c["highlights"]] or [(c["start"], c["end"])]
            doc_html = render_document(qa.document(c["source"]), spans, qa.trip(c["source"]))
            return render_sources(answer, int(turn), n, qa), doc_html, original_download(c["source"]), gr.skip()
        if kind == "near" and n < len(answer["nearest"]):
            source = answer["nearest"][n]["source"]
            return gr.skip(), render_document(qa.document(source), [], qa.trip(source)), original_download(source), gr.skip()
        return keep

    def on_like(answers: list, data: gr.LikeData):
        turn = data.index if isinstance(data.index, int) else data.index[0]
        turn //= 2  # user and assistant messages alternate
        if turn >= len(answers):
            return gr.skip(), None, gr.skip()
        verdict = "up" if data.liked in (True, "Like") else "down"
        feedback_id = record_feedback(settings.feedback_log, answers[turn], verdict)
        gr.Info("평가를 기록했습니다. 의견을 덧붙이려면 아래에 적어 주세요.", title=NOTICE_TITLE)
        # The comment box names the answer it is about (the box cannot sit inside the chat bubble).
        mark = "👍" if verdict == "up" else "👎"
        about = f"{mark} {turn + 1}번째 질문 「{_excerpt(answers[turn].get('question', ''))}」의 답에 대한 의견 (선택)"
        return gr.update(visible=True), {"id": feedback_id, "turn": turn, "verdict": verdict}, gr.update(label=about)

    def send_comment(comment: str, pending: dict | None, answers: list):
        if pending and comment.strip():
            record_feedback(settings.feedback_log, answers[pending["turn"]], pending["verdict"], comment, pending["id"])
            gr.Info("의견 고맙습니다.", title=NOTICE_TITLE)
        return gr.update(visible=False), "", None

    def upload(files: list[str] | None, progress=gr.Progress()):
        if not files:
            return "추가할 파일을 골라 주세요.", gr.skip(), gr.skip(), gr.skip()
        stages = {"files": "파일 읽는 중", "chunks": "구절 임베딩 중", "sentences": "문장 임베딩 중"}

        def report(stage: str, done: int, total: int) -> None:
            progress((done, total), desc=stages.get(stage, stage), unit="개")

        pairs = [(Path(f), Path(f).name) for f in files]
        outcomes, build = qa.add_files(pairs, progress=report)
        lines = ["| 파일 | 결과 |", "|---|---|"]
        for o in outcomes:
            mark = "✅" if o.ok else "❌"
            lines.append(f"| {_md(o.name)} | {mark} {_md(o.message)} |")
        if build:
            lines.append(f"\n색인 문서 {len(qa.documents())}개 · 구절 {build.chunks}개")
        choices = gr.update(choices=_document_choices(qa))
        return "\n".join(lines), choices, render_documents(qa), choices

    def new_conversation():
        hidden = gr.update(visible=False)
        return [], [], render_sources(None, 0, None, qa), "", hidden, hidden, None, "", hidden, hidden

    def past_choices(saved: list[dict]) -> list[tuple[str, str]]:
        return [(f"{c['title']} · {c['time'][:10]}", c["id"]) for c in saved or [] if isinstance(c, dict) and "id" in c]

    def exports_of(entry: dict):
        """Download buttons for one conversation as Markdown and JSON (files in this app's folder)."""
        paths = []
        for suffix, text in ((".md", conversations.to_markdown(entry)), (".json", conversations.to_json(entry))):
            path = export_file(f"conversation:{entry['id']}", f"대화{suffix}",
                               lambda part, text=text: part.write_text(text, encoding="utf-8"))
            paths.append(gr.update(value=str(path), visible=True))
        return paths

    def keep_conversation(conversation_id: str, history: list, answers: list, saved: list):
        """After each answer: the conversation is stored in the browser and can be exported."""
        if not answers:
            return gr.skip(), gr.skip(), conversation_id, gr.skip(), gr.skip()
        saved, conversation_id = conversations.remember(saved, conversation_id, history, answers)
        return (saved, gr.update(choices=past_choices(saved), value=conversation_id), conversation_id,
                *exports_of(saved[0]))

    def reopen(picked: str, saved: list):
        entry = next((c for c in saved or [] if c.get("id") == picked), None)
        if entry is None:
            return (gr.skip(),) * 9
        hidden = gr.update(visible=False)
        return (entry["history"], entry["answers"], render_sources(None, 0, None, qa), "", hidden, entry["id"],
                *exports_of(entry), gr.update(open=False))

    def forget(picked: str, saved: list, conversation_id: str):
        saved = [c for c in saved or [] if c.get("id") != picked]
        return saved, gr.update(choices=past_choices(saved), value=None), "" if picked == conversation_id else conversation_id

    def list_trips(country: str, organisation: str, date_from: str, date_to: str, doc_type: str):
        where = trip_filter(country, organisation, date_from, date_to, doc_type)
        trips = qa.trips(where)
        text = trips_csv(trips, korean_header=True)
        # BOM: spreadsheets read it as UTF-8. One file per filter.
        csv_path = export_file(repr(where), "출장목록.csv", lambda part: part.write_text(text, encoding="utf-8-sig"))
        return (f"출장 **{len(trips)}**건", render_trip_table(trips), str(csv_path), *trip_charts(trips))

    def compare(sources: list[str] | None):
        trips = [t for s in sources or [] if (t := qa.trip(s)) is not None]
        return render_compare(trips, {t.source: qa.lesson(t.source) for t in trips})

    trip_values = qa.trips()
    countries = sorted({c for t in trip_values for c in t.countries})
    organisations = sorted({t.organisation for t in trip_values if t.organisation})

    # Uploaded and exported files Gradio keeps are deleted after a day (checked hourly).
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        gr.Markdown(f"# {TITLE}\n공무원 국외출장 결과보고서와 관련 기사에서 답을 찾아, 근거 구절과 함께 보여 줍니다.",
                    elem_id="qa-title")
        answers = gr.State([])
        conversation_id = gr.State("")
        # Conversations live in the visitor's browser (localStorage, encrypted with this index's key).
        saved = gr.BrowserState([], storage_key="qa-conversations", secret=browser_secret(settings))
        pending_feedback = gr.State(None)
        with gr.Tabs():
            with gr.Tab("질문하기", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=320):
                        with gr.Row(equal_height=True):
                            gr.Markdown("보고서에 대해 궁금한 점을 물어보세요.", elem_id="qa-intro")
                            new_chat = gr.Button("새 대화", size="sm", scale=0, min_width=90, elem_id="qa-new-chat")
                        with gr.Accordion("지난 대화 · 내보내기", open=False, elem_id="qa-past-box") as past_box:
                            past = gr.Radio([], label="지난 대화 (이 브라우저에만 저장됩니다)", elem_id="qa-past")
                            with gr.Row():
                                open_past = gr.Button("열기", size="sm", elem_id="qa-past-open")
                                delete_past = gr.Button("삭제", size="sm", elem_id="qa-past-delete")
                            with gr.Row():
                                export_md = gr.DownloadButton("지금 대화를 Markdown으로 받기", visible=False, size="sm",
                                                              elem_id="qa-export-md")
                                export_json = gr.DownloadButton("JSON으로 받기", visible=False, size="sm",
                                                                elem_id="qa-export-json")
                        with gr.Accordion("검색 범위", open=False):
                            with gr.Row():
                                country = gr.Dropdown(["", *countries], value="", label="나라", allow_custom_value=True)
                                organisation = gr.Dropdown(["", *organisations], value="", label="기관",
                                                           allow_custom_value=True)
                                date_from = gr.Textbox(label="이후 (YYYY-MM-DD)", placeholder="2025-01-01")
                                date_to = gr.Textbox(label="이전 (YYYY-MM-DD)", placeholder="2025-12-31")
                            sources = gr.Dropdown(
                                choices=_document_choices(qa), multiselect=True, label="문서 선택 (비우면 전체)"
                            )
                        with gr.Accordion("고급 설정", open=False, elem_id="qa-advanced"):
                            k = gr.Slider(1, 10, value=settings.top_k, step=1, label="답을 찾을 때 읽는 구절 수",
                                          info="많을수록 여러 보고서를 두루 보지만 답이 길어질 수 있습니다.")
                            # Without an LLM there is nothing to choose: the operator's log says how to set one.
                            mode = gr.Radio(
                                [("보고서 발췌", "extractive"), ("LLM 답변", "llm")],
                                value="extractive",
                                label="답변 방식",
                                visible=settings.llm_configured,
                                info="LLM 답변은 문장마다 보고서 구절과 대조해 확인합니다.",
                            )
                        chatbot = gr.Chatbot(
                            label="대화",
                            height=480,
                            buttons=["copy", "copy_all"],
                            placeholder="보고서에 대해 궁금한 점을 물어보세요. 답변의 [1] 표시를 누르면 근거가 보입니다.",
                            elem_id="qa-chat",
                        )
                        with gr.Row(visible=False) as comment_row:
                            comment = gr.Textbox(label="의견 (선택)", placeholder="무엇이 좋았거나 틀렸나요?", scale=4,
                                                 max_length=MAX_COMMENT_CHARS)
                            send = gr.Button("의견 보내기", scale=1)
                        with gr.Row():
                            question = gr.Textbox(
                                label="질문",
                                placeholder="예: ASCC에서 무엇을 발표했나?",
                                scale=5,
                                autofocus=True,
                                max_lines=3,
                            )
                            ask_button = gr.Button("보내기", variant="primary", scale=1, min_width=80)
                        gr.Markdown("예시 질문")
                        with gr.Row():
                            example_buttons = [gr.Button(e, size="sm") for e in EXAMPLES]
                    with gr.Column(scale=2, min_width=300, elem_id="qa-side"):
                        gr.HTML('<button id="qa-sheet-close" type="button">← 대화로 돌아가기</button>', elem_id="qa-sheet-bar")
                        gr.Markdown("### 출처")
                        panel = gr.HTML(render_sources(None, 0, None, qa), elem_id="qa-sources")
                        document = gr.HTML("", elem_id="qa-doc")
                        original = gr.DownloadButton("원본 파일 받기", visible=False, size="sm", elem_id="qa-original")
            with gr.Tab("출장 목록", id="trips") as trips_tab:
                gr.Markdown("보고서마다 뽑아 둔 출장 정보입니다. 조건으로 거르고, 열 제목을 눌러 정렬하고, 출장을 누르면 요약과 원문이 아래에 보입니다.")
                with gr.Row():
                    t_country = gr.Dropdown(["", *countries], value="", label="나라", allow_custom_value=True)
                    t_org = gr.Dropdown(["", *organisations], value="", label="기관", allow_custom_value=True)
                    t_from = gr.Textbox(label="이후 (YYYY-MM-DD)", placeholder="2025-01-01")
                    t_to = gr.Textbox(label="이전 (YYYY-MM-DD)", placeholder="2025-12-31")
                    t_type = gr.Dropdown([("전체", ""), *[(v, k) for k, v in DOC_TYPES.items()]], value="",
                                         label="문서 종류")
                trip_count = gr.Markdown(elem_id="qa-trip-count")
                trip_table = gr.HTML(render_trip_table(qa.trips()), elem_id="qa-trips")
                export = gr.DownloadButton("CSV로 내보내기", elem_id="qa-trips-csv")
                with gr.Row(elem_id="qa-trip-charts"):
                    # Counts: bars start at zero (a single trip would otherwise draw no bar).
                    bars = {"y": "출장 수", "height": 260, "y_lim": [0, None]}
                    chart_months = gr.BarPlot(x="출발 월", title="월별 출장", elem_id="qa-chart-months", **bars)
                    chart_countries = gr.BarPlot(x="나라", title="나라별 출장", sort="-y", elem_id="qa-chart-countries", **bars)
                    chart_orgs = gr.BarPlot(x="기관", title="기관별 출장", sort="-y", elem_id="qa-chart-orgs", **bars)
                trip_view = gr.HTML(render_trip(None, None), elem_id="qa-trip")
                gr.Markdown("### 출장 비교")
                compare_pick = gr.Dropdown(
                    [(t.title or t.source, t.source) for t in qa.trips() if is_trip(t)], multiselect=True, max_choices=4,
                    label="비교할 출장 (2~4개)", elem_id="qa-compare-pick",
                )
                compare_view = gr.HTML(render_compare([], {}), elem_id="qa-compare")
                gr.Markdown("### 비슷한 이전 출장 찾기\n출장을 준비할 때 참고할 이전 출장입니다: 같은 도시, 같은 나라(또는 지역) "
                            "출장을 먼저, 이어서 주제가 가까운 출장을 보이고, 보고서의 시사점 문장을 함께 보여 줍니다.")
                with gr.Row():
                    p_country = gr.Textbox(label="나라 또는 지역", placeholder="핀란드, 유럽, 동남아", elem_id="qa-prior-country")
                    p_city = gr.Textbox(label="도시", placeholder="헬싱키", elem_id="qa-prior-city")
                    p_topic = gr.Textbox(label="주제", placeholder="교육 연수, 스마트팜, 재난안전", elem_id="qa-prior-topic")
                    p_button = gr.Button("찾기", variant="primary", elem_id="qa-prior-find")
                prior_result = gr.Markdown(elem_id="qa-prior")
            with gr.Tab("문서", id="documents"):
                ingest = gr.HTML(render_documents(qa), elem_id="qa-ingest")  # fresh on page load and after uploads
                with gr.Row():
                    doc_pick = gr.Dropdown(choices=_document_choices(qa), label="문서 고르기", elem_id="qa-doc-pick")
                    doc_download = gr.DownloadButton("원본 파일 받기", visible=False, elem_id="qa-doc-download")
                with gr.Accordion("고른 문서 지우기 · 바꾸기", open=False):
                    gr.Markdown("지운 파일과 바뀐 이전 파일은 코퍼스 폴더 안의 `.trash`로 옮겨 두며, 색인은 바로 따라 바뀝니다.")
                    with gr.Row():
                        doc_delete = gr.Button("색인과 코퍼스에서 빼기", variant="stop", elem_id="qa-doc-delete")
                        doc_new = gr.File(label="바꿀 새 파일", file_count="single", elem_id="qa-doc-new")
                        doc_replace = gr.Button("새 파일로 바꾸기", elem_id="qa-doc-replace")
                    doc_result = gr.Markdown(elem_id="qa-doc-result")
                gr.Markdown("### 문서 추가")
                limit = f"{settings.upload_max_mb:g} MB"
                gr.Markdown(
                    f"보고서 파일을 추가하면 바로 색인되어 질문에 쓰입니다. "
                    f"가능한 형식: {', '.join(settings.upload_types)} · 파일당 최대 {limit}"
                )
                # No `file_types` here: Gradio would refuse the whole batch, in English, for one
                # file of another type. Each file is checked on its own (qa.uploads), in Korean.
                files = gr.File(label="파일", file_count="multiple", elem_id="qa-upload")
                add_button = gr.Button("색인에 추가", variant="primary")
                upload_result = gr.Markdown(elem_id="qa-upload-result")
            # The operator's view of 👎 answers (QA_FEEDBACK_VIEW=true); visitors never see it by default.
            with gr.Tab("피드백", id="feedback", visible=settings.feedback_view) as feedback_tab:
                feedback_list = gr.HTML(elem_id="qa-feedback")
                export_feedback = gr.Button("회귀 질문 파일로 내보내기", elem_id="qa-feedback-export")
                export_result = gr.Markdown(elem_id="qa-feedback-result")
        link = gr.Textbox(visible="hidden", elem_id="qa-link")

        chat_io = dict(
            inputs=[question, chatbot, answers, sources, k, mode, country, organisation, date_from, date_to],
            outputs=[chatbot, answers, panel, document, question],
            api_visibility="private",
        )
        keep_io = dict(fn=keep_conversation, inputs=[conversation_id, chatbot, answers, saved],
                       outputs=[saved, past, conversation_id, export_md, export_json], api_visibility="private")
        question.submit(submit, **chat_io).then(**keep_io)
        ask_button.click(submit, **chat_io).then(**keep_io)
        for button, text in zip(example_buttons, EXAMPLES):
            button.click(lambda t=text: t, None, question, api_visibility="private").then(submit, **chat_io).then(**keep_io)
        app.load(lambda s: gr.update(choices=past_choices(s)), [saved], [past], api_visibility="private")
        open_past.click(reopen, [past, saved], [chatbot, answers, panel, document, original, conversation_id,
                                                export_md, export_json, past_box], api_visibility="private")
        delete_past.click(forget, [past, saved, conversation_id], [saved, past, conversation_id], api_visibility="private")
        link.change(follow_link, [link, answers], [panel, document, original, trip_view],
                    api_visibility="private").then(None, [link], js=SCROLL_TO_OPENED)
        chatbot.like(on_like, [answers], [comment_row, pending_feedback, comment], api_visibility="private")
        send.click(send_comment, [comment, pending_feedback, answers], [comment_row, comment, pending_feedback],
                   api_visibility="private")
        comment.submit(send_comment, [comment, pending_feedback, answers], [comment_row, comment, pending_feedback],
                       api_visibility="private")
        reset = [chatbot, answers, panel, document, original, comment_row, pending_feedback, conversation_id,
                 export_md, export_json]
        new_chat.click(new_conversation, None, reset, api_visibility="private")
        chatbot.clear(new_conversation, None, reset, api_visibility="private")
        add_button.click(upload, [files], [upload_result, sources, ingest, doc_pick], api_visibility="private")
        doc_pick.change(original_download, [doc_pick], [doc_download], api_visibility="private")

        def after_change(message: str):
            choices = gr.update(choices=_document_choices(qa), value=None)
            return message, render_documents(qa), choices, gr.update(choices=_document_choices(qa)), gr.update(visible=False)

        def delete_document(source: str | None):
            if not source:
                return after_change("지울 문서를 먼저 고르세요.")
            try:
                trash = qa.remove_document(source)
            except (ValueError, IndexUnavailable) as exc:
                return after_change(f"❌ {_md(str(exc))}")
            return after_change(f"✅ {_md(source)}을(를) 뺐습니다. 파일은 {_code(trash.name)}로 `.trash`에 있습니다.")

        def replace_document(source: str | None, new_file: str | None):
            if not source or not new_file:
                return after_change("바꿀 문서와 새 파일을 모두 고르세요.")
            try:
                outcome = qa.replace_document(source, Path(new_file), Path(new_file).name)
            except (ValueError, IndexUnavailable) as exc:
                return after_change(f"❌ {_md(str(exc))}")
            return after_change(("✅ " if outcome.ok else "❌ ") + _md(outcome.message))

        doc_outputs = [doc_result, ingest, doc_pick, sources, doc_download]
        doc_delete.click(delete_document, [doc_pick], doc_outputs, api_visibility="private")
        doc_replace.click(replace_document, [doc_pick, doc_new], doc_outputs, api_visibility="private")
        app.load(lambda: render_documents(qa), None, ingest, api_visibility="private")
        if settings.feedback_view:
            def write_regressions() -> str:
                added = export_regression_questions(settings.feedback_log, settings.feedback_regressions)
                return (f"👎 답변 {added}개를 `{_md(str(settings.feedback_regressions))}`에 질문으로 추가했습니다. "
                        "keys(답에 있어야 할 말)를 채운 뒤 `qa eval`로 쓰세요.")

            feedback_tab.select(lambda: render_feedback(disliked(settings.feedback_log)), None, feedback_list,
                                api_visibility="private")
            export_feedback.click(write_regressions, None, export_result, api_visibility="private")
        trip_inputs = [t_country, t_org, t_from, t_to, t_type]
        trip_outputs = [trip_count, trip_table, export, chart_months, chart_countries, chart_orgs]
        compare_pick.change(compare, [compare_pick], [compare_view], api_visibility="private")
        for control in (t_country, t_org, t_type):
            control.change(list_trips, trip_inputs, trip_outputs, api_visibility="private").then(None, js=RESORT)
        for control in (t_from, t_to):
            control.submit(list_trips, trip_inputs, trip_outputs, api_visibility="private").then(None, js=RESORT)
            control.blur(list_trips, trip_inputs, trip_outputs, api_visibility="private").then(None, js=RESORT)
        trips_tab.select(list_trips, trip_inputs, trip_outputs, api_visibility="private").then(None, js=RESORT)
        app.load(list_trips, trip_inputs, trip_outputs, api_visibility="private")

        def find_prior(country: str, city: str, topic: str) -> str:
            if not (country.strip() or city.strip() or topic.strip()):
                return "나라, 도시, 주제 가운데 하나 이상을 적어 주세요."
            return render_listing(qa.prior_trips(topic.strip(), country.strip(), city.strip()).to_json())

        for control in (p_button.click, p_topic.submit, p_country.submit, p_city.submit):
            control(find_prior, [p_country, p_city, p_topic], [prior_result], api_visibility="private")

        def ask(question: str, k: int = 0, llm: bool = False) -> dict:
            """The same JSON object as `qa ask --json`; k = 0 uses the configured number of passages."""
            try:
                return qa.ask(question, k=k or None, llm=llm).to_json()
            except (LLMConfigError, ValueError) as exc:
                raise gr.Error(str(exc), title="오류") from exc

        gr.api(ask, api_name="ask")
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="출장 보고서 질의응답 웹 페이지")
    parser.add_argument("--host", default="127.0.0.1", help="기본값은 이 컴퓨터에서만 접속 가능한 127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--corpus", action="append", help="코퍼스 폴더 (기본: seeds/)")
    parser.add_argument("--index-dir", help="색인 폴더 (기본: index/)")
    parser.add_argument("--share", action="store_true", help="Gradio 공개 링크 만들기 (기본: 끔)")
    parser.add_argument("--replace-index", action="store_true",
                        help="색인 폴더에 다른 코퍼스의 색인이 있어도 --corpus로 다시 만듭니다")
    args = parser.parse_args()
    overrides: dict = {"replace_index": True} if args.replace_index else {}
    if args.corpus:
        overrides["corpus"] = [Path(p) for p in args.corpus]
    if args.index_dir:
        overrides["index_dir"] = Path(args.index_dir)
    settings = Settings(**overrides)
    # The browser gets a page at once: the build's progress, until the chat page can start.
    progress = BuildProgress(also=TqdmProgress())
    try:
        page = BuildPage(args.host, args.port, progress, TITLE, allowed_hosts(args.host, settings))
    except OSError as exc:
        raise SystemExit(f"오류: {args.host}:{args.port}에서 페이지를 열 수 없습니다 ({exc})") from None
    with page:
        try:
            qa = QA.open(settings, progress=progress)
        except IndexUnavailable as exc:
            raise SystemExit(f"오류: {exc}") from None
    serve(qa, args.host, args.port, share=args.share)


SESSIONS_KEPT = 1000


def allowed_hosts(host: str, settings: Settings) -> list[str]:
    """The Host headers the server accepts: the address it listens on, localhost, and the configured
    names. Listening on every address (0.0.0.0) without configured names accepts any host."""
    if host in ("0.0.0.0", "::") and not settings.allowed_hosts:
        return ["*"]
    local = ["127.0.0.1", "localhost", "[::1]"]
    return list(dict.fromkeys([host, *local, *settings.allowed_hosts]))


def serve(qa: QA, host: str = "127.0.0.1", port: int = 7860, share: bool = False, block: bool = True) -> gr.Blocks:
    """Serve the page. Questions run 8 at a time; an upload's rebuild never blocks them (QA swaps indexes)."""
    # Gradio's own ceiling stops huge bodies early; the per-file limit with a Korean message is ours.
    ceiling = int(qa.settings.upload_max_mb * 4 * 2**20)
    app = build_app(qa).queue(default_concurrency_limit=8)
    app.launch(
        app_kwargs={"middleware": [Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(host, qa.settings))]},
        server_name=host,
        server_port=port,
        share=share,
        max_file_size=ceiling,
        # Per-visitor state (the conversation) of at most this many sessions is kept: memory stays
        # bounded however many visitors come (eval/soak.py prints the curve).
        state_session_capacity=SESSIONS_KEPT,
        css=CSS,
        js=JS,
        footer_links=["api"],
        prevent_thread_lock=not block,
        quiet=not block,
    )
    return app


if __name__ == "__main__":
    main()
