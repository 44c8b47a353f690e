"""Write qa/data/regions.tsv: world regions (유럽, 동남아시아, 북미 …) and the countries in each.

    pip install 'country_converter==1.3.2' && python scripts/make_regions.py

Sources: the UN M49 geographic regions (continent and sub-region of every country) as packaged by
country_converter, and the regions' Korean names from CLDR (Babel's `ko` territory names of the
M49 codes). Korean also shortens 동남아시아 and 중앙아시아 to 동남아 and 중앙아, and 북아메리카 and
남아메리카 to 북미 and 남미: those short forms are added by that rule. The
answer path reads the file; it never needs country_converter itself.

Columns: M49 code, Korean names (comma-separated, CLDR's first), ISO codes of its countries.
"""

from __future__ import annotations

import re
from pathlib import Path

import country_converter
import pandas as pd
from babel import Locale

OUT = Path(__file__).resolve().parent.parent / "qa" / "data" / "regions.tsv"

# M49 codes of the names country_converter uses (UN Statistics Division, "Standard country or
# area codes for statistical use", https://unstats.un.org/unsd/methodology/m49/).
M49 = {
    # continents
    "Africa": "002", "America": "019", "Asia": "142", "Europe": "150", "Oceania": "009",
    # Continent_7 splits America
    "North America": "003", "South America": "005",
    # sub-regions
    "Australia and New Zealand": "053", "Caribbean": "029", "Central America": "013", "Central Asia": "143",
    "Eastern Africa": "014", "Eastern Asia": "030", "Eastern Europe": "151", "Melanesia": "054",
    "Micronesia": "057", "Middle Africa": "017", "Northern Africa": "015", "Northern America": "021",
    "Northern Europe": "154", "Polynesia": "061", "South-eastern Asia": "035",
    "Southern Africa": "018", "Southern Asia": "034", "Southern Europe": "039", "Western Africa": "011",
    "Western Asia": "145", "Western Europe": "155",
}


def short_forms(name: str) -> list[str]:
    """동남아시아 -> 동남아, 북아메리카 -> 북미 (the usual Korean abbreviations)."""
    squeezed = name.replace(" ", "")
    out = [squeezed]
    # Only as Korean says them: 동남아, 중앙아 (not 동아, 남아: other words), 북미, 남미 (not 북부미).
    if squeezed.endswith("아시아") and len(squeezed) >= 5:
        out.append(squeezed[:-3] + "아")
    if squeezed.endswith("아메리카") and len(squeezed) == 5:
        out.append(squeezed[:-4] + "미")
    return out


def main() -> None:
    data = pd.read_csv(Path(country_converter.__file__).with_name("country_data.tsv"), sep="\t", dtype=str)
    korean = Locale("ko").territories
    members: dict[str, list[str]] = {}
    for _, row in data.iterrows():
        if not isinstance(row["ISO2"], str) or len(row["ISO2"]) != 2:
            continue
        for column in ("continent", "Continent_7", "UNregion"):
            region = row[column]
            if isinstance(region, str) and region in M49:
                members.setdefault(M49[region], []).append(row["ISO2"])
    lines = []
    for code, countries in sorted(members.items()):
        name = korean[code]
        names = list(dict.fromkeys([name, *short_forms(name)]))
        names = [n for n in names if re.fullmatch(r"[가-힣 ]{2,}", n)]
        lines.append(f"{code}\t{','.join(names)}\t{','.join(sorted(set(countries)))}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} regions -> {OUT}")


if __name__ == "__main__":
    main()
