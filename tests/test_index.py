"""Index persistence, incremental rebuild, staleness and crash safety (fast hash embedder)."""

import json
import os
import shutil

import numpy as np
import pytest

from conftest import ASCC, TCS_NEWS
from qa.index import IndexUnavailable, build_index, load_index, stale_reason


def test_build_and_load_round_trip(small_corpus, hash_settings):
    report = build_index([small_corpus], hash_settings.index_dir, hash_settings)
    assert {f.status for f in report.files} == {"indexed"}
    index = load_index(hash_settings.index_dir)
    assert set(index.documents) == {ASCC, TCS_NEWS}
    assert len(index.chunks) == report.chunks == index.dense.size == index.keyword.size
    assert index.documents[ASCC].facts.countries == ["일본"]
    folder = hash_settings.index_dir / "current"
    names = {p.name for p in folder.iterdir()}
    assert {"manifest.json", "chunks.jsonl", "documents.jsonl", "dense.faiss", "sentences.npy", "keyword"} <= names
    assert not any(n.endswith((".pkl", ".pickle")) for n in names)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["embedder"]["model_id"] == "hash-bigrams-256"
    assert set(manifest["files"]) == {ASCC, TCS_NEWS}


def test_unchanged_corpus_embeds_nothing(small_corpus, hash_settings):
    build_index([small_corpus], hash_settings.index_dir, hash_settings)
    assert stale_reason(hash_settings, [small_corpus], hash_settings.index_dir) is None
    again = build_index([small_corpus], hash_settings.index_dir, hash_settings)
    assert again.embedded == 0
    assert {f.status for f in again.files} == {"unchanged"}


def test_composed_passage_vectors_embed_only_sentences_and_document_headers(small_corpus, hash_settings):
    hash_settings = hash_settings.model_copy(update={"passage_vectors": "composed"})
    report = build_index([small_corpus], hash_settings.index_dir, hash_settings)
    index = load_index(hash_settings.index_dir)
    sentences = {c.text[s:e] for c in index.chunks for s, e in c.sentences}
    headers = {c.header for c in index.chunks if c.header}
    assert report.embedded == len(sentences | headers) == len(index.sentence_vectors)
    # A passage vector is composed from its own sentences (and its header): nearest to its own sentences' mean.
    vectors = index.dense.vectors()
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    means = np.array([index.sentence_vectors[rows].mean(axis=0) for rows in index.sentence_rows])
    own = [int(np.argmax(means @ v)) for v in vectors]
    assert sum(o == i for i, o in enumerate(own)) >= 0.9 * len(own)
    # A new report embeds its own sentences and header, nothing else.
    (small_corpus / "new.txt").write_text("파리 출장 보고서\n방문단은 파리 시청을 방문했습니다. 교통 정책을 논의했습니다.", encoding="utf-8")
    added = build_index([small_corpus], hash_settings.index_dir, hash_settings)
    index = load_index(hash_settings.index_dir)
    new = {c.text[s:e] for c in index.chunks if c.source == "new.txt" for s, e in c.sentences}
    new_headers = {c.header for c in index.chunks if c.source == "new.txt" and c.header}
    assert added.embedded == len((new | new_headers) - sentences - headers)
    # Switching back to embedded passages makes the index stale, and the sentence vectors are reused.
    embedded = hash_settings.model_copy(update={"passage_vectors": "embedded"})
    assert "passage_vectors" in stale_reason(embedded, [small_corpus], hash_settings.index_dir)
    back = build_index([small_corpus], hash_settings.index_dir, embedded)
    assert back.embedded == len({c.search_text for c in load_index(hash_settings.index_dir).chunks})


def test_changed_added_and_deleted_files_are_processed_alone(small_corpus, hash_settings):
    build_index([small_corpus], hash_settings.index_dir, hash_settings)
    (small_corpus / TCS_NEWS).write_text("한중일 세미나는 취소되었습니다. 새 문장입니다.", encoding="utf-8")
    assert "바뀌었습니다" in stale_reason(hash_settings, [small_corpus], hash_settings.index_dir)
    (small_corpus / "new.txt").write_text("파리 출장 보고서. 새로운 내용입니다.", encoding="utf-8")
    report = build_index([small_corpus], hash_settings.index_dir, hash_settings)
    status = {f.file: f.status for f in report.files}
    assert status == {ASCC: "unchanged", TCS_NEWS: "indexed", "new.txt": "indexed"}
    (small_corpus / "new.txt").unlink()
    assert stale_reason(hash_settings, [small_corpus], hash_settings.index_dir) is not None
    build_index([small_corpus], hash_settings.index_dir, hash_settings)
    index = load_index(hash_settings.index_dir)
    assert set(index.documents) == {ASCC, TCS_NEWS}
    assert "취소" in index.documents[TCS_NEWS].text
    changed_terms = [t for c, t in zip(index.chunks, index.chunk_terms) if c.source == TCS_NEWS]
    assert any("취소" in terms for terms in changed_terms)  # keyword terms of the new text, not the old


def test_settings_change_makes_index_stale(small_corpus, hash_settings):
    build_index([small_corpus], hash_settings.index_dir, hash_settings)
    other = hash_settings.model_copy(update={"chunk_target_chars": 300})
    assert "chunking" in stale_reason(other, [small_corpus], hash_settings.index_dir)


