"""Metrics computed from per-question results (the `qa eval` JSON lines)."""

from __future__ import annotations

import math
import statistics
import unicodedata
from collections import Counter

from qa.answer import MARKER
from qa.korean import content_morphemes

from .run import Question


def _norm(text: str) -> str:
    # Spacing varies in Korean ("탄소 중립" / "탄소중립"): compare without spaces.
    return "".join(unicodedata.normalize("NFC", text).lower().split())


def key_present(answer: str, alternatives: list[str]) -> bool:
    """A key is present when the answer contains any one of its alternatives (spacing ignored)."""
    a = _norm(answer)
    return any(_norm(alt) in a for alt in alternatives if alt.strip())


def _source_match(cited: str, gold: str) -> bool:
    return cited == gold or cited.rsplit("/", 1)[-1] == gold.rsplit("/", 1)[-1]


# --------------------------------------------------------------------------- retrieval


def _dedupe(items: list) -> list:
    return list(dict.fromkeys(items))


def hit_at(ranked: list[str], gold: set[str], k: int) -> float:
    """1.0 when a gold item is among the first k distinct retrieved items."""
    return 1.0 if set(_dedupe(ranked)[:k]) & gold else 0.0


def mrr_at(ranked: list[str], gold: set[str], k: int = 10) -> float:
    """1 / rank of the first gold item among the first k distinct items; 0 when none."""
    for rank, item in enumerate(_dedupe(ranked)[:k], 1):
        if item in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: list[str], gold: set[str], k: int = 10) -> float:
    """Binary-relevance nDCG over the first k distinct items (each gold item counts once)."""
    items = _dedupe(ranked)[:k]
    dcg = sum(1.0 / math.log2(rank + 1) for rank, item in enumerate(items, 1) if item in gold)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold), k) + 1))
    return dcg / ideal if ideal else 0.0


# --------------------------------------------------------------------------- citations and answers


def citation_precision(cited: list[str], gold: set[str]) -> float | None:
    """Share of citations that come from a gold source; None when nothing is cited."""
    return sum(c in gold for c in cited) / len(cited) if cited else None


def citation_recall(cited: list[str], gold: set[str]) -> float | None:
    """Share of gold sources cited at least once; None when the question has no gold source."""
    return len(gold & set(cited)) / len(gold) if gold else None


def answer_tokens(text: str) -> list[str]:
    """Content morphemes of an answer (Kiwi), citation markers removed."""
    return content_morphemes(MARKER.sub(" ", text))


def token_f1(answer: str, reference: str) -> float:
    """F1 of the multisets of content morphemes (SQuAD-style); 1.0 when both are empty."""
    a, r = Counter(answer_tokens(answer)), Counter(answer_tokens(reference))
    if not a and not r:
        return 1.0
    common = sum((a & r).values())
    if common == 0:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(r.values())
    return 2 * precision * recall / (precision + recall)


def rouge_l(answer: str, reference: str) -> float:
    """ROUGE-L F-measure (β = 1) over content-morpheme sequences."""
    a, r = answer_tokens(answer), answer_tokens(reference)
    if not a or not r:
        return 1.0 if a == r else 0.0
    # Longest common subsequence, one row at a time.
    prev = [0] * (len(r) + 1)
    for x in a:
        row = [0]
        for j, y in enumerate(r, 1):
            row.append(prev[j - 1] + 1 if x == y else max(prev[j], row[j - 1]))
        prev = row
    lcs = prev[-1]
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(a), lcs / len(r)
    return 2 * precision * recall / (precision + recall)


def grounded_share(answer: str, quotes: list[str]) -> float | None:
    """Faithfulness without an LLM: share of the answer's content morphemes found in the cited quotes."""
    tokens = answer_tokens(answer)
    if not tokens:
        return None
    present = set(answer_tokens(" ".join(quotes)))
    return sum(t in present for t in tokens) / len(tokens)


