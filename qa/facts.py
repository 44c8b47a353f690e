"""The fact extractor: one trip record per cleaned document, every field with where it was read.

The record is the catalogue's row (qa/catalogue.py stores it) and gives the short header that is
embedded and keyword-indexed with every chunk, so a passage that never names its trip is still
found. Rules cover the layouts the corpus shows: the disclosure site (banner, country line, title,
organisation line, 출발일 / 도착일 / 여행 기간 / 인원), the formal 결과보고서 (기 간:, 출장지:,
출장자:, 4. 출장목적) and news articles (headline, 기사입력, the body that travels as the subject of
the lead). A field that no rule finds stays empty rather than guessed. The word lists and patterns
live in qa/lexicon.py.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache

from .korean import is_proper_noun, kiwi
from .lexicon import (COUNTRIES, COUNTRY_CODES, COUNTRY_WORD, FOREIGN_CITIES, GENERIC_TITLES, ORGANISATION_LINE,
                      ORGANISATION_SUFFIX, ORGANISATION_WORD, PROVINCE_NAMES, SHORT_CITY_ORGANISATIONS, SUBJECT_BODY,
                      cities_named, city_country, country_line, normalise_country, organisation_aliases, parse_date,
                      parse_duration, split_countries)

DOC_TYPES = {"report": "결과보고서", "disclosure": "공개 사이트 요약", "news": "뉴스 기사", "press": "보도자료"}


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass
class TripRecord:
    source: str
    title: str = ""
    doc_type: str = ""  # key of DOC_TYPES
    organisation: str = ""
    traveller_count: int | None = None
    travellers: list[str] = field(default_factory=list)  # "이름 직위"
    countries: list[str] = field(default_factory=list)  # Korean names (COUNTRY_CODES keys)
    cities: list[str] = field(default_factory=list)
    start_date: str = ""  # ISO
    end_date: str = ""
    duration_text: str = ""  # as written, "3박 4일"
    duration_days: int | None = None
    purpose: str = ""
    events: list[str] = field(default_factory=list)
    published: str = ""  # news publication date, ISO
    provenance: dict[str, Span] = field(default_factory=dict)  # field -> where in the text
    # What the report's own summary says where it differs from the header ("duration": "7박 9일",
    # "start_date": ISO): the header's value is the field's, this is shown beside it.
    summary: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        d = asdict(self)
        d["provenance"] = {k: [v.start, v.end] for k, v in self.provenance.items()}
        d["doc_type_label"] = DOC_TYPES.get(self.doc_type, "")
        d["country_codes"] = [COUNTRY_CODES.get(c, "") for c in self.countries]
        return d

    @classmethod
    def from_json(cls, d: dict) -> "TripRecord":
        d = {k: v for k, v in d.items() if k not in ("doc_type_label", "country_codes")}
        d["provenance"] = {k: Span(*v) for k, v in (d.get("provenance") or {}).items()}
        return cls(**d)

    def display_title(self) -> str:
        """The title, or for a page without one who went where ("경상북도 안동시 독일 출장")."""
        if self.title:
            return self.title
        if not (self.organisation or self.countries):
            return ""
        return " ".join(p for p in (self.organisation, " ".join(self.countries), "출장") if p)

    def header(self) -> str:
        """One line naming the document, prefixed to every chunk for search."""
        place = " ".join(self.countries + self.cities)
        organisation = self.organisation
        # Users and reports name it shorter (서울시, 경북 안동): the short names are searchable too.
        short = sorted(a for a in organisation_aliases([organisation]) if a not in organisation.split())
        if short:
            organisation = f"{organisation}({' '.join(short)})"
        dates = "~".join(d for d in (self.start_date, self.end_date) if d) or self.published
        return " | ".join(p for p in (self.title, organisation, place, dates) if p)


def extract_trip(source: str, text: str) -> TripRecord:
    """The trip record of one cleaned document."""
    rec = TripRecord(source=source, doc_type=_doc_type(text))
    lines = [l.strip() for l in text.split("\n") if l.strip()]
    title = _title(lines, text)[:120]
    if title and title not in GENERIC_TITLES:
        rec.title = title
        if (at := text.find(title)) >= 0:
            rec.provenance["title"] = Span(at, at + len(title))
    _places(rec, text, lines)
    _dates(rec, text)
    _people(rec, text)
    _summary_differences(rec, text)
    _organisation(rec, text, lines)
    _purpose_and_events(rec, text)
    if m := re.search(r"(?:기사)?입력\s*:?\s*(\d{4})[./-](\d{1,2})[./-](\d{1,2})", text):
        published, _ = parse_date(".".join(m.groups()))
        if published:
            rec.published = published
            rec.provenance["published"] = _span(0, m)
    return rec


# --------------------------------------------------------------------------- helpers


def _span(offset: int, m: re.Match, group: int | str = 0) -> Span:
    return Span(offset + m.start(group), offset + m.end(group))


def _label_line(label: str) -> str:
    """The start of a "라벨: 값" line (a number before it and spaces inside the label allowed)."""
    return r"^\s*(?:\d+\.\s*)?(?:" + label + r")\s*[:：]"


def _spaced(label: str) -> str:
    return r"\s*".join(map(re.escape, label))


# The labels of the lines fields are read from ("출발일: 2025-08-27").
FIELD_LABELS = ("출장지", "출발일", "도착일", "기간", "출장기간", "여행 기간", "인원", "출장자")
_FIELD_LABEL_LINE = re.compile(_label_line("|".join(map(_spaced, FIELD_LABELS))))


def is_field_line(line: str, record: TripRecord) -> bool:
    """A line a field of `record` is read from whole: the organisation line, a country line or a
    "출발일: …" label line (a trip fact, never an account of what happened)."""
    line = line.strip()
    return line == record.organisation or bool(split_countries(line)) or bool(_FIELD_LABEL_LINE.match(line))


def _line_value(text: str, label: str) -> tuple[str, Span] | None:
    """'라벨: 값' on its own line (spaces inside the label allowed)."""
    m = re.search(_label_line(_spaced(label)) + r"\s*(.+)$", text, flags=re.M)
    return (m.group(1).strip(), _span(0, m, 1)) if m else None


def _city_after(country: str, text: str) -> re.Match | None:
    """"3박 4일간 일본 요코하마에서" / "중국 광저우를 방문하여": group 1 is the word after the country."""
    return re.search(re.escape(country) + r" ([가-힣]{2,8}?)(?:에서|를|을|에|의)[ ,]", text)


def _countries_named(sentence: str) -> list[str]:
    """The countries `sentence` names, in order: as a proper noun where the name is also a common
    word ("이동 수단을" names no Sudan, "독일과 수단을 방문" does)."""
    proper = {(t.start, t.form) for t in kiwi().tokenize(sentence) if t.tag == "NNP"}
    return [COUNTRIES[c.group(0)] for c in COUNTRY_WORD.finditer(sentence)
            if (c.start(), c.group(0)) in proper or c.group(0) not in _common_word_countries()]


@lru_cache(maxsize=1)
def _common_word_countries() -> frozenset[str]:
    """Short country names Kiwi reads as a common word on their own (수단, 부탄, 저지)."""
    return frozenset(name for name in COUNTRIES if len(name) <= 2 and not is_proper_noun(name))


# --------------------------------------------------------------------------- fields


def _doc_type(text: str) -> str:
    head = text[:600]
    if re.search(r"(?:기사)?입력\s*:?\s*\d{4}[./-]", head) or re.search(r"[가-힣]{2,4}\s*기자", head):
        return "news"
    if "보도자료" in head:
        return "press"
    if "결과보고서" in head or re.search(r"^기\s*간\s*[:：]", head, flags=re.M):
        return "report"
    if re.search(r"^출발일\s*[:：]", head, flags=re.M):
        return "disclosure"
    if "[영상]" in head or re.search(r"^[가-힣]{2,5}시,\s", text, flags=re.M):
        return "news"
    return ""


# A formal report's purpose, on the line under its "4. 출장목적" heading (also its title when the
# report is headed only "결과보고서").
_PURPOSE_LINE = re.compile(r"출장\s*목적\s*\n+\s*[○◦•-]?\s*(.+)")
_HANGUL = re.compile(r"[가-힣]")
_SENTENCE = re.compile(r"(?:다|요)\.\s*$|^.{100,}$")


def _title(lines: list[str], text: str) -> str:
    if lines and lines[0] in GENERIC_TITLES:
        purpose = _PURPOSE_LINE.search(text)
        if purpose:
            return purpose.group(1).strip()
    # The disclosure site: the title is the line under the country line; a page that starts
    # at the organisation line has no title (left empty rather than guessed).
    at = country_line(lines)
    if at is not None:
        after = lines[at + 1] if at + 1 < len(lines) else ""
        return after if after and ":" not in after and not ORGANISATION_LINE.match(after) else ""
    if any(l.startswith("출발일:") for l in lines[:12]):
        return ""
    # A Korean report's or article's title has Hangul (never a banner such as "ADVERTISEMENT") and is
    # a heading, not the article's first sentence ("…에 나섰다."): left empty rather than guessed.
    # A headline stands at the top: the first few lines only.
    for line in lines[:4]:
        if (len(line) >= 12 and ":" not in line and line not in GENERIC_TITLES and _HANGUL.search(line)
                and not _SENTENCE.search(line)):
            return line
    return ""


# "미국 동부", "일본 남부": a part of the country by compass direction, not a city.
_COMPASS_REGION = re.compile(r"^(?:[동서남북중]|동남|동북|서남|서북|남동|남서|북동|북서|중서|중동|중남|중북)부$")
# A trip names at most this many cities in its record (a long itinerary is summarised by the first).
MAX_CITIES = 8


def _places(rec: TripRecord, text: str, lines: list[str]) -> None:
    dest = _line_value(text, "출장지")
    if dest:
        value, span = dest
        words = value.replace(",", " ").split()
        for w in words:
            country = normalise_country(w)
            if country and country not in rec.countries:
                rec.countries.append(country)
            elif w in FOREIGN_CITIES and w not in rec.cities:
                rec.cities.append(w)
        rec.provenance["countries"] = span
        if rec.cities:
            rec.provenance["cities"] = span
    else:
        # The disclosure site's country line, names run together for several countries.
        at = country_line(lines)
        if at is not None:
            rec.countries.extend(split_countries(lines[at]))
            start = text.find(lines[at])
            rec.provenance["countries"] = Span(start, start + len(lines[at]))
    if not rec.countries and rec.doc_type == "news":
        # A news page about a trip: "서울시, 인도에서 열린 …", "미국 라스베이거스에서 개최된 …".
        m = re.search(r"([가-힣]{2,8})에서 (?:열린|첫|개최)", text)
        if m and (country := normalise_country(m.group(1)) or city_country(m.group(1))):
            rec.countries.append(country)
            rec.provenance["countries"] = _span(0, m, 1)
    if not rec.countries:
        # No country line: the countries the sentences about the trip name, in order of mention.
        for m in re.finditer(r"[^.\n]*(?:방문|출장|연수|일정|순방)[^.\n]*", text):
            for name in _countries_named(m.group(0)):
                if name not in rec.countries:
                    rec.countries.append(name)
                    rec.provenance.setdefault("countries", _span(0, m))
    for country in list(rec.countries):
        m = _city_after(country, text)
        # "일본 요코하마에서" names a city; "일본 기업을" does not: a gazetteer city or a proper noun.
        if m and m.group(1) not in rec.cities and not _COMPASS_REGION.match(m.group(1)) \
                and (m.group(1) in FOREIGN_CITIES or is_proper_noun(m.group(1))):
            rec.cities.append(m.group(1))
            rec.provenance.setdefault("cities", _span(0, m, 1))
    # Every city of the trip's countries the text names (GeoNames), in order of first mention.
    for name, start, end in cities_named(text, rec.countries):
        if len(rec.cities) >= MAX_CITIES:
            break
        if name not in rec.cities:
            rec.cities.append(name)
            rec.provenance.setdefault("cities", Span(start, end))
    for city in rec.cities:
        # A city names its country when the document does not (a 해밀턴 of a New Zealand trip adds nothing).
        country = city_country(city, rec.countries)
        if country and country not in rec.countries:
            rec.countries.append(country)


# "3박 4일" in running text (the duration line is read with parse_duration).
_NIGHTS_DAYS = re.compile(r"(\d+)\s*박\s*(\d+)\s*일")


def _dates(rec: TripRecord, text: str) -> None:
    start = _line_value(text, "출발일")
    end = _line_value(text, "도착일")
    if start and end:
        rec.start_date, m = parse_date(start[0])
        if m:
            rec.provenance["start_date"] = Span(start[1].start + m.start(), start[1].start + m.end())
        rec.end_date, m = parse_date(end[0])
        if m:
            rec.provenance["end_date"] = Span(end[1].start + m.start(), end[1].start + m.end())
    else:
        period = _line_value(text, "기간") or _line_value(text, "출장기간")
        if period:
            value, span = period
            first, m1 = parse_date(value)
            if m1:
                year = int(first[:4])
                rest = value[m1.end():]
                second, m2 = parse_date(rest, year)
                rec.start_date = first
                rec.provenance["start_date"] = Span(span.start + m1.start(), span.start + m1.end())
                if m2:
                    rec.end_date = second
                    at = span.start + m1.end()
                    rec.provenance["end_date"] = Span(at + m2.start(), at + m2.end())
    duration = _line_value(text, "여행 기간") or _line_value(text, "기간")
    if duration:
        value, span = duration
        written, days = parse_duration(re.sub(r"\d{4}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{1,2}\.?", " ", value))
        if written:
            rec.duration_text, rec.duration_days = written, days
            at = value.find(written)
            rec.provenance["duration"] = Span(span.start + at, span.start + at + len(written))
    if not rec.duration_text:
        # No duration line: an article or report gives the trip's length in the text ("5박 6일 일정으로").
        m = _NIGHTS_DAYS.search(text)
        if m:
            rec.duration_text, rec.duration_days = parse_duration(m.group(0))
            rec.provenance["duration"] = _span(0, m)
    if rec.duration_days is None and rec.start_date and rec.end_date:
        rec.duration_days = (date.fromisoformat(rec.end_date) - date.fromisoformat(rec.start_date)).days + 1


# "2025년 8월 3일부터 8월 6일까지", "2024년 9월 2일~9월 10일": a date range in running text.
_RANGE_IN_TEXT = re.compile(r"(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일\s*(?:부터|~|-)\s*(?:(\d{4})년\s*)?(?:(\d{1,2})월\s*)?(\d{1,2})일")


def _summary_differences(rec: TripRecord, text: str) -> None:
    """The dates and length the text after the header fields gives (the site's summary restates
    them, a night fewer in a third of the pages, another year in some), where they differ from the
    header's. The header wins; the difference is kept so that an answer can say so."""
    header = [rec.provenance[f].end for f in ("start_date", "end_date", "duration", "traveller_count") if f in rec.provenance]
    if not header or not rec.start_date:
        return
    rest = text[max(header):]
    if m := _RANGE_IN_TEXT.search(rest):
        y1, m1, d1, y2, m2, d2 = m.groups()
        try:
            start = date(int(y1), int(m1), int(d1)).isoformat()
            end = date(int(y2 or y1), int(m2 or m1), int(d2)).isoformat()
        except ValueError:
            start = end = ""
        if start and start != rec.start_date:
            rec.summary["start_date"] = start
        if end and rec.end_date and end != rec.end_date:
            rec.summary["end_date"] = end
    header_length = _NIGHTS_DAYS.search(rec.duration_text or "")
    if header_length and (m := _NIGHTS_DAYS.search(rest)) and m.groups() != header_length.groups():
        rec.summary["duration"] = f"{m.group(1)}박 {m.group(2)}일"


