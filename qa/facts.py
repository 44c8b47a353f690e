"""Document facts: title, organisation, place and dates of a report.

These go into the short header that is embedded and keyword-indexed with every
chunk (so a passage that never names its trip is still found), and into the
sources panel. Rules handle the layouts of the seeds: the disclosure site
("출발일" / "도착일" lines), the formal 결과보고서 ("기 간:", "출장지:",
"4. 출장목적") and news pages (headline, "기사입력 2020/08/06"). A field that no
rule finds stays empty rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

# Where CLDR's Korean name is not the one Korean reports use.
EVERYDAY_NAMES = {"오스트레일리아": "호주", "남아프리카": "남아프리카공화국"}


def _country_names() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """From CLDR (via Babel): Korean country names -> the short Korean name used in the catalogue,
    that name -> ISO code, and English names and codes (lower-cased) -> the Korean name."""
    from babel import Locale

    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    english: dict[str, str] = {}
    english_names = Locale("en").territories
    for code, name in Locale("ko").territories.items():
        if not (len(code) == 2 and code.isalpha()):
            continue  # regions such as 001 (world) or 150 (Europe)
        short = re.sub(r"\s*\(.*\)$|\s*시국$", "", name)  # 홍콩(중국 특별행정구) -> 홍콩, 바티칸 시국 -> 바티칸
        short = EVERYDAY_NAMES.get(short, short)
        names[name] = short
        names[short] = short
        names[short.replace(" ", "")] = short
        codes[short] = code
        english[code.lower()] = short
        if code in english_names:
            english[english_names[code].lower()] = short
    # Older or everyday names still common in reports.
    names.update({"오스트레일리아": "호주", "남아프리카": "남아프리카공화국", "터키": "튀르키예", "미합중국": "미국",
                  "남아공": "남아프리카공화국",
                  "체코공화국": "체코", "싱가폴": "싱가포르"})
    english.update({"usa": "미국", "uk": "영국", "uae": "아랍에미리트", "korea": "대한민국", "vietnam": "베트남",
                    "turkey": "튀르키예"})
    return names, codes, english


COUNTRIES, COUNTRY_CODES, ENGLISH_COUNTRIES = _country_names()


def _regions() -> dict[str, tuple[str, ...]]:
    """From UN M49 and CLDR, in qa/data/regions.tsv (see scripts/make_regions.py): the Korean names
    of world regions (유럽, 동남아, 북미 …) -> the (Korean) names of their countries."""
    from importlib.resources import files

    korean = {code: name for name, code in COUNTRY_CODES.items()}
    regions: dict[str, tuple[str, ...]] = {}
    for line in files("qa.data").joinpath("regions.tsv").read_text(encoding="utf-8").splitlines():
        _, names, codes = line.split("\t")
        countries = tuple(korean[c] for c in codes.split(",") if c in korean)
        for name in names.split(","):
            regions[name] = countries
    return regions


REGIONS = _regions()


def _cities() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """From GeoNames, in qa/data/foreign_cities.tsv (see scripts/make_gazetteer.py for the source
    and the rules): Korean names of foreign cities -> the (Korean) countries with a city of that
    name, largest first; and each city's English name (lower-cased; Korea's cities too) -> all its
    Korean names (Tokyo -> 도쿄, 동경; Seoul -> 서울, 경성, …)."""
    from importlib.resources import files

    by_code = {code: name for name, code in COUNTRY_CODES.items()}
    cities: dict[str, tuple[str, ...]] = {}
    english: dict[str, tuple[str, ...]] = {}
    for line in files("qa").joinpath("data/foreign_cities.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, codes, latin = line.split("\t")
        english[latin.lower()] = (*english.get(latin.lower(), ()), name)
        # Korean cities are there for their English names only: a trip's cities are abroad.
        countries = tuple(dict.fromkeys(by_code[c] for c in codes.split(",") if c in by_code and c != "KR"))
        if countries and name not in COUNTRIES:
            cities[name] = countries
    return cities, english


FOREIGN_CITIES, CITY_NAMES = _cities()
_SAME_CITY = {name: names for names in CITY_NAMES.values() for name in names}


def same_city(name: str) -> tuple[str, ...]:
    """Every Korean name of the city `name` names (동경 -> 도쿄, 동경), or () for no city."""
    return _SAME_CITY.get(name, ())
# A city name as a word: at the start of a Hangul run, then nothing, 시 or a particle ("삿포로시에서").
_CITY_WORD = re.compile(r"(?<![가-힣])([가-힣]{2,12}?)(?=(?:시|주|현)?(?:에서는|에서|에는|에|의|를|을|과|와|로|으로|는|은|이|가|까지|부터|도)?(?![가-힣]))")


def cities_named(text: str, countries: list[str]) -> list[re.Match]:
    """Mentions of the cities of `countries` in `text`, first mention of each, in order."""
    wanted = set(countries)
    seen: set[str] = set()
    found = []
    for m in _CITY_WORD.finditer(text):
        name = m.group(1)
        # "네팔 랄릿푸르": a city the text places in another country (India has a 랄릿푸르 too).
        before = re.search(r"([가-힣]+)\s*$", text[max(0, m.start() - 12):m.start()])
        elsewhere = before is not None and COUNTRIES.get(before.group(1), "") not in ("", *wanted)
        if name not in seen and not elsewhere and wanted.intersection(FOREIGN_CITIES.get(name, ())):
            seen.add(name)
            found.append(m)
    return found


def places_named(text: str) -> set[str]:
    """The foreign cities and the countries `text` names as words."""
    return {m.group(1) for m in _CITY_WORD.finditer(text) if m.group(1) in FOREIGN_CITIES or m.group(1) in COUNTRIES}


def city_country(city: str, known: list[str] = ()) -> str:
    """The country of `city`: one of `known` when a city of that name lies there, else the country
    of the largest city of that name ('' for no foreign city)."""
    countries = FOREIGN_CITIES.get(city, ())
    return next((c for c in countries if c in known), countries[0] if countries else "")
_COUNTRY_ALTERNATION = re.compile("|".join(sorted(map(re.escape, COUNTRIES), key=len, reverse=True)))


def country_line(lines: list[str]) -> int | None:
    """Index of the disclosure site's country line among the first lines (the image line above
    it may name one country of several: the line naming the most wins)."""
    found = [(len(split_countries(l)), -i) for i, l in enumerate(lines[:6]) if split_countries(l)]
    return -max(found)[1] if found else None


def split_countries(line: str) -> list[str]:
    """'덴마크핀란드노르웨이스웨덴' -> the four names, when the whole line is country names; else []."""
    compact = re.sub(r"[\s,·/、]+", "", line)
    if not compact or len(compact) > 60:
        return []
    # Longest names first; a line that does not decompose completely is not a country line.
    best: list[list[str] | None] = [None] * (len(compact) + 1)
    best[0] = []
    for i in range(len(compact)):
        if best[i] is None:
            continue
        for name in COUNTRIES:
            if compact.startswith(name, i) and (best[i + len(name)] is None):
                best[i + len(name)] = best[i] + [COUNTRIES[name]]
    found = best[len(compact)] or []
    return list(dict.fromkeys(found))


_ORG = re.compile(
    r"^(?:[가-힣]{2,8}(?:특별시|광역시|특별자치시|특별자치도|도)\s)?"
    r"[가-힣]{1,12}(?:특별시|광역시|특별자치시|특별자치도|도|시|군|구|부|청|처|원|공사|공단|연구원|위원회|의회|교육청)$"
)
_KO_DATE = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_DOT_DATE = re.compile(r"(\d{4})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{1,2})")
_PERIOD = re.compile(r"기\s*간\s*[:：]\s*(.+)")
_DEST = re.compile(r"출\s*장\s*지\s*[:：]\s*(.+)")
_NEWS_DATE = re.compile(r"(?:기사)?입력\s*:?\s*(\d{4})[./-](\d{1,2})[./-](\d{1,2})")
GENERIC_TITLES = {"국외출장 결과보고서", "공무국외출장 결과보고서", "결과보고서", "출장 결과보고서"}


# Province short forms follow one rule: 경상북도 -> 경북, 전라남도 -> 전남, 충청북도 -> 충북.
_PROVINCE = re.compile(r"^([가-힣])[가-힣]([남북])도$")
_ORG_SUFFIX = re.compile(r"(특별자치시|특별자치도|특별시|광역시|시|군|구|도)$")


def organisation_aliases(organisations: list[str]) -> dict[str, set[str]]:
    """Short names users type for each organisation: 안동시/안동, 서울시/서울, 경북, 울산 + 중구."""
    aliases: dict[str, set[str]] = {}
    for org in organisations:
        for part in org.split():
            names = {part}
            stem = _ORG_SUFFIX.sub("", part)
            if len(stem) >= 2 and (not part.endswith("도") or part.endswith("특별자치도")):  # 경상북도 is 경북, never 경상북
                names.add(stem)
                if re.search(r"(특별시|광역시|특별자치시)$", part):
                    names.add(stem + "시")
            if m := _PROVINCE.match(part):
                names.add(m.group(1) + m.group(2))
            if part.endswith("특별자치도"):
                names.add(stem + "도")
            for name in names:
                aliases.setdefault(name, set()).add(org)
    return aliases



@dataclass(frozen=True)
class DocumentFacts:
    title: str = ""
    organisation: str = ""
    country: str = ""
    city: str = ""
    start_date: str = ""  # ISO yyyy-mm-dd
    end_date: str = ""
    duration: str = ""  # as written, e.g. "3박 4일"
    published: str = ""  # news publication date, ISO

    def display_title(self) -> str:
        """The title, or for a page without one who went where ("경상북도 안동시 독일 출장")."""
        if self.title:
            return self.title
        return " ".join(p for p in (self.organisation, self.country, "출장") if p) if self.organisation or self.country else ""

    def header(self) -> str:
        """One line naming the document, prefixed to every chunk for search."""
        place = " ".join(p for p in (self.country, self.city) if p)
        organisation = self.organisation
        # Users and reports name it shorter (서울시, 경북 안동): the short names are searchable too.
        short = sorted(a for a in organisation_aliases([organisation]) if a not in organisation.split())
        if short:
            organisation = f"{organisation}({' '.join(short)})"
        dates = "~".join(d for d in (self.start_date, self.end_date) if d) or self.published
        parts = [self.title, organisation, place, dates]
        return " | ".join(p for p in parts if p)

    def to_dict(self) -> dict:
        return asdict(self)


def _iso(match: re.Match) -> str:
    y, m, d = (int(g) for g in match.groups()[:3])
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return ""
    return f"{y:04d}-{m:02d}-{d:02d}"


def _find_date(text: str) -> str:
    m = _KO_DATE.search(text) or _DOT_DATE.search(text)
    return _iso(m) if m else ""


def _field(lines: list[str], label: str) -> str:
    for line in lines:
        if line.startswith(label + ":"):
            return line.split(":", 1)[1].strip()
    return ""


_HANGUL = re.compile(r"[가-힣]")
_SENTENCE = re.compile(r"(?:다|요)\.\s*$|^.{100,}$")


def _title(lines: list[str], text: str) -> str:
    if lines and lines[0] in GENERIC_TITLES:
        purpose = re.search(r"출장\s*목적\s*\n+\s*[○◦•-]?\s*(.+)", text)
        if purpose:
            return purpose.group(1).strip()
    # The disclosure site: the title is the line under the country line; a page that starts
    # at the organisation line has no title (left empty rather than guessed).
    at = country_line(lines)
    if at is not None:
        after = lines[at + 1] if at + 1 < len(lines) else ""
        return after if after and ":" not in after and not _ORG.match(after) else ""
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


def city_after(country: str, text: str) -> re.Match | None:
    """"3박 4일간 일본 요코하마에서" / "중국 광저우를 방문하여": group 1 is the word after the country."""
    return re.search(re.escape(country) + r" ([가-힣]{2,8}?)(?:에서|를|을|에|의)[ ,]", text)


def _place(lines: list[str], text: str) -> tuple[str, str]:
    dest = _DEST.search(text)
    if dest:
        words = dest.group(1).split()
        country = COUNTRIES.get(words[0], "") if words else ""
        city = words[1] if country and len(words) > 1 else ""
        return country, city
    at = country_line(lines)
    names = split_countries(lines[at]) if at is not None else []
    country = names[0] if names else ""
    city = ""
    if country:
        # "3박 4일간 일본 요코하마에서" / "중국 광저우를 방문하여": the word after the country.
        m = city_after(country, text)
        if m:
            city = m.group(1)
    return " ".join(names), city


def extract_facts(text: str) -> DocumentFacts:
    """Facts of one cleaned document (see module docstring for the layouts handled)."""
    lines = [l for l in text.split("\n") if l.strip()]
    head = lines[:12]
    country, city = _place(lines, text)
    organisation = next((l for l in head if _ORG.match(l)), "")
    start = _find_date(_field(head, "출발일"))
    end = _find_date(_field(head, "도착일"))
    duration = _field(head, "여행 기간")
    period = _PERIOD.search(text)
    if period and not start:
        dates = list(_DOT_DATE.finditer(period.group(1))) or list(_KO_DATE.finditer(period.group(1)))
        if dates:
            start, end = _iso(dates[0]), _iso(dates[-1])
        nights = re.search(r"\d+\s*박\s*\d+\s*일", period.group(1))
        duration = nights.group(0) if nights else duration
    news = _NEWS_DATE.search(text)
    published = _iso(news) if news else ""
    return DocumentFacts(
        title=_title(lines, text)[:120],
        organisation=organisation,
        country=country,
        city=city,
        start_date=start,
        end_date=end,
        duration=duration,
        published=published,
    )
