"""Load: read a file into raw text pages.

Supported: .txt/.md (UTF-8 with or without BOM, UTF-16 with BOM, CP949/EUC-KR,
and files mixing UTF-8 and CP949 lines), .html/.htm (visible text only), .pdf
(pypdf, one page per PDF page), .hwp (HWP 5.x) and .hwpx (hwpforge), and .docx
(python-docx). Tables come out as one line per row, cells joined by " | ".
Anything else, or a file that cannot be read, raises `LoadError` with a Korean
message naming the file; the indexer reports it and goes on with the rest.

Limits guard against hostile or accidental input: a file larger than
`max_file_bytes` is not opened, an office file whose ZIP would inflate past the
same limit (a ZIP bomb) is refused before decompression, and extracted text
longer than `max_text_chars` is refused rather than embedded for hours.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes


TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
HWP_SUFFIXES = {".hwp", ".hwpx"}
DOCX_SUFFIXES = {".docx"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | HWP_SUFFIXES | DOCX_SUFFIXES
MB = 2**20


class LoadError(Exception):
    """A file that could not be turned into text. `reason` is user-facing Korean."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Page:
    number: int | None  # 1-based for PDFs, None for formats without pages
    text: str


@dataclass(frozen=True)
class LoadedDocument:
    source: str  # name shown in citations: the path relative to its corpus folder
    path: Path
    kind: str  # "text", "html", "pdf", "hwp", "hwpx" or "docx"
    pages: list[Page] = field(default_factory=list)


def decode_text(data: bytes) -> str:
    """Decode bytes of a Korean text file.

    UTF-8 (with or without BOM) and UTF-16 with BOM first, then CP949 (a superset
    of EUC-KR), then line by line (files pasted together from UTF-8 and CP949
    sources), then charset-normalizer's guess.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    lines, failed = [], 0
    for line in data.split(b"\n"):
        for encoding in ("utf-8", "cp949"):
            try:
                lines.append(line.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
        else:
            failed += 1
            lines.append(line.decode("utf-8", errors="replace"))
    if failed <= len(lines) // 20:
        return "\n".join(lines)
    best = from_bytes(data).best()
    if best is None:
        raise ValueError("unknown encoding")
    return str(best)


def _looks_binary(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text is full of NUL bytes
    return b"\x00" in data[:4096]


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block per line; scripts, styles and navigation dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg"]):
        tag.decompose()
    for tag in soup.select('[role="navigation"], [aria-hidden="true"]'):
        tag.decompose()
    body = soup.body or soup
    return body.get_text("\n")


def _load_pdf(path: Path) -> list[Page]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            # Many official PDFs are only permission-locked: the empty user password opens them.
            try:
                opened = reader.decrypt("")
            except Exception:  # pypdf raises several types here, e.g. for an unsupported algorithm
                opened = 0
            if not opened:
                raise LoadError(path, "암호가 걸린 PDF라서 읽을 수 없습니다")
        pages = [Page(i + 1, page.extract_text() or "") for i, page in enumerate(reader.pages)]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise LoadError(path, f"손상되었거나 끝이 잘린 PDF입니다 ({type(exc).__name__})") from exc
    if not any(p.text.strip() for p in pages):
        raise LoadError(path, "PDF에 텍스트 층이 없습니다 (스캔한 문서라면 OCR이 필요합니다)")
    return pages


_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!~|<>])")


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table as readable text: one line per row, cells joined by " | ", merged cells once."""
    lines = []
    for row in rows:
        cells: list[str] = []
        for cell in row:
            cell = " ".join(cell.split())
            if cell and (not cells or cells[-1] != cell):  # a merged cell repeats itself
                cells.append(cell)
        if cells:
            lines.append(" | ".join(cells))
    return lines


def _markdown_to_text(markdown: str) -> str:
    """hwpforge's Markdown as plain text: table rows as "a | b", rule lines and escapes dropped."""
    out = []
    for line in markdown.splitlines():
        stripped = line.strip()
        if _TABLE_RULE.match(stripped):
            continue
        if stripped.startswith("|") and stripped.endswith("|"):
            cells = re.split(r"(?<!\\)\|", stripped[1:-1])
            out.extend(table_lines([[_MD_ESCAPE.sub(r"\1", c) for c in cells]]))
            continue
        out.append(_MD_ESCAPE.sub(r"\1", line))
    return "\n".join(out)


