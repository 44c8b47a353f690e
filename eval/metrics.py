"""Metrics computed from per-question results (the `qa eval` JSON lines)."""

from __future__ import annotations

import statistics
import unicodedata

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


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    idx = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[idx]


def summarise(questions: list[Question], results: list[dict]) -> dict:
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

    def share(xs: list[bool]) -> float:
        return sum(xs) / len(xs) if xs else 0.0

    totals = [r["timings_ms"]["total"] for r in results]
    retrieves = [r["timings_ms"]["retrieve"] for r in results]
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
        "latency_ms": {
            "retrieve_p50": _percentile(retrieves, 50),
            "total_p50": _percentile(totals, 50),
            "total_p95": _percentile(totals, 95),
        },
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
        ]
    )
