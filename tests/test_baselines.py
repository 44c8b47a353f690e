"""Baselines side by side (fast: hash embedder, two seed reports)."""

from eval.baselines import TextbookPipeline, format_table, run_baselines
from eval.run import Question

from conftest import ASCC, TCS_NEWS
from qa.index import build_index


def test_baselines_run_on_the_same_questions_and_print_ratios(hash_settings, small_corpus):
    build_index([small_corpus], hash_settings.index_dir, hash_settings)
    questions = [
        Question("a", "서울시가 ASCC에서 무엇을 발표했나?", sources=[ASCC], keys=[["탄소중립"]]),
        Question("b", "한중일 스마트시티 온라인 세미나에는 몇 명이 참여했나?", sources=[TCS_NEWS], keys=[["400"]]),
        Question("c", "부산시의 싱가포르 출장 경비는?", answerable=False),
    ]
    summaries = run_baselines(questions, hash_settings)
    assert list(summaries) == ["keyword", "dense", "hybrid", "textbook"]
    assert summaries["textbook"]["abstention"]["recall"] == 0.0  # a top chunk never abstains
    table = format_table(summaries)
    assert table.splitlines()[0] == "| metric | keyword | dense | hybrid | textbook |"
    assert "×)" in table and "| key recall |" in table


def test_textbook_pipeline_splits_raw_text_into_1000_character_chunks(hash_settings, small_corpus):
    pipeline = TextbookPipeline([small_corpus], hash_settings)
    assert max(len(text) for _, text in pipeline.chunks) <= 1000
    result = pipeline.ask("서울시가 ASCC에서 무엇을 발표했나?")
    assert result["citations"][0]["source"] in {ASCC, TCS_NEWS} and len(result["retrieved"]) <= 10
