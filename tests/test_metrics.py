"""Each evaluation metric on hand-made cases with known values."""

import math

import pytest

from eval.metrics import (
    abstention_scores, citation_precision, citation_recall, grounded_share, hit_at, key_present, mrr_at,
    ndcg_at, rouge_l, semantic_similarity, summarise, supported_sentence_share, token_f1,
)
from eval.run import Question


def test_hit_mrr_ndcg():
    ranked = ["b", "b", "a", "c", "d"]  # duplicates count once: distinct order b, a, c, d
    gold = {"a", "d"}
    assert hit_at(ranked, gold, 1) == 0.0 and hit_at(ranked, gold, 2) == 1.0
    assert mrr_at(ranked, gold) == pytest.approx(1 / 2)
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at(ranked, gold) == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)
    assert ndcg_at(["a", "d"], gold) == pytest.approx(1.0)
    assert mrr_at(["x"], gold) == 0.0 and ndcg_at([], gold) == 0.0
    assert hit_at(ranked, set(), 5) == 0.0 and ndcg_at(ranked, set()) == 0.0  # no gold source


def test_citation_precision_and_recall():
    assert citation_precision(["a", "a", "b"], {"a"}) == pytest.approx(2 / 3)
    assert citation_recall(["a", "a", "b"], {"a", "c"}) == pytest.approx(1 / 2)
    assert citation_precision([], {"a"}) is None  # nothing cited: undefined, not zero
    assert citation_recall(["a"], set()) is None  # no gold source


def test_token_f1_and_rouge_l_over_morphemes():
    assert token_f1("서울시는 탄소중립 전략을 발표했다 [1]", "서울시는 탄소중립 전략을 발표했다") == pytest.approx(1.0)
    assert token_f1("", "탄소중립 전략") == 0.0  # empty answer
    assert token_f1("", "") == 1.0
    half = token_f1("탄소중립 전략", "탄소중립 계획")
    assert 0 < half < 1
    assert rouge_l("탄소중립 전략 발표", "탄소중립 전략 발표") == pytest.approx(1.0)
    assert rouge_l("서울 파리 도쿄", "도쿄 파리 서울") == pytest.approx(1 / 3)  # LCS of 1 in 3
    assert rouge_l("", "탄소중립") == 0.0


def test_grounded_share():
    assert grounded_share("서울시는 탄소중립 전략을 발표했다 [1]", ["우리 시는 2050 탄소중립 전략을 발표했습니다."]) < 1.0
    assert grounded_share("탄소중립 전략 [1]", ["2050 탄소중립 전략"]) == pytest.approx(1.0)
    assert grounded_share("[1]", ["x"]) is None  # nothing to check


def test_supported_sentence_share():
    citations = [{"n": 1, "quote": "서울시는 요코하마에서 탄소중립 전략을 발표하였다."}, {"n": 2, "quote": "광저우 시장과 면담하였다."}]
    answer = "서울시는 탄소중립 전략을 발표했다. [1] 광저우 시장과 면담했다. [2] 부산시는 파리 박람회에 갔다. [1]"
    assert supported_sentence_share(answer, citations) == pytest.approx(2 / 3)  # the third is not in quote 1
    assert supported_sentence_share("서울시는 탄소중립 전략을 발표했다.", citations) == 0.0  # no marker, no support
    assert supported_sentence_share("광저우 시장과 면담했다. [7]", citations) == 0.0  # a marker with no citation
    assert supported_sentence_share("", citations) is None  # empty answer: undefined


def test_semantic_similarity_with_a_known_embedder():
    vectors = {"가": [1.0, 0.0], "나": [0.6, 0.8], "다": [0.0, 1.0]}

    def embed(texts):
        return [vectors[t] for t in texts]

    assert semantic_similarity("가 [1]", "나", embed) == pytest.approx(0.6)  # markers are removed first
    assert semantic_similarity("가", "다", embed) == pytest.approx(0.0)
    assert semantic_similarity("", "나", embed) == 0.0  # abstained: nothing said
    assert semantic_similarity("가", "", embed) is None  # no reference


def test_abstention_scores_including_all_abstained():
    scores = abstention_scores([True, True, False, False], [False, True, True, False])
    assert scores == {"precision": 0.5, "recall": 0.5, "false_rate": 0.5}
    everything = abstention_scores([True, True], [False, True])
    assert everything == {"precision": 0.5, "recall": 1.0, "false_rate": 1.0}
    assert abstention_scores([False], [True])["precision"] is None  # never abstained: undefined


def test_key_alternatives_ignore_spacing():
    assert key_present("2050 탄소 중립 전략", ["탄소중립", "탄소 저감"])
    assert not key_present("전략", ["탄소중립"])


def test_summary_on_a_hand_made_run():
    questions = [
        Question("q1", "?", sources=["a.txt"], keys=[["탄소중립"]], reference="탄소중립 전략을 발표했다", pages=[2]),
        Question("q2", "?", sources=["b.txt"], keys=[["파리"]]),
        Question("q3", "?", answerable=False),
    ]
    results = [
        {"id": "q1", "answer": "탄소중립 전략을 발표했다 [1]", "abstained": False, "mode": "extractive",
         "citations": [{"source": "a.txt", "quote": "탄소중립 전략을 발표했다"}],
         "retrieved": [{"source": "a.txt", "page": 1}, {"source": "a.txt", "page": 2}],
         "timings_ms": {"retrieve": 1.0, "total": 2.0}},
        {"id": "q2", "answer": "", "abstained": True, "mode": "extractive", "citations": [],
         "retrieved": [{"source": "c.txt", "page": None}, {"source": "b.txt", "page": None}],
         "timings_ms": {"retrieve": 1.0, "total": 2.0}},
        {"id": "q3", "answer": "", "abstained": True, "mode": "extractive", "citations": [], "retrieved": [],
         "timings_ms": {"retrieve": 1.0, "total": 2.0}},
    ]
    s = summarise(questions, results)
    assert s["retrieval"]["hit@1"] == pytest.approx(0.5)
    assert s["retrieval"]["mrr@10"] == pytest.approx((1 + 0.5) / 2)
    assert s["retrieval"]["page_hit@5"] == 1.0 and s["retrieval"]["page_mrr@10"] == pytest.approx(0.5)
    assert s["citation_precision"] == 1.0  # q2 cited nothing: left out, not counted as zero
    assert s["citation_recall"] == pytest.approx(0.5)
    assert s["token_f1"] == pytest.approx(1.0) and s["rouge_l"] == pytest.approx(1.0)
    assert s["abstention"] == {"precision": 0.5, "recall": 1.0, "false_rate": 0.5}
    assert s["key_recall"] == pytest.approx(0.5)
