"""Clean: turn scraped or converted report text into plain readable text.

The sources are messy: HTML fragments inside table cells, the disclosure site's
banner and image captions, ads and anti-spam widgets from news sites, label and
value on separate lines, repeated headlines. Cleaning is deterministic and
line-based, so offsets into the cleaned text stay meaningful for citations.
"""

from __future__ import annotations

import html
import re
import unicodedata

_BLOCK_TAG = re.compile(r"</?(?:p|div|ul|ol|br|tr|table|tbody|thead|h[1-6]|section|article|blockquote)\b[^>]*>", re.I)
_LI_TAG = re.compile(r"<li\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*\b[^>]*>")
_INLINE_BULLET = re.compile(r"(?<=\S)\s*•\s*")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_TABS = re.compile(r"[ \t]*\t[ \t]*")
_SPACES = re.compile(r"[ \u00a0\u2000-\u200b\u3000]+")
_LEADING_BULLETS = "•·▪▫◦‣∙ \t"
# Formal reports space out short labels for alignment: "기 간:", "출 장 지:", "장 소:".
_SPACED_LABEL = re.compile(r"^([-•○◦*]?\s*\d*\.?\s*)((?:[가-힣] ){1,4}[가-힣])(\s*[:：])")

# Whole lines that are site chrome, never content (matched after bullets are stripped).
_CHROME_LINES = [
    # The disclosure site's banner, with its search icon or without (a copy that lost the emoji).
    re.compile(r"^(?:🔍\s*공직자\s*국외출장.*|공직자\s*국외출장\s*[\d,]+\s*\|.*)$"),
    re.compile(r"^도배방지\s*이미지$"),
    re.compile(r"^광고$"),
    re.compile(r"^(?:공유하기|스크랩|인쇄하기|목록으로|맨\s*위로|이전글|다음글|기사\s*공유|댓글.*)$"),
    # A news page printed from its site: "이 기사는 … 프린트 되었습니다.", "URL : …", "프린트 시간 : …".
    re.compile(r"^이\s*기사는\s.*(?:프린트|출력)\s*되었습니다\.?$"),
    re.compile(r"^(?:프린트|출력)\s*시간\s*:.*$"),
    re.compile(r"^URL\s*:\s*https?://\S+$", re.I),
    # A news photo: the image in Markdown (its alt text repeats the caption), and the caption line
    # with the photo credit ("(사진=진주시 제공)photo@newsis.com *재판매 및 DB 금지").
    re.compile(r"^!\[.*\]\(https?://\S+\)$"),
    re.compile(r"^.{0,300}\(사진\s*=[^)]{0,40}\).{0,80}$"),
    re.compile(r"^.{0,300}(?:재판매\s*및\s*DB\s*금지|무단\s*전재\s*및\s*재배포\s*금지)\s*$"),
]
# Image alt text of the disclosure site's header photo ("일본 풍경"), only near the top.
_PHOTO_CAPTION = re.compile(r"^\S+\s+풍경$")

# Disclosure-site layout: a label on one line, its value on the next.
_FIELD_LABELS = {"출발일", "도착일", "여행 기간", "여행기간", "인원", "출장기간", "출장 기간", "출장지", "방문국가", "기관", "기관명"}


def strip_html_fragments(text: str) -> str:
    """Remove HTML tags embedded in text, keeping their text; block tags become line breaks."""
    if "<" not in text:
        return text
    text = _LI_TAG.sub("\n• ", text)
    text = _BLOCK_TAG.sub("\n", text)
    text = _ANY_TAG.sub("", text)
    return html.unescape(text)


def _normalise_line(line: str) -> str:
    line = _BOLD.sub(r"\1", line).replace("**", "")  # also unbalanced markers
    line = line.strip()
    line = _TABS.sub(" | ", line) if "\t" in line else line
    line = _SPACES.sub(" ", line)
    line = line.strip(" |").strip()
    return _SPACED_LABEL.sub(lambda m: m.group(1) + m.group(2).replace(" ", "") + m.group(3), line)


def _is_chrome(line: str, line_no: int) -> bool:
    bare = line.strip(_LEADING_BULLETS)
    if any(p.match(bare) for p in _CHROME_LINES):
        return True
    return line_no < 6 and bool(_PHOTO_CAPTION.match(bare))


def clean_text(text: str) -> str:
    """Clean one page or document of text. Returns NFC text with single blank lines between blocks."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = strip_html_fragments(text)
    text = _INLINE_BULLET.sub("\n• ", text)

    lines = [_normalise_line(line) for line in text.split("\n")]
    out: list[str] = []
    recent: list[str] = []  # last non-blank lines, to drop short lines repeated close together
    content_no = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        if _is_chrome(line, content_no):
            continue
        content_no += 1
        if line in _FIELD_LABELS:
            j = i
            while j < len(lines) and not lines[j]:
                j += 1
            if j < len(lines) and 0 < len(lines[j]) <= 40 and lines[j] not in _FIELD_LABELS:
                line = f"{line}: {lines[j]}"
                i = j + 1
        if len(line) < 120 and line in recent:
            continue
        recent = (recent + [line])[-8:]
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)
