"""HWP 5, HWPX and DOCX through the real loader, index and answer path; duplicates across formats."""

from __future__ import annotations

import json

import pytest

from documents import REPORT_TITLE, report_lines, write_docx, write_hwp, write_hwpx, write_pdf
from qa import QA
from qa.index import build_index, load_index, stale_reason
from qa.load import load_file

ROW = "단장 | 김항만 | 본부장"


@pytest.mark.parametrize("writer, name, kind", [(write_hwp, "보고서.hwp", "hwp"), (write_hwpx, "보고서.hwpx", "hwpx"),
                                                (write_docx, "보고서.docx", "docx")])
def test_office_formats_give_text_tables_as_rows_and_headings(tmp_path, writer, name, kind):
    doc = load_file(writer(tmp_path / name))
    assert doc.kind == kind
    text = doc.pages[0].text
    assert REPORT_TITLE in text
    assert ROW in text  # a table row is one readable line, cells in order
    assert "구분 | 성명 | 직위" in text
    assert "---" not in text and "\\" not in text  # no Markdown table rules or escapes
    assert "투아스 자동화 터미널의 무인 크레인" in text


@pytest.mark.parametrize("writer, name", [(write_hwp, "보고서.hwp"), (write_hwpx, "보고서.hwpx"), (write_docx, "보고서.docx")])
def test_office_report_is_indexed_with_sections_and_answers_with_a_citation(tmp_path, hash_settings, writer, name):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    writer(corpus / name)
    report = build_index([corpus], hash_settings.index_dir, hash_settings)
    assert [(f.file, f.status) for f in report.files] == [(name, "indexed")]
    index = load_index(hash_settings.index_dir)
    sections = {c.section for c in index.chunks}
    assert any("3. 주요 활동" in s for s in sections), sections
    table_chunk = next(c for c in index.chunks if ROW in c.text)
    assert "2. 출장자" in table_chunk.section

    qa = QA.open(hash_settings, build_if_stale=False)
    answer = qa.ask("싱가포르 항만청과 무인 크레인 운영 방식을 협의한 기관은?")
    assert not answer.abstained
    assert answer.citations[0].source == name
    assert "3. 주요 활동" in answer.citations[0].section
    assert "부산항만공사" in answer.answer


def test_same_report_as_hwp_and_pdf_is_indexed_once_with_both_sources(tmp_path, hash_settings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_hwp(corpus / "싱가포르 출장.hwp")
    lines = report_lines()
    write_pdf(corpus / "싱가포르 출장.pdf", [lines[:8], lines[8:]])
    (corpus / "다른 보고서.txt").write_text(
        "부산시 출장 결과보고서\n1. 출장 개요\n출장지: 일본 후쿠오카\n부산시는 후쿠오카시와 청년 창업 교류를 논의하였다.",
        encoding="utf-8",
    )
    report = build_index([corpus], hash_settings.index_dir, hash_settings)
    status = {f.file: (f.status, f.duplicate_of) for f in report.files}
    assert status == {
        "싱가포르 출장.hwp": ("indexed", ""),
        "싱가포르 출장.pdf": ("duplicate", "싱가포르 출장.hwp"),
        "다른 보고서.txt": ("indexed", ""),
    }
    index = load_index(hash_settings.index_dir)
    assert set(index.documents) == {"싱가포르 출장.hwp", "다른 보고서.txt"}
    assert index.documents["싱가포르 출장.hwp"].duplicates == ["싱가포르 출장.pdf"]
    assert {c.source for c in index.chunks} == {"싱가포르 출장.hwp", "다른 보고서.txt"}  # passages once
    assert stale_reason(hash_settings, [corpus], hash_settings.index_dir) is None

    qa = QA.open(hash_settings, build_if_stale=False)
    answer = qa.ask("디지털 트윈 기반 선석 배정 시스템은 언제까지 시험하나?")
    cited = answer.citations[0]
    assert (cited.source, cited.duplicates) == ("싱가포르 출장.hwp", ["싱가포르 출장.pdf"])
    assert answer.to_json()["citations"][0]["duplicates"] == ["싱가포르 출장.pdf"]
    assert qa.document("싱가포르 출장.pdf").source == "싱가포르 출장.hwp"  # the viewer finds it by either name
    assert len(qa.trips()) == 2
    saved = json.loads((hash_settings.index_dir / "ingest_report.json").read_text())
    assert saved["counts"] == {"indexed": 2, "unchanged": 0, "duplicate": 1, "error": 0}

    # Removing the kept copy makes the other one the indexed document.
    (corpus / "싱가포르 출장.hwp").unlink()
    build_index([corpus], hash_settings.index_dir, hash_settings)
    assert set(load_index(hash_settings.index_dir).documents) == {"싱가포르 출장.pdf", "다른 보고서.txt"}


def test_reports_sharing_a_template_are_not_duplicates(tmp_path, hash_settings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    base = "국외출장 결과보고서\n1. 출장 개요\n출장목적: 선진 사례 조사\n2. 주요 활동\n"
    (corpus / "a.txt").write_text(base + "서울시는 파리에서 자전거 도로 정책을 조사하였다. 센강 보행로를 둘러보았다.", encoding="utf-8")
    (corpus / "b.txt").write_text(base + "대구시는 베를린에서 트램 운영 체계를 살펴보았다. 환승 요금 제도를 조사하였다.", encoding="utf-8")
    report = build_index([corpus], hash_settings.index_dir, hash_settings)
    assert {f.status for f in report.files} == {"indexed"}
