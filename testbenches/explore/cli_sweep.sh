#!/usr/bin/env bash
# `fxsim sweep`, `fxsim merge`, `fxsim report` end to end: help texts, usage errors (exit 2 with
# FILE:LINE:COLUMN messages), a tiny sweep, its report, and merge refusing other sweep files.
# Usage: cli_sweep.sh FXSIM DOCS_EXAMPLES_DIR
set -uo pipefail
FXSIM=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# fail, expect CODE PATTERN CMD... and the failure count.
source "$(dirname "${BASH_SOURCE[0]}")/../apps/expect.sh"

expect 0 "--shard" "$FXSIM" sweep --help
expect 0 "Merge the results" "$FXSIM" merge --help
expect 0 "report.md" "$FXSIM" report --help
expect 0 "sweep +Explore" "$FXSIM" --help

cat >"$TMP/tiny.toml" <<'TOML'
[sweep]
name = "tiny"
[workload]
in_features = 16
out_features = 4
[axes]
kind = ["fx_mac", "fx_mac_lut"]
pe = [1, 2]
simd = [4]
TOML
printf '[sweep]\nname = "bad"\n[workload]\nin_features = 16\n[axes]\nkind = "khot"\nweight = "fixed<4,1>"\nk = [2, 4]\n' >"$TMP/bad.toml"
printf '[sweep]\nname = "one"\n[workload]\nin_features = 16\n[axes]\nkind = "khot"\nweight = "fixed<4,1>"\nk = 4\n' >"$TMP/one.toml"
printf '[sweep]\nname = "bad"\n[workload]\n[axes]\npe = [1, "x"]\n' >"$TMP/type.toml"
printf '[sweep\nname = "bad"\n' >"$TMP/syntax.toml"

# An invalid point: refused with --strict (located, exit 2, nothing written), else pruned.
expect 2 "bad.toml:8:9: axes.k: K = 4 is larger than the 3 magnitude bits of weight fixed<4,1,TRN,WRAP,0> \(point kind=khot" \
  "$FXSIM" sweep "$TMP/bad.toml" --out "$TMP/bad" --strict
[[ -e "$TMP/bad" ]] && fail "a rejected sweep created its output directory"
expect 0 "^sweep bad: 2 points \(grid; 1 of them invalid, recorded as pruned\), 1 job, results in" \
  "$FXSIM" sweep "$TMP/bad.toml" --out "$TMP/bad" -j 1
expect 0 "^sweep bad: 2 points, 1 ok, 0 failed, 1 pruned in" "$FXSIM" sweep "$TMP/bad.toml" --out "$TMP/bad2"
expect 0 "^       1  invalid: axes.k: K = 4 is larger than the 3 magnitude bits" \
  "$FXSIM" sweep "$TMP/bad.toml" --out "$TMP/bad3"
grep -q '^1,.*,pruned,"invalid: axes.k: K = 4 is larger' "$TMP/bad/results.csv" \
  || fail "results.csv does not hold the invalid point as pruned with its reason"
expect 0 "report: " "$FXSIM" report "$TMP/bad"
grep -q '^| 1 | invalid: axes.k: K = 4 is larger than the 3 magnitude bits of weight fixed<4,1,TRN,WRAP,0> | 1 |$' \
  "$TMP/bad/report.md" || fail "report.md does not list the invalid point by reason"
grep -q '^- points: 2 of 2 in the database, 1 ok, 1 pruned (1 invalid, 0 by a constraint)$' \
  "$TMP/bad/report.md" || fail "report.md does not count the invalid point"
# A sweep whose only point is invalid is an error, --strict or not.
expect 2 "one.toml:8:5: axes.k: K = 4 is larger" "$FXSIM" sweep "$TMP/one.toml" --out "$TMP/one"
[[ -e "$TMP/one" ]] && fail "a sweep without a valid point created its output directory"
expect 2 "type.toml:5:10: axes.pe: expected an integer in 1..1024, found a string" \
  "$FXSIM" sweep "$TMP/type.toml" --out "$TMP/t"
expect 2 "syntax.toml:1:[0-9]+: toml: " "$FXSIM" sweep "$TMP/syntax.toml" --out "$TMP/t"
expect 2 "--shard 2/2: expected I/N" "$FXSIM" sweep "$TMP/tiny.toml" --shard 2/2
expect 2 "holds no results.sqlite to resume" \
  "$FXSIM" sweep "$TMP/tiny.toml" --out "$TMP/none" --resume
expect 2 "File does not exist" "$FXSIM" sweep "$TMP/missing.toml"

expect 0 "^sweep tiny: 4 points \(grid\), 2 jobs, results in" "$FXSIM" sweep "$TMP/tiny.toml" \
  --out "$TMP/tiny" -j 2 --progress lines
expect 0 "^sweep tiny: 4 points, 4 already done, 0 ok, 0 failed, 0 pruned in" "$FXSIM" sweep "$TMP/tiny.toml" \
  --out "$TMP/tiny" -j 2 --progress lines
expect 0 "^sweep tiny: 4 points \(grid\), shard 1/2 \(the points whose id mod 2 is 1\), 1 job" \
  "$FXSIM" sweep "$TMP/tiny.toml" --out "$TMP/tiny_s1" -j 1 --shard 1/2
expect 0 "^sweep tiny: 2 points in this shard, 2 ok, 0 failed, 0 pruned" \
  "$FXSIM" sweep "$TMP/tiny.toml" --out "$TMP/tiny_s0" -j 1 --shard 0/2
expect 0 "Refuse the sweep at its first invalid point" "$FXSIM" sweep --help
[[ $(wc -l <"$TMP/tiny/results.csv") == 5 ]] || fail "results.csv should have 5 lines"
expect 0 "report: .*report.md" "$FXSIM" report "$TMP/tiny"
grep -q "^## Pareto front: accuracy" "$TMP/tiny/report.md" || fail "report.md has no Pareto table"
# The plots (scripts/plot_results.py; matplotlib comes with scripts/install-deps).
grep -q '^!\[dsp_vs_lut\](plots/dsp_vs_lut.png)$' "$TMP/tiny/report.md" || fail "report.md links no plots"
[ -s "$TMP/tiny/plots/dsp_vs_lut.png" ] || fail "plots/dsp_vs_lut.png was not written"
FXSIM_PYTHON=/nonexistent/python3 expect 0 "plots: not drawn" "$FXSIM" report "$TMP/tiny"
grep -q "^Plots not drawn: " "$TMP/tiny/report.md" || fail "report.md does not say why there are no plots"
expect 1 "no results database" "$FXSIM" report "$TMP"

sed 's/name = "tiny"/name = "other"/' "$TMP/tiny.toml" >"$TMP/other.toml"
expect 0 "ok" "$FXSIM" sweep "$TMP/other.toml" --out "$TMP/other" -j 1
expect 2 "results of another sweep file" "$FXSIM" merge -o "$TMP/m" "$TMP/tiny" "$TMP/other"
expect 0 "merged 1 results directories into .*: 4 of 4 points" \
  "$FXSIM" merge -o "$TMP/m1" "$TMP/tiny"
cmp -s "$TMP/tiny/results.csv" "$TMP/m1/results.csv" || fail "merge of one directory changed the CSV"

if ((failures)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "cli_sweep: all checks passed"
