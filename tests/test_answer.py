"""The offline answer composer on the real seed index."""

import re

import pytest

from conftest import ASCC, GUANGZHOU, OECD
from qa.answer import ABSTAIN_TEXT, is_foreign_question, is_list_question

pytestmark = pytest.mark.e2e
MARKER = re.compile(r"\[(\d+)\]")


def test_ascc_question_is_answered_with_a_citation(seed_qa):
    answer = seed_qa.ask("서울시가 ASCC에서 무엇을 발표했나?")
    assert not answer.abstained
    assert "탄소중립" in answer.answer
    assert answer.citations[0].source == ASCC
    first_sentence = MARKER.split(answer.answer)[0].strip()
    assert first_sentence and first_sentence in answer.citations[0].quote  # the answer quotes its passage
    assert not first_sentence.startswith("특히")  # no dangling connective at the start


def test_markers_match_the_numbered_citations(seed_qa):
    answer = seed_qa.ask("SDGs 전문가 세미나에서 서울시가 소개한 우수 정책 사례는?")
    numbers = {int(n) for n in MARKER.findall(answer.answer)}
    assert numbers == {c.n for c in answer.citations} == set(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        doc = seed_qa.index.documents[c.source]
        assert c.quote.split(" ")[0] in doc.text[c.start : c.end]


def test_answers_are_short(seed_qa):
    answer = seed_qa.ask("광저우 출장에서 방문한 대학은 어디야?")
    assert 1 <= len(MARKER.findall(answer.answer)) <= 3
    assert "홍콩과학기술대학교" in answer.answer
    assert {c.source for c in answer.citations} == {GUANGZHOU}


def test_trip_fact_question(seed_qa):
    answer = seed_qa.ask("ASCC 출장 인원은 몇 명이었나?")
    assert "인원: 1" in answer.answer


def test_place_question_prefers_a_sentence_with_the_place(seed_qa):
    answer = seed_qa.ask("제3차 OECD 스마트시티 라운드테이블은 어디에서 열렸나?")
    assert "OECD 본부" in answer.answer
    assert answer.citations[0].source == OECD


@pytest.mark.parametrize(
    "question",
    ["ASCC 출장에 든 경비는 총 얼마였나?", "부산시 공무원의 싱가포르 출장 보고서 내용은?", "서울시가 2024년에 미국 뉴욕으로 간 출장에서는 무엇을 했나?"],
)
def test_unanswerable_questions_abstain_and_name_nearest_documents(seed_qa, question):
    answer = seed_qa.ask(question)
    assert answer.abstained
    assert answer.answer.startswith(ABSTAIN_TEXT)
    assert answer.citations == []
    assert answer.nearest and answer.nearest[0].source.endswith(".txt")


def test_missing_words_are_named_when_abstaining(seed_qa):
    answer = seed_qa.ask("OECD 라운드테이블 참가비는 얼마였나?")
    assert answer.abstained and "‘참가비’" in answer.answer


def test_question_kinds():
    assert is_list_question("어떤 정책을 소개했나?")
    assert not is_list_question("언제 출발했나?")
    assert is_foreign_question("Where was the conference held?")
    assert not is_foreign_question("ASCC는 어디서 열렸나?")


def test_empty_question_is_rejected(seed_qa):
    with pytest.raises(ValueError):
        seed_qa.ask("   ")


def test_timings_are_reported(seed_qa):
    timings = seed_qa.ask("한중일 스마트시티 온라인 세미나는 누가 개최했나?").timings_ms
    assert {"retrieve", "answer", "total", "embed", "keyword", "dense", "fusion"} <= set(timings)
    assert timings["total"] >= timings["retrieve"] > 0
