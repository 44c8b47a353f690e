"""Load: read a file into raw text pages.

Supported: .txt/.md (UTF-8, UTF-8 with BOM, CP949/EUC-KR), .html/.htm (visible
text only) and .pdf (pypdf, one page per PDF page). Anything else, or a file
that cannot be read, raises `LoadError` with a Korean message naming the file;
the indexer reports it and goes on with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes


TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES


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
    kind: str  # "text", "html" or "pdf"
    pages: list[Page] = field(default_factory=list)


def decode_text(data: bytes) -> str:
    """Decode bytes of a Korean text file: UTF-8 (with or without BOM), else CP949, else a guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # CP949 is a superset of EUC-KR, the two legacy Korean encodings.
        return data.decode("cp949")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise ValueError("unknown encoding")
    return str(best)


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    return b"\x00" in sample


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
            raise LoadError(path, "암호가 걸린 PDF라서 읽을 수 없습니다")
        pages = [Page(i + 1, page.extract_text() or "") for i, page in enumerate(reader.pages)]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(path, f"손상된 PDF입니다 ({type(exc).__name__})") from exc
    if not any(p.text.strip() for p in pages):
        raise LoadError(path, "PDF에 텍스트 층이 없습니다 (OCR 필요)")
    return pages


def load_file(path: Path, source: str | None = None) -> LoadedDocument:
    """Read one file. Raises LoadError for unsupported, empty or unreadable files.

    The type comes from the source name's suffix (an upload's temporary path may have none).
    """
    source = source or path.name
    suffix = Path(source).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(path, f"지원하지 않는 형식입니다 ({suffix or '확장자 없음'})")
    try:
        if path.stat().st_size == 0:
            raise LoadError(path, "빈 파일입니다")
    except FileNotFoundError as exc:
        raise LoadError(path, "파일이 없습니다") from exc

    if suffix in PDF_SUFFIXES:
        return LoadedDocument(source, path, "pdf", _load_pdf(path))

    data = path.read_bytes()
    if _looks_binary(data):
        raise LoadError(path, "텍스트 파일이 아닙니다 (이진 데이터)")
    try:
        text = decode_text(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise LoadError(path, "문자 인코딩을 알 수 없습니다") from exc
    kind = "text"
    if suffix in HTML_SUFFIXES:
        text = html_to_text(text)
        kind = "html"
    if not text.strip():
        raise LoadError(path, "내용이 없는 파일입니다")
    return LoadedDocument(source, path, kind, [Page(None, text)])
