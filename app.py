"""Chat page over the trip reports (Gradio). A thin layer over `qa.QA`.

    python app.py [--host 127.0.0.1] [--port 7860] [--corpus seeds] [--index-dir index]

The index is built first when it is missing or stale.
"""

from __future__ import annotations

import argparse
import html
from pathlib import Path

import gradio as gr

from qa import QA, Answer, Settings
from qa.cli import TqdmProgress

EXAMPLES = [
    "서울시가 ASCC에서 무엇을 발표했나?",
    "광저우 출장은 며칠 동안이었어?",
    "OECD 라운드테이블 참가비는 얼마였나?",
]


def render(answer: Answer) -> str:
    """Markdown for one answer: the text with its markers, then the numbered sources."""
    lines = [answer.answer]
    if answer.citations:
        lines.append("\n**출처**")
        for c in answer.citations:
            where = f"{c.page}쪽" if c.page else c.section
            quote = html.escape(c.quote)
            lines.append(f"{c.n}. `{c.source}` · {html.escape(where)}\n   > {quote}")
    return "\n".join(lines)


def build_app(qa: QA) -> gr.Blocks:
    def respond(message: str, history: list) -> str:
        if not message.strip():
            return "질문을 입력해 주세요."
        return render(qa.ask(message))

    def ask(question: str) -> dict:
        """The same JSON object as `qa ask --json`, for scripts (gradio_client)."""
        return qa.ask(question).to_json()

    with gr.Blocks(title="공무국외출장 보고서 질의응답", analytics_enabled=False) as app:
        gr.ChatInterface(
            respond,
            api_name="respond",
            title="공무국외출장 보고서 질의응답",
            description="공무원 국외출장 결과보고서에서 답을 찾아 출처와 함께 보여 줍니다.",
            examples=EXAMPLES,
            textbox=gr.Textbox(placeholder="예: 서울시가 ASCC에서 무엇을 발표했나?", label="질문"),
            analytics_enabled=False,
        )
        gr.api(ask, api_name="ask")
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="출장 보고서 질의응답 웹 페이지")
    parser.add_argument("--host", default="127.0.0.1", help="기본값은 이 컴퓨터에서만 접속 가능한 127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--corpus", action="append", help="코퍼스 폴더 (기본: seeds/)")
    parser.add_argument("--index-dir", help="색인 폴더 (기본: index/)")
    parser.add_argument("--share", action="store_true", help="Gradio 공개 링크 만들기 (기본: 끔)")
    args = parser.parse_args()
    overrides = {}
    if args.corpus:
        overrides["corpus"] = [Path(p) for p in args.corpus]
    if args.index_dir:
        overrides["index_dir"] = Path(args.index_dir)
    qa = QA.open(Settings(**overrides), progress=TqdmProgress())
    build_app(qa).launch(server_name=args.host, server_port=args.port, share=args.share)


if __name__ == "__main__":
    main()
