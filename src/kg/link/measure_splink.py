"""Splink (Fellegi–Sunter on DuckDB) on the same labelled pairs as `kg.link.measure`, for comparison.

    pip install splink==5.0.0 pandas   # in a venv of its own: kg does not depend on it
    python -m kg.link.measure_splink [--held-out]

On the hand-labelled pairs of `kg.link.measure` (the same reports, the same split, the same two
views): the m probabilities are estimated from the development part's linked pairs
(`estimate_m_from_label_column`, each group of linked reports one cluster id), the u probabilities by
random sampling, the prior from the development part's share of linked pairs; the model then scores
every pair of the reports, and the labelled pairs are counted. Comparisons: the same type, start dates
within 1/7/31 days, points within 3/50/500 km (MELTT's point: the place's, else its finest containing
place's), Jaro-Winkler of the labels at 0.9/0.7.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from kg.errors import MissingExtra
from kg.link.measure import (
    LABELLED_PAIRS,
    SPLIT_SEED,
    VIEWS,
    Pair,
    _point,
    closure,
    labelled_graph,
    load_labelled_pairs,
    score_labelled,
    split_pairs,
    strip_links,
)
from kg.link.records import ReportRecord, read_reports
from kg.link.score import label_tokens
from kg.namespaces import DEFAULT_BASE


def _splink() -> tuple[Any, Any]:
    try:
        return importlib.import_module("splink"), importlib.import_module("splink.comparison_library")
    except ImportError:
        raise MissingExtra("Splink is not installed", hint="pip install splink==5.0.0 in a venv of its own") from None


def _rows(reports: Sequence[ReportRecord], truth: set[Pair]) -> list[dict[str, Any]]:
    cluster = {r.iri: r.iri for r in reports}
    for a, b in sorted(truth):  # a cluster id per hand-linked group (the smallest IRI)
        root = min(cluster[a], cluster[b])
        for k, v in list(cluster.items()):
            if v in (cluster[a], cluster[b]):
                cluster[k] = root
    rows = []
    for i, r in enumerate(reports):
        point = _point(r)
        rows.append(
            {
                "unique_id": i,
                "iri": r.iri,
                "document": r.document,
                "type": r.types[0].rsplit("/", 1)[-1] if r.types else None,
                "start": r.start.isoformat(),
                "lat": point[0] if point else None,
                "lon": point[1] if point else None,
                "label": " ".join(sorted(label_tokens(r))) or None,
                "cluster": cluster[r.iri],
            }
        )
    return rows


def _settings(splink: Any, cl: Any, prior: float) -> Any:
    return splink.SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=prior,
        blocking_rules_to_generate_predictions=[splink.block_on("substr(start, 1, 4)")],
        comparisons=[
            cl.ExactMatch("type"),
            cl.AbsoluteDateDifferenceAtThresholds(
                "start", input_is_string=True, metrics=["day", "day", "day"], thresholds=[1, 7, 31]
            ),
            cl.DistanceInKMAtThresholds("lat", "lon", [3, 50, 500]),
            cl.JaroWinklerAtThresholds("label", [0.9, 0.7]),
        ],
        retain_intermediate_calculation_columns=False,
    )


def splink_links(reports: list[ReportRecord], truth: set[Pair], pairs: int) -> set[Pair]:
    """The pairs of `reports` (of different documents) that Splink, with m estimated from the `truth`
    links and the prior from `truth` among `pairs` labelled pairs, scores at a match probability ≥ 0.5."""
    splink, cl = _splink()
    pd = importlib.import_module("pandas")
    duckdb = importlib.import_module("splink.backends.duckdb")
    rows = _rows(reports, truth)
    prior = max(len(truth), 1) / max(pairs, 1)
    db = duckdb.DuckDBAPI()
    linker = splink.Linker(db.register(pd.DataFrame(rows)), _settings(splink, cl, prior), log_level=30)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e5)
    linker.training.estimate_m_from_label_column("cluster")
    predicted = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    out: set[Pair] = set()
    for left, right in zip(predicted["unique_id_l"], predicted["unique_id_r"], strict=True):
        a, b = rows[int(left)], rows[int(right)]
        if a["document"] != b["document"]:
            out.add((min(a["iri"], b["iri"]), max(a["iri"], b["iri"])))
    return closure(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Print Splink's precision and recall on the development part (and, with --held-out, the held-out part)."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    pairs = load_labelled_pairs(LABELLED_PAIRS, DEFAULT_BASE)
    dev, held = split_pairs(pairs)
    parts = [("dev", dev)] + ([("held-out", held)] if "--held-out" in args else [])
    reports = read_reports(strip_links(labelled_graph()))
    truth = {p.key for p in dev if p.linked}
    print(f"Splink 5, m from the dev part's {len(truth)} linked pairs, split seed {SPLIT_SEED}")
    for view, read in VIEWS.items():
        predicted = splink_links(read(reports), truth, len(dev))
        for part, labelled in parts:
            s = score_labelled(predicted, labelled)
            print(
                f"{part:<9} {view:<16} Splink {s.pairs:>5} {s.tp + s.fn:>5} {s.tp:>4} {s.fp:>4} {s.fn:>4} "
                f"{s.precision:>6.2f} {s.recall:>6.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
