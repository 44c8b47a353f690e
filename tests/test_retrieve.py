"""Hybrid retrieval: fusion maths, the LangChain retriever seam, filters, dedup."""

import numpy as np
import pytest
from langchain_core.documents import Document

from conftest import ASCC, GUANGZHOU, OECD, TCS_NEWS
from qa import QA
from qa.index import build_index
from qa.retrieve import fuse_minmax, fuse_rrf


def test_minmax_fusion_mixes_normalised_scores():
    fused = fuse_minmax(np.array([0.9, 0.8, 0.7]), np.array([0.0, 10.0, 5.0]), alpha=0.5)
    assert fused.tolist() == pytest.approx([0.5, 0.75, 0.25])


def test_rrf_ranks_agreement_first():
    fused = fuse_rrf(np.array([0.9, 0.1, 0.5]), np.array([3.0, 0.0, 1.0]))
    assert int(np.argmax(fused)) == 0 and fused[0] == pytest.approx(1.0)
    assert fused[1] < fused[2]


@pytest.fixture
def hash_qa(small_corpus, hash_settings):
    build_index([small_corpus], hash_settings.index_dir, hash_settings)
    return QA.open(hash_settings, build_if_stale=False)


def test_keyword_side_finds_exact_terms(hash_qa):
    hits = hash_qa.retrieve("미나토미라이초등학교 시찰", k=3).hits
    assert hits[0].chunk.source == ASCC
    assert "미나토미라이초등학교" in hits[0].chunk.text


def test_source_filter_restricts_results(hash_qa):
    hits = hash_qa.retrieve("스마트시티 세미나", k=5, sources=[TCS_NEWS]).hits
    assert hits and {h.chunk.source for h in hits} == {TCS_NEWS}


def test_langchain_retriever_returns_documents(hash_qa):
    docs = hash_qa.retriever(k=2).invoke("한중일 스마트시티 온라인 세미나")
    assert len(docs) == 2 and all(isinstance(d, Document) for d in docs)
    assert docs[0].metadata["source"] == TCS_NEWS
    assert {"section", "page", "score", "start", "end"} <= set(docs[0].metadata)


def test_near_duplicate_passages_are_collapsed(tmp_path, hash_settings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "파리 OECD 본부에서 스마트시티 라운드테이블이 열렸다. 서울시가 발표했다."
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    (corpus / "b.txt").write_text(text + " ", encoding="utf-8")
    build_index([corpus], hash_settings.index_dir, hash_settings)
    qa = QA.open(hash_settings, build_if_stale=False)
    assert len(qa.retrieve("OECD 라운드테이블", k=5).hits) == 1


@pytest.mark.e2e
@pytest.mark.parametrize(
    "question, source",
    [
        ("서울시가 ASCC에서 무엇을 발표했나?", ASCC),
        ("광져우 캠퍼스 방문", GUANGZHOU),  # typo: 광저우
        ("탄소 공간 지도", OECD),  # spacing variant
        ("What did the Korean delegation discuss with the IEA?", OECD),
    ],
)
def test_real_hybrid_retrieval_on_seeds(seed_qa, question, source):
    hits = seed_qa.retrieve(question, k=3).hits
    assert hits[0].chunk.source == source
