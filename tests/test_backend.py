"""Search backends: the local FAISS + bm25s files and Milvus (Lite here) give the same candidates,
a build records its collection, and switching backends rebuilds (`qa.backend`)."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import ASCC, SEEDS, run_cli
from qa import QA, Settings
from qa.backend import LocalBackend, MilvusBackend, bm25_document_weights, bm25_idf
from qa.index import IndexUnavailable, build_index, current_folder, stale_reason
from qa.keyword import KeywordIndex

pytest.importorskip("pymilvus")

QUESTIONS = ["서울시가 ASCC에서 무엇을 발표했나?", "광저우 출장 며칠?", "OECD 라운드테이블 어디서 열렸어",
             "인도에서 누구 만났어", "What did Seoul present at ASCC?", "스마트시티 세미나 참석 인원"]
# ... and every question of the seeds dev set (this is where the answers are checked on Milvus; the
# test command's second run on Milvus leaves the answer tests out).
SEED_DEV = Path(__file__).parent.parent / "eval" / "seeds_dev.jsonl"
DEV_QUESTIONS = [json.loads(line)["question"] for line in SEED_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_sparse_bm25_weights_give_exactly_the_bm25s_scores():
    docs = [["서울", "발표", "발표", "전략"], ["파리", "회의"], [], ["서울", "회의", "회의", "회의", "참석"]]
    keyword = KeywordIndex.build(docs)
    vocab, weights = bm25_document_weights(docs)
    idf = bm25_idf(docs)
    for terms in (["서울", "발표"], ["회의"], ["없는말"], ["서울", "회의", "파리"]):
        query = {vocab[t]: idf[t] for t in terms if t in vocab}
        ours = [sum(w * d.get(i, 0.0) for i, w in query.items()) for d in weights]
        assert ours == pytest.approx(keyword.scores(terms).tolist(), abs=1e-5)
    assert weights[2] and not set(weights[2]) & set(vocab.values())  # an empty passage: a placeholder no term hits


@pytest.fixture
def both(small_corpus, hash_settings):
    """The same corpus built for the local files and for Milvus Lite (whatever QA_SEARCH_BACKEND says)."""
    local = QA.open(hash_settings.model_copy(update={"search_backend": "faiss"}))
    milvus_settings = hash_settings.model_copy(update={"index_dir": hash_settings.index_dir.parent / "milvus-index",
                                                       "search_backend": "milvus"})
    return local, QA.open(milvus_settings)


def test_milvus_finds_the_same_passages_with_the_same_scores(both):
    local, milvus = both
    assert isinstance(local.searcher.backend, LocalBackend) and isinstance(milvus.searcher.backend, MilvusBackend)
    for question in QUESTIONS:
        a, b = local.retrieve(question, k=5), milvus.retrieve(question, k=5)
        assert [h.row for h in a.hits] == [h.row for h in b.hits], question
        assert [h.score for h in a.hits] == pytest.approx([h.score for h in b.hits], abs=1e-4)
        assert {"keyword", "dense", "fetch"} <= set(b.timings_ms)
    # Restricted to one report, as a follow-up or a picked document is.
    hits = milvus.retrieve("발표", k=5, sources=[ASCC]).hits
    assert hits and {h.chunk.source for h in hits} == {ASCC}


def test_a_milvus_build_records_its_collection_and_leaves_one_lite_file_per_kept_build(both, small_corpus):
    _, milvus = both
    settings = milvus.settings
    first = milvus.index.manifest["milvus_collection"]
    assert first.startswith("qa_") and (settings.index_dir / "milvus").is_dir()
    (small_corpus / "new.txt").write_text("2025년 10월 빈 출장에서 스마트 교통 정책을 살폈다.", encoding="utf-8")
    build_index([small_corpus], settings.index_dir, settings)
    build_index([small_corpus], settings.index_dir, settings.model_copy(update={"chunk_target_chars": 300}))
    lite = sorted(p.stem for p in (settings.index_dir / "milvus").glob("*.db"))
    builds = sorted(p.name for p in (settings.index_dir / "builds").iterdir())
    assert lite == builds and len(builds) == 2  # the current build and the one before it
    answer = QA.open(settings.model_copy(update={"chunk_target_chars": 300}), build_if_stale=False).ask("빈 출장에서 뭘 살폈어?")
    assert not answer.abstained and "new.txt" in {c.source for c in answer.citations}


def test_switching_to_milvus_makes_the_index_stale_and_back_needs_no_rebuild(small_corpus, hash_settings):
    hash_settings = hash_settings.model_copy(update={"search_backend": "faiss"})
    build_index([small_corpus], hash_settings.index_dir, hash_settings)
    milvus_settings = hash_settings.model_copy(update={"search_backend": "milvus"})
    assert "search_backend" in stale_reason(milvus_settings, [small_corpus], hash_settings.index_dir)
    build_index([small_corpus], hash_settings.index_dir, milvus_settings)
    assert stale_reason(milvus_settings, [small_corpus], hash_settings.index_dir) is None
    # The Milvus build keeps its FAISS and bm25s files: the default backend answers from it as it is.
    assert stale_reason(hash_settings, [small_corpus], hash_settings.index_dir) is None
    assert isinstance(QA.open(hash_settings, build_if_stale=False).searcher.backend, LocalBackend)


@pytest.mark.e2e
def test_the_seed_index_on_milvus_answers_as_the_default_does(tmp_path, seed_index_dir, seed_qa):
    """The real model end to end: the seeds built into Milvus Lite give the same answers as the
    session's seed index (built for FAISS, or for Milvus when QA_SEARCH_BACKEND says so).
    Switching an index to Milvus rebuilds it with the vectors it has: nothing is embedded again."""
    shutil.copytree(seed_index_dir, tmp_path / "index", symlinks=True)
    settings = Settings(index_dir=tmp_path / "index", corpus=[SEEDS], search_backend="milvus")
    report = build_index([SEEDS], settings.index_dir, settings)
    assert report.embedded == 0 and report.files
    milvus = QA.open(settings, build_if_stale=False)
    for question in QUESTIONS + DEV_QUESTIONS:
        a, b = seed_qa.ask(question), milvus.ask(question)
        assert (a.answer, a.abstained, [c.source for c in a.citations]) == (b.answer, b.abstained, [c.source for c in b.citations]), question
    assert np.isclose(seed_qa.retrieve(QUESTIONS[0]).hits[0].dense, milvus.retrieve(QUESTIONS[0]).hits[0].dense, atol=1e-4)


def test_milvus_own_rankers_can_replace_our_fusion_and_need_milvus(both, hash_settings):
    _, milvus = both
    for fusion in ("milvus-rrf", "milvus-weighted"):
        ranked = QA.open(milvus.settings.model_copy(update={"fusion": fusion}), build_if_stale=False)
        hits = ranked.retrieve("미나토미라이초등학교 시찰", k=3).hits
        assert hits[0].chunk.source == ASCC and hits[0].score > 0
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    with pytest.raises(ValueError, match="Milvus"):
        QA.open(hash_settings.model_copy(update={"search_backend": "faiss", "fusion": "milvus-rrf"}))


def test_a_process_searching_milvus_reads_no_faiss_or_bm25s_file(small_corpus, hash_settings, tmp_path):
    """Milvus holds the passages: the app answers with the build's FAISS and bm25s files moved away,
    which the default backend cannot."""
    settings = hash_settings.model_copy(update={"search_backend": "milvus", "index_dir": tmp_path / "index"})
    build_index([small_corpus], settings.index_dir, settings)
    folder = current_folder(settings.index_dir)
    (folder / "dense.faiss").rename(tmp_path / "aside.faiss")
    (folder / "keyword").rename(tmp_path / "aside-keyword")
    answer = QA.open(settings, build_if_stale=False).ask("미나토미라이초등학교 시찰")
    assert not answer.abstained and ASCC in {c.source for c in answer.citations}
    with pytest.raises(IndexUnavailable, match="dense.faiss"):
        QA.open(settings.model_copy(update={"search_backend": "faiss"}), build_if_stale=False)


def test_a_build_lets_go_of_its_lite_file_so_another_process_answers_from_it(small_corpus, hash_settings):
    """The building process stops its Milvus Lite server of the new file: `qa ask` opens the same build
    (no rebuild) while the builder still runs."""
    settings = hash_settings.model_copy(update={"search_backend": "milvus"})
    build_index([small_corpus], settings.index_dir, settings)
    builds = sorted(p.name for p in (settings.index_dir / "builds").iterdir())
    out = run_cli("ask", "미나토미라이초등학교 시찰", "--json", "--index-dir", str(settings.index_dir),
                  env={"QA_SEARCH_BACKEND": "milvus", "QA_EMBEDDER": "hash"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert ASCC in {c["source"] for c in json.loads(out.stdout)["citations"]}
    assert "새로 만듭니다" not in out.stderr and sorted(p.name for p in (settings.index_dir / "builds").iterdir()) == builds
    # While a process serves it, another gets one Korean line saying why, and no rebuild.
    serving = QA.open(settings, build_if_stale=False)
    assert not serving.ask("미나토미라이초등학교 시찰").abstained
    out = run_cli("ask", "미나토미라이초등학교 시찰", "--index-dir", str(settings.index_dir),
                  env={"QA_SEARCH_BACKEND": "milvus", "QA_EMBEDDER": "hash"})
    assert out.returncode != 0 and "한 번에 한 프로세스만" in out.stderr
    assert sorted(p.name for p in (settings.index_dir / "builds").iterdir()) == builds
