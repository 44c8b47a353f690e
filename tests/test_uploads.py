"""Adding files from the app: checks, copies into the corpus, incremental indexing."""

import threading

import pytest

from qa import QA
from qa.index import build_index
from qa.uploads import check_upload, safe_file_name

TYPES = {".txt", ".md", ".html", ".htm", ".pdf"}
REPORT = "부산광역시 국외출장 결과보고서\n\n부산시 공무원 2명이 헬싱키 순환경제 박람회에서 해양 플라스틱 재활용 사례를 소개했다.\n"


@pytest.mark.parametrize(
    "given, expected",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\win.ini.TXT", "win.ini.txt"),
        (".hidden.md", "hidden.md"),
        ("보고서\x00\x1f 최종.PDF", "보고서 최종.pdf"),
        ("/", "문서"),
    ],
)
def test_safe_file_name_keeps_only_a_plain_base_name(given, expected):
    assert safe_file_name(given) == expected


def test_check_upload_gives_a_reason_for_each_bad_file(tmp_path):
    def reason(name: str, data: bytes, limit: int = 1000) -> str | None:
        path = tmp_path / "upload"
        path.write_bytes(data)
        return check_upload(path, name, TYPES, limit)

    assert reason("a.exe", b"MZ") .startswith("지원하지 않는 형식")
    assert reason("a.txt", b"") == "빈 파일입니다"
    assert reason("a.txt", b"x" * 2000).startswith("파일이 너무 큽니다")
    assert "이진 데이터" in reason("a.txt", bytes(range(256)))
    assert "PDF" in reason("a.pdf", b"%PDF-1.4 truncated")
    assert reason("a.txt", REPORT.encode("cp949")) is None


@pytest.fixture
def qa(hash_settings, small_corpus):
    build_index([small_corpus], hash_settings.index_dir, hash_settings)
    return QA.open(hash_settings, build_if_stale=False)


def test_add_files_copies_good_files_and_indexes_them(qa, small_corpus, tmp_path):
    good, empty = tmp_path / "tmp1", tmp_path / "tmp2"
    good.write_text(REPORT, encoding="utf-8")
    empty.write_bytes(b"")
    outcomes, report = qa.add_files([(good, "부산 보고서.txt"), (empty, "빈.txt")])

    assert [(o.name, o.ok) for o in outcomes] == [("부산 보고서.txt", True), ("빈.txt", False)]
    assert outcomes[0].source == "uploads/부산 보고서.txt"
    assert outcomes[1].message == "빈 파일입니다"
    assert (small_corpus / "uploads" / "부산 보고서.txt").read_text(encoding="utf-8") == REPORT
    assert not (small_corpus / "uploads" / "빈.txt").exists()
    assert report.chunks > 0
    assert qa.retrieve("헬싱키 박람회 해양 플라스틱").hits[0].chunk.source == "uploads/부산 보고서.txt"


def test_add_files_keeps_same_name_different_content_apart(qa, small_corpus, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_text(REPORT, encoding="utf-8")
    second.write_text(REPORT.replace("헬싱키", "탈린"), encoding="utf-8")
    qa.add_files([(first, "보고서.txt")])
    again, _ = qa.add_files([(first, "보고서.txt")])
    other, _ = qa.add_files([(second, "보고서.txt")])
    assert again[0].message == "이미 같은 파일이 있습니다"
    assert other[0].source == "uploads/보고서 (2).txt"
    assert {d.source for d in qa.documents()} >= {"uploads/보고서.txt", "uploads/보고서 (2).txt"}


def test_simultaneous_uploads_of_one_name_keep_every_file(qa, small_corpus, tmp_path):
    cities = ["헬싱키", "탈린", "리스본", "오슬로", "프라하", "빈", "더블린", "아테네"]
    files = []
    for i, city in enumerate(cities):
        path = tmp_path / f"upload{i}"
        path.write_text(f"{city} 출장 보고서. {i + 3}월에 {city} 시청을 방문해 {city}의 {i}번째 교통 정책을 배웠습니다. " * 3,
                        encoding="utf-8")
        files.append(path)
    outcomes: list = []
    threads = [threading.Thread(target=lambda f=f: outcomes.extend(qa.add_files([(f, "race.txt")])[0])) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(o.ok for o in outcomes) and len(outcomes) == 8
    saved = {o.source for o in outcomes}
    assert len(saved) == 8  # eight names: race.txt, race (2).txt, …
    contents = {(small_corpus / s).read_text(encoding="utf-8") for s in saved}
    assert contents == {f.read_text(encoding="utf-8") for f in files}  # every file, none overwritten
    renamed = [o for o in outcomes if o.source != "uploads/race.txt"]
    assert all(o.source.split("/")[-1] in o.message for o in renamed)  # the user is told the new name
    assert not list((small_corpus / "uploads").glob(".*"))  # no temporary file left behind
    assert saved <= {d.source for d in qa.documents()}


def test_document_lookup_never_reads_outside_the_index(qa):
    assert qa.document("../pyproject.toml") is None
    assert qa.document("/etc/passwd") is None
    assert qa.document(qa.documents()[0].source).text


def test_a_document_is_removed_to_the_trash_and_replaced_with_the_index_following(hash_settings, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "부산.txt").write_text(REPORT, encoding="utf-8")
    (corpus / "대구.txt").write_text("대구광역시 국외출장 결과보고서\n\n대구시 공무원 3명이 뮌헨 박람회를 방문했다.\n", encoding="utf-8")
    build_index([corpus], hash_settings.index_dir, hash_settings)
    qa = QA.open(hash_settings)

    # Replaced: the old file goes to the trash, the new text is what the index holds.
    new = tmp_path / "새 보고서.txt"
    new.write_text(REPORT.replace("해양 플라스틱", "폐배터리"), encoding="utf-8")
    outcome = qa.replace_document("부산.txt", new, new.name)
    assert outcome.ok and outcome.source == "부산.txt"
    assert "폐배터리" in qa.document("부산.txt").text and "해양 플라스틱" not in qa.document("부산.txt").text
    [old] = (corpus / ".trash").rglob("부산.txt")
    assert "해양 플라스틱" in old.read_text(encoding="utf-8")

    # A replacement that fails the checks changes nothing.
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    refused = qa.replace_document("부산.txt", empty, empty.name)
    assert not refused.ok and "빈 파일" in refused.message and "폐배터리" in qa.document("부산.txt").text

    # Removed: out of the index and the corpus, kept in the trash, never in the index again.
    trash = qa.remove_document("대구.txt")
    assert qa.document("대구.txt") is None and not (corpus / "대구.txt").exists() and trash.exists()
    assert [d.source for d in qa.documents()] == ["부산.txt"]
    qa.rebuild()
    assert [d.source for d in qa.documents()] == ["부산.txt"]  # the hidden trash folder is not indexed
    with pytest.raises(ValueError, match="코퍼스에 없는 문서"):
        qa.remove_document("../index/manifest.json")
