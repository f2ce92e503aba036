"""Run morph-kgc on UCDP GED rows with benchmarks/ucdp-morph.yarrrml.yml: the side-by-side figure for `kg import`.

morph-kgc is not a dependency of kg: install it in a virtual environment of its own
(`python -m venv mk && mk/bin/pip install morph-kgc`) and run this script with that Python.
The file must have no HXL hashtag row (`sed 2d`), which morph-kgc would map as a row.

Usage: mk/bin/python benchmarks/morph_ucdp.py ROWS.csv OUT.nt
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

MAPPING = Path(__file__).resolve().parent / "ucdp-morph.yarrrml.yml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        mapping = Path(folder) / "ucdp.yml"
        mapping.write_text(MAPPING.read_text(encoding="utf-8").replace("FILE", str(args.rows.resolve())))
        config = Path(folder) / "config.ini"
        config.write_text(
            f"[CONFIGURATION]\noutput_file={args.out.resolve()}\noutput_format=N-TRIPLES\n[UCDP]\nmappings={mapping}\n"
        )
        subprocess.run([sys.executable, "-m", "morph_kgc", str(config)], check=True)


if __name__ == "__main__":
    main()
