"""Users' 👍/👎 on answers, appended to a JSON-lines log the eval suite can read.

One line per event. A comment sent after the verdict repeats the record with the same
`id` and the comment filled in: the last line of an id wins.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path

_lock = threading.Lock()


def record_feedback(
    log_path: Path, answer: dict, verdict: str, comment: str = "", feedback_id: str | None = None
) -> str:
    """Append one feedback record; returns its id. `answer` is `Answer.to_json()`."""
    if verdict not in ("up", "down"):
        raise ValueError(f"verdict must be 'up' or 'down', not {verdict!r}")
    feedback_id = feedback_id or uuid.uuid4().hex
    record = {
        "id": feedback_id,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "question": answer.get("question", ""),
        "answer": answer.get("answer", ""),
        "abstained": answer.get("abstained", False),
        "citations": [
            {k: c.get(k) for k in ("n", "source", "section", "page", "quote")} for c in answer.get("citations", [])
        ],
        "mode": answer.get("mode", ""),
        "verdict": verdict,
        "comment": comment.strip(),
    }
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _lock, log_path.open("a", encoding="utf-8") as fh:
        fh.write(line)
    return feedback_id


def read_feedback(log_path: Path) -> list[dict]:
    """The latest record of each id, in first-seen order."""
    latest: dict[str, dict] = {}
    path = Path(log_path)
    if not path.exists():
        return []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            latest[rec["id"]] = rec
    return list(latest.values())
