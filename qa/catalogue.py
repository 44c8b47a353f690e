"""The trip catalogue: one row of structured facts per document, in SQLite.

Each field records where in the cleaned document text it was found (`provenance`),
so a catalogue answer can cite it. Rules cover the seed layouts (the disclosure site's
출발일/도착일/여행 기간/인원 lines, the formal 결과보고서's 기간/출장지/출장자 fields,
news pages) and leave a field empty rather than guess.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from .korean import is_proper_noun
from .facts import (COUNTRIES, COUNTRY_CODES, ENGLISH_COUNTRIES, FOREIGN_CITIES, GENERIC_TITLES, REGIONS, DocumentFacts,
                    cities_named, city_after, city_country, country_line, split_countries)

DOC_TYPES = {"report": "결과보고서", "disclosure": "공개 사이트 요약", "news": "뉴스 기사", "press": "보도자료"}

# A country name standing as a word (not inside 인도네시아 when looking for 인도, nor in 인도 항해).
_COUNTRY_WORD = re.compile(r"(?<![가-힣])(" + "|".join(sorted(map(re.escape, [c for c in COUNTRIES if len(c) >= 2]), key=len, reverse=True)) + r")(?=과|와|의|를|을|에|에서|로|및|,|\s|$|\)|·)")

_WEEKDAY = r"(?:\s*\(\s*[월화수목금토일]\s*\))?"
_DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일" + _WEEKDAY),
    re.compile(r"(?P<y>\d{4})\s*[./-]\s*(?P<m>\d{1,2})\s*[./-]\s*(?P<d>\d{1,2})\.?" + _WEEKDAY),
    re.compile(r"(?<![\d.])(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일" + _WEEKDAY),
    re.compile(r"(?<![\d.])(?P<m>\d{1,2})\s*[./]\s*(?P<d>\d{1,2})\.?" + r"(?:\s*\(\s*[월화수목금토일]\s*\))"),
]
_DURATION = re.compile(r"(?:(?P<n>\d+)\s*박\s*)?(?P<d>\d+)\s*일(?:\s*간)?")
_ORG = re.compile(
    r"[가-힣]{2,12}(?:특별시|광역시|특별자치시|특별자치도|도청|시청|군청|구청|부|청|처|연구원|공사|공단|위원회|재단)"
)
_SHORT_CITY_ORG = {"서울시": "서울특별시", "부산시": "부산광역시", "대구시": "대구광역시", "인천시": "인천광역시",
                   "광주시": "광주광역시", "대전시": "대전광역시", "울산시": "울산광역시", "세종시": "세종특별자치시"}
_POSITION = r"(?:연구위원|수석연구원|연구원|기획관|사무관|주무관|과장|팀장|국장|실장|본부장|시장|부시장|장관|차관|의원|위원장|클러스터장)"


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

    def to_json(self) -> dict:
        d = asdict(self)
        d["provenance"] = {k: [v.start, v.end] for k, v in self.provenance.items()}
        d["doc_type_label"] = DOC_TYPES.get(self.doc_type, "")
        d["country_codes"] = [COUNTRY_CODES.get(c, "") for c in self.countries]
        return d


# --------------------------------------------------------------------------- parsing helpers


def countries_of(country: str) -> set[str]:
    """'핀란드', 'Finland', '유럽' (a region), or several separated by commas -> Korean country names."""
    out: set[str] = set()
    for part in filter(None, (p.strip() for p in country.split(","))):
        out |= set(REGIONS.get(part, ())) or {normalise_country(part) or part}
    return out


def normalise_country(name: str) -> str:
    """'Japan', 'JP', '일본' -> '일본'; '' when unknown."""
    key = name.strip()
    if key in COUNTRIES:
        return COUNTRIES[key]
    # Two-letter codes only in capitals: "in", "it" and "us" are English words too.
    if len(key) == 2 and not key.isupper():
        return ""
    return ENGLISH_COUNTRIES.get(key.lower(), "")


def parse_date(text: str, year: int | None = None) -> tuple[str, re.Match | None]:
    """The first date in `text` as ISO (with `year` for "7월2일(일)"), and its match; '' if none or invalid."""
    found = [(m.start(), m) for p in _DATE_PATTERNS if (m := p.search(text))]
    for _, m in sorted(found, key=lambda x: x[0]):
        groups = m.groupdict()
        y = int(groups["y"]) if groups.get("y") else year
        if y is None:
            continue
        try:
            return date(y, int(groups["m"]), int(groups["d"])).isoformat(), m
        except ValueError:
            continue
    return "", None


def parse_duration(text: str) -> tuple[str, int | None]:
    """'3박 4일' -> ('3박 4일', 4); '4일간' -> ('4일간', 4); ('', None) when absent."""
    m = _DURATION.search(text)
    if not m:
        return "", None
    days = int(m.group("d"))
    return m.group(0).strip(), days if 0 < days < 400 else None


def _span(offset: int, m: re.Match, group: int | str = 0) -> Span:
    return Span(offset + m.start(group), offset + m.end(group))


def _line_value(text: str, label: str) -> tuple[str, Span] | None:
    """'라벨: 값' on its own line (spaces inside the label allowed)."""
    pattern = r"^\s*(?:\d+\.\s*)?" + r"\s*".join(map(re.escape, label)) + r"\s*[:：]\s*(.+)$"
    m = re.search(pattern, text, flags=re.M)
    return (m.group(1).strip(), _span(0, m, 1)) if m else None


# --------------------------------------------------------------------------- extraction


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


# A trip names at most this many cities in its record (a long itinerary is summarised by the first).
MAX_CITIES = 8


def _places(rec: TripRecord, text: str) -> None:
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
        lines = [l.strip() for l in text.split("\n") if l.strip()]
        at = country_line(lines)
        if at is not None:
            rec.countries.extend(split_countries(lines[at]))
            start = text.find(lines[at])
            rec.provenance["countries"] = Span(start, start + len(lines[at]))
    if not rec.countries and rec.doc_type == "news":
        # A news page about a trip: "서울시, 인도에서 열린 …".
        m = re.search(r"([가-힣]{2,8})에서 (?:열린|첫|개최)", text)
        if m and (country := normalise_country(m.group(1))):
            rec.countries.append(country)
            rec.provenance["countries"] = _span(0, m, 1)
    if not rec.countries:
        # No country line: the countries the summary's first sentence about the trip names, in order.
        for m in re.finditer(r"[^.\n]*(?:방문|출장|연수|일정|순방)[^.\n]*", text):
            found = [(c.start(), COUNTRIES[c.group(0)]) for c in _COUNTRY_WORD.finditer(m.group(0))]
            if found:
                for _, name in sorted(found):
                    if name not in rec.countries:
                        rec.countries.append(name)
                rec.provenance["countries"] = _span(0, m)
                break
    for country in list(rec.countries):
        m = city_after(country, text)
        # "일본 요코하마에서" names a city; "일본 기업을" does not: a gazetteer city or a proper noun.
        if m and m.group(1) not in rec.cities and (m.group(1) in FOREIGN_CITIES or is_proper_noun(m.group(1))):
            rec.cities.append(m.group(1))
            rec.provenance.setdefault("cities", _span(0, m, 1))
    # Every city of the trip's countries the text names (GeoNames), in order of first mention.
    for m in cities_named(text, rec.countries):
        if len(rec.cities) >= MAX_CITIES:
            break
        if m.group(1) not in rec.cities:
            rec.cities.append(m.group(1))
            rec.provenance.setdefault("cities", _span(0, m, 1))
    for city in rec.cities:
        # A city names its country when the document does not (a 해밀턴 of a New Zealand trip adds nothing).
        country = city_country(city, rec.countries)
        if country and country not in rec.countries:
            rec.countries.append(country)


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
        m = re.search(r"\d+\s*박\s*\d+\s*일", text)
        if m:
            rec.duration_text, rec.duration_days = parse_duration(m.group(0))
            rec.provenance["duration"] = _span(0, m)
    if rec.duration_days is None and rec.start_date and rec.end_date:
        rec.duration_days = (date.fromisoformat(rec.end_date) - date.fromisoformat(rec.start_date)).days + 1


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


def _organisation(rec: TripRecord, text: str, facts: DocumentFacts) -> None:
    if facts.organisation:
        rec.organisation = facts.organisation
        at = text.find(facts.organisation)
        rec.provenance["organisation"] = Span(at, at + len(facts.organisation))
        return
    for person in rec.travellers:
        name = person.split()[0]
        m = re.search(r"(" + _ORG.pattern + r")\s+" + re.escape(name), text)
        if m:
            rec.organisation = m.group(1)
            rec.provenance["organisation"] = _span(0, m, 1)
            return
    if rec.doc_type == "news":
        m = re.search(r"^(" + "|".join(_SHORT_CITY_ORG) + r"),\s", text, flags=re.M)
        if m:
            rec.organisation = _SHORT_CITY_ORG[m.group(1)]
            rec.provenance["organisation"] = _span(0, m, 1)


def _purpose_and_events(rec: TripRecord, text: str) -> None:
    m = re.search(r"출장\s*목적\s*\n+\s*[○◦•-]?\s*(.+)", text) or re.search(
        r"[^.\n]*목적은\s*([^.\n]+?)(?:하는 것이었습니다|입니다|이었습니다)?\.", text
    )
    if m:
        rec.purpose = m.group(1).strip()[:200]
        rec.provenance["purpose"] = _span(0, m, 1)
    events: list[str] = []
    for m in re.finditer(r"^(.{4,60}?(?:참석|참가|방문|시찰|개최))\s*[:：]", text, flags=re.M):
        events.append(m.group(1).strip())
    for m in re.finditer(r"\(\d{1,2}:\d{2}\s*[~-]\s*\d{1,2}:\d{2}\)\s*([^|\n]{4,80}?(?:참석|참가|방문|발표|협의)[^|\n]{0,20})", text):
        events.append(m.group(1).strip())
    rec.events = list(dict.fromkeys(events))[:12]


def extract_trip(source: str, text: str, facts: DocumentFacts) -> TripRecord:
    """The catalogue row of one cleaned document."""
    rec = TripRecord(source=source, doc_type=_doc_type(text))
    rec.title = facts.title if facts.title not in GENERIC_TITLES else ""
    if rec.title:
        at = text.find(rec.title)
        if at >= 0:
            rec.provenance["title"] = Span(at, at + len(rec.title))
    _places(rec, text)
    _dates(rec, text)
    _people(rec, text)
    _organisation(rec, text, facts)
    _purpose_and_events(rec, text)
    if facts.published:
        rec.published = facts.published
        m = re.search(r"(?:기사)?입력\s*:?\s*\d{4}[./-]\d{1,2}[./-]\d{1,2}", text)
        if m:
            rec.provenance["published"] = _span(0, m)
    return rec


# --------------------------------------------------------------------------- storage


SCHEMA = """
CREATE TABLE trips (
    source TEXT PRIMARY KEY,      -- document source name in the index
    title TEXT, doc_type TEXT, organisation TEXT,
    traveller_count INTEGER, travellers TEXT,   -- JSON list of "이름 직위"
    countries TEXT, cities TEXT,                -- JSON lists; countries in Korean
    start_date TEXT, end_date TEXT,             -- ISO dates or ''
    duration_text TEXT, duration_days INTEGER,
    purpose TEXT, events TEXT,                  -- events: JSON list
    published TEXT,
    provenance TEXT                             -- JSON {field: [start, end]} in the cleaned text
);
CREATE TABLE trip_places (source TEXT, country TEXT, country_code TEXT, city TEXT);
"""

_LIST_FIELDS = ("travellers", "countries", "cities", "events")


def write_catalogue(path: Path, records: list[TripRecord]) -> None:
    """A fresh SQLite file at `path` (the caller writes it inside a new build folder)."""
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
        for r in records:
            row = r.to_json()
            db.execute(
                "INSERT INTO trips VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    r.source, r.title, r.doc_type, r.organisation, r.traveller_count,
                    *(json.dumps(row[f], ensure_ascii=False) for f in ("travellers", "countries", "cities")),
                    r.start_date, r.end_date, r.duration_text, r.duration_days, r.purpose,
                    json.dumps(r.events, ensure_ascii=False), r.published,
                    json.dumps(row["provenance"]),
                ),
            )
            places = [(c, "") for c in r.countries] or [("", "")]
            for city in r.cities:
                places.append((city_country(city, r.countries) or (r.countries[0] if r.countries else ""), city))
            for country, city in places:
                db.execute("INSERT INTO trip_places VALUES (?,?,?,?)", (r.source, country, COUNTRY_CODES.get(country, ""), city))
    # sqlite3's context manager commits but does not close
    sqlite3.connect(path).close()


@dataclass(frozen=True)
class TripFilter:
    country: str = ""  # any spelling normalise_country understands; several separated by commas
    city: str = ""
    organisation: str = ""  # substring: "서울" matches 서울특별시
    date_from: str = ""  # ISO; trips that end on or after it
    date_to: str = ""  # ISO; trips that start on or before it
    doc_type: str = ""  # key of DOC_TYPES
    departed: str = ""  # set out in this year ("2025"), month ("2025-10") or month of any year ("-11")
    min_days: int = 0  # trips of at least this many days
    min_travellers: int = 0  # trips of at least this many travellers

    def __post_init__(self) -> None:
        for label, value in (("시작일", self.date_from), ("종료일", self.date_to)):
            try:
                if value:
                    date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{label}은 실제 날짜를 YYYY-MM-DD 형식으로 입력해 주세요 (예: 2025-01-01, 받은 값: {value})") from None

    def is_empty(self) -> bool:
        return not any(asdict(self).values())


class Catalogue:
    """Read access to one index's catalogue. Queries open their own connection (thread-safe)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def _rows(self, sql: str, params: tuple) -> list[TripRecord]:
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            db.row_factory = sqlite3.Row
            rows = db.execute(sql, params).fetchall()
        finally:
            db.close()
        out = []
        for row in rows:
            d = dict(row)
            for f in _LIST_FIELDS:
                d[f] = json.loads(d[f] or "[]")
            d["provenance"] = {k: Span(*v) for k, v in json.loads(d["provenance"] or "{}").items()}
            out.append(TripRecord(**d))
        return out

    def trips(self, where: TripFilter = TripFilter()) -> list[TripRecord]:
        """Trips matching every given filter, earliest first (undated last)."""
        sql = ["SELECT * FROM trips t WHERE 1=1"]
        params: list = []
        if where.country:
            # Several countries ("호주,뉴질랜드") or a region ("유럽"): a trip to any of them.
            countries = sorted(countries_of(where.country))
            marks = ",".join("?" * len(countries))
            sql.append(f"AND EXISTS (SELECT 1 FROM trip_places p WHERE p.source=t.source AND p.country IN ({marks}))")
            params.extend(countries)
        if where.min_days:
            sql.append("AND t.duration_days >= ?")
            params.append(where.min_days)
        if where.min_travellers:
            sql.append("AND t.traveller_count >= ?")
            params.append(where.min_travellers)
        if where.city:
            sql.append("AND EXISTS (SELECT 1 FROM trip_places p WHERE p.source=t.source AND p.city=?)")
            params.append(where.city)
        if where.organisation:
            sql.append("AND t.organisation LIKE ?")
            params.append(f"%{where.organisation}%")
        if where.date_from:
            sql.append("AND COALESCE(NULLIF(t.end_date,''), NULLIF(t.start_date,''), t.published) >= ?")
            params.append(where.date_from)
        if where.date_to:
            sql.append("AND COALESCE(NULLIF(t.start_date,''), t.published) <= ? AND COALESCE(NULLIF(t.start_date,''), t.published) != ''")
            params.append(where.date_to)
        if where.departed:
            start = "COALESCE(NULLIF(t.start_date,''), t.published)"
            if where.departed.startswith("-"):
                sql.append(f"AND substr({start}, 6, 2) = ?")
                params.append(where.departed[1:])
            else:
                sql.append(f"AND substr({start}, 1, ?) = ?")
                params.extend([len(where.departed), where.departed])
        if where.doc_type:
            sql.append("AND t.doc_type=?")
            params.append(where.doc_type)
        sql.append("ORDER BY COALESCE(NULLIF(t.start_date,''), NULLIF(t.published,''), '9999'), t.source")
        return self._rows(" ".join(sql), tuple(params))

    def get(self, source: str) -> TripRecord | None:
        rows = self._rows("SELECT * FROM trips WHERE source=?", (source,))
        return rows[0] if rows else None


