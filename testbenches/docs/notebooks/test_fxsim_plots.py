#!/usr/bin/python3
"""ctest notebooks.plots: docs/notebooks/fxsim_plots.py on hand-made results, for the cases a
small CI sweep does not produce: optional columns absent or empty (no yosys, no model
workload), classification accuracy present, exact (infinite) SQNR, two FPGA families, no ok
point, one rounding mode, and databases that are not results databases.

    /usr/bin/python3 test_fxsim_plots.py SOURCE_DIR      (unittest; exit 77 without pandas)
"""

import math
import os
import sqlite3
import sys
import tempfile
import unittest
from pathlib import Path

SKIP = 77

try:
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd
except ImportError as e:  # the Debian packages of scripts/install-deps are missing
    print(f"SKIP: {sys.executable} lacks {e.name}")
    sys.exit(SKIP)

SOURCE_DIR = Path(sys.argv.pop(1) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2])
sys.path.insert(0, str(SOURCE_DIR / "docs" / "notebooks"))
import fxsim_plots as fp  # noqa: E402


N = 16


def make_points(n=N, **overrides) -> pd.DataFrame:
    """n ok points: the four kinds, each at two weight widths with both rounding modes."""
    kinds = ["fx_mac", "fx_mac_lut", "khot", "spt"]
    rows = []
    for i in range(n):
        kind = kinds[i % 4]
        wbits = 4 if i < n // 2 else 8
        dsp = 16 if kind == "fx_mac" else 0
        lut = 400 + 300 * i
        rows.append({
            "point_id": i, "status": "ok", "kind": kind, "weight_bits": wbits,
            "output_type": "fixed<8,3,TRN,SAT,0>", "rounding": ["TRN", "RND_CONV"][(i // 4) % 2],
            "family": "xc7", "latency_ns": 140.0 if i % 3 else 44.0, "lut": lut, "dsp": dsp,
            "lut_equivalent": lut + 55 * dsp, "mse": 10.0 ** -(i % 4 + 1),
            "sqnr_db": 6.0 * wbits + i, "classification_accuracy": None,
            "resource_source": "model", "pareto_accuracy_latency_lut": int(i % 3 == 0),
            "pareto_dsp_lut": int(i == 0),
        })
    df = pd.DataFrame(rows)
    for column, values in overrides.items():
        df[column] = values
    return df


def texts(fig) -> str:
    """Every text in a figure (notes, titles, labels), to check what the reader is told."""
    parts = [t.get_text() for t in fig.texts]
    if fig._suptitle is not None:
        parts.append(fig._suptitle.get_text())
    for ax in fig.axes:
        parts += [t.get_text() for t in ax.texts]
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    return "\n".join(parts)


def write_db(path: Path, df: pd.DataFrame, schema_version="5") -> None:
    with sqlite3.connect(path) as con:
        df.to_sql("points", con, index=False)
        con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", (schema_version,))


class Figures(unittest.TestCase):
    def setUp(self):
        fp.use_style()

    def test_every_figure_of_full_results(self):
        df = make_points(classification_accuracy=[0.8 + 0.01 * i for i in range(N)])
        for name in fp.FIGURES:
            fig = fp.PLOTTERS[name](df)
            self.assertNotIn("no ok point", texts(fig), name)
        # SQNR, MSE and top-1 accuracy: one panel each.
        self.assertEqual(len(fp.plot_accuracy_vs_lut(df).axes), 3)

    def test_optional_columns_absent(self):
        """No yosys, random workload, old or partial results: figures still come out."""
        df = make_points().drop(columns=[
            "classification_accuracy", "rounding", "family", "resource_source",
            "pareto_accuracy_latency_lut", "pareto_dsp_lut", "output_type", "weight_bits"])
        self.assertEqual(len(fp.plot_accuracy_vs_lut(df).axes), 2)  # SQNR, MSE
        self.assertIn("no ok point with a rounding mode", texts(fp.plot_rounding_effect(df)))
        self.assertIn("source unknown", texts(fp.plot_dsp_vs_lut(df)))
        self.assertTrue(fp.pareto_points(df).empty)
        fp.plot_latency_vs_resources(df)

    def test_empty_accuracy_columns_are_left_out(self):
        df = make_points(mse=None, classification_accuracy=None)
        self.assertEqual([m.column for m in fp.accuracy_metrics(df)], ["sqnr_db"])
        self.assertEqual(len(fp.plot_accuracy_vs_lut(df).axes), 1)

    def test_infinite_sqnr_is_counted_not_drawn(self):
        df = make_points(sqnr_db=[math.inf, math.inf] + [20.0] * (N - 2))
        self.assertIn("2 exact point(s)", texts(fp.plot_accuracy_vs_lut(df)))

    def test_no_ok_point(self):
        df = make_points(status="failed")
        for name in fp.FIGURES:
            self.assertIn("no ok point", texts(fp.PLOTTERS[name](df)), name)

    def test_width_without_both_modes_is_left_out(self):
        """Random sampling leaves widths with one mode: no lone bar posing as a comparison."""
        df = make_points(rounding=["TRN"] * 12 + ["RND_CONV"] * 4)  # W4: TRN only
        labels = {t.get_text() for t in fp.plot_rounding_effect(df).axes[0].get_xticklabels()}
        self.assertEqual(labels, {"W8/O8"})
        df = make_points(rounding=["TRN"] * 8 + ["RND_CONV"] * 8)  # each width one mode
        self.assertIn("no weight/output width", texts(fp.plot_rounding_effect(df)))

    def test_one_rounding_mode(self):
        df = make_points(rounding="TRN")
        self.assertIn("one rounding mode", texts(fp.plot_rounding_effect(df)))

    def test_rounding_groups_at_equal_width(self):
        fig = fp.plot_rounding_effect(make_points())
        self.assertEqual([ax.get_title() for ax in fig.axes], ["fx_mac", "fx_mac_lut", "khot",
                                                                "spt"])
        labels = {t.get_text() for t in fig.axes[0].get_xticklabels()}
        self.assertEqual(labels, {"W4/O8", "W8/O8"})

    def test_two_families_are_labelled(self):
        df = make_points(family=["xc7"] * 4 + ["xcup"] * (N - 4))
        _, labels = fp.plot_dsp_vs_lut(df).axes[0].get_legend_handles_labels()
        self.assertIn("fx_mac (xcup)", labels)
        self.assertIn("Pareto-optimal", labels)

    def test_only_ok_points_are_drawn(self):
        df = make_points(status=["ok"] * 4 + ["pruned"] * (N - 4))
        ax = fp.plot_dsp_vs_lut(df).axes[0]
        drawn = sum(len(c.get_offsets()) for c in ax.collections) - 1  # minus the Pareto ring
        self.assertEqual(drawn, 4)

    def test_pngs_are_deterministic(self):
        df = make_points()
        with tempfile.TemporaryDirectory() as tmp:
            first = [p.read_bytes() for p in fp.write_all(df, Path(tmp) / "a")]
            second = [p.read_bytes() for p in fp.write_all(df, Path(tmp) / "b")]
        self.assertEqual(first, second)
        self.assertNotIn(b"Matplotlib", first[0])  # no Software chunk


class Loading(unittest.TestCase):
    def test_results_dir_from_environment(self):
        self.assertEqual(fp.results_dir({"FXSIM_RESULTS": "/x/y"}), Path("/x/y"))
        self.assertEqual(fp.results_dir({}), fp.DEFAULT_RESULTS)
        self.assertEqual(fp.DEFAULT_RESULTS, SOURCE_DIR.resolve() / "results" / "sweep_default")

    def test_round_trip_and_order(self):
        with tempfile.TemporaryDirectory() as tmp:
            write_db(Path(tmp) / "results.sqlite", make_points().iloc[::-1])
            df = fp.load_results(tmp)
        self.assertEqual(list(df["point_id"]), list(range(N)))
        self.assertEqual(fp.schema_note(df), "")

    def test_other_schema_version_is_noted(self):
        with tempfile.TemporaryDirectory() as tmp:
            write_db(Path(tmp) / "results.sqlite", make_points(), schema_version="3")
            df = fp.load_results(tmp)
        self.assertIn("version 3", fp.schema_note(df))
        self.assertIn("version 3", texts(fp.plot_dsp_vs_lut(df)))

    def test_not_a_results_directory(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaisesRegex(fp.ResultsError, "no results database"):
                fp.load_results(tmp)
            with sqlite3.connect(Path(tmp) / "results.sqlite") as con:
                con.execute("CREATE TABLE other (x INTEGER)")
            with self.assertRaisesRegex(fp.ResultsError, "no table 'points'"):
                fp.load_results(tmp)

    def test_missing_required_column(self):
        with tempfile.TemporaryDirectory() as tmp:
            write_db(Path(tmp) / "results.sqlite", make_points().drop(columns=["lut"]))
            with self.assertRaisesRegex(fp.ResultsError, "lacks column.*lut"):
                fp.load_results(tmp)

    def test_database_is_opened_read_only(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "results.sqlite"
            write_db(db, make_points())
            before = db.stat().st_mtime_ns, db.read_bytes()
            fp.load_results(tmp)
            self.assertEqual((db.stat().st_mtime_ns, db.read_bytes()), before)
            self.assertEqual(sorted(os.listdir(tmp)), ["results.sqlite"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
