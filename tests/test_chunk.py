from conftest import ASCC, OECD, INDIA_NEWS, SEEDS, TCS_NEWS
from qa.chunk import BODY, chunk_document
from qa.clean import clean_text
from qa.korean import sentence_spans


def chunks_of(name: str, **kw):
    text = clean_text((SEEDS / name).read_text(encoding="utf-8"))
    return chunk_document(name, [(None, text)], header="머리", **kw)


def test_offsets_point_into_the_document_text():
    for name in (ASCC, OECD, INDIA_NEWS):
        full, chunks = chunks_of(name)
        assert chunks
        for c in chunks:
            assert full[c.start : c.end] == c.text
            assert c.id.startswith(name + "#")


def test_chunks_end_on_sentence_boundaries():
    full, chunks = chunks_of(ASCC)
    ends = {c.start + e for c in chunks for _, e in c.sentences}
    boundaries = {e for _, e in sentence_spans(full)}
    assert ends <= boundaries
    for c in chunks:
        assert c.sentences[-1][1] == len(c.text)


def test_chunk_size_respects_target_and_ceiling():
    _, chunks = chunks_of(OECD, target_chars=300, max_chars=600)
    for c in chunks:
        assert len(c.text) <= 600


def test_sections_follow_the_report_structure():
    _, chunks = chunks_of(ASCC)
    sections = [c.section for c in chunks]
    assert "📝 요약" in sections and "🎯 핵심 내용" in sections
    _, chunks = chunks_of(OECD)
    sections = {c.section for c in chunks}
    assert "I. 출장개요 > 4. 출장목적" in sections
    assert any(s.startswith("III. 수행사항 > 1. 제3차 OECD 스마트시티 라운드테이블 참석") for s in sections)
    assert "[별첨 1] 제3차 OECD 라운드테이블 참석자 명단" in sections


def test_news_items_become_sections():
    _, chunks = chunks_of(INDIA_NEWS)
    sections = {c.section for c in chunks}
    assert "인도 도시개발장관 만나 ‘디지털시장실’ 알려" in sections
    assert "[전문] 시티넷 총회 ‘콜롬보 선언’" in sections


def test_document_without_headings_is_one_body_section():
    _, chunks = chunks_of(TCS_NEWS)
    assert {c.section for c in chunks} == {BODY}


def test_a_chunk_never_spans_two_sections_or_pages():
    page1 = "Ⅰ. 개요\n\n" + "첫 장의 문장입니다. " * 10
    page2 = "이어지는 둘째 장 문장입니다. " * 10
    full, chunks = chunk_document("r.pdf", [(1, page1), (2, page2)], target_chars=2000, max_chars=3000)
    assert {c.page for c in chunks} == {1, 2}
    assert all("첫 장" not in c.text or "둘째 장" not in c.text for c in chunks)


def test_search_text_carries_the_document_header():
    _, chunks = chunks_of(ASCC)
    assert all(c.search_text.startswith("머리") for c in chunks)


def test_overlong_sentence_is_cut_at_spaces():
    line = "가나다라마 " * 400
    _, chunks = chunk_document("long.txt", [(None, line)], target_chars=300, max_chars=500)
    assert len(chunks) > 1 and all(len(c.text) <= 500 for c in chunks)