def test_bad_files_are_reported_and_the_rest_indexed(small_corpus, hash_settings):
    (small_corpus / "empty.txt").write_bytes(b"")
    (small_corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (small_corpus / "table.xlsx").write_bytes(b"PK\x03\x04")
    report = build_index([small_corpus], hash_settings.index_dir, hash_settings)
    errors = {f.file: f.reason for f in report.errors}
    assert set(errors) == {"empty.txt", "broken.pdf", "table.xlsx"}
    assert set(load_index(hash_settings.index_dir).documents) == {ASCC, TCS_NEWS}
    saved = json.loads((hash_settings.index_dir / "ingest_report.json").read_text())
    assert {f["file"] for f in saved["files"] if f["status"] == "error"} == set(errors)


def test_interrupted_build_keeps_the_previous_index(small_corpus, hash_settings, monkeypatch):
    build_index([small_corpus], hash_settings.index_dir, hash_settings)
    before = load_index(hash_settings.index_dir)
    (small_corpus / "new.txt").write_text("새 보고서 내용입니다.", encoding="utf-8")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing")

    monkeypatch.setattr("qa.index.KeywordIndex.build", crash)
    with pytest.raises(KeyboardInterrupt):
        build_index([small_corpus], hash_settings.index_dir, hash_settings)
    after = load_index(hash_settings.index_dir)
    assert set(after.documents) == set(before.documents)
    assert [p.name for p in (hash_settings.index_dir / "builds").iterdir()] == [before.folder.name]


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexUnavailable, match="색인이 없습니다"):
        load_index(tmp_path / "nothing")


def test_corpus_folder_must_exist(tmp_path, hash_settings):
    with pytest.raises(IndexUnavailable, match="코퍼스 경로가 없습니다"):
        build_index([tmp_path / "missing"], hash_settings.index_dir, hash_settings)


def test_hidden_files_are_ignored(small_corpus, hash_settings):
    (small_corpus / ".DS_Store").write_bytes(b"\x00\x01")
    os.makedirs(small_corpus / ".git")
    (small_corpus / ".git" / "x.txt").write_text("숨김", encoding="utf-8")
    report = build_index([small_corpus], hash_settings.index_dir, hash_settings)
    assert {f.file for f in report.files} == {ASCC, TCS_NEWS}


def test_concurrent_builds_of_one_index_wait_for_each_other(small_corpus, hash_settings):
    import threading

    reports, errors = [], []

    def build():
        try:
            reports.append(build_index([small_corpus], hash_settings.index_dir, hash_settings))
        except Exception as exc:  # any failure of either build fails the test
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(reports) == 3
    assert set(load_index(hash_settings.index_dir).documents) == {ASCC, TCS_NEWS}
    builds = list((hash_settings.index_dir / "builds").iterdir())
    assert len(builds) <= 2 and not any(b.name.startswith(".") for b in builds)
    # Builds ran one after another: the later ones found the first one's work and embedded nothing.
    assert sorted(r.embedded for r in reports)[:2] == [0, 0]


def test_worker_processes_build_the_same_index(tmp_path, hash_settings, monkeypatch):
    """Files read, cleaned and chunked in worker processes, and Kiwi run there while the model
    embeds, give the index one process gives; a bad file is still reported by name."""
    from eval.dev import REALTRIPS
    from qa import workers
    from qa.workers import MIN_FILES_FOR_PROCESSES

    monkeypatch.setattr(workers, "MIN_TEXTS_FOR_PROCESSES", 1)  # morphemes in the workers too, however few

    if not REALTRIPS.is_dir():
        pytest.skip("needs ../shared/benchmarks/realtrips-dev")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(REALTRIPS.glob("trip_*.txt"))[: MIN_FILES_FOR_PROCESSES + 4]:
        shutil.copy(path, corpus / path.name)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    built = {}
    for processes in (1, 2):
        settings = hash_settings.model_copy(update={"build_processes": processes, "index_dir": tmp_path / f"index{processes}"})
        report = build_index([corpus], settings.index_dir, settings)
        assert [f.file for f in report.errors] == ["broken.pdf"]
        index = load_index(settings.index_dir)
        built[processes] = ([(c.source, c.text) for c in index.chunks], index.chunk_terms,
                            {s: d.facts for s, d in index.documents.items()})
    assert len(built[1][0]) > MIN_FILES_FOR_PROCESSES
    assert built[2] == built[1]


def test_a_script_without_a_main_guard_gets_an_error_not_a_hang(tmp_path):
    """Build workers are spawned and re-run the calling script's top level: a script that opens the
    index there must fail with the fix, not have each worker wait for its parent's build forever."""
    import subprocess
    import sys
    import textwrap

    from qa.workers import MIN_FILES_FOR_PROCESSES

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(MIN_FILES_FOR_PROCESSES + 2):
        (corpus / f"report-{i:02d}.txt").write_text(f"{i}번 보고서. 서울시 공무원이 요코하마 세미나에 참석했다.\n", encoding="utf-8")
    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent(f"""
        from qa import QA, Settings
        QA.open(Settings(index_dir={str(tmp_path / 'index')!r}, corpus=[{str(corpus)!r}], embedder="hash", build_processes=2))
    """), encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode != 0
    assert 'if __name__ == "__main__":' in run.stderr
    assert "색인 작업 프로세스가 비정상 종료했습니다" in run.stderr