# A news article's party size: "14명이 참가한다", "총 13명으로 꾸며졌다", "12명의 방문단", "7명의 정책연수단".
_PARTY = re.compile(r"(?<![\d,])(\d{1,3})\s*명(?:이|으로|의|이\s*함께)?\s*"
                    r"(?:참가|참여|동행|구성|꾸려|꾸며|[가-힣]{0,6}?(?:방문단|연수단|대표단|출장단|참관단|시찰단|견학단)|일행)")


def _people(rec: TripRecord, text: str) -> None:
    count = _line_value(text, "인원")
    if count and (n := re.match(r"(\d+)\s*명?$", count[0])):
        rec.traveller_count = int(n.group(1))
        rec.provenance["traveller_count"] = count[1]
    who = _line_value(text, "출장자")
    if who:
        value, span = who
        people = [p.strip() for p in re.split(r"[,，、]", value) if p.strip()]
        rec.travellers = people
        rec.provenance["travellers"] = span
        if rec.traveller_count is None:
            rec.traveller_count = len(people)
    elif rec.doc_type == "news":
        m = re.search(r"([가-힣]{2,4})\s*(서울시장|부산시장|[가-힣]{2,4}시장|장관|도지사)(?:은|이|는)", text)
        if m:
            rec.travellers = [f"{m.group(1)} {m.group(2)}"]
            rec.provenance["travellers"] = Span(m.start(1), m.end(2))
    if rec.traveller_count is None and (m := _PARTY.search(text)):
        rec.traveller_count = int(m.group(1))
        rec.provenance["traveller_count"] = _span(0, m, 1)


