"""The page's HTML/Markdown rendering (no server): escaping, markers, highlights."""

from app import _highlighted, render_answer


def _answer(text, **extra):
    base = {
        "question": "q",
        "answer": text,
        "abstained": False,
        "citations": [{"n": 1, "source": "a.txt", "section": "개요", "page": None, "quote": "x", "title": "제목"}],
        "nearest": [],
    }
    return {**base, **extra}


def test_markers_become_links_and_document_text_cannot_inject_markup():
    md = render_answer(_answer("<script>alert(1)</script> **굵게** [1] 그리고 [9]"), turn=3)
    assert "<script>" not in md and "&#60;script&#62;" in md
    assert "**굵게**" not in md
    assert "(#qa:cite:3:1" in md  # [1] links to its source
    assert "#qa:cite:3:9" not in md  # a marker with no citation stays plain text
    # The title names the report; the file name is only the link's title (for copying), not shown.
    assert "「제목」" in md and '(#qa:cite:3:1 "a.txt")' in md and md.count("a.txt") == 1


def test_abstention_lists_nearest_documents_as_links():
    md = render_answer(
        _answer("찾지 못했습니다.", abstained=True, citations=[], nearest=[{"source": "b.txt", "title": "B", "score": 0.3}]),
        turn=0,
    )
    assert "찾지 못했습니다" in md and "[B](#qa:near:0:0)" in md and "b.txt" not in md


def test_highlight_marks_spans_escapes_text_and_shows_pages():
    text = "첫 <쪽> 문장. 둘째 문장.\n\n다음 쪽 문장."
    out = _highlighted(text, [(10, 16)], 0, page_starts=[(1, 0), (2, 18)])
    assert "<mark>둘째 문장.</mark>" in out
    assert "&lt;쪽&gt;" in out
    assert "— 2쪽 —" in out and "— 1쪽 —" not in out  # no separator before the first page


def test_a_file_name_with_backticks_cannot_inject_markup():
    name = "a`<img src=http://x/y.png>`b.txt"
    md = render_answer(_answer("본문 [1]", citations=[{"n": 1, "source": name, "section": "", "page": None,
                                                        "quote": "x", "title": ""}]), turn=0)
    span = md[md.index("``"):]
    assert span.startswith("`` " + name + " ``")  # one code span around the whole name: its HTML stays text


def test_trips_csv_never_starts_a_cell_with_a_formula():
    import csv
    import io

    from qa.catalogue import trips_csv
    from qa.facts import TripRecord

    rows = list(csv.reader(io.StringIO(trips_csv([TripRecord(source="a.txt", title="=HYPERLINK(\"http://x\")",
                                                              organisation="+cmd", purpose="@SUM(1)", travellers=["-1"],
                                                              traveller_count=3)]))))
    cells = rows[1]
    assert all(not c.startswith(("=", "+", "-", "@")) for c in cells)
    assert "'=HYPERLINK(\"http://x\")" in cells and "3" in cells  # kept, as text; numbers untouched


def test_trips_csv_header_is_korean_for_people_and_field_names_for_scripts():
    import csv
    import io

    from qa.catalogue import trips_csv
    from qa.facts import TripRecord

    trip = [TripRecord(source="a.txt", title="파리 출장", organisation="서울특별시", traveller_count=2)]
    korean = list(csv.reader(io.StringIO(trips_csv(trip, korean_header=True))))
    fields = list(csv.reader(io.StringIO(trips_csv(trip))))
    assert korean[0][:5] == ["파일", "출장명", "문서 종류", "기관", "나라"] and korean[1] == fields[1]
    assert fields[0][:2] == ["source", "title"] and "traveller_count" in fields[0]


def test_a_trip_card_shows_what_its_summary_says_where_it_differs_from_the_header():
    from app import render_trip
    from qa.facts import TripRecord

    trip = TripRecord(source="t.txt", title="글로벌 인문 리더", organisation="경상북도 안동시", start_date="2025-08-21",
                      end_date="2025-08-29", duration_text="8박 9일", duration_days=9, summary={"duration": "7박 9일"})
    card = render_trip(trip, None)
    assert "<dt>요약에는</dt><dd>7박 9일</dd>" in card and "8박 9일" in card
    assert "요약에는" not in render_trip(TripRecord(source="u.txt", duration_text="3박 4일"), None)
