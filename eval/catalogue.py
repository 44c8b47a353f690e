"""Catalogue accuracy, field by field, against hand-read labels.

    python -m eval.catalogue                      # realtrips-dev (../shared/benchmarks/realtrips-dev)
    python -m eval.catalogue --labels DIR/facts.tsv --index-dir IDX [--json]

The labels file is the realtrips-dev `facts.tsv` format (see its README): one row per file, empty
where the text does not give the value. For each field a labelled value is right, empty (the
catalogue left it out) or wrong; a value the catalogue gives where the label is empty is counted
as invented (a guess where the text says nothing).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from qa import QA, Settings
from qa.facts import TripRecord

from .dev import OUT, REALTRIPS, SEEDS

FIELDS = ("countries", "organisation", "title", "departure", "arrival", "duration", "travellers")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def read_labels(path: Path) -> list[dict[str, str]]:
    """The rows of a facts.tsv-style labels file."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def labelled(row: dict[str, str], name: str) -> str:
    column = {"countries": "countries_in_text"}.get(name, name)
    return (row.get(column) or "").strip()


def extracted(record: TripRecord | None, name: str) -> str:
    if record is None:
        return ""
    return {
        "countries": ";".join(record.countries),
        "organisation": record.organisation,
        "title": record.title,
        "departure": record.start_date,
        "arrival": record.end_date,
        "duration": record.duration_text,
        "travellers": str(record.traveller_count or ""),
    }[name]


def same(name: str, label: str, value: str) -> bool:
    if name == "countries":  # every country visited, in any order
        return set(label.split(";")) == set(value.split(";"))
    return _flat(label) == _flat(value)


@dataclass
class FieldScore:
    labelled: int = 0
    right: int = 0
    empty: int = 0
    wrong: int = 0
    invented: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (file, label, value)

    def to_json(self) -> dict:
        n = max(self.labelled, 1)
        return {"labelled": self.labelled, "right": self.right / n, "empty": self.empty / n,
                "wrong": self.wrong / n, "invented": self.invented}


def score(records: dict[str, TripRecord], rows: list[dict[str, str]]) -> dict[str, FieldScore]:
    scores = {name: FieldScore() for name in FIELDS}
    for row in rows:
        record = records.get(Path(row["file"]).name)
        for name in FIELDS:
            label, value, s = labelled(row, name), extracted(record, name), scores[name]
            if not label:
                s.invented += bool(value)
                continue
            s.labelled += 1
            if same(name, label, value):
                s.right += 1
            else:
                if value:
                    s.wrong += 1
                else:
                    s.empty += 1
                s.misses.append((row["file"], label, value))
    return scores


def table(scores: dict[str, FieldScore]) -> str:
    lines = ["| field | labelled | right | empty | wrong | invented (label empty) |", "| --- | --- | --- | --- | --- | --- |"]
    for name, s in scores.items():
        j = s.to_json()
        lines.append(f"| {name} | {s.labelled} | {j['right']:.0%} | {j['empty']:.0%} | {j['wrong']:.0%} | {s.invented} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="출장 목록(카탈로그) 필드별 정확도")
    parser.add_argument("--labels", type=Path, default=REALTRIPS.parent / "facts.tsv", help="facts.tsv 형식의 정답 파일")
    parser.add_argument("--index-dir", type=Path, default=OUT / "idx-realtrips",
                        help="색인 폴더 (기본: realtrips-dev와 seeds의 평가용 색인)")
    parser.add_argument("--misses", action="store_true", help="틀리거나 빈 값을 파일별로 출력")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    corpus = [args.labels.parent / "corpus"] + ([SEEDS] if args.labels == REALTRIPS.parent / "facts.tsv" else [])
    qa = QA.open(Settings(index_dir=args.index_dir, corpus=corpus))
    rows = read_labels(args.labels)
    records = {r.source: r for r in qa.index.catalogue.trips()}
    scores = score(records, rows)
    if args.json:
        print(json.dumps({k: v.to_json() for k, v in scores.items()}, ensure_ascii=False, indent=2))
        return
    print(f"{args.labels} · {len(rows)}개 문서\n")
    print(table(scores))
    if args.misses:
        for name, s in scores.items():
            for file, label, value in s.misses:
                print(f"{name}\t{file}\t정답={label!r}\t추출={value!r}")


if __name__ == "__main__":
    main()
