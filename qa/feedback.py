"""Users' 👍/👎 on answers, appended to a JSON-lines log the eval suite can read.

One line per event. A comment sent after the verdict repeats the record with the same
`id` and the comment filled in: the last line of an id wins. Comments are cut at
MAX_COMMENT_CHARS, and a log past its size limit is rotated to `<name>.1` (one older log
is kept), so no visitor can fill the disk through the feedback box.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path

_lock = threading.Lock()

MAX_COMMENT_CHARS = 2000
MAX_LOG_BYTES = 20 * 2**20


def record_feedback(
    log_path: Path, answer: dict, verdict: str, comment: str = "", feedback_id: str | None = None,
    max_log_bytes: int = MAX_LOG_BYTES,
) -> str:
    """Append one feedback record; returns its id. `answer` is `Answer.to_json()`."""
    if verdict not in ("up", "down"):
        raise ValueError(f"verdict must be 'up' or 'down', not {verdict!r}")
    feedback_id = feedback_id or uuid.uuid4().hex
    record = {
        "id": feedback_id,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "question": _cut(str(answer.get("question", "")), MAX_COMMENT_CHARS),
        "answer": _cut(str(answer.get("answer", "")), 4 * MAX_COMMENT_CHARS),
        "abstained": answer.get("abstained", False),
        "citations": [
            {k: c.get(k) for k in ("n", "source", "section", "page", "quote")} for c in answer.get("citations", [])
        ],
        "mode": answer.get("mode", ""),
        "verdict": verdict,
        "comment": _cut(comment.strip(), MAX_COMMENT_CHARS),
    }
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _lock:
        if log_path.exists() and log_path.stat().st_size + len(line.encode()) > max_log_bytes:
            log_path.replace(log_path.with_name(log_path.name + ".1"))
        with log_path.open("a", encoding="utf-8") as fh:
            fh.write(line)
    return feedback_id


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_feedback(log_path: Path) -> list[dict]:
    """The latest record of each id, in first-seen order."""
    latest: dict[str, dict] = {}
    path = Path(log_path)
    for part in (path.with_name(path.name + ".1"), path):  # the rotated log first
        if not part.exists():
            continue
        for line in part.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                latest[rec["id"]] = rec
    return list(latest.values())


def disliked(log_path: Path) -> list[dict]:
    """The 👎 records (latest of each id), newest first."""
    return sorted((r for r in read_feedback(log_path) if r.get("verdict") == "down"), key=lambda r: r["time"], reverse=True)


def regression_questions(records: list[dict]) -> list[dict]:
    """👎 answers as lines of a QA file (`qa eval` schema) for a person to complete: the question, the
    cited sources as a first guess, no keys yet, and the visitor's comment and the answer given.
    A refused question is marked answerable (the visitor disliked the refusal); the reviewer decides."""
    questions = []
    for r in records:
        sources = list(dict.fromkeys(c["source"] for c in r.get("citations", []) if c.get("source")))
        questions.append({
            "id": f"fb-{r['id'][:12]}", "question": r["question"], "sources": sources, "keys": [],
            "answerable": True, "type": "feedback", "comment": r.get("comment", ""), "answer_given": r.get("answer", ""),
        })
    return questions


def export_regression_questions(log_path: Path, out: Path) -> int:
    """Append the 👎 answers not yet in `out` to it as QA-file lines; returns how many were added."""
    out = Path(out)
    have = set()
    if out.exists():
        have = {json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines() if line.strip()}
    new = [q for q in regression_questions(disliked(log_path)) if q["id"] not in have]
    if new:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("a", encoding="utf-8") as fh:
            fh.writelines(json.dumps(q, ensure_ascii=False) + "\n" for q in new)
    return len(new)