def supported_sentence_share(answer: str, citations: list[dict], min_share: float = 0.6) -> float | None:
    """Share of the answer's sentences whose cited quotes hold >= `min_share` of their content morphemes.

    A sentence is the text up to and including its markers ("… [1]" or "… [1][2]"); a sentence
    without a marker, or citing a number with no citation, is unsupported. None for an answer
    without content morphemes.
    """
    from qa.generate import split_marked_sentences

    quotes = {c.get("n", i): c["quote"] for i, c in enumerate(citations, 1)}
    verdicts = []
    for text, numbers in split_marked_sentences(answer):
        tokens = answer_tokens(text)
        if not tokens:
            continue
        present = set(answer_tokens(" ".join(quotes[n] for n in numbers if n in quotes)))
        verdicts.append(sum(t in present for t in tokens) / len(tokens) >= min_share)
    return sum(verdicts) / len(verdicts) if verdicts else None


def semantic_similarity(answer: str, reference: str, embed) -> float | None:
    """Cosine of the embeddings of answer (markers removed) and reference; `embed(texts)` gives
    L2-normalised vectors. 0 for an empty (abstained) answer, None without a reference."""
    if not reference.strip():
        return None
    text = MARKER.sub(" ", answer).strip()
    if not text:
        return 0.0
    a, r = embed([text, reference])
    return float(sum(x * y for x, y in zip(a, r)))


def abstention_scores(abstained: list[bool], answerable: list[bool]) -> dict[str, float | None]:
    """Precision and recall of abstaining on unanswerable questions, and the false-abstention rate."""
    unanswerable = [not a for a in answerable]
    abstained_unanswerable = sum(x and u for x, u in zip(abstained, unanswerable))
    return {
        "precision": abstained_unanswerable / sum(abstained) if any(abstained) else None,
        "recall": abstained_unanswerable / sum(unanswerable) if any(unanswerable) else None,
        "false_rate": (sum(x and not u for x, u in zip(abstained, unanswerable)) / sum(answerable)
                       if any(answerable) else None),
    }


