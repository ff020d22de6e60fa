#!/usr/bin/python3
"""ctest notebooks.execute: the notebooks of docs/notebooks/ and scripts/plot_results.py on a
real, small sweep, so neither can rot unnoticed.

    run_notebooks.py --fxsim BIN --source-dir REPO --work-dir DIR

1. fxsim sweep docs/examples/sweep_ci_small.toml --out DIR/sweep (model backend, seconds)
2. each docs/notebooks/*.ipynb must be stored without outputs, then is executed headless
   (jupyter nbconvert --to notebook --execute) with FXSIM_RESULTS=DIR/sweep; a cell that
   raises fails nbconvert and so this test; every cell tagged figure:NAME must have drawn a
   PNG, and the tags together must cover fxsim_plots.FIGURES
3. a notebook whose cell raises must make nbconvert fail (the check of step 2 can fail)
4. scripts/plot_results.py DIR/sweep prints DIR/sweep/plots/NAME.png for each figure, writes
   real PNGs without text or time chunks, byte-identical on a second run; exit 1 without
   results, exit 3 when matplotlib cannot be imported

Exit 0 all passed; 1 a check failed; 77 (ctest SKIP_RETURN_CODE) when this python lacks the
Debian packages the notebooks need (scripts/install-deps installs them).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

SKIP = 77
NEEDED_MODULES = ("pandas", "matplotlib", "nbformat", "nbconvert", "ipykernel")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that would carry a date or a version: none may be in a deterministic PNG.
PNG_TEXT_CHUNKS = {b"tEXt", b"iTXt", b"zTXt", b"tIME"}


class CheckFailed(Exception):
    pass


def log(msg: str) -> None:
    print(msg, flush=True)


def run(cmd, env=None, timeout=300):
    """Runs cmd, echoing it; returns the CompletedProcess (output captured as text)."""
    log("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run([str(c) for c in cmd], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def expect(cond: bool, what: str, proc=None) -> None:
    if cond:
        log(f"  ok: {what}")
        return
    detail = ""
    if proc is not None:
        detail = f"\n--- exit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    raise CheckFailed(what + detail)


def missing_modules():
    missing = []
    for m in NEEDED_MODULES:
        try:
            __import__(m)
        except ImportError:
            missing.append(m)
    return missing


def kernel_env(work: Path, results: Path) -> dict:
    """The environment of nbconvert: a python3 kernel spec that runs this interpreter.

    The spec found on PATH may start another python3 (a pyenv shim without the Debian
    packages); JUPYTER_PATH comes first in Jupyter's search, so this one wins."""
    spec_dir = work / "jupyter" / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (fxsim CI)",
        "language": "python",
    }, indent=1))
    env = dict(os.environ)
    env["JUPYTER_PATH"] = str(work / "jupyter")
    env["FXSIM_RESULTS"] = str(results)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # ipykernel's debugger warns on every start
    env["SC_COPYRIGHT_MESSAGE"] = "DISABLE"
    return env


def nbconvert_execute(notebook: Path, out_dir: Path, env: dict):
    return run([sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.kernel_name=python3",
                "--ExecutePreprocessor.timeout=120", "--output-dir", out_dir, notebook],
               env=env)


def check_stored_without_outputs(notebook: Path) -> None:
    nb = json.loads(notebook.read_text())
    # Outputs, counts and execution timestamps would make every run a diff of the notebook.
    dirty = [c.get("id", "?") for c in nb["cells"] if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None
                  or "execution" in c.get("metadata", {}))]
    expect(not dirty, f"{notebook.name} is stored without outputs (cells with outputs or "
                      f"execution data: {dirty}; docs/notebooks/README.md says how to clear)")


def figures_drawn(executed: Path) -> set:
    """The NAMEs of the cells tagged figure:NAME; each must have a PNG output."""
    nb = json.loads(executed.read_text())
    names = set()
    for cell in nb["cells"]:
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t.startswith("figure:")]
        for tag in tags:
            name = tag.split(":", 1)[1]
            pngs = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
            expect(len(pngs) == 1, f"{executed.name}: cell {tag} drew one PNG (drew {len(pngs)})")
            names.add(name)
        # nbconvert stops at a raising cell; this catches allow_errors set in a user config.
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            raise CheckFailed(f"{executed.name}: cell {cell.get('id', '?')} has an error output")
    return names


def png_chunks(data: bytes):
    pos, chunks = len(PNG_SIGNATURE), []
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        chunks.append(data[pos + 4:pos + 8])
        pos += 12 + length
    return chunks


