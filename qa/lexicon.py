"""Korean lexicons shared by the fact extractor and the query analysis, in one place.

Countries and their codes come from CLDR (via Babel), world regions from UN M49, foreign cities
from GeoNames (qa/data, written by scripts/); organisation forms, dates and durations are the
patterns Korean reports write them in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

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
                  "남아공": "남아프리카공화국", "체코공화국": "체코", "싱가폴": "싱가포르",
                  "이태리": "이탈리아", "불란서": "프랑스", "화란": "네덜란드", "서반아": "스페인"})
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


def _cities() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], frozenset[str], dict[str, str]]:
    """From GeoNames, in qa/data/foreign_cities.tsv (see scripts/make_gazetteer.py for the source
    and the rules): Korean names of foreign cities -> the (Korean) countries with a city of that
    name, largest first; and each city's English name (lower-cased; Korea's cities too) -> all its
    Korean names (Tokyo -> 도쿄, 동경; Seoul -> 서울, 경성, …); and the Korean names of Korea's cities;
    and the names marked "word", which Kiwi does not read as a name alone (상해, 천진), -> their city's
    English name (foreign cities only)."""
    from importlib.resources import files

    by_code = {code: name for name, code in COUNTRY_CODES.items()}
    cities: dict[str, tuple[str, ...]] = {}
    korean: set[str] = set()
    english: dict[str, tuple[str, ...]] = {}
    words: dict[str, str] = {}
    word_cities: dict[str, tuple[str, ...]] = {}
    for line in files("qa").joinpath("data/foreign_cities.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, codes, latin, *word = line.split("\t")
        if word:
            if "KR" not in codes.split(","):
                words[name] = latin
                countries = tuple(dict.fromkeys(by_code[c] for c in codes.split(",") if c in by_code))
                if countries and name not in COUNTRIES:
                    word_cities[name] = countries
            continue
        for key in _english_keys(latin):
            english[key] = (*english.get(key, ()), name)
        # Korean cities are there for their English names (and as bodies that may travel): a trip's
        # cities are abroad.
        if "KR" in codes.split(","):
            korean.add(name)
        countries = tuple(dict.fromkeys(by_code[c] for c in codes.split(",") if c in by_code and c != "KR"))
        if countries and name not in COUNTRIES:
            cities[name] = countries
    return cities, english, frozenset(korean), words, word_cities


# "Frankfurt am Main", "Burton upon Trent": a river or district after the name, which people leave out.
_QUALIFIER = re.compile(r"\s+(?:am|an der|an|upon|on|sur|im)\s+.+$")


def _english_keys(latin: str) -> set[str]:
    """How an English question may spell a city: as GeoNames does, without accents (Zürich ->
    zurich), without a qualifying river (Frankfurt am Main -> frankfurt)."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(c))
    return {k.lower() for name in (latin, folded) for k in (name, _QUALIFIER.sub("", name))}


# WORD_CITIES: the cities whose name is also a word (황산 is sulphuric acid), with their countries:
# a city only when written with its suffix (황산시) in a report of a trip to that country.
FOREIGN_CITIES, CITY_NAMES, KOREAN_CITIES, _WORD_CITY_NAMES, WORD_CITIES = _cities()
_SAME_CITY = {name: names for names in CITY_NAMES.values() for name in names}
# What a Korean local body's name ends in after its city's name (강릉시, 인천시의회, 천안시청).
_CITY_BODY_SUFFIX = re.compile(r"(?:특별시|광역시|시|군|구)?(?:청|의회)?$")


def korean_city_body(word: str) -> bool:
    """Whether `word` names a Korean city or its government (강릉시, 인천, 천안시의회), by GeoNames'
    Korean cities: a body that may have made trips, whether or not the reports hold any."""
    return word[:_CITY_BODY_SUFFIX.search(word).start()] in KOREAN_CITIES


def same_city(name: str) -> tuple[str, ...]:
    """Every Korean name of the city `name` names (동경 -> 도쿄, 동경), or () for no city."""
    return _SAME_CITY.get(name, ())


def place_named(name: str, text: str, countries: Iterable[str] = ()) -> bool:
    """Whether a report (its `text` and its trip's `countries`) names the place `name`: a world region
    by the trip's countries when they are known ("유럽 출장" of a trip to France, not of a trip to Japan
    whose report mentions Europe), else by one of its countries in the text; a city under any of its
    names (타이페이: the report writes 타이베이)."""
    countries = set(countries)
    if name in REGIONS and countries:
        return bool(countries & set(REGIONS[name]))
    return any(n in text for n in (name, *same_city(name), *REGIONS.get(name, ())))


