"""The public-benchmark setup: real PDFs with one page per source page, keys from reference answers."""

import pytest

from eval.public_benchmark import NANUM, number_keys, write_pdf
from qa.load import load_file


@pytest.mark.skipif(not NANUM.exists(), reason="fonts-nanum 없음 (scripts/test.sh가 설치합니다)")
def test_pdf_keeps_source_page_numbers(tmp_path):
    path = tmp_path / "문서.pdf"
    long_page = "재정수지 적자 규모는 29.9조원입니다. " * 150  # must shrink to fit one page
    write_pdf({1: "첫 쪽: 통합재정수지", 3: long_page}, path)
    doc = load_file(path)
    numbers = [p.number for p in doc.pages if p.text.strip()]
    assert numbers == [1, 3]  # page 2 was missing in the source: an empty page keeps the numbering
    assert "통합재정수지" in doc.pages[0].text
    assert "29.9조원" in next(p.text for p in doc.pages if p.number == 3)


def test_number_keys_skip_numbers_the_question_already_states():
    reference = "2024년 1월의 평균 조달금리는 3.27%, 응찰률은 333입니다."
    assert number_keys(reference, "2024년 1월 평균 조달금리는?") == [["3.27%"], ["333"]]
    assert number_keys("특별한 수치는 없습니다.") == []