def _organisation(rec: TripRecord, text: str, lines: list[str]) -> None:
    # The disclosure site's organisation line (or a report's first lines naming it).
    line = next((l for l in lines[:12] if ORGANISATION_LINE.match(l)), "")
    if line:
        at = text.find(line)
        rec.organisation, rec.provenance["organisation"] = line, Span(at, at + len(line))
        return
    # A report's traveller line: "국토연구원 이재용 연구위원".
    for person in rec.travellers:
        m = re.search(r"(" + ORGANISATION_WORD.pattern + r")\s+" + re.escape(person.split()[0]), text)
        if m:
            rec.organisation, rec.provenance["organisation"] = m.group(1), _span(0, m, 1)
            return
    _subject_body(rec, text)


def _subject_body(rec: TripRecord, text: str) -> None:
    """The body that travels, in an article or a page without an organisation line: the local
    government or council most often the subject of a sentence ("통영시의회(의장 …)가", "울릉군에 따르면";
    a headline's "영암군, 일본서 …" counts half), as written at its fullest ("경남 진주시의회",
    "강원특별자치도의회 안전건설위원회"). Two places equally often the subject (an article about
    several bodies) leave it empty."""
    if m := re.search(r"^(" + "|".join(SHORT_CITY_ORGANISATIONS) + r"),\s", text, flags=re.M):
        # "서울시, 인도에서 …": the city's official name.
        rec.organisation = SHORT_CITY_ORGANISATIONS[m.group(1)]
        rec.provenance["organisation"] = _span(0, m, 1)
        return
    mentions: dict[str, dict[str, list[tuple[float, re.Match]]]] = {}  # place -> body -> (weight, match)
    for m in SUBJECT_BODY.finditer(text):
        body = m.group(2)
        place = ORGANISATION_SUFFIX.sub("", re.sub(r"(?:의회|청)$", "", body))
        # A proper name (삼척; one syllable only for a 구: 북구), never a foreign city (항저우시는) or a
        # common noun (대도시가).
        if (len(place) < 2 and not re.search(r"구(?:의회|청)?$", body)) or place in FOREIGN_CITIES \
                or place in COUNTRIES or not is_proper_noun(place):
            continue
        weight = 0.5 if text[m.end():m.end() + 1] == "," else 1.0
        mentions.setdefault(place, {}).setdefault(body, []).append((weight, m))
    if not mentions:
        return
    weight = {place: sum(w for ms in bodies.values() for w, _ in ms) for place, bodies in mentions.items()}
    top = sorted(weight.values(), reverse=True)
    if len(top) > 1 and top[0] == top[1]:
        return
    bodies = mentions[max(weight, key=weight.get)]
    # The body of that place most often the subject (세종시의회 over 세종시), the first one on a tie.
    body = max(bodies, key=lambda b: (sum(w for w, _ in bodies[b]), -bodies[b][0][1].start()))

    def written(m: re.Match) -> Span:
        region = m.group(1) in PROVINCE_NAMES
        return Span(m.start(1) if region else m.start(2), m.end(3) if m.group(3) else m.end(2))

    span = max((written(m) for _, m in bodies[body]), key=lambda s: s.end - s.start)
    name = re.sub(r"\s+", " ", text[span.start:span.end])
    # "부산시는 …": a metropolitan city by its official name.
    rec.organisation, rec.provenance["organisation"] = SHORT_CITY_ORGANISATIONS.get(name, name), span