# The CSV columns: the field name (the CLI's header, for scripts) and its Korean label (the page's
# header, for people opening the file in a spreadsheet).
CSV_COLUMNS = [
    ("source", "파일"), ("title", "출장명"), ("doc_type_label", "문서 종류"), ("organisation", "기관"),
    ("countries", "나라"), ("country_codes", "나라 코드"), ("cities", "도시"), ("start_date", "출발일"),
    ("end_date", "귀국일"), ("duration_text", "기간"), ("duration_days", "일수"), ("traveller_count", "인원"),
    ("travellers", "출장자"), ("purpose", "목적"), ("events", "주요 일정"), ("published", "보도일"),
]


def trips_csv(records: list[TripRecord], korean_header: bool = False) -> str:
    """The rows as CSV (UTF-8 with a header of field names, or of Korean labels), for spreadsheets."""
    out = io.StringIO()
    columns = [name for name, _ in CSV_COLUMNS]
    writer = csv.writer(out)
    writer.writerow([label for _, label in CSV_COLUMNS] if korean_header else columns)
    for r in records:
        row = r.to_json()
        writer.writerow(
            [_cell("; ".join(row[c]) if isinstance(row[c], list) else ("" if row[c] is None else row[c])) for c in columns]
        )
    return out.getvalue()


def _cell(value):
    """A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
    apostrophe (OWASP's advice against CSV injection); numbers stay numbers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