def check_notebooks(src: Path, work: Path, results: Path, figures) -> None:
    notebooks = sorted((src / "docs" / "notebooks").glob("*.ipynb"))
    expect(len(notebooks) > 0, f"notebooks found in docs/notebooks ({len(notebooks)})")
    env = kernel_env(work, results)
    out_dir = work / "executed"
    drawn = set()
    for nb in notebooks:
        check_stored_without_outputs(nb)
        t0 = time.monotonic()
        proc = nbconvert_execute(nb, out_dir, env)
        expect(proc.returncode == 0,
               f"{nb.name} executed without a cell error ({time.monotonic() - t0:.1f} s)", proc)
        drawn |= figures_drawn(out_dir / nb.name)
    expect(drawn == set(figures),
           f"the notebooks draw every figure of fxsim_plots.FIGURES (drawn {sorted(drawn)})")

    # The check above is only worth something if a raising cell does fail nbconvert.
    broken = work / "broken" / "broken.ipynb"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": "broken-00",
                   "metadata": {}, "outputs": [],
                   "source": ["raise RuntimeError('a deliberately failing cell')"]}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}))
    proc = nbconvert_execute(broken, work / "broken" / "out", env)
    expect(proc.returncode != 0 and "deliberately failing" in proc.stderr,
           "a notebook whose cell raises makes nbconvert fail", proc)


def check_plot_script(src: Path, work: Path, results: Path, figures) -> None:
    script = src / "scripts" / "plot_results.py"
    expected = [str(results / "plots" / f"{name}.png") for name in figures]
    first = {}
    for attempt in (1, 2):
        proc = run([sys.executable, script, results])
        expect(proc.returncode == 0, f"plot_results.py exit 0 (run {attempt})", proc)
        expect(proc.stdout.split("\n")[:-1] == expected,
               f"plot_results.py prints the {len(expected)} PNG paths in FIGURES order", proc)
        for path in expected:
            data = Path(path).read_bytes()
            if attempt == 1:
                expect(data.startswith(PNG_SIGNATURE) and len(data) > 5000,
                       f"{Path(path).name} is a PNG ({len(data)} bytes)")
                text = PNG_TEXT_CHUNKS.intersection(png_chunks(data))
                expect(not text, f"{Path(path).name} has no text/time chunks ({text or 'none'})")
                first[path] = data
            else:
                expect(data == first[path], f"{Path(path).name} is byte-identical on a rerun")

    empty = work / "no_results"
    empty.mkdir(parents=True, exist_ok=True)
    proc = run([sys.executable, script, empty])
    expect(proc.returncode == 1 and "no results database" in proc.stderr,
           "plot_results.py exits 1 on a directory without results.sqlite", proc)

    # A matplotlib that cannot be imported, placed ahead of the real one on sys.path.
    fake = work / "no_matplotlib"
    (fake / "matplotlib").mkdir(parents=True, exist_ok=True)
    (fake / "matplotlib" / "__init__.py").write_text(
        "raise ImportError('No module named matplotlib', name='matplotlib')\n")
    env = dict(os.environ, PYTHONPATH=str(fake))
    proc = run([sys.executable, script, results, "--out-dir", work / "unused"], env=env)
    expect(proc.returncode == 3 and "plots skipped" in proc.stderr
           and not (work / "unused").exists(),
           "plot_results.py exits 3 and writes nothing when matplotlib is missing", proc)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--fxsim", required=True, type=Path)
    p.add_argument("--source-dir", required=True, type=Path)
    p.add_argument("--work-dir", required=True, type=Path)
    args = p.parse_args()

    missing = missing_modules()
    if missing:
        log(f"SKIP: {sys.executable} lacks {', '.join(missing)} (run scripts/install-deps)")
        return SKIP
    src, work = args.source_dir.resolve(), args.work_dir.resolve()
    sys.path.insert(0, str(src / "docs" / "notebooks"))
    import fxsim_plots

    shutil.rmtree(work, ignore_errors=True)  # the sweep resumes into an existing directory
    work.mkdir(parents=True)
    results = work / "sweep"
    t0 = time.monotonic()
    try:
        proc = run([args.fxsim, "sweep", src / "docs" / "examples" / "sweep_ci_small.toml",
                    "--out", results, "--jobs", "2", "--progress", "lines"],
                   env=dict(os.environ, SC_COPYRIGHT_MESSAGE="DISABLE"))
        expect(proc.returncode == 0 and (results / "results.sqlite").is_file(),
               f"fxsim sweep sweep_ci_small.toml ({time.monotonic() - t0:.1f} s)", proc)
        activity = work / "activity.csv"
        proc = run([args.fxsim, "run", "--network",
                    src / "docs" / "examples" / "network_backpressure.toml",
                    "--activity-csv", activity],
                   env=dict(os.environ, SC_COPYRIGHT_MESSAGE="DISABLE"))
        expect(proc.returncode == 0 and activity.is_file(),
               "fxsim run --network network_backpressure.toml --activity-csv", proc)
        os.environ["FXSIM_ACTIVITY"] = str(activity)  # kernel_env copies os.environ
        check_notebooks(src, work, results, fxsim_plots.FIGURES)
        check_plot_script(src, work, results, fxsim_plots.FIGURES)
    except (CheckFailed, subprocess.TimeoutExpired) as e:
        log(f"FAILED: {e}")
        return 1
    log(f"notebooks: all checks passed in {time.monotonic() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