# The first whole sentence of running text: a line of 30 characters or more that ends a sentence.
_OPENING_SENTENCE = re.compile(r"^([^\n|:：]{30,}?(?:다|요)\.)", re.M)


def _purpose_and_events(rec: TripRecord, text: str) -> None:
    m = _PURPOSE_LINE.search(text) or re.search(
        r"[^.\n]*목적은\s*([^.\n]+?)(?:하는 것이었습니다|입니다|이었습니다)?\.", text
    )
    if not m and not rec.title:
        # A disclosure page without a title line or a stated purpose names its trip only in its
        # summary's opening sentence ("… 관광도시의 공원 및 교통체계를 벤치마킹했습니다").
        m = _OPENING_SENTENCE.search(text)
    if m:
        rec.purpose = m.group(1).strip()[:200]
        rec.provenance["purpose"] = _span(0, m, 1)
    events: list[str] = []
    for m in re.finditer(r"^(.{4,60}?(?:참석|참가|방문|시찰|개최))\s*[:：]", text, flags=re.M):
        events.append(m.group(1).strip())
    for m in re.finditer(r"\(\d{1,2}:\d{2}\s*[~-]\s*\d{1,2}:\d{2}\)\s*([^|\n]{4,80}?(?:참석|참가|방문|발표|협의)[^|\n]{0,20})", text):
        events.append(m.group(1).strip())
    rec.events = list(dict.fromkeys(events))[:12]