def usual_city_name(name: str, frequency) -> str:
    """The name of the city `name` names that `frequency` (a corpus's word counts) finds most often:
    a city asked by an older or other name (동경, 북경, 라스베가스; 상해, which is also a word, when
    the question reads it as a name) is searched as the reports write it (도쿄, 베이징, 라스베이거스,
    상하이). `name` itself when it is no other name of a foreign city (대전광역시 stays), or the most
    frequent already."""
    latin = _WORD_CITY_NAMES.get(name)
    names = CITY_NAMES.get(latin.lower(), ()) if latin else same_city(name) if name in FOREIGN_CITIES else ()
    best = max((n for n in names if n in FOREIGN_CITIES), key=frequency, default=name)
    return best if frequency(best) > frequency(name) else name


# A place name as a word: a Hangul run, the name then nothing, 시/주/현 or a particle ("삿포로시에서").
_HANGUL_WORD = re.compile(r"(?<![가-힣])[가-힣]{2,16}(?![가-힣])")
_AFTER_PLACE = re.compile(r"(?:시|주|현)?(?:에서는|에서|에는|에|의|를|을|과|와|로|으로|는|은|이|가|까지|부터|도)?")


def _place_words(text: str, known, suffixed=lambda w: False) -> list[tuple[str, int, int]]:
    """(name, start, end) of each word of `text` that is a place `known(name)` accepts, or that
    `suffixed(name)` accepts written with its 시 or 현 (황산시): the longest such name wins, so a name
    ending like a particle stays whole (오키나와, 하노이, 카이로)."""
    found = []
    for m in _HANGUL_WORD.finditer(text):
        word = m.group(0)
        for i in range(len(word), 1, -1):
            if _AFTER_PLACE.fullmatch(word[i:]) and (known(word[:i]) or word[i:].startswith(("시", "현")) and suffixed(word[:i])):
                if word[i - 1] in "시주현" and i > 2 and known(word[:i - 1]):
                    i -= 1  # 요코하마시: the city 요코하마, as the gazetteer also names it
                found.append((word[:i], m.start(), m.start() + i))
                break
    return found


def cities_named(text: str, countries: list[str]) -> list[tuple[str, int, int]]:
    """Mentions (name, start, end) of the cities of `countries` in `text`, first mention of each, in order."""
    wanted = set(countries)
    seen: set[str] = set()
    found = []
    for name, start, end in _place_words(text, lambda w: wanted.intersection(FOREIGN_CITIES.get(w, ())),
                                         lambda w: wanted.intersection(WORD_CITIES.get(w, ()))):
        # "네팔 랄릿푸르": a city the text places in another country (India has a 랄릿푸르 too).
        before = re.search(r"([가-힣]+)\s*$", text[max(0, start - 12):start])
        elsewhere = before is not None and COUNTRIES.get(before.group(1), "") not in ("", *wanted)
        if name not in seen and not elsewhere:
            seen.add(name)
            found.append((name, start, end))
    return found


def places_named(text: str) -> set[str]:
    """The foreign cities and the countries `text` names as words."""
    return {name for name, _, _ in _place_words(text, lambda w: w in FOREIGN_CITIES or w in COUNTRIES)}


def city_country(city: str, known: list[str] = ()) -> str:
    """The country of `city`: one of `known` when a city of that name lies there, else the country
    of the largest city of that name ('' for no foreign city)."""
    countries = FOREIGN_CITIES.get(city, ())
    return next((c for c in countries if c in known), countries[0] if countries else "")


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


# A country name standing as a word (not inside 인도네시아 when looking for 인도, nor in 인도 항해).
COUNTRY_WORD = re.compile(r"(?<![가-힣])(" + "|".join(sorted(map(re.escape, [c for c in COUNTRIES if len(c) >= 2]), key=len, reverse=True)) + r")(?=과|와|의|를|을|에|에서|로|및|,|\s|$|\)|·)")

