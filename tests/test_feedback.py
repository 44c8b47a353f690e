import json

import pytest

from qa.feedback import MAX_COMMENT_CHARS, read_feedback, record_feedback

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


def test_huge_comments_are_cut_and_the_log_rotates(tmp_path):
    log = tmp_path / "feedback.jsonl"
    fid = record_feedback(log, ANSWER, "down")
    for _ in range(5):  # five 1 MB comments (the probe sent 100 MB ones)
        record_feedback(log, ANSWER, "down", "가" * 2**20, fid, max_log_bytes=30_000)
    latest = read_feedback(log)
    assert len(latest[0]["comment"]) == MAX_COMMENT_CHARS and latest[0]["comment"].endswith("…")
    sizes = [p.stat().st_size for p in tmp_path.iterdir()]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feedback.jsonl", "feedback.jsonl.1"]
    assert max(sizes) <= 30_000


def test_disliked_answers_export_once_as_regression_questions(tmp_path):
    from conftest import run_cli

    log, out = tmp_path / "feedback.jsonl", tmp_path / "regressions.jsonl"
    answer = {"question": "OECD 참가비는?", "answer": "찾지 못했습니다.", "abstained": True, "citations": [], "mode": "extractive"}
    liked = {"question": "광저우 며칠?", "answer": "3박 4일", "citations": [{"n": 1, "source": "g.txt"}]}
    down = record_feedback(log, answer, "down")
    record_feedback(log, answer, "down", "보고서에 있어요", down)
    record_feedback(log, liked, "up")
    listed = run_cli("feedback", "list", "--log", str(log))
    assert listed.returncode == 0 and "OECD 참가비는?" in listed.stdout and "보고서에 있어요" in listed.stdout
    assert "광저우" not in listed.stdout  # 👍 answers are not listed
    first = run_cli("feedback", "export", "--log", str(log), "--out", str(out))
    assert first.returncode == 0 and "1개" in first.stdout
    again = run_cli("feedback", "export", "--log", str(log), "--out", str(out))
    assert "0개" in again.stdout
    [line] = out.read_text(encoding="utf-8").splitlines()
    question = json.loads(line)
    assert question["question"] == "OECD 참가비는?" and question["keys"] == [] and question["comment"] == "보고서에 있어요"
    assert set(question) >= {"id", "question", "sources", "keys", "answerable", "type"}  # the QA file schema
