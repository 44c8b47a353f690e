"""The CLI through a real subprocess: JSON schema, eval output, exit codes."""

import json
import os
import subprocess
import sys
import pytest

from conftest import ASCC, ROOT, run_cli as qa_cli

pytestmark = pytest.mark.e2e


def test_ask_json_schema(seed_index_dir):
    out = qa_cli("ask", "서울시가 ASCC에서 무엇을 발표했나?", "--json", "--index-dir", str(seed_index_dir))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"question", "answer", "abstained", "citations", "timings_ms"} <= set(data)
    assert data["abstained"] is False
    citation = data["citations"][0]
    assert {"n", "source", "section", "page", "quote", "score"} <= set(citation)
    assert citation["n"] == 1 and citation["source"] == ASCC
    assert {"retrieve", "answer", "total"} <= set(data["timings_ms"])


def test_ask_prints_answer_and_sources(seed_index_dir):
    out = qa_cli("ask", "한중일 스마트시티 온라인 세미나에는 몇 명이 참여했나?", "--index-dir", str(seed_index_dir))
    assert out.returncode == 0, out.stderr
    assert "400여명" in out.stdout and "출처:" in out.stdout and "[1]" in out.stdout


def test_eval_writes_one_line_per_question(seed_index_dir, tmp_path):
    qfile = tmp_path / "q.jsonl"
    rows = [
        {"id": "a", "question": "ASCC 출장은 어느 도시에서 진행됐나?", "sources": [ASCC], "keys": [["요코하마"]], "answerable": True, "type": "trip"},
        {"id": "b", "question": "ASCC 출장에 든 경비는 총 얼마였나?", "sources": [], "keys": [], "answerable": False, "type": "unanswerable"},
    ]
    qfile.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out_file = tmp_path / "results.jsonl"
    out = qa_cli("eval", str(qfile), "--out", str(out_file), "--index-dir", str(seed_index_dir))
    assert out.returncode == 0, out.stderr
    results = [json.loads(l) for l in out_file.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in results] == ["a", "b"]
    assert results[1]["abstained"] is True
    assert "정답 문서 인용률" in out.stdout and "100.0%" in out.stdout


