"""Conversations the page keeps in the visitor's browser, and their export as Markdown or JSON.

A conversation is a dict: id, title (its first question), time (ISO, UTC), and the `qa ask --json`
objects of its answers in order (each holds its question). The page stores the visitor's most
recent ones in the browser (localStorage), never on the server.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

KEPT = 20  # conversations a browser keeps; the oldest goes first
TITLE_CHARS = 40


def conversation_title(answers: list[dict]) -> str:
    """The first question, shortened: the name a conversation is listed under."""
    first = (answers[0].get("question") or "").strip() if answers else ""
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1] + "…"


def remember(saved: list[dict], conversation_id: str, history: list, answers: list[dict]) -> tuple[list[dict], str]:
    """`saved` with this conversation stored first (new or updated), at most KEPT; and its id."""
    conversation_id = conversation_id or uuid.uuid4().hex[:12]
    entry = {"id": conversation_id, "title": conversation_title(answers),
             "time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "history": history, "answers": answers}
    rest = [c for c in saved or [] if isinstance(c, dict) and c.get("id") != conversation_id]
    return [entry, *rest][:KEPT], conversation_id


def to_markdown(conversation: dict) -> str:
    """The conversation as a Markdown document: each question, its answer and its sources."""
    lines = [f"# {conversation['title'] or '대화'}", "", f"저장 시각: {conversation['time']}", ""]
    for i, answer in enumerate(conversation["answers"], 1):
        lines += [f"## {i}. {answer.get('question', '')}", "", answer.get("answer", ""), ""]
        if answer.get("citations"):
            lines.append("출처:")
            for c in answer["citations"]:
                where = f"{c['page']}쪽" if c.get("page") else c.get("section") or ""
                title = f"「{c['title']}」 " if c.get("title") else ""
                lines.append(f"- [{c['n']}] {title}{c['source']}{f' · {where}' if where else ''}: “{c.get('quote', '')}”")
            lines.append("")
        elif answer.get("nearest"):
            lines.append("가장 가까운 문서: " + ", ".join(d.get("title") or d["source"] for d in answer["nearest"]))
            lines.append("")
    return "\n".join(lines)


def to_json(conversation: dict) -> str:
    """The conversation as JSON: id, title, time and each turn's `qa ask --json` object."""
    turns = [{k: v for k, v in a.items() if k != "retrieved"} for a in conversation["answers"]]
    return json.dumps({"id": conversation["id"], "title": conversation["title"], "time": conversation["time"],
                       "turns": turns}, ensure_ascii=False, indent=2)
