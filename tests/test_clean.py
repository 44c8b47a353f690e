import unicodedata

import pytest

from conftest import ASCC, OECD, SEEDS, TCS_NEWS
from qa.clean import clean_text, strip_html_fragments


def cleaned(name: str) -> str:
    return clean_text((SEEDS / name).read_text(encoding="utf-8"))


def test_disclosure_site_banner_and_photo_caption_removed():
    text = cleaned(ASCC)
    assert "공직자 국외출장 2,840" not in text
    assert "🔍" not in text
    assert "일본 풍경" not in text
    assert "아시아스마트시티컨퍼런스(ASCC) 참가를 위한 공무국외출장" in text
    # A copy of a page that lost the banner's icon keeps no banner either.
    raw = (SEEDS / ASCC).read_text(encoding="utf-8").replace("🔍", "")
    assert "공직자 국외출장 2,840" not in clean_text(raw)


def test_disclosure_site_labels_are_joined_with_values():
    text = cleaned(ASCC)
    for line in ("출발일: 2025년 11월 24일", "도착일: 2025년 11월 27일", "여행 기간: 3박 4일", "인원: 1"):
        assert line in text.split("\n")


def test_html_fragments_in_report_tables_are_stripped():
    raw = (SEEDS / OECD).read_text(encoding="utf-8")
    assert "<p>" in raw and "<ul" in raw
    text = cleaned(OECD)
    for tag in ("<p>", "</p>", "<ul", "</ul>", "<li", "list-style-type"):
        assert tag not in text
    assert "Moderator: Soo-Jin Kim (OECD)" in text
    assert "**" not in text


def test_news_site_chrome_removed():
    text = cleaned(TCS_NEWS)
    assert "도배방지 이미지" not in text
    assert "광고" not in text.split("\n")
    # the headline is printed twice on the page; keep it once
    assert text.count("한중일 3국 협력 사무국, ‘한중일 스마트시티 온라인 세미나’ 개최") == 1


def test_the_footer_of_a_printed_news_page_is_removed():
    page = ("군, 일본서 연수 실시\n\n연수단은 히로시마를 방문했다.\n홍길동 기자 news@example.kr\n"
            "이 기사는 예시신문 홈페이지(example.kr)에서 프린트 되었습니다.\n\n"
            "URL : http://www.example.kr/article.php?aid=1\n프린트 시간 : 2025년 04월 07일 05:00:38")
    text = clean_text(page)
    assert "프린트" not in text and "URL" not in text
    assert text.endswith("홍길동 기자 news@example.kr")


def test_blank_lines_collapse_and_text_is_nfc():
    decomposed = unicodedata.normalize("NFD", "탄소중립")
    text = clean_text(f"첫 줄\n\n\n\n\u00a0\n{decomposed}\t전략\n")
    assert text == "첫 줄\n\n탄소중립 | 전략"
    assert unicodedata.is_normalized("NFC", text)


def test_spaced_labels_of_formal_reports_are_closed_up():
    assert clean_text("- 장 소: OECD 본부") == "- 장소: OECD 본부"
    assert clean_text("1. 출 장 지: 프랑스 파리") == "1. 출장지: 프랑스 파리"


@pytest.mark.parametrize("html", ["<p>가</p><p>나</p>", "<ul style='x'><li>가<li>나</ul>"])
def test_block_tags_become_line_breaks(html):
    lines = [l.strip(" •") for l in strip_html_fragments(html).split("\n") if l.strip()]
    assert lines == ["가", "나"]


def test_text_with_angle_brackets_is_not_mangled():
    assert clean_text("예산 < 100만원 이고 a<b") == "예산 < 100만원 이고 a<b"


def test_news_photo_captions_and_copyright_lines_are_chrome():
    page = (
        "![[진주=뉴시스]시의회가 견학에 나섰다.(사진=진주시 제공).2024.12.24.photo@newsis.com *재판매 및 DB 금지](https://img.example/a.jpg)\n"
        "[진주=뉴시스]시의회가 견학에 나섰다.(사진=진주시 제공)photo@newsis.com *재판매 및 DB 금지\n"
        "[진주=뉴시스] 정경규 기자 = 시의회는 연수 결과보고서를 게재했다고 24일 밝혔다.\n"
        "저작권자 © 경남매일 무단전재 및 재배포 금지\n"
    )
    assert clean_text(page) == "[진주=뉴시스] 정경규 기자 = 시의회는 연수 결과보고서를 게재했다고 24일 밝혔다."