def test_index_command_reports_bad_files_and_exit_code(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("파리 출장 보고서입니다. 회의에 참석했습니다.", encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    out = qa_cli("index", str(corpus), "--index-dir", str(tmp_path / "idx"))
    assert out.returncode == 1
    assert "empty.txt" in out.stderr and "빈 파일" in out.stderr
    assert "새로 처리 1개" in out.stdout
    again = qa_cli("index", str(corpus), "--index-dir", str(tmp_path / "idx"))
    assert "변경 없음 1개" in again.stdout and "새로 임베딩 0개" in again.stdout


def test_ask_builds_a_missing_index(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "trip.txt").write_text("서울시는 2024년 5월 베를린을 방문해 자전거 정책을 배웠습니다.", encoding="utf-8")
    out = qa_cli(
        "ask", "서울시는 베를린에서 무엇을 배웠나?", "--json", "--index-dir", str(tmp_path / "idx"),
        env={"QA_CORPUS": json.dumps([str(corpus)])},
    )
    assert out.returncode == 0, out.stderr
    assert "자전거" in json.loads(out.stdout)["answer"]
    assert (tmp_path / "idx" / "current" / "manifest.json").exists()


def test_missing_index_dir_corpus_gives_a_clear_error(tmp_path):
    out = qa_cli("ask", "질문", "--index-dir", str(tmp_path / "idx"), env={"QA_CORPUS": json.dumps([str(tmp_path / "nowhere")])})
    assert out.returncode == 2 and "코퍼스 경로가 없습니다" in out.stderr


def test_ask_llm_falls_back_with_a_warning_when_the_server_fails(seed_index_dir):
    from fake_llm import FakeLLM, Reply

    with FakeLLM(lambda body: Reply(status=503)) as llm:
        env = {"QA_LLM_BASE_URL": llm.url, "QA_LLM_MODEL": "m", "QA_LLM_MAX_RETRIES": "1", "QA_LLM_TIMEOUT": "2"}
        out = qa_cli("ask", "서울시가 ASCC에서 무엇을 발표했나?", "--llm", "--json", "--index-dir", str(seed_index_dir), env=env)
    assert out.returncode == 0, out.stderr
    assert "HTTP 503" in out.stderr and "발췌" in out.stderr
    data = json.loads(out.stdout)
    assert data["mode"] == "extractive" and "탄소중립" in data["answer"]
    assert len(llm.requests) == 2


def test_ask_llm_with_a_wrong_model_is_one_clear_error(seed_index_dir):
    from fake_llm import FakeLLM, Reply

    with FakeLLM(lambda body: Reply(status=404, error="model not found")) as llm:
        env = {"QA_LLM_BASE_URL": llm.url, "QA_LLM_MODEL": "no-such-model"}
        out = qa_cli("ask", "서울시가 ASCC에서 무엇을 발표했나?", "--llm", "--index-dir", str(seed_index_dir), env=env)
    assert out.returncode == 2
    assert "no-such-model" in out.stderr and "Traceback" not in out.stderr


def test_ask_llm_without_configuration_says_what_to_set(seed_index_dir):
    out = qa_cli("ask", "서울시가 ASCC에서 무엇을 발표했나?", "--llm", "--index-dir", str(seed_index_dir))
    assert out.returncode == 2 and "QA_LLM_BASE_URL" in out.stderr


def test_chat_keeps_the_conversation(seed_index_dir):
    base = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    out = subprocess.run(
        [sys.executable, "-m", "qa.cli", "chat", "--json", "--index-dir", str(seed_index_dir)],
        input="서울시가 ASCC에서 무엇을 발표했나?\n그 출장은 며칠이었어?\n",
        cwd=ROOT, env=base, capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stderr
    first, second = (json.loads(line) for line in out.stdout.splitlines())
    assert "탄소중립" in first["answer"]
    assert "3박 4일" in second["answer"] and second["citations"][0]["source"] == ASCC
    assert "이전 답변의 문서" in second["notice"]


def test_an_index_is_never_replaced_by_a_build_of_another_corpus(tmp_path):
    first, other, idx = tmp_path / "first", tmp_path / "other", str(tmp_path / "idx")
    for folder, text in ((first, "서울시는 베를린에서 자전거 정책을 배웠습니다."), (other, "부산시는 상하이에서 관광 협약을 맺었습니다.")):
        folder.mkdir()
        (folder / "trip.txt").write_text(text, encoding="utf-8")
    hash_env = {"QA_EMBEDDER": "hash"}
    assert qa_cli("index", str(first), "--index-dir", idx, env=hash_env).returncode == 0

    # No corpus given: the index keeps its own (the default seeds would have replaced it).
    again = qa_cli("index", "--index-dir", idx, env=hash_env)
    assert again.returncode == 0 and "변경 없음 1개" in again.stdout
    asked = qa_cli("ask", "베를린에서 뭘 배웠어?", "--json", "--index-dir", idx, env=hash_env)
    assert "자전거" in json.loads(asked.stdout)["answer"]

    # Another corpus is refused, naming both and the flag; the old index still answers.
    refused = qa_cli("index", str(other), "--index-dir", idx, env=hash_env)
    assert refused.returncode == 2
    assert str(first) in refused.stderr and str(other) in refused.stderr and "--replace-index" in refused.stderr
    asked = qa_cli("ask", "베를린에서 뭘 배웠어?", "--json", "--index-dir", idx, env={**hash_env, "QA_CORPUS": json.dumps([str(other)])})
    assert asked.returncode == 2 and "--replace-index" in asked.stderr
    # Adding a folder loses nothing; replacing on purpose is possible.
    assert qa_cli("index", str(first), str(other), "--index-dir", idx, env=hash_env).returncode == 0
    replaced = qa_cli("index", str(other), "--index-dir", idx, "--replace-index", env=hash_env)
    assert replaced.returncode == 0, replaced.stderr


@pytest.mark.parametrize("args, message", [
    (["ask", "가" * 1200], "질문이 너무 깁니다"),
    (["ask", "광저우 출장", "-k", "-5"], "1~50"),
    (["ask", "광저우 출장", "-k", "1000000000"], "1~50"),
    (["trips", "--from", "2025-13-45"], "실제 날짜"),
    (["trips", "--to", "yesterday"], "실제 날짜"),
])
def test_out_of_range_input_is_one_clear_error(seed_index_dir, args, message):
    out = qa_cli(*args, "--index-dir", str(seed_index_dir))
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_trips_prior_lists_prior_trips_as_json(seed_index_dir):
    result = qa_cli("trips", "--prior", "스마트시티 정책", "--country", "프랑스", "--json",
                    "--index-dir", str(seed_index_dir))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["mode"] == "catalogue" and data["citations"][0]["source"] == "002_6ada6236b972a2c9.txt"
    assert "시사점" in data["answer"]


def test_trips_leave_out_a_country_and_an_organisation(seed_index_dir):
    result = qa_cli("trips", "--not-country", "Japan", "--not-org", "국토연구원", "--json", "--index-dir", str(seed_index_dir))
    assert result.returncode == 0, result.stderr
    trips = json.loads(result.stdout)
    # Neither the Yokohama trip nor 국토연구원's Paris trip; the online seminar went to no country.
    assert {t["source"] for t in trips} == {"001_1eeefbb6c15ec2a8.txt", "003_428debc20d82d9a5.txt"}


def half_of_seeds_dev(tmp_path):
    """Every other question of the seeds dev set, unanswerable ones among them: a calibration file
    that takes half the time of the whole set."""
    lines = (ROOT / "eval" / "seeds_dev.jsonl").read_text(encoding="utf-8").splitlines()[::2]
    assert any(not json.loads(line)["answerable"] for line in lines)
    half = tmp_path / "seeds_half.jsonl"
    half.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return half


def test_calibrate_can_choose_only_the_refusal_threshold_on_more_questions(seed_index_dir, tmp_path):
    """`qa calibrate A B --threshold-only`: the packaged weights kept, the threshold chosen on both files."""
    from qa.calibration import PACKAGED, REFUSAL, SENTENCES

    extra = tmp_path / "more.jsonl"
    extra.write_text(json.dumps({"id": "m1", "question": "서울시 ASCC 출장 때 묵은 호텔 이름은?", "answerable": False,
                                 "keys": [], "sources": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = qa_cli("calibrate", str(half_of_seeds_dev(tmp_path)), str(extra), "--split", "all", "--threshold-only",
                 "--max-false-refusal", "0.1", "--out", str(tmp_path / "cal"), "--index-dir", str(seed_index_dir))
    assert out.returncode == 0, out.stderr
    packaged = json.loads((PACKAGED / REFUSAL).read_text(encoding="utf-8"))
    fitted = json.loads((tmp_path / "cal" / REFUSAL).read_text(encoding="utf-8"))
    assert fitted["coef"] == packaged["coef"] and fitted["threshold"] != packaged["threshold"]
    assert "more.jsonl" in fitted["fitted_on"] and (tmp_path / "cal" / SENTENCES).exists()


def test_calibrate_can_fit_the_refusal_model_alone(seed_index_dir, tmp_path):
    """`qa calibrate FILE --refusal-only`: the sentence model kept as loaded, the refusal model's weights
    and threshold fitted on the file."""
    from qa.calibration import PACKAGED, REFUSAL, SENTENCES

    out = qa_cli("calibrate", str(half_of_seeds_dev(tmp_path)), "--split", "all", "--refusal-only",
                 "--out", str(tmp_path / "cal"), "--index-dir", str(seed_index_dir))
    assert out.returncode == 0, out.stderr
    assert "문장 모델은 그대로" in out.stdout
    packaged = json.loads((PACKAGED / REFUSAL).read_text(encoding="utf-8"))
    fitted = json.loads((tmp_path / "cal" / REFUSAL).read_text(encoding="utf-8"))
    assert fitted["coef"] != packaged["coef"] and "seeds_half.jsonl" in fitted["fitted_on"]
    assert (json.loads((tmp_path / "cal" / SENTENCES).read_text(encoding="utf-8"))
            == json.loads((PACKAGED / SENTENCES).read_text(encoding="utf-8")))
