"""Splink (Fellegi–Sunter on DuckDB) on the same labelled pairs as `kg.link.measure`, for comparison.

    pip install splink==5.0.0        # in a venv of its own: kg does not depend on it
    python -m kg.link.measure_splink

Two-fold: the m probabilities are estimated from the labels of one set (`estimate_m_from_label_column`,
the hand links as cluster ids), the u probabilities by random sampling, the prior from that set's
share of true pairs; the model then scores the other set. Comparisons: the same type, start dates
within 1/7/31 days, points within 3/50/500 km (MELTT's point: the place's, else its finest
containing place's), Jaro-Winkler of the labels at 0.9/0.7.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from kg.errors import MissingExtra
from kg.link.measure import (
    ROOT,
    Pair,
    Score,
    _point,
    closure,
    corpus_graph,
    hand_links,
    load_true_pairs,
    score,
    strip_links,
    universe,
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


def splink_links(train: tuple[list[ReportRecord], set[Pair]], test: list[ReportRecord]) -> set[Pair]:
    """Pairs of `test` that Splink, trained on `train`'s labels, scores at a match probability ≥ 0.5."""
    splink, cl = _splink()
    pd = importlib.import_module("pandas")
    duckdb = importlib.import_module("splink.backends.duckdb")
    reports, truth = train
    prior = max(len(truth), 1) / max(len(universe(reports)), 1)
    db = duckdb.DuckDBAPI()
    trainer = splink.Linker(
        db.register(pd.DataFrame(_rows(reports, truth))), _settings(splink, cl, prior), log_level=30
    )
    trainer.training.estimate_u_using_random_sampling(max_pairs=1e5)
    trainer.training.estimate_m_from_label_column("cluster")
    model = trainer.misc.save_model_to_json()
    db = duckdb.DuckDBAPI()
    linker = splink.Linker(db.register(pd.DataFrame(_rows(test, set()))), model, log_level=30)
    predicted = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    rows = _rows(test, set())
    out: set[Pair] = set()
    for left, right in zip(predicted["unique_id_l"], predicted["unique_id_r"], strict=True):
        a, b = rows[int(left)], rows[int(right)]
        if a["document"] != b["document"]:
            out.add((min(a["iri"], b["iri"]), max(a["iri"], b["iri"])))
    return closure(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Print Splink's precision and recall on each set, trained on the other."""
    sets = {}
    for name, registry, articles, labels in (
        ("kazakhstan", ROOT / "data" / "registry.yaml", ROOT / "data" / "articles", None),
        (
            "dev set",
            ROOT / "tests" / "cases" / "extract" / "registry.yaml",
            ROOT / "tests" / "cases" / "extract" / "gold",
            ROOT / "tests" / "cases" / "link" / "dev-set-pairs.yaml",
        ),
    ):
        graph = corpus_graph(registry, articles)
        truth = hand_links(read_reports(graph)) if labels is None else load_true_pairs(labels, DEFAULT_BASE)
        sets[name] = (read_reports(strip_links(graph)), truth)
    totals = [0, 0, 0, 0]
    for test, train in (("kazakhstan", "dev set"), ("dev set", "kazakhstan")):
        reports, truth = sets[test]
        s = score(splink_links(sets[train], reports), truth, universe(reports))
        totals = [x + y for x, y in zip(totals, (s.tp, s.fp, s.fn, s.pairs), strict=True)]
        print(f"Splink on {test} (m from {train}): TP {s.tp} FP {s.fp} FN {s.fn} P {s.precision:.2f} R {s.recall:.2f}")
    t = Score(*totals)
    print(f"Splink on both: TP {t.tp} FP {t.fp} FN {t.fn} P {t.precision:.2f} R {t.recall:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
