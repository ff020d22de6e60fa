"""Plots of an `fxsim sweep` results directory: the one source of truth for the notebooks in
docs/notebooks/ and for scripts/plot_results.py (the PNGs of `fxsim report`).

Reads DIR/results.sqlite (table `points`, columns in traces/results_schema.cpp). Every plot
takes the whole points DataFrame and returns a matplotlib Figure; plots use only the `ok`
points and cope with optional columns being absent or empty (classification accuracy exists
only for model workloads, yosys columns only when yosys ran), so a figure is always produced
(with a note in it when there is nothing to draw) and the set of figures is fixed: FIGURES.

Figures are built with matplotlib.figure.Figure, not pyplot: nothing is registered globally,
the script needs no GUI backend, and a notebook shows a returned figure exactly once.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

# The repository root, from this file's place (docs/notebooks/fxsim_plots.py).
REPO_ROOT = Path(__file__).resolve().parents[2]

# The results directory of a notebook session. The default is where `make run` writes its
# sweep, as does `fxsim sweep docs/examples/sweep_default.toml` run from the repository root.
RESULTS_ENV = "FXSIM_RESULTS"
DEFAULT_RESULTS = REPO_ROOT / "results" / "sweep_default"

# The schema version this module was written against (meta.schema_version). Another version
# is read anyway (columns are checked by name) but noted, since meanings may have changed.
SCHEMA_VERSION = "5"

# The columns without which no plot makes sense; everything else is optional.
REQUIRED_COLUMNS = ("point_id", "status", "kind", "latency_ns", "lut", "dsp", "lut_equivalent")

# Every figure, in the order the notebooks and `fxsim report` show them. The file of each is
# NAME.png; testbenches/notebooks checks that each notebook cell tagged figure:NAME draws one.
FIGURES = ("accuracy_vs_lut", "dsp_vs_lut", "latency_vs_resources", "rounding_effect")

# Fixed size and resolution: the PNGs of the same results are byte-identical.
FIGSIZE = (9.0, 5.0)
DPI = 100
STYLE = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: same glyphs on every machine
    "font.size": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.fontsize": 8,
    "savefig.dpi": DPI,
    "figure.dpi": DPI,
    "svg.hashsalt": "fxsim",  # SVG ids stable too, should anyone save SVG
}

# Fixed colour and marker per unit kind, so a kind looks the same in every figure and run; the
# markers differ too because K-hot and SPT points often sit on the same spot.
KIND_STYLES = {"fx_mac": ("tab:blue", "o"), "fx_mac_lut": ("tab:orange", "s"),
               "khot": ("tab:green", "^"), "spt": ("tab:red", "v"), "int": ("tab:purple", "D"),
               "binary": ("tab:brown", "P"), "ternary": ("tab:pink", "X"),
               "xnor": ("tab:gray", "*")}
SPARE_STYLES = (("tab:olive", "h"), ("tab:cyan", "p"), ("black", "d"), ("goldenrod", "8"))


class ResultsError(RuntimeError):
    """The results directory cannot be plotted (no database, not a results database)."""


@dataclass(frozen=True)
class Metric:
    column: str
    label: str
    log_scale: bool
    higher_is_better: bool


# Accuracy columns in the order they are plotted; those without a value are left out.
ACCURACY_METRICS = (
    Metric("sqnr_db", "SQNR (dB)", False, True),
    Metric("mse", "MSE vs float layer", True, False),
    Metric("classification_accuracy", "top-1 accuracy", False, True),
)


def use_style() -> None:
    """Applies STYLE to matplotlib's global settings (tick labels read them at draw time)."""
    matplotlib.rcParams.update(STYLE)


def results_dir(environ=None) -> Path:
    """$FXSIM_RESULTS, else DEFAULT_RESULTS."""
    env = os.environ if environ is None else environ
    value = env.get(RESULTS_ENV, "")
    return Path(value) if value else DEFAULT_RESULTS


def load_results(directory) -> pd.DataFrame:
    """All rows of DIR/results.sqlite's points table, ordered by point_id.

    df.attrs["schema_version"] holds meta.schema_version ("" when absent)."""
    db = Path(directory) / "results.sqlite"
    if not db.is_file():
        raise ResultsError(f"{db}: no results database (run fxsim sweep ... --out {directory})")
    # Read-only: a notebook must never change (or create) a sweep's database.
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "points" not in tables:
            raise ResultsError(f"{db}: no table 'points' (not an fxsim results database)")
        df = pd.read_sql_query("SELECT * FROM points ORDER BY point_id", con)
        version = ""
        if "meta" in tables:
            row = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = row[0] if row else ""
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise ResultsError(f"{db}: points table lacks column(s) {', '.join(missing)}")
    df.attrs["schema_version"] = str(version)
    return df