def _mean(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.mean(values) if values else None


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    idx = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[idx]


def summarise(questions: list[Question], results: list[dict], embed=None) -> dict:
    """All metrics of one run. `embed(texts) -> normalised vectors` adds semantic similarity to references."""
    by_id = {r["id"]: r for r in results}
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]

    source_hits, all_keys, key_recalls, false_abstain = [], [], [], []
    recall_by_type: dict[str, list[float]] = {}
    for q in answerable:
        r = by_id[q.id]
        cited = [c["source"] for c in r["citations"]]
        source_hits.append(any(_source_match(c, g) for c in cited for g in q.sources) if q.sources else True)
        present = [key_present(r["answer"], k) for k in q.keys] if not r["abstained"] else [False] * len(q.keys)
        all_keys.append(all(present))
        if q.keys:
            key_recalls.append(sum(present) / len(q.keys))
            recall_by_type.setdefault(q.type, []).append(sum(present) / len(q.keys))
        false_abstain.append(r["abstained"])
    abstained_unanswerable = [by_id[q.id]["abstained"] for q in unanswerable]

    retrieval: dict[str, list[float | None]] = {m: [] for m in
        ("hit@1", "hit@3", "hit@5", "mrr@10", "ndcg@10", "page_hit@5", "page_mrr@10")}
    precision, recall, f1, rouge, grounded, supported, similarity = [], [], [], [], [], [], []
    for q in answerable:
        r = by_id[q.id]
        gold = set(q.sources)
        files = [d["source"] for d in r.get("retrieved", [])]
        passages = "retrieved" in r  # the passage retriever's ranking, whatever the answer mode
        if gold and passages:
            retrieval["hit@1"].append(hit_at(files, gold, 1))
            retrieval["hit@3"].append(hit_at(files, gold, 3))
            retrieval["hit@5"].append(hit_at(files, gold, 5))
            retrieval["mrr@10"].append(mrr_at(files, gold, 10))
            retrieval["ndcg@10"].append(ndcg_at(files, gold, 10))
        if gold and q.pages and passages:
            pages = [f"{d['source']}#{d['page']}" for d in r["retrieved"]]
            gold_pages = {f"{s}#{p}" for s in gold for p in q.pages}
            retrieval["page_hit@5"].append(hit_at(pages, gold_pages, 5))
            retrieval["page_mrr@10"].append(mrr_at(pages, gold_pages, 10))
        cited = [c["source"] for c in r["citations"]]
        precision.append(citation_precision(cited, gold) if gold else None)
        recall.append(citation_recall(cited, gold))
        if q.reference:
            f1.append(token_f1("" if r["abstained"] else r["answer"], q.reference))
            rouge.append(rouge_l("" if r["abstained"] else r["answer"], q.reference))
            if embed is not None:
                similarity.append(semantic_similarity("" if r["abstained"] else r["answer"], q.reference, embed))
        if not r["abstained"] and r.get("mode") != "catalogue":
            grounded.append(grounded_share(r["answer"], [c["quote"] for c in r["citations"]]))
            supported.append(supported_sentence_share(r["answer"], r["citations"]))
    ordered = [by_id[q.id] for q in questions]
    abstention = abstention_scores([r["abstained"] for r in ordered], [q.answerable for q in questions])

    def share(xs: list[bool]) -> float:
        return sum(xs) / len(xs) if xs else 0.0

    totals = [r["timings_ms"]["total"] for r in results]
    retrieves = [r["timings_ms"]["retrieve"] for r in results]
    stages = ["terms", "embed", "keyword", "dense", "fusion", "rerank", "retrieve", "answer", "total"]
    per_stage = {
        st: {"p50": _percentile(v, 50), "p95": _percentile(v, 95)}
        for st in stages
        if (v := [r["timings_ms"][st] for r in results if st in r["timings_ms"]])
    }
    return {
        "questions": len(questions),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "gold_source_cited": share(source_hits),
        "all_keys_present": share(all_keys),
        "key_recall": statistics.mean(key_recalls) if key_recalls else 0.0,
        "abstained_unanswerable": share(abstained_unanswerable),
        "abstained_answerable": share(false_abstain),
        "key_recall_by_type": {t: statistics.mean(v) for t, v in sorted(recall_by_type.items())},
        "retrieval": {m: _mean(v) for m, v in retrieval.items()},
        "citation_precision": _mean(precision),
        "citation_recall": _mean(recall),
        "token_f1": _mean(f1),
        "rouge_l": _mean(rouge),
        "grounded_share": _mean(grounded),
        "supported_sentences": _mean(supported),
        "semantic_similarity": _mean(similarity) if embed is not None else None,
        "abstention": abstention,
        "latency_ms": {
            "retrieve_p50": _percentile(retrieves, 50),
            "total_p50": _percentile(totals, 50),
            "total_p95": _percentile(totals, 95),
        },
        "latency_by_stage_ms": per_stage,
    }


def format_summary(summary: dict) -> str:
    lat = summary["latency_ms"]
    return "\n".join(
        [
            f"질문 {summary['questions']}개 (답 있음 {summary['answerable']}, 답 없음 {summary['unanswerable']})",
            f"  정답 문서 인용률        {summary['gold_source_cited']:.1%}",
            f"  모든 핵심어 포함률      {summary['all_keys_present']:.1%}",
            f"  핵심어 재현율           {summary['key_recall']:.1%}",
            f"  답 없는 질문 기권률     {summary['abstained_unanswerable']:.1%}",
            f"  답 있는 질문 오기권률   {summary['abstained_answerable']:.1%}",
            f"  지연(ms) 검색 p50 {lat['retrieve_p50']:.1f} · 전체 p50 {lat['total_p50']:.1f} · p95 {lat['total_p95']:.1f}",
            "  유형별 핵심어 재현율    "
            + " · ".join(f"{t} {v:.0%}" for t, v in summary.get("key_recall_by_type", {}).items()),
            "  검색 (파일)             " + " · ".join(
                f"{m} {_fmt(v)}" for m, v in summary.get("retrieval", {}).items() if not m.startswith("page")),
            f"  인용 정밀도/재현율      {_fmt(summary.get('citation_precision'))} / {_fmt(summary.get('citation_recall'))}",
            f"  근거 형태소 비율        {_fmt(summary.get('grounded_share'))} · 근거 있는 문장 {_fmt(summary.get('supported_sentences'))}",
            f"  기권 정밀도/재현율      {_fmt(summary.get('abstention', {}).get('precision'))} / "
            f"{_fmt(summary.get('abstention', {}).get('recall'))}",
        ]
    )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
