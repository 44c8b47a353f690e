"""The trip catalogue: the trip record of every document (qa/facts.py), in SQLite.

Each field keeps where in the cleaned document text it was read (`provenance`), so a catalogue
answer can cite it; filters, listing and CSV export read from here.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from .facts import Span, TripRecord
from .lexicon import COUNTRY_CODES, ORGANISATION_LEVELS, PROVINCES, city_country, countries_of, same_city

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
    provenance TEXT,                            -- JSON {field: [start, end]} in the cleaned text
    summary TEXT                                -- JSON {field: value}: what the summary says where it differs from the header
);
CREATE TABLE trip_places (source TEXT, country TEXT, country_code TEXT, city TEXT);
-- The place filters look a trip's places up by its source: without this index each trip scanned
-- every place row (0.6 s for a country filter over the disclosure site's 2,849 trips).
CREATE INDEX trip_places_source ON trip_places (source, country, city);
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
                "INSERT INTO trips VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    r.source, r.title, r.doc_type, r.organisation, r.traveller_count,
                    *(json.dumps(row[f], ensure_ascii=False) for f in ("travellers", "countries", "cities")),
                    r.start_date, r.end_date, r.duration_text, r.duration_days, r.purpose,
                    json.dumps(r.events, ensure_ascii=False), r.published,
                    json.dumps(row["provenance"]), json.dumps(r.summary, ensure_ascii=False),
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
    organisation: str = ""  # substring: "서울" matches 서울특별시; several separated by commas
    date_from: str = ""  # ISO; trips that end on or after it
    date_to: str = ""  # ISO; trips that start on or before it
    doc_type: str = ""  # key of DOC_TYPES
    departed: str = ""  # set out in this year ("2025"), month ("2025-10") or month of any year ("-11")
    min_days: int = 0  # trips of at least this many days
    min_travellers: int = 0  # trips of at least this many travellers
    max_days: int = 0  # trips of at most this many days
    max_travellers: int = 0  # trips of at most this many travellers
    months: str = ""  # set out in one of these months ("09,10,11": autumn), of the `departed` year if given
    level: str = ""  # the organisation's level, a key of ORGANISATION_LEVELS ("군": county offices, "광역": 시·도 themselves)
    # Left out ("일본 빼고", "서울시 말고"): trips to none of these countries (but to some country), to
    # none of these cities, or of another organisation.
    not_country: str = ""
    not_city: str = ""
    not_organisation: str = ""

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
            d["summary"] = json.loads(d.get("summary") or "{}")
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
        # Bounds on length and size (an unknown length or size meets no upper bound).
        for bound, clause in ((where.min_days, "t.duration_days >= ?"), (where.min_travellers, "t.traveller_count >= ?"),
                              (where.max_days, "t.duration_days > 0 AND t.duration_days <= ?"),
                              (where.max_travellers, "t.traveller_count > 0 AND t.traveller_count <= ?")):
            if bound:
                sql.append(f"AND {clause}")
                params.append(bound)
        if where.months:
            months = where.months.split(",")
            sql.append(f"AND substr(COALESCE(NULLIF(t.start_date,''), t.published), 6, 2) IN ({','.join('?' * len(months))})")
            params.extend(months)
        if where.level:
            provinces, suffixes = ORGANISATION_LEVELS[where.level]
            marks = ",".join("?" * len(PROVINCES))
            sql.append(f"AND t.organisation {'' if provinces else 'NOT '}IN ({marks})")
            params.extend(PROVINCES)
            sql.append("AND (" + " OR ".join("t.organisation LIKE ?" for _ in suffixes) + ")")
            params.extend(f"%{s}" for s in suffixes)
        if where.city:
            # Any spelling of the city the gazetteer knows (타이페이 = 타이베이, 동경 = 도쿄).
            cities = sorted({where.city, *same_city(where.city)})
            marks = ",".join("?" * len(cities))
            sql.append(f"AND EXISTS (SELECT 1 FROM trip_places p WHERE p.source=t.source AND p.city IN ({marks}))")
            params.extend(cities)
        # Several, comma-separated ("부산광역시,대구광역시"): a trip of any of them.
        if names := [o.strip() for o in where.organisation.split(",") if o.strip()]:
            sql.append("AND (" + " OR ".join("t.organisation LIKE ?" for _ in names) + ")")
            params.extend(f"%{o}%" for o in names)
        if countries := sorted(countries_of(where.not_country)):
            sql.append("AND EXISTS (SELECT 1 FROM trip_places p WHERE p.source=t.source AND p.country != '') AND NOT EXISTS "
                       f"(SELECT 1 FROM trip_places p WHERE p.source=t.source AND p.country IN ({','.join('?' * len(countries))}))")
            params.extend(countries)
        if where.not_city:
            cities = sorted({where.not_city, *same_city(where.not_city)})
            sql.append(f"AND NOT EXISTS (SELECT 1 FROM trip_places p WHERE p.source=t.source AND p.city IN ({','.join('?' * len(cities))}))")
            params.extend(cities)
        for name in filter(None, (o.strip() for o in where.not_organisation.split(","))):
            sql.append("AND t.organisation NOT LIKE ?")
            params.append(f"%{name}%")
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