def schema_note(df: pd.DataFrame) -> str:
    """Empty when the schema is the one this module knows; else a one-line warning."""
    version = df.attrs.get("schema_version", "")
    if version in ("", SCHEMA_VERSION):
        return ""
    return f"results schema version {version}, plots written for {SCHEMA_VERSION}"


def ok_points(df: pd.DataFrame) -> pd.DataFrame:
    """The points that ran successfully (pruned and failed points have no figures)."""
    return df[df["status"] == "ok"].copy()


def status_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Points per unit kind and status: what the figures are made of."""
    return df.groupby(["kind", "status"]).size().unstack(fill_value=0)


def has_values(df: pd.DataFrame, column: str) -> bool:
    return column in df.columns and df[column].notna().any()


def accuracy_metrics(df: pd.DataFrame) -> list:
    """The ACCURACY_METRICS with at least one value among df's rows."""
    return [m for m in ACCURACY_METRICS if has_values(df, m.column)]


def flag(df: pd.DataFrame, column: str) -> pd.Series:
    """A 0/1 Pareto column as booleans; all False when the column is absent or empty."""
    if column not in df.columns:
        return pd.Series(False, index=df.index)
    return df[column].fillna(0).astype(int) == 1


def pareto_points(df: pd.DataFrame, column: str = "pareto_accuracy_latency_lut") -> pd.DataFrame:
    """The ok points flagged Pareto-optimal in `column`, with the columns worth reading."""
    ok = ok_points(df)
    wanted = ["point_id", "kind", "weight_type", "activation_type", "output_type", "rounding",
              "pe", "simd", "latency_ns", "sqnr_db", "mse", "classification_accuracy", "lut",
              "dsp", "lut_equivalent", "resource_source"]
    cols = [c for c in wanted if has_values(ok, c)]
    return ok[flag(ok, column)][cols].reset_index(drop=True)


def output_bits(type_text) -> float:
    """W of 'fixed<W,I,...>' (any fx type spelling); NaN when it cannot be read."""
    m = re.match(r"\s*\w+<\s*(\d+)", str(type_text))
    return float(m.group(1)) if m else math.nan


# ---- drawing helpers -----------------------------------------------------------------------

def _new_figure(ncols: int = 1, nrows: int = 1):
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, list(axes.flat)


def _note(ax, text: str) -> None:
    """Says in the plot why it is empty (a blank axis would look like a bug)."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, wrap=True,
            fontsize=10, color="0.3")
    ax.set_xticks([])
    ax.set_yticks([])


def _kind_styles(kinds) -> dict:
    styles = dict(KIND_STYLES)
    spare = iter(SPARE_STYLES * 8)
    for k in sorted(set(kinds)):
        if k not in styles:
            styles[k] = next(spare)
    return styles


def _groups(df: pd.DataFrame):
    """(label, color, marker, filled, rows) per unit kind and FPGA family, in a fixed order.

    With several families (resources of different devices) the first family's markers are
    filled and the others' hollow, so the two are never read as one population."""
    styles = _kind_styles(df["kind"])
    families = sorted(df["family"].dropna().unique()) if "family" in df.columns else []
    several = len(families) > 1
    for key, rows in df.groupby(["kind", "family"] if several else "kind", sort=True):
        kind, family = key if several else (key, None)
        color, marker = styles[kind]
        label = f"{kind} ({family})" if several else kind
        yield label, color, marker, (not several or family == families[0]), rows


def _scatter_by_kind(ax, df, x, y, highlight=None, alpha=0.85):
    """One series per kind (and family); `highlight` points get a black ring."""
    for label, color, marker, filled, rows in _groups(df):
        ax.scatter(rows[x], rows[y], marker=marker, s=30, alpha=alpha, label=label,
                   facecolors=color if filled else "none", edgecolors=color,
                   linewidths=0 if filled else 1.2)
    if highlight is not None and highlight.any():
        front = df[highlight]
        ax.scatter(front[x], front[y], s=90, facecolors="none", edgecolors="black",
                   linewidths=1.2, label="Pareto-optimal")