# Organisation names end in the suffix of their level: local governments (특별시 … 군, 구),
# their councils and offices, agencies and ministries.
_LOCAL_SUFFIX = "특별자치시|특별자치도|특별시|광역시|도|시|군|구"
_BODY_SUFFIX = "의회|교육청|청|부|처|원|공사|공단|재단|연구원|위원회"
# The disclosure site's organisation line: "경상북도 안동시", "부산광역시 수영구", "국토연구원".
ORGANISATION_LINE = re.compile(
    r"^(?:[가-힣]{2,8}(?:특별시|광역시|특별자치시|특별자치도|도)\s)?"
    rf"[가-힣]{{1,12}}(?:{_LOCAL_SUFFIX}|{_BODY_SUFFIX})$"
)
# An organisation named before a traveller ("국토연구원 이재용 연구위원"): bare 시/군/구/도 are left out,
# as too many common nouns end in them.
ORGANISATION_WORD = re.compile(
    r"[가-힣]{2,12}(?:특별시|광역시|특별자치시|특별자치도|도청|시청|군청|구청|부|청|처|연구원|공사|공단|위원회|재단)"
)
# A local government or its council or office as a news article's subject ("통영시의회(의장 …)가",
# "경남 진주시의회는", "울릉군에 따르면", "영암군, 일본서 …"), with a region word before it and a
# committee after it when written: groups region, body, committee.
SUBJECT_BODY = re.compile(
    r"(?<![가-힣])(?:([가-힣]{2,4})\s)?([가-힣]{1,10}?(?:특별자치도|특별자치시|광역시|특별시|도|시|군|구)(?:의회|청)?)"
    r"(?:\s([가-힣]{2,12}위원회|[가-힣]{2,8}위))?(?=\s*\(|(?:은|는|이|가|에 따르면),?\s|,\s)"
)
SHORT_CITY_ORGANISATIONS = {"서울시": "서울특별시", "부산시": "부산광역시", "대구시": "대구광역시", "인천시": "인천광역시",
                            "광주시": "광주광역시", "대전시": "대전광역시", "울산시": "울산광역시", "세종시": "세종특별자치시"}
# The 17 provinces and metropolitan cities (시·도), by their current names; their short forms
# (경북, 서울시, 강원도) come from organisation_aliases.
PROVINCES = ("서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시", "울산광역시", "세종특별자치시",
             "경기도", "강원특별자치도", "충청북도", "충청남도", "전북특별자치도", "전라남도", "경상북도", "경상남도", "제주특별자치도")
# The levels of Korean local government a question can filter on: (whether the organisation is a
# 시·도 itself, the suffixes its name ends in).
ORGANISATION_LEVELS: dict[str, tuple[bool, tuple[str, ...]]] = {
    "광역": (True, ("시", "도")),
    "광역시": (True, ("광역시", "특별시", "특별자치시")),
    "도": (True, ("도",)),
    "기초": (False, ("시", "군", "구")),
    "시": (False, ("시",)),
    "군": (False, ("군",)),
    "구": (False, ("구",)),
}
# How a question names a level: "군 단위", "시청", "구청", "자치구", "도청 자체", "광역시청 본청",
# "기초자치단체", "광역지자체", "시군구". The suffix stands alone (not 나하시청, 중구청), with any ending
# after it ("구청들", "시청에서").
ORGANISATION_LEVEL_WORDS = re.compile(
    r"(?<![가-힣])(?P<suffix>광역시|시|군|구|도)\s*(?:단위|청|지역\s*(?:지자체|자치단체))|(?P<district>자치구)"
    r"|(?P<basic>기초\s*(?:자치단체|지자체)|(?<![가-힣])시\s*[·ㆍ]?\s*군(?:\s*[·ㆍ]?\s*구)?)|(?P<wide>광역\s*(?:자치단체|지자체)|시\s*[·ㆍ]?\s*도\s*(?:단위|청))")
