"""Every kind of bad input the issue names, in one corpus: each is reported by name, the rest is indexed."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from conftest import ASCC, SEEDS, run_cli
from documents import (
    report_lines, write_hwpx, write_malformed_hwpx, write_pdf, write_scanned_pdf, write_zip_bomb_hwpx,
)
from qa import QA
from qa.index import build_index, load_index, stale_reason

SPACED = "2025 출장 결과 보고서 (최종본).txt"
EXPECTED_ERRORS = {
    "empty.txt": "빈 파일",
    "garbage.hwp": "HWP 형식이 아닌",
    "garbage.docx": "ZIP 형식이 아닌",
    "garbage.pdf": "PDF",
    "truncated.pdf": "끝이 잘린 PDF",
    "encrypted.pdf": "암호가 걸린 PDF",
    "scanned.pdf": "OCR",
    "bomb.hwpx": "압축 폭탄",
    "malformed.hwpx": "HWPX 형식이 아닌",
    "huge.txt": "파일이 너무 큽니다",
    "outside link.txt": "코퍼스 폴더 밖",
    "vanishing.txt": "지워졌거나",
}


@pytest.fixture
def bad_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / ASCC, corpus / ASCC)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "garbage.hwp").write_bytes(os.urandom(4096))
    (corpus / "garbage.docx").write_bytes(os.urandom(4096))
    (corpus / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    lines = report_lines()
    full = write_pdf(tmp_path / "full.pdf", [lines[:6], lines[6:]]).read_bytes()
    (corpus / "truncated.pdf").write_bytes(full[: len(full) // 2])
    write_pdf(corpus / "encrypted.pdf", [["비밀 출장 보고서"]], owner_password="o", user_password="secret")
    write_pdf(corpus / "locked.pdf", [["인쇄만 막힌 보고서: 리옹 시청 방문 결과"]], owner_password="o")
    write_scanned_pdf(corpus / "scanned.pdf")
    valid = write_hwpx(tmp_path / "valid.hwpx")
    write_zip_bomb_hwpx(corpus / "bomb.hwpx", valid)
    write_malformed_hwpx(corpus / "malformed.hwpx", valid)
    with (corpus / "huge.txt").open("w", encoding="utf-8") as fh:  # 50 MB of text
        line = "대용량 로그 한 줄입니다. " * 20 + "\n"
        for _ in range(50 * 2**20 // len(line.encode()) + 1):
            fh.write(line)
    (corpus / "utf16.txt").write_bytes("울산시 출장 보고서: 함부르크 수소 항만 견학".encode("utf-16"))
    (corpus / "cp949.txt").write_bytes("광주시 출장 보고서: 리옹 빛 축제 벤치마킹".encode("cp949"))
    (corpus / "mixed.txt").write_bytes(
        "대전시 출장 보고서\n".encode("utf-8") + "드레스덴 과학도시 방문\n".encode("cp949") + "결론: 협력 추진\n".encode("utf-8")
    )
    (corpus / SPACED).write_text("제주도 출장 결과: 하와이 관광청과 친환경 관광 인증을 논의하였다.", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("코퍼스 밖의 비밀 문서", encoding="utf-8")
    (corpus / "outside link.txt").symlink_to(secret)
    (corpus / "inside link.txt").symlink_to(corpus / SPACED)  # a link within the corpus is fine
    (corpus / "vanishing.txt").write_text("곧 지워질 파일", encoding="utf-8")
    return corpus


def delete_when_reached(corpus, name):
    """A progress callback that deletes `name` after the file list is made, as another program might."""
    def progress(stage, done, total):
        if stage == "files" and done == 0:
            (corpus / name).unlink(missing_ok=True)
    return progress


def test_bad_inputs_are_reported_by_name_and_the_rest_is_indexed(bad_corpus, hash_settings):
    report = build_index([bad_corpus], hash_settings.index_dir, hash_settings,
                         progress=delete_when_reached(bad_corpus, "vanishing.txt"))
    errors = {f.file: f.reason for f in report.errors}
    assert set(errors) == set(EXPECTED_ERRORS), errors
    for name, words in EXPECTED_ERRORS.items():
        assert words in errors[name], (name, errors[name])
    status = {f.file: f.status for f in report.files}
    for good in (ASCC, "locked.pdf", "utf16.txt", "cp949.txt", "mixed.txt", SPACED):
        assert status[good] == "indexed", good
    assert status["inside link.txt"] == "duplicate"  # same text as the file it points to

    index = load_index(hash_settings.index_dir)
    assert "함부르크 수소 항만" in index.documents["utf16.txt"].text
    assert "리옹 빛 축제" in index.documents["cp949.txt"].text
    assert "드레스덴 과학도시 방문" in index.documents["mixed.txt"].text
    assert not any("비밀 문서" in d.text for d in index.documents.values())

    saved = json.loads((hash_settings.index_dir / "ingest_report.json").read_text())
    assert saved["ok"] is False
    assert {f["file"]: f["reason"] for f in saved["files"] if f["status"] == "error"} == errors

    qa = QA.open(hash_settings, build_if_stale=False)
    answer = qa.ask("제주도는 하와이 관광청과 무엇을 논의했나?")
    assert answer.citations and answer.citations[0].source == SPACED
    assert qa.document("outside link.txt") is None  # the viewer can't reach it either

    # Failed files don't make the index stale; a changed one does, and a fixed one is indexed.
    assert stale_reason(hash_settings, [bad_corpus], hash_settings.index_dir) is None
    (bad_corpus / "empty.txt").write_text("이제 내용이 있는 보고서: 빈 파일을 고쳤습니다.", encoding="utf-8")
    assert "empty.txt" in stale_reason(hash_settings, [bad_corpus], hash_settings.index_dir)
    again = build_index([bad_corpus], hash_settings.index_dir, hash_settings)
    assert {f.file: f.status for f in again.files}["empty.txt"] == "indexed"


def test_cli_summary_names_each_bad_file_and_exits_nonzero(bad_corpus, tmp_path):
    (bad_corpus / "vanishing.txt").unlink()
    index_dir = tmp_path / "cli-index"
    result = run_cli("index", str(bad_corpus), "--index-dir", str(index_dir), "--embedder", "hash")
    assert result.returncode == 1
    assert "오류 11개" in result.stdout
    for name, words in EXPECTED_ERRORS.items():
        if name != "vanishing.txt":
            assert f"건너뜀: {name}: " in result.stderr and words in result.stderr, name
    assert "중복: inside link.txt" in result.stdout
    assert str(index_dir / "ingest_report.json") in result.stderr

    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(SEEDS / ASCC, good / ASCC)
    ok = run_cli("index", str(good), "--index-dir", str(tmp_path / "ok-index"), "--embedder", "hash")
    assert ok.returncode == 0, ok.stderr
