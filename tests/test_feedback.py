import json

import pytest

from qa.feedback import read_feedback, record_feedback

ANSWER = {
    "question": "질문",
    "answer": "답 [1]",
    "abstained": False,
    "citations": [{"n": 1, "source": "a.txt", "section": "개요", "page": None, "quote": "답", "score": 0.9}],
    "mode": "extractive",
}


def test_feedback_is_appended_and_a_comment_updates_the_same_record(tmp_path):
    log = tmp_path / "sub" / "feedback.jsonl"
    fid = record_feedback(log, ANSWER, "down")
    record_feedback(log, ANSWER, "up")
    record_feedback(log, ANSWER, "down", "  출처가 틀렸어요 ", fid)

    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3
    assert lines[0]["citations"] == [{"n": 1, "source": "a.txt", "section": "개요", "page": None, "quote": "답"}]
    latest = read_feedback(log)
    assert [(r["verdict"], r["comment"]) for r in latest] == [("down", "출처가 틀렸어요"), ("up", "")]
    assert latest[0]["id"] == fid and latest[0]["time"]


def test_unknown_verdict_is_rejected(tmp_path):
    with pytest.raises(ValueError):
        record_feedback(tmp_path / "f.jsonl", ANSWER, "meh")


def test_missing_log_reads_as_empty(tmp_path):
    assert read_feedback(tmp_path / "none.jsonl") == []