# Seasons by the months a trip sets out in.
SEASONS = {"봄": (3, 4, 5), "여름": (6, 7, 8), "가을": (9, 10, 11), "겨울": (12, 1, 2)}
# Day counts said in words ("일주일 넘게", "열흘 이상", "사흘 이내").
DAY_WORDS = {"이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5, "엿새": 6, "일주일": 7, "열흘": 10, "보름": 15, "한 달": 30, "한달": 30}
# The same in English ("more than a week", "over ten days", "at least 5 people").
ENGLISH_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                   "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}
# An English unit as the Korean one it counts in, and how many of those it is (a week: 7 일).
ENGLISH_UNITS = {"day": ("일", 1), "days": ("일", 1), "night": ("박", 1), "nights": ("박", 1), "week": ("일", 7),
                 "weeks": ("일", 7), "month": ("일", 30), "months": ("일", 30), "people": ("명", 1), "persons": ("명", 1),
                 "travellers": ("명", 1), "travelers": ("명", 1), "officials": ("명", 1), "members": ("명", 1),
                 "participants": ("명", 1)}
GENERIC_TITLES = {"국외출장 결과보고서", "공무국외출장 결과보고서", "결과보고서", "출장 결과보고서"}

# Province short forms follow one rule: 경상북도 -> 경북, 전라남도 -> 전남, 충청북도 -> 충북.
_PROVINCE = re.compile(r"^([가-힣])[가-힣]([남북])도$")
ORGANISATION_SUFFIX = re.compile(f"({_LOCAL_SUFFIX})$")


def _short_names(part: str) -> set[str]:
    """The names users type for one part of an organisation's name (안동시: 안동시, 안동)."""
    names = {part}
    stem = ORGANISATION_SUFFIX.sub("", part)
    # 경상북도 is 경북, never 경상북; 경기도 is 경기.
    if len(stem) >= 2 and (not part.endswith("도") or part.endswith("특별자치도") or len(stem) == 2):
        names.add(stem)
        if re.search(r"(특별시|광역시|특별자치시)$", part):
            names.add(stem + "시")
    if m := _PROVINCE.match(part):
        names.add(m.group(1) + m.group(2))
        names.add(m.group(1) + m.group(2) + "도")  # 충북도, 경남도: the short name, spoken
    if part.endswith("특별자치도"):
        names.add(stem + "도")
    return names


def organisation_aliases(organisations: list[str]) -> dict[str, set[str]]:
    """Short names users type for each organisation: 안동시/안동, 서울시/서울, 경북, 울산 + 중구."""
    aliases: dict[str, set[str]] = {}
    for org in organisations:
        for part in org.split():
            for name in _short_names(part):
                aliases.setdefault(name, set()).add(org)
    # A council goes by its local government's names too (통영시의회: 통영시, 통영; 강원특별자치도의회:
    # 강원, and 강원도의회 as its name).
    for org in organisations:
        for part in org.split():
            if part.endswith("의회") and len(part) >= 4:
                for name in _short_names(part[:-2]):
                    aliases.setdefault(name, set()).add(org)
                    aliases.setdefault(name + "의회", set()).add(org)
    return aliases


_WEEKDAY = r"(?:\s*\(\s*[월화수목금토일]\s*\))?"
DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일" + _WEEKDAY),
    re.compile(r"(?P<y>\d{4})\s*[./-]\s*(?P<m>\d{1,2})\s*[./-]\s*(?P<d>\d{1,2})\.?" + _WEEKDAY),
    re.compile(r"(?<![\d.])(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일" + _WEEKDAY),
    re.compile(r"(?<![\d.])(?P<m>\d{1,2})\s*[./]\s*(?P<d>\d{1,2})\.?" + r"(?:\s*\(\s*[월화수목금토일]\s*\))"),
    # "6. 11일부터", and "1. 9. ~ 1. 12." (a range of month-day dates).
    re.compile(r"(?<![\d.])(?P<m>1[0-2]|0?[1-9])\.\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*일"),
    re.compile(r"(?<![\d.])(?P<m>1[0-2]|0?[1-9])\.\s*(?P<d>3[01]|[12]\d|0?[1-9])\.\s*(?=[~∼-])"),
]
# Any of the date forms above, as one pattern (for finding a date, not reading it).
ANY_DATE = re.compile("|".join(f"(?:{re.sub(r'[?]P<[a-z]>', '', p.pattern)})" for p in DATE_PATTERNS))
DURATION = re.compile(r"(?:(?P<n>\d+)\s*박\s*)?(?P<d>\d+)\s*일(?:\s*간)?")


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
    found = [(m.start(), m) for p in DATE_PATTERNS if (m := p.search(text))]
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
    m = DURATION.search(text)
    if not m:
        return "", None
    days = int(m.group("d"))
    return m.group(0).strip(), days if 0 < days < 400 else None


# Every name a province goes by, short forms included (경남, 서울시, 강원도, 전북도).
PROVINCE_NAMES = frozenset(organisation_aliases(list(PROVINCES)))
# … and the full name of each (경남 -> 경상남도).
PROVINCE_FULL_NAMES = {alias: next(iter(full)) for alias, full in organisation_aliases(list(PROVINCES)).items()
                       if len(full) == 1}