def _check_zip(path: Path, data: bytes, max_bytes: int) -> None:
    """Refuse a ZIP container (HWPX, DOCX) that is not one, or that would inflate past `max_bytes`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            inflated = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise LoadError(path, "손상되었거나 ZIP 형식이 아닌 문서입니다") from exc
    if inflated > max_bytes:
        raise LoadError(
            path, f"압축을 풀면 {inflated / MB:,.0f} MB가 되는 파일이라 거부했습니다 (압축 폭탄 의심, 한도 {max_bytes / MB:,.0f} MB)"
        )


def _load_hwp(path: Path, data: bytes, suffix: str, max_bytes: int) -> str:
    import hwpforge

    if suffix == ".hwp" and data.startswith(b"HWP Document File"):
        raise LoadError(path, "HWP 3.0 이하의 옛 형식은 읽을 수 없습니다 (한글에서 HWP 5 이상이나 HWPX로 저장하세요)")
    if suffix == ".hwpx":
        _check_zip(path, data, max_bytes)
    try:
        document = hwpforge.convert_hwp5(data).document if suffix == ".hwp" else hwpforge.Document.from_bytes(data)
        markdown = document.to_md(mode="lossy").text
    except hwpforge.HwpForgeError as exc:
        detail = exc.message.lower()
        if "password" in detail or "encrypt" in detail or "distribut" in detail:
            raise LoadError(path, "암호가 걸렸거나 배포용으로 잠긴 한글 문서라서 읽을 수 없습니다") from exc
        if "exceeds limit" in detail:
            raise LoadError(path, "압축을 풀면 너무 커지는 파일이라 거부했습니다 (압축 폭탄 의심)") from exc
        kind = "HWP" if suffix == ".hwp" else "HWPX"
        raise LoadError(path, f"손상되었거나 {kind} 형식이 아닌 파일입니다 ({exc.code})") from exc
    return _markdown_to_text(markdown)


def _load_docx(path: Path, data: bytes, max_bytes: int) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.text.paragraph import Paragraph
    from lxml.etree import LxmlError

    _check_zip(path, data, max_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                text = block.text.strip()
                style = (block.style.name if block.style is not None else "") or ""
                level = _docx_heading_level(style)
                lines.append(f"{'#' * level} {text}" if text and level else text)
            else:
                lines.append("")
                lines.extend(table_lines([[cell.text for cell in row.cells] for row in block.rows]))
                lines.append("")
    except (PackageNotFoundError, KeyError, ValueError, LxmlError, zipfile.BadZipFile) as exc:
        raise LoadError(path, f"손상된 DOCX 문서입니다 ({type(exc).__name__})") from exc
    return "\n".join(lines)


def _docx_heading_level(style: str) -> int:
    """1-4 for Word's heading styles ("Title", "Heading 2", Korean Word's "제목 2"), else 0."""
    if style in ("Title", "제목"):
        return 1
    match = re.match(r"^(?:Heading|제목)\s*(\d)$", style)
    return min(int(match.group(1)), 4) if match else 0


def load_file(
    path: Path,
    source: str | None = None,
    *,
    max_file_bytes: int = 100 * MB,
    max_text_bytes: int = 10 * MB,
) -> LoadedDocument:
    """Read one file. Raises LoadError for unsupported, empty, oversized or unreadable files.

    The type comes from the source name's suffix (an upload's temporary path may have none).
    """
    source = source or path.name
    suffix = Path(source).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(path, f"지원하지 않는 형식입니다 ({suffix or '확장자 없음'})")
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise LoadError(path, "파일이 없습니다 (색인하는 동안 지워졌거나 옮겨졌습니다)") from exc
    if size == 0:
        raise LoadError(path, "빈 파일입니다")
    limit = max_text_bytes if suffix in TEXT_SUFFIXES | HTML_SUFFIXES else max_file_bytes
    if size > limit:
        setting = "QA_MAX_TEXT_MB" if limit == max_text_bytes else "QA_MAX_FILE_MB"
        raise LoadError(path, f"파일이 너무 큽니다 ({size / MB:,.1f} MB, 한도 {limit / MB:,.0f} MB; {setting}로 바꿀 수 있습니다)")

    try:
        if suffix in PDF_SUFFIXES:
            doc = LoadedDocument(source, path, "pdf", _load_pdf(path))
        elif suffix in HWP_SUFFIXES:
            doc = LoadedDocument(source, path, suffix[1:], [Page(None, _load_hwp(path, path.read_bytes(), suffix, max_file_bytes))])
        elif suffix in DOCX_SUFFIXES:
            doc = LoadedDocument(source, path, "docx", [Page(None, _load_docx(path, path.read_bytes(), max_file_bytes))])
        else:
            doc = _load_text(path, source, suffix)
    except FileNotFoundError as exc:
        raise LoadError(path, "파일이 없습니다 (색인하는 동안 지워졌거나 옮겨졌습니다)") from exc
    if not any(p.text.strip() for p in doc.pages):
        raise LoadError(path, "내용이 없는 파일입니다")
    text_bytes = sum(len(p.text.encode("utf-8")) for p in doc.pages)
    if text_bytes > max_text_bytes:
        raise LoadError(
            path, f"텍스트가 너무 깁니다 ({text_bytes / MB:,.1f} MB, 한도 {max_text_bytes / MB:,.0f} MB; QA_MAX_TEXT_MB로 바꿀 수 있습니다)"
        )
    return doc


def _load_text(path: Path, source: str, suffix: str) -> LoadedDocument:
    data = path.read_bytes()
    if _looks_binary(data):
        raise LoadError(path, "텍스트 파일이 아닙니다 (이진 데이터)")
    try:
        text = decode_text(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise LoadError(path, "문자 인코딩을 알 수 없습니다") from exc
    if suffix in HTML_SUFFIXES:
        return LoadedDocument(source, path, "html", [Page(None, html_to_text(text))])
    return LoadedDocument(source, path, "text", [Page(None, text)])
