"""The dev sets, by split, side by side with the textbook baseline.

    python -m eval.dev                    # holdout and tune of eval/realtrips_dev.jsonl, seeds dev set, follow-ups
    python -m eval.dev --split holdout    # one split only

`eval/realtrips_dev.jsonl` is asked over one index of the realtrips-dev corpus (read from
../shared/benchmarks/realtrips-dev/corpus, never copied) plus the seeds; `eval/seeds_dev.jsonl`
over the seeds alone. Thresholds and weights are fitted on the tune split only
(`qa calibrate eval/realtrips_dev.jsonl --split tune ...`); the holdout figures are the ones to report.
Follow-up pairs (`eval/followups_dev.jsonl`) are asked as two-turn conversations. The staff's
questions (the trip-set questions of realtrips_dev.jsonl and the prior-trip ones of
`eval/realtrips_prior.jsonl`) are summed up per split as well.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from qa import QA, Settings

from .baselines import TextbookPipeline, format_table
from .metrics import format_summary, key_present, summarise
from .run import Question, load_questions, run_questions, select_split

ROOT = Path(__file__).resolve().parent.parent
REALTRIPS = ROOT.parent / "shared" / "benchmarks" / "realtrips-dev" / "corpus"
SEEDS = ROOT / "seeds"
REALTRIPS_QA = ROOT / "eval" / "realtrips_dev.jsonl"
FRESH_QA = ROOT / "eval" / "realtrips_fresh.jsonl"
TUNE2_QA = ROOT / "eval" / "realtrips_tune2.jsonl"
TUNE3_QA = ROOT / "eval" / "realtrips_tune3.jsonl"
TUNE4_QA = ROOT / "eval" / "realtrips_tune4.jsonl"
TUNE5_QA = ROOT / "eval" / "realtrips_tune5.jsonl"
TUNE6_QA = ROOT / "eval" / "realtrips_tune6.jsonl"
TUNE7_QA = ROOT / "eval" / "realtrips_tune7.jsonl"
TUNE8_QA = ROOT / "eval" / "realtrips_tune8.jsonl"
TUNE9_QA = ROOT / "eval" / "realtrips_tune9.jsonl"
TUNE10_QA = ROOT / "eval" / "realtrips_tune10.jsonl"
TUNE11_QA = ROOT / "eval" / "realtrips_tune11.jsonl"
# 60 questions a helper wrote in stop 33 over the 13 documents only the holdout split uses: measured,
# never read one by one and never fitted on.
HOLDOUT2_QA = ROOT / "eval" / "realtrips_holdout2.jsonl"
# 60 + 60 questions a helper wrote in stop 35 over two disjoint sets of documents (tune and holdout
# documents of realtrips_dev.jsonl alike): tune12's read one by one, holdout3's measured only.
TUNE12_QA = ROOT / "eval" / "realtrips_tune12.jsonl"
HOLDOUT3_QA = ROOT / "eval" / "realtrips_holdout3.jsonl"
# 60 + 60 more in stop 36 (2026-12-06), tune13 over tune documents only (read one by one), holdout4
# over holdout documents only and six seed questions (measured only).
TUNE13_QA = ROOT / "eval" / "realtrips_tune13.jsonl"
HOLDOUT4_QA = ROOT / "eval" / "realtrips_holdout4.jsonl"
# 60 + 60 more in stop 37 (2026-12-06) over a random halving of all 82 documents (seeds included):
# tune14's read one by one, holdout5's measured only.
TUNE14_QA = ROOT / "eval" / "realtrips_tune14.jsonl"
HOLDOUT5_QA = ROOT / "eval" / "realtrips_holdout5.jsonl"
# 60 + 60 more in stop 38 (2026-12-07) over the same halving (the 13 documents neither set used split at
# random, seed 38): tune15's read one by one, holdout6's measured only.
TUNE15_QA = ROOT / "eval" / "realtrips_tune15.jsonl"
HOLDOUT6_QA = ROOT / "eval" / "realtrips_holdout6.jsonl"
# 60 + 60 more in stop 39 (2026-12-07) over the same halving (the one document neither used joins the
# holdout half): tune16's read one by one, holdout7's measured only.
TUNE16_QA = ROOT / "eval" / "realtrips_tune16.jsonl"
HOLDOUT7_QA = ROOT / "eval" / "realtrips_holdout7.jsonl"
# 60 + 60 more in stop 40 (2026-12-07) over the same halving: tune17's read one by one, holdout8's
# measured only.
TUNE17_QA = ROOT / "eval" / "realtrips_tune17.jsonl"
HOLDOUT8_QA = ROOT / "eval" / "realtrips_holdout8.jsonl"
# 60 + 60 more in stop 41 (2026-12-07) over a new random halving of all documents (seed 4141): tune18's
# read one by one, holdout9's measured only.
TUNE18_QA = ROOT / "eval" / "realtrips_tune18.jsonl"
HOLDOUT9_QA = ROOT / "eval" / "realtrips_holdout9.jsonl"
# 60 + 60 more in stop 45 (2026-12-08) over a new random halving of all documents (seed 5151): tune19's
# read one by one, holdout10's measured only.
TUNE19_QA = ROOT / "eval" / "realtrips_tune19.jsonl"
HOLDOUT10_QA = ROOT / "eval" / "realtrips_holdout10.jsonl"
PRIOR_QA = ROOT / "eval" / "realtrips_prior.jsonl"
# 45 staff questions (trip sets, prior trips) written in stop 27 by someone who never saw the code.
STAFF2_QA = ROOT / "eval" / "realtrips_staff2.jsonl"
SEEDS_QA = ROOT / "eval" / "seeds_dev.jsonl"
# 40 + 40 more over the seeds written in stop 41 by a helper who never saw the code or the dev set:
# seeds_tune2's over 000, 002 and 004 (read one by one), seeds_holdout2's over 001 and 003 (measured only).
SEEDS_TUNE2_QA = ROOT / "eval" / "seeds_tune2.jsonl"
SEEDS_HOLDOUT2_QA = ROOT / "eval" / "seeds_holdout2.jsonl"
# 40 more over all five seeds written in stop 42 by a helper who never saw the code or any question file;
# measured only.
SEEDS_HOLDOUT3_QA = ROOT / "eval" / "seeds_holdout3.jsonl"
# 40 + 40 more over all five seeds written in stop 45 by a helper who never saw the code or any question file,
# assigned to the two files at random: seeds_tune3's read one by one, seeds_holdout4's measured only.
SEEDS_TUNE3_QA = ROOT / "eval" / "seeds_tune3.jsonl"
SEEDS_HOLDOUT4_QA = ROOT / "eval" / "seeds_holdout4.jsonl"
FOLLOWUPS = ROOT / "eval" / "followups_dev.jsonl"
OUT = ROOT / "eval" / "out"


def open_realtrips(index_dir: Path = OUT / "idx-realtrips", **settings) -> QA:
    """The QA object over realtrips-dev plus the seeds (the index is built when missing or stale)."""
    if not REALTRIPS.is_dir():
        raise SystemExit(f"realtrips-dev 코퍼스가 없습니다: {REALTRIPS}")
    return QA.open(Settings(index_dir=index_dir, corpus=[REALTRIPS, SEEDS], **settings))


def open_seeds(index_dir: Path = OUT / "idx-seeds", **settings) -> QA:
    return QA.open(Settings(index_dir=index_dir, corpus=[SEEDS], **settings))


def compare(qa: QA, questions: list[Question]) -> dict[str, dict]:
    """Our pipeline and the textbook baseline on the same questions and corpus."""
    ours = summarise(questions, run_questions(qa, questions))
    textbook = TextbookPipeline(qa.settings.corpus, qa.settings)
    tb = summarise(questions, [{"id": q.id, **textbook.ask(q.question)} for q in questions])
    return {"ours": ours, "textbook": tb}


def run_followups(qa: QA, path: Path = FOLLOWUPS, split: str | None = None) -> dict:
    """Two-turn conversations: does the analysis see whether the second question points back, and
    is the second answer right (and never taken from the first answer's document when unrelated)?"""
    pairs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = [p for p in pairs if not split or split == "all" or p.get("split") == split]
    detected, keys, leaked = [], [], []
    for p in pairs:
        first = qa.ask(p["first"])
        second = qa.ask(p["second"], history=[first])
        query = qa.searcher.analyse(p["second"], has_history=not first.abstained)
        detected.append(query.refers_back == p["refers_back"])
        if p.get("answerable", True):
            keys.append(not second.abstained and all(key_present(second.answer, k) for k in p["keys"]))
        if not p["refers_back"]:
            leaked.append("이전 답변의 문서" in second.notice)
    share = lambda xs: sum(xs) / len(xs) if xs else 0.0  # noqa: E731
    return {"pairs": len(pairs), "refers_back_accuracy": share(detected), "second_all_keys": share(keys),
            "unrelated_answered_from_previous": share(leaked)}


def staff_questions(qa: QA, questions: list[Question], split: str) -> dict:
    """All keys over the questions staff ask about trips as a whole: trip sets and prior trips."""
    chosen = [q for q in select_split(questions, split) if q.type == "trip-set"]
    chosen += select_split(load_questions(PRIOR_QA), split)
    summary = summarise(chosen, run_questions(qa, chosen))
    return {"questions": len(chosen), "all_keys": round(summary["all_keys_present"], 3),
            "by_type": {t: round(v, 3) for t, v in summary["key_recall_by_type"].items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description="개발 질문 세트 평가 (tune/holdout, 교과서 기준선 비교)")
    parser.add_argument("--split", choices=["tune", "holdout", "all"], default=None)
    args = parser.parse_args()
    qa = open_realtrips()
    questions = load_questions(REALTRIPS_QA)
    for split in ([args.split] if args.split else ["holdout", "tune"]):
        chosen = select_split(questions, split)
        print_comparison(f"realtrips_dev.jsonl · {split} ({len(chosen)})", qa, chosen)
        print("\n후속 질문:", run_followups(qa, split=split))
        print("출장 목록 질문:", staff_questions(qa, questions, split))
    if not args.split:
        # Questions written after the models were fitted, over tune documents: never fitted on.
        fresh = load_questions(FRESH_QA)
        print_comparison(f"realtrips_fresh.jsonl ({len(fresh)}, never fitted on)", qa, fresh)
        unread = load_questions(HOLDOUT2_QA)
        print_comparison(f"{HOLDOUT2_QA.name} ({len(unread)}, holdout documents, never read or fitted on)", qa, unread)
        for path in (HOLDOUT3_QA, HOLDOUT4_QA, HOLDOUT5_QA, HOLDOUT6_QA, HOLDOUT7_QA, HOLDOUT8_QA, HOLDOUT9_QA,
                     HOLDOUT10_QA):
            unread = load_questions(path)
            print_comparison(f"{path.name} ({len(unread)}, new questions, never read or fitted on)", qa, unread)
        # New questions, read one by one to find classes of failures (tune2–tune11 and tune13 over tune documents, tune14–tune18 over half of all;
        # the refusal model is fitted on tune2–tune8 with the tune split, the sentence model on none).
        for path in (TUNE2_QA, TUNE3_QA, TUNE4_QA, TUNE5_QA, TUNE6_QA, TUNE7_QA, TUNE8_QA, TUNE9_QA, TUNE10_QA, TUNE11_QA, TUNE12_QA, TUNE13_QA, TUNE14_QA, TUNE15_QA, TUNE16_QA, TUNE17_QA, TUNE18_QA, TUNE19_QA):
            newer = load_questions(path)
            print_comparison(f"{path.name} ({len(newer)}, read individually)", qa, newer)
        staff = load_questions(STAFF2_QA)
        summary = summarise(staff, run_questions(qa, staff))
        print(f"\n출장 목록 질문 ({STAFF2_QA.name}, {len(staff)}, read individually):",
              {k: round(summary[k], 3) for k in ("all_keys_present", "abstained_unanswerable", "abstained_answerable")})
    seeds = open_seeds()
    seed_questions = load_questions(SEEDS_QA)
    print_comparison(f"seeds_dev.jsonl ({len(seed_questions)})", seeds, seed_questions)
    for path, how in ((SEEDS_HOLDOUT3_QA, "new questions, never read or fitted on"),
                      (SEEDS_HOLDOUT2_QA, "new questions, never read or fitted on"),
                      (SEEDS_HOLDOUT4_QA, "new questions, never read or fitted on"), (SEEDS_TUNE2_QA, "read individually"),
                      (SEEDS_TUNE3_QA, "read individually")):
        newer = load_questions(path)
        print_comparison(f"{path.name} ({len(newer)}, {how})", seeds, newer)


def print_comparison(title: str, qa: QA, questions: list[Question]) -> None:
    """Our summary, then ours and the textbook pipeline side by side, under a `## title` heading."""
    print(f"\n## {title}\n")
    summaries = compare(qa, questions)
    print(format_summary(summaries["ours"]))
    print()
    print(format_table(summaries, ours="ours"))

if __name__ == "__main__":
    main()