def _legend_outside(ax, **kwargs) -> None:
    """Legend right of `ax` (the rightmost panel): with many kinds and families it would hide
    points inside; tight_layout makes room for it."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kwargs)


def _log_if_wide(ax, values, axis: str) -> None:
    """Log scale when positive values span more than a decade (LUT counts often do)."""
    v = pd.to_numeric(values, errors="coerce")
    v = v[(v > 0) & v.map(math.isfinite)]
    if len(v) and v.max() / v.min() > 10:
        (ax.set_xscale if axis == "x" else ax.set_yscale)("log")


def _finite(values: pd.Series) -> pd.Series:
    """inf (an exact SQNR) as NaN: matplotlib cannot place it, the caller says so instead."""
    v = pd.to_numeric(values, errors="coerce")
    return v.where(v.map(math.isfinite))


def _title(fig, text: str, df: pd.DataFrame) -> None:
    note = schema_note(df)
    fig.suptitle(text + (f"\n({note})" if note else ""), fontsize=11)


# ---- the figures ---------------------------------------------------------------------------

def plot_accuracy_vs_lut(df: pd.DataFrame) -> Figure:
    """One panel per accuracy metric present: metric vs LUT-equivalent, per unit kind."""
    ok = ok_points(df)
    metrics = accuracy_metrics(ok)
    fig, axes = _new_figure(ncols=max(1, len(metrics)))
    _title(fig, "Accuracy vs LUT-equivalent (LUT + 55 x DSP)", df)
    if ok.empty or not metrics:
        _note(axes[0], "no ok point with an accuracy value")
        return fig
    for ax, m in zip(axes, metrics):
        rows = ok.assign(_y=_finite(ok[m.column]))
        exact = int((rows[m.column].notna() & rows["_y"].isna()).sum())
        _scatter_by_kind(ax, rows.dropna(subset=["_y"]), "lut_equivalent", "_y")
        _log_if_wide(ax, rows["lut_equivalent"], "x")
        if m.log_scale:
            _log_if_wide(ax, rows["_y"], "y")
        ax.set_xlabel("LUT-equivalent")
        ax.set_ylabel(m.label + (" (higher is better)" if m.higher_is_better else
                                 " (lower is better)"))
        if exact:
            ax.set_title(f"{exact} exact point(s) (infinite SQNR) not drawn", fontsize=8)
    _legend_outside(axes[len(metrics) - 1])
    fig.tight_layout()
    return fig


def plot_dsp_vs_lut(df: pd.DataFrame) -> Figure:
    """DSP vs LUT per unit kind; the (dsp, lut) Pareto front as a staircase."""
    ok = ok_points(df)
    fig, axes = _new_figure()
    ax = axes[0]
    _title(fig, "DSP vs LUT per unit kind", df)
    if ok.empty:
        _note(ax, "no ok point")
        return fig
    front_mask = flag(ok, "pareto_dsp_lut")
    _scatter_by_kind(ax, ok, "lut", "dsp", highlight=front_mask)
    front = ok[front_mask].sort_values(["lut", "dsp"])
    if len(front) > 1:
        # In two objectives the flagged points are the whole front: joining them is exact.
        ax.step(front["lut"], front["dsp"], where="post", color="black", linewidth=0.8,
                alpha=0.6)
    _log_if_wide(ax, ok["lut"], "x")
    ax.set_xlabel("LUT (" + _resource_source(ok) + ")")
    ax.set_ylabel("DSP")
    _legend_outside(ax)
    fig.tight_layout()
    return fig


def plot_latency_vs_resources(df: pd.DataFrame) -> Figure:
    """Latency vs LUT-equivalent and vs DSP; accuracy/latency/LUT Pareto points ringed."""
    ok = ok_points(df)
    fig, axes = _new_figure(ncols=2)
    _title(fig, "Latency vs resources (ringed: Pareto-optimal in accuracy, latency and "
                "LUT-equivalent)", df)
    if ok.empty:
        _note(axes[0], "no ok point")
        _note(axes[1], "no ok point")
        return fig
    front = flag(ok, "pareto_accuracy_latency_lut")
    for ax, x, label in ((axes[0], "lut_equivalent", "LUT-equivalent"), (axes[1], "dsp", "DSP")):
        _scatter_by_kind(ax, ok, x, "latency_ns", highlight=front, alpha=0.6)
        _log_if_wide(ax, ok[x], "x")
        _log_if_wide(ax, ok["latency_ns"], "y")
        ax.set_xlabel(label)
        ax.set_ylabel("latency of one run (ns)")
    # Point ids let the reader find a Pareto point in results.csv; only when few enough to read.
    # Points on the same spot (K-hot and SPT often are) share one label, "12,14"; labels
    # alternate above and below so that neighbours (a rounding mode apart) stay readable.
    if 0 < front.sum() <= 15:
        spots = ok[front].groupby(["lut_equivalent", "latency_ns"], sort=True)["point_id"]
        for n, ((x, y), ids) in enumerate(spots):
            axes[0].annotate(",".join(str(int(i)) for i in sorted(ids)), (x, y),
                             textcoords="offset points", xytext=(5, 5 if n % 2 else -11),
                             fontsize=7)
    _legend_outside(axes[1])
    fig.tight_layout()
    return fig


def plot_rounding_effect(df: pd.DataFrame) -> Figure:
    """Median SQNR (else MSE) per rounding mode, at equal weight and output width, per kind."""
    ok = ok_points(df)
    metric = next((m for m in ACCURACY_METRICS[:2] if has_values(ok, m.column)), None)
    kinds = sorted(ok["kind"].unique()) if not ok.empty else []
    fig, axes = _new_figure(ncols=max(1, len(kinds)))
    _title(fig, "Effect of the output rounding mode at equal width", df)
    if ok.empty or metric is None or not has_values(ok, "rounding"):
        _note(axes[0], "no ok point with a rounding mode and an SQNR/MSE value")
        return fig
    rows = ok.assign(_y=_finite(ok[metric.column]),
                     _out=ok["output_type"].map(output_bits) if "output_type" in ok else math.nan)
    rows["_width"] = [
        f"W{_int_text(w)}/O{_int_text(o)}"
        for w, o in zip(rows.get("weight_bits", pd.Series(math.nan, index=rows.index)),
                        rows["_out"])]
    modes = sorted(rows["rounding"].dropna().unique())
    if len(modes) > 1:
        # A width group with one mode compares nothing (random sampling leaves such groups).
        n_modes = rows.groupby(["kind", "_width"])["rounding"].transform("nunique")
        rows = rows[n_modes > 1]
        if rows.empty:
            _note(axes[0], "no weight/output width was swept with more than one rounding mode")
            return fig
    palette = matplotlib.colormaps["tab10"]
    width = 0.8 / max(1, len(modes))
    for ax, kind in zip(axes, kinds):
        med = (rows[rows["kind"] == kind].groupby(["_width", "rounding"])["_y"].median()
               .unstack("rounding").reindex(columns=modes))
        ax.set_title(kind)
        if med.empty:
            _note(ax, "no width swept\nwith two modes")
            continue
        for i, mode in enumerate(modes):
            xs = [j + (i - (len(modes) - 1) / 2) * width for j in range(len(med.index))]
            ax.bar(xs, med[mode].values, width=width, color=palette(i), label=mode)
        ax.set_xticks(range(len(med.index)))
        ax.set_xticklabels(med.index, rotation=30, ha="right")
        if metric.log_scale:
            ax.set_yscale("log")
    axes[0].set_ylabel(f"median {metric.label}")
    # Proxies: the last panel may have no bars of its own.
    _legend_outside(axes[len(kinds) - 1], title="rounding",
                    handles=[Patch(color=palette(i), label=m) for i, m in enumerate(modes)])
    if len(modes) < 2:
        fig.text(0.5, 0.01, "the sweep has one rounding mode: add a rounding axis to compare",
                 ha="center", fontsize=8, color="0.3")
    fig.tight_layout()
    return fig


def _int_text(v) -> str:
    return "?" if v is None or (isinstance(v, float) and math.isnan(v)) else str(int(v))


def _resource_source(ok: pd.DataFrame) -> str:
    """'yosys', 'model' or 'yosys + model': where the lut/dsp figures come from."""
    if not has_values(ok, "resource_source"):
        return "source unknown"
    return " + ".join(sorted(ok["resource_source"].dropna().unique()))


PLOTTERS = {
    "accuracy_vs_lut": plot_accuracy_vs_lut,
    "dsp_vs_lut": plot_dsp_vs_lut,
    "latency_vs_resources": plot_latency_vs_resources,
    "rounding_effect": plot_rounding_effect,
}
assert tuple(PLOTTERS) == FIGURES


def save_figure(fig: Figure, path) -> Path:
    """PNG with fixed size and DPI and no Software/date metadata: same results, same bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # PNG text chunks: matplotlib adds Software (its version) unless told None; CreationDate is
    # None for the same reason should a backend ever add one.
    fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None, "CreationDate": None})
    return path


def write_all(df: pd.DataFrame, out_dir) -> list:
    """Every figure of FIGURES as OUT_DIR/NAME.png; returns the paths in FIGURES order."""
    paths = []
    for name in FIGURES:
        fig = PLOTTERS[name](df)
        paths.append(save_figure(fig, Path(out_dir) / f"{name}.png"))
    return paths
