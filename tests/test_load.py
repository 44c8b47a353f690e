import os
from pathlib import Path

import pytest

from qa.load import LoadError, load_file

NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")


def test_utf8_with_and_without_bom(tmp_path):
    plain = tmp_path / "a.txt"
    plain.write_text("서울시 출장 보고서", encoding="utf-8")
    bom = tmp_path / "b.txt"
    bom.write_bytes("\ufeff서울시 출장 보고서".encode("utf-8"))
    assert load_file(plain).pages[0].text == "서울시 출장 보고서"
    assert load_file(bom).pages[0].text == "서울시 출장 보고서"


def test_cp949_file_is_decoded(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("국외출장 결과보고서: 일본 요코하마, 2025년 11월".encode("cp949"))
    doc = load_file(path)
    assert doc.pages[0].text == "국외출장 결과보고서: 일본 요코하마, 2025년 11월"


def test_markdown_is_text(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("# 출장\n\n파리 방문", encoding="utf-8")
    assert "파리 방문" in load_file(path).pages[0].text


def test_html_keeps_text_and_drops_scripts_styles_navigation(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><style>.x{color:red}</style><script>var secret=1;</script></head>"
        "<body><nav>홈 | 메뉴</nav><h1>출장 결과</h1><p>서울시는 <b>요코하마</b>를 방문했다.</p>"
        "<footer>저작권</footer></body></html>",
        encoding="utf-8",
    )
    text = load_file(path).pages[0].text
    assert "출장 결과" in text and "요코하마" in text
    for noise in ("secret", "color:red", "메뉴", "저작권"):
        assert noise not in text
    assert load_file(path).kind == "html"


def _korean_pdf(path: Path, pages: list[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("Nanum", fname=str(NANUM))
    pdf.set_font("Nanum", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 10, text)
    pdf.output(str(path))


def test_pdf_pages_are_numbered(tmp_path):
    if not NANUM.exists():
        if os.environ.get("CI"):
            pytest.fail("fonts-nanum is missing in CI (scripts/test.sh installs it)")
        pytest.skip("fonts-nanum is not installed (scripts/test.sh installs it)")
    path = tmp_path / "report.pdf"
    _korean_pdf(path, ["첫째 쪽: 출장 개요", "둘째 쪽: 요코하마 방문 결과"])
    doc = load_file(path)
    assert doc.kind == "pdf"
    assert [p.number for p in doc.pages] == [1, 2]
    assert "요코하마 방문 결과" in doc.pages[1].text


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "빈 파일"),
        ("blank.txt", b"   \n\n  ", "내용이 없는"),
        ("garbage.txt", bytes(range(256)) * 4, "이진 데이터"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "PDF"),
        ("slides.pptx", b"PK\x03\x04", "지원하지 않는 형식"),
    ],
)
def test_bad_files_raise_a_named_error(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError) as err:
        load_file(path)
    assert reason in err.value.reason
    assert name in str(err.value)
