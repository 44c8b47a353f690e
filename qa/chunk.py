"""Chunk: split a cleaned document into passages along its own structure.

Sections come from the reports' headings (📝 요약, Ⅰ. 출장개요, 1. …, [별첨 1],
"16:00 - 17:30 [세션 II] …", Markdown "# …", news headlines). Inside a section, whole sentences
(Kiwi) are packed until the target size; a chunk never crosses a section or a
page. Only a single sentence longer than the hard ceiling is cut, at a space.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from .korean import sentence_spans

_ROMAN = re.compile(r"^(?:[IVX]{1,4}|[Ⅰ-Ⅻ])\s*[.)]\s*\S")
_NUMBERED = re.compile(r"^\d{1,2}\s*[.)]\s*[^\d\s]")
_ATTACHMENT = re.compile(r"^\[\s*(?:별첨|붙임|첨부)\s*\d*\s*\]")
_SESSION = re.compile(r"^\d{1,2}:\d{2}\s*[-–~]\s*\d{1,2}:\d{2}\s*\|?\s*\[[^\]]+\]")
_SENTENCE_END = re.compile(r"(?:[.!?。…]|다|요|음|함|임|됨)$")
_BULLET_HEADING = re.compile(r"^[○◦□■▣◎●]\s*\S")
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(?=\S)")  # .md files and Word headings (see load.py)
PREAMBLE = "개요"  # text before the first heading
BODY = "본문"  # the only section of a document without headings


@dataclass(frozen=True)
class Chunk:
    id: str
    source: str
    text: str  # the passage exactly as in the cleaned document text
    section: str
    page: int | None
    start: int  # offsets of `text` in the cleaned document text
    end: int
    header: str = ""  # the trip record's line, see facts.TripRecord.header
    sentences: tuple[tuple[int, int], ...] = field(default=())  # spans within `text`

    @property
    def search_text(self) -> str:
        """What is embedded and keyword-indexed: document header, section, passage."""
        parts = [self.header, self.section if self.section != PREAMBLE else "", self.text]
        return "\n".join(p for p in parts if p)


def _starts_with_symbol(line: str) -> bool:
    # Emoji headings of the disclosure site (📝 요약); geometric bullets like ○ are below U+2600.
    return bool(line) and ord(line[0]) >= 0x2600 and unicodedata.category(line[0]) == "So"


def heading_level(line: str, next_paragraph: str, blank_around: bool, structured: bool) -> int:
    """0 for body text, else the heading level of `line` (1 = top).

    `structured` says the document already showed formal headings (Ⅰ., 📝, [별첨]);
    then the looser news-headline rule is off.
    """
    markdown = _MARKDOWN_HEADING.match(line)
    if markdown and len(line) <= 120:
        return min(len(markdown.group(1)), 4)
    if len(line) > 80:
        return 0
    if _starts_with_symbol(line) and len(line) <= 30:
        return 1
    if _ROMAN.match(line) and len(line) <= 40:
        return 1
    if _ATTACHMENT.match(line):
        return 1
    if _NUMBERED.match(line) and ":" not in line and len(line) <= 50 and not _SENTENCE_END.search(line):
        return 2
    if _BULLET_HEADING.match(line) and ":" not in line and len(line) <= 30:
        return 3
    if _SESSION.match(line):
        return 4
    # A news headline: a short line standing alone, followed by a long paragraph.
    if not structured and blank_around and len(line) <= 60 and len(next_paragraph) >= 150 and not _SENTENCE_END.search(line):
        return 1
    return 0


@dataclass
class _Unit:
    start: int
    end: int
    section: str
    page: int | None


def _is_structural(line: str) -> bool:
    return bool(_ROMAN.match(line) or _ATTACHMENT.match(line) or _starts_with_symbol(line))


def _units(text: str, page: int | None, base: int, sections: list[str]) -> list[_Unit]:
    """Sentences of one page, each tagged with the section it falls in. Updates `sections`."""
    structural = {s for s in sections if s and _is_structural(s)}
    lines = text.split("\n")
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    units: list[_Unit] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        prev_blank = i == 0 or not lines[i - 1].strip()
        next_blank = i + 1 >= len(lines) or not lines[i + 1].strip()
        nxt = ""
        for later in lines[i + 1 :]:
            if later.strip():
                nxt = later
                break
        level = heading_level(stripped, nxt, prev_blank and next_blank, structured=bool(sections) and sections[0] in structural)
        if level:
            del sections[level - 1 :]
            while len(sections) < level - 1:
                sections.append("")
            sections.append(_MARKDOWN_HEADING.sub("", stripped))
            if _is_structural(stripped):
                structural.add(stripped)
            continue
        section = " > ".join(s for s in sections if s) or PREAMBLE
        for s, e in sentence_spans(line):
            units.append(_Unit(base + offsets[i] + s, base + offsets[i] + e, section, page))
    return units


def _split_long(unit: _Unit, text: str, max_chars: int) -> list[_Unit]:
    """Cut an over-long sentence (a table row, a run-on cell) at spaces below `max_chars`."""
    pieces, s = [], unit.start
    while unit.end - s > max_chars:
        cut = text.rfind(" ", s + max_chars // 2, s + max_chars)
        cut = cut if cut > s else s + max_chars
        pieces.append(_Unit(s, cut, unit.section, unit.page))
        s = cut
        while s < unit.end and text[s] == " ":
            s += 1
    pieces.append(_Unit(s, unit.end, unit.section, unit.page))
    return pieces


def chunk_document(
    source: str,
    page_texts: list[tuple[int | None, str]],
    header: str = "",
    target_chars: int = 450,
    max_chars: int = 900,
    overlap_sentences: int = 1,
) -> tuple[str, list[Chunk]]:
    """Chunk one document. Returns the full cleaned text (pages joined) and its chunks.

    `page_texts` holds (page number or None, cleaned text) in order.
    """
    full_text, units, sections, base = "", [], [], 0
    for page, text in page_texts:
        if full_text:
            full_text += "\n\n"
            base = len(full_text)
        full_text += text
        units.extend(_units(text, page, base, sections))

    flat: list[_Unit] = []
    for u in units:
        flat.extend(_split_long(u, full_text, max_chars) if u.end - u.start > max_chars else [u])

    chunks: list[Chunk] = []
    group: list[_Unit] = []

    def close(group: list[_Unit]) -> None:
        start, end = group[0].start, group[-1].end
        spans = tuple((u.start - start, u.end - start) for u in group)
        chunks.append(
            Chunk(
                id=f"{source}#{len(chunks)}",
                source=source,
                text=full_text[start:end],
                section=group[0].section,
                page=group[0].page,
                start=start,
                end=end,
                header=header,
                sentences=spans,
            )
        )

    for u in flat:
        if group and (u.section != group[-1].section or u.page != group[-1].page):
            close(group)
            group = []
        elif group and u.end - group[0].start > max_chars:
            close(group)
            keep = group[-overlap_sentences:] if overlap_sentences and len(group) > overlap_sentences else []
            group = [g for g in keep if u.end - g.start <= max_chars]
        group.append(u)
        if group[-1].end - group[0].start >= target_chars:
            close(group)
            keep = group[-overlap_sentences:] if overlap_sentences and len(group) > overlap_sentences else []
            group = keep
    if group and not (chunks and chunks[-1].end >= group[-1].end):
        close(group)
    if chunks and all(c.section == PREAMBLE for c in chunks):
        chunks = [replace(c, section=BODY) for c in chunks]
    return full_text, chunks
