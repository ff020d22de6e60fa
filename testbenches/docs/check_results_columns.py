#!/usr/bin/env python3
"""traces/README.md documents every column of a sweep's results, in order, with its type.

    check_results_columns.py FXSIM SOURCE_DIR WORK_DIR

Runs `fxsim sweep docs/examples/sweep_ci_small.toml` (model backend, no yosys: a second or two)
into WORK_DIR, then compares the `points` table of its results.sqlite (PRAGMA table_info: name
and type of every column, in order) and the header of its results.csv with the column table of
traces/README.md (section "DIR/results.csv and the `points` table"). Prints every difference;
exit status 0 when there is none, 1 otherwise.
"""
import csv
import os
import re
import shutil
import sqlite3
import subprocess
import sys


def readme_columns(path):
    """(name, type) of every row of the first table whose header is `| column | type | meaning |`."""
    rows = []
    in_table = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not in_table:
                in_table = line.startswith("|") and cells[:3] == ["column", "type", "meaning"]
                continue
            if not line.startswith("|"):
                break
            if set(cells[0]) <= set("-: "):
                continue
            name = re.fullmatch(r"`([a-z0-9_]+)`", cells[0])
            rows.append((name.group(1) if name else cells[0], cells[1]))
    return rows


def main():
    fxsim, source, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    out = os.path.join(work, "results")
    env = dict(os.environ, SC_COPYRIGHT_MESSAGE="DISABLE")
    sweep = subprocess.run([fxsim, "sweep", os.path.join(source, "docs/examples/sweep_ci_small.toml"),
                            "--out", out, "--jobs", "1", "--progress", "lines"],
                           env=env, capture_output=True, text=True)
    if sweep.returncode != 0:
        print(f"fxsim sweep failed ({sweep.returncode}):\n{sweep.stdout}{sweep.stderr}")
        return 1
    db = sqlite3.connect(f"file:{os.path.join(out, 'results.sqlite')}?mode=ro", uri=True)
    actual = [(r[1], r[2]) for r in db.execute("PRAGMA table_info(points)")]
    with open(os.path.join(out, "results.csv"), newline="") as f:
        header = next(csv.reader(f))
    documented = readme_columns(os.path.join(source, "traces/README.md"))

    problems = []
    if header != [n for n, _ in actual]:
        problems.append("results.csv header differs from the points table")
    names = [n for n, _ in documented]
    for n, t in actual:
        if n not in names:
            problems.append(f"column {n} ({t}) is not documented in traces/README.md")
    actual_names = [n for n, _ in actual]
    for n, t in documented:
        if n not in actual_names:
            problems.append(f"traces/README.md documents {n}, which the results do not have")
    types = dict(actual)
    for n, t in documented:
        if n in types and types[n] != t:
            problems.append(f"traces/README.md gives {n} the type {t}; the table has {types[n]}")
    common_doc = [n for n in names if n in types]
    common_act = [n for n in actual_names if n in names]
    if not problems and common_doc != common_act:
        problems.append("traces/README.md lists the columns in another order than the results")
    for p in problems:
        print(p)
    print(f"{len(actual)} columns in the results, {len(documented)} documented, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
