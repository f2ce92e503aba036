"""Dataset files at scale for `kg import`: UCDP GED rows (the sample's 43 real columns) and GDELT 2.0 rows.

The rows are the test fixtures' rows repeated with fresh ids (UCDP: tests/cases/ucdp's copy of the
real sample, cycled; GDELT: the four rows written from the codebook, cycled), so every value is of
the kind the importers meet. The same arguments give the same bytes.

Usage: python benchmarks/generate_datasets.py ucdp|gdelt ROWS OUT
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UCDP_SAMPLE = ROOT / "tests" / "cases" / "ucdp" / "conflict_data_BGD.csv"
GDELT_ROWS = ROOT / "tests" / "cases" / "gdelt" / "gdelt2_written.tsv"


def write_ucdp(rows: int, out: Path) -> None:
    """`rows` UCDP GED rows: header, HXL row, then the sample's rows cycled with ids from 10,000,000."""
    with UCDP_SAMPLE.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    header, hxl, body = records[0], records[1], records[2:]
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerow(hxl)
        for n in range(rows):
            row = list(body[n % len(body)])
            row[0] = str(10_000_000 + n)
            writer.writerow(row)


def write_gdelt(rows: int, out: Path) -> None:
    """`rows` GDELT 2.0 rows: the written rows cycled with GLOBALEVENTIDs from 2,000,000,000."""
    lines = GDELT_ROWS.read_text(encoding="utf-8").splitlines()
    with out.open("w", encoding="utf-8", newline="") as f:
        for n in range(rows):
            cells = lines[n % len(lines)].split("\t")
            cells[0] = str(2_000_000_000 + n)
            f.write("\t".join(cells) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=("ucdp", "gdelt"))
    parser.add_argument("rows", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    (write_ucdp if args.dataset == "ucdp" else write_gdelt)(args.rows, args.out)


if __name__ == "__main__":
    main()
