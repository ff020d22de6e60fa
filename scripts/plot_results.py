#!/usr/bin/python3
"""PNG plots of an `fxsim sweep` results directory, for `fxsim report DIR`.

    /usr/bin/python3 scripts/plot_results.py DIR [--out-dir PLOTS]

Reads DIR/results.sqlite and writes one PNG per figure of docs/notebooks/fxsim_plots.py
(FIGURES: accuracy_vs_lut, dsp_vs_lut, latency_vs_resources, rounding_effect) into PLOTS
(default DIR/plots), replacing older ones. The figures are the notebooks' own (same module);
the same results give byte-identical PNGs (fixed size and DPI, no date or version metadata).

stdout: the path of each PNG written, one per line, in FIGURES order (DIR as given, joined
with plots/NAME.png). stderr: why nothing was written.

Exit codes
  0  every PNG written
  1  DIR cannot be plotted: no DIR/results.sqlite, not a results database, a required column
     missing, or PLOTS not writable
  2  bad arguments
  3  plotting is not available here: python3 lacks matplotlib or pandas, or the plotting
     module docs/notebooks/fxsim_plots.py is not beside this script's repository. The caller
     (fxsim report) writes its markdown anyway and says the plots were skipped.
"""

import argparse
import importlib
import sys
from pathlib import Path

EXIT_OK, EXIT_NO_RESULTS, EXIT_USAGE, EXIT_NO_PLOTTING = 0, 1, 2, 3

# docs/notebooks/ holds the one plotting module shared with the notebooks.
NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "docs" / "notebooks"


def import_plots():
    """The fxsim_plots module with the Agg backend; exits 3 when it cannot be had."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display: fxsim report runs in terminals and CI
        importlib.import_module("pandas")  # fxsim_plots needs it: name it here if missing
    except ImportError as e:
        print(f"plot_results: plots skipped: {e.name or e} is not installed for {sys.executable}"
              " (Debian: python3-matplotlib python3-pandas)", file=sys.stderr)
        sys.exit(EXIT_NO_PLOTTING)
    if not (NOTEBOOKS_DIR / "fxsim_plots.py").is_file():
        print(f"plot_results: plots skipped: {NOTEBOOKS_DIR / 'fxsim_plots.py'} not found",
              file=sys.stderr)
        sys.exit(EXIT_NO_PLOTTING)
    sys.path.insert(0, str(NOTEBOOKS_DIR))
    import fxsim_plots

    return fxsim_plots


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="plot_results.py",
        description="Write the PNG plots of an fxsim sweep results directory (DIR/plots/*.png).",
        epilog="Exit codes: 0 written; 1 no results in DIR or PLOTS not writable; 2 bad "
               "arguments; 3 matplotlib/pandas missing (plots skipped).")
    p.add_argument("dir", help="results directory of fxsim sweep / fxsim merge")
    p.add_argument("--out-dir", help="where the PNGs go (default DIR/plots)")
    return p.parse_args(argv)  # argparse exits 2 on bad arguments


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    plots = import_plots()
    plots.use_style()
    out_dir = Path(args.out_dir) if args.out_dir else Path(args.dir) / "plots"
    try:
        df = plots.load_results(args.dir)
    except plots.ResultsError as e:
        print(f"plot_results: {e}", file=sys.stderr)
        return EXIT_NO_RESULTS
    except Exception as e:  # noqa: BLE001  sqlite3 / pandas errors of a corrupt or odd file
        print(f"plot_results: {args.dir}: cannot read results.sqlite: {e}", file=sys.stderr)
        return EXIT_NO_RESULTS
    note = plots.schema_note(df)
    if note:
        print(f"plot_results: warning: {note}", file=sys.stderr)
    try:
        paths = plots.write_all(df, out_dir)
    except OSError as e:
        print(f"plot_results: {e}", file=sys.stderr)
        return EXIT_NO_RESULTS
    for path in paths:
        print(path)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
