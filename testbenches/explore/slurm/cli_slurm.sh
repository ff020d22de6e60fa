#!/usr/bin/env bash
# `fxsim sweep --slurm` and `fxsim status` without a Slurm cluster: help texts, usage errors,
# --slurm with no sbatch on PATH (exit 1, nothing written), fxsim status of a local sweep
# directory, of a Slurm directory before any task ran, and of directories that are not sweeps.
# Usage: cli_slurm.sh FXSIM SWEEP_CI_SMALL_TOML
set -uo pipefail
FXSIM=$1
SWEEP=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# fail, expect CODE PATTERN CMD... and the failure count.
source "$(dirname "${BASH_SOURCE[0]}")/../../apps/expect.sh"

expect 0 "--sbatch-arg" "$FXSIM" sweep --help
expect 0 "--partition TEXT Needs: --slurm" "$FXSIM" sweep --help
expect 0 "status +How far a sweep directory is" "$FXSIM" --help
expect 0 "Print the status as one JSON object" "$FXSIM" status --help
expect 2 "--tasks requires --slurm" "$FXSIM" sweep "$SWEEP" --tasks 3
expect 2 "--slurm runs every shard and resumes by itself: drop --shard" \
  "$FXSIM" sweep "$SWEEP" --slurm --shard 1/2 --out "$TMP/x"

# No sbatch on PATH (even where Slurm is installed): exit 1, a clear message, nothing written.
NOSLURM_PATH=/nonexistent
expect 1 "^fxsim sweep: --slurm: sbatch not found on PATH: submitting needs Slurm's client commands" \
  env PATH="$NOSLURM_PATH" "$FXSIM" sweep "$SWEEP" --slurm --out "$TMP/noslurm"
[[ -e "$TMP/noslurm" ]] && fail "--slurm without sbatch created its output directory"
# A bad sweep file is still exit 2, before Slurm is looked for.
printf '[sweep]\nname = "bad"\n[workload]\nin_features = 16\n[axes]\npe = [4, 0]\n' >"$TMP/bad.toml"
expect 2 "bad.toml:6:10: axes.pe: expected an integer in 1..1024, got 0" \
  env PATH="$NOSLURM_PATH" "$FXSIM" sweep "$TMP/bad.toml" --slurm --out "$TMP/bad"
# --strict: an invalid point is refused at submission, before Slurm is looked for.
printf '[sweep]\nname = "inv"\n[workload]\nin_features = 16\n[axes]\nkind = "khot"\nweight = "fixed<4,1>"\nk = [2, 4]\n' >"$TMP/inv.toml"
expect 2 "inv.toml:8:9: axes.k: K = 4 is larger" \
  env PATH="$NOSLURM_PATH" "$FXSIM" sweep "$TMP/inv.toml" --slurm --strict --out "$TMP/inv"

# fxsim status: not a sweep directory, missing directory, a local sweep.
mkdir "$TMP/empty"
expect 2 "status: $TMP/empty: not a sweep directory: it holds neither slurm/sweep.toml" \
  "$FXSIM" status "$TMP/empty"
expect 2 "status: $TMP/missing: no such directory" "$FXSIM" status "$TMP/missing"
expect 0 "32 ok, 0 failed" "$FXSIM" sweep "$SWEEP" --out "$TMP/local" -j 2 --progress lines
expect 0 "^$TMP/local: results of a local fxsim sweep \(no Slurm submission\): 32 of the sweep's 32 points \(32 ok, 0 failed, 0 pruned\)" \
  "$FXSIM" status "$TMP/local"
expect 0 '"layout": "local"' "$FXSIM" status --json "$TMP/local"

# A Slurm directory whose array never ran (as after a failed sbatch): the shards of its record.
mkdir -p "$TMP/sl/slurm"
cp "$SWEEP" "$TMP/sl/slurm/sweep.toml"
cat >"$TMP/sl/slurm/jobs.json" <<JSON
{"fxsim": "$FXSIM", "sweep_file": "$SWEEP", "sweep_name": "ci_small", "sweep_sha256": "x",
 "tasks": 3, "submissions": [{"submitted_at": "2024-01-01T00:00:00Z", "array_job": "41",
 "array": "0-2", "merge_job": "42", "task_log": "t", "merge_log": "m"}]}
JSON
# Shard 1 ran (locally, as its task would have).
expect 0 "11 ok" "$FXSIM" sweep "$SWEEP" --shard 1/3 --out "$TMP/sl/shards/1" -j 1 --progress lines
out=$(env PATH="$NOSLURM_PATH" "$FXSIM" status "$TMP/sl" 2>&1)
rc=$?
expected="sweep ci_small: 32 points in 3 shards ($TMP/sl/slurm/sweep.toml)
shard     done   total  failed  pruned  database
0            0      11       0       0  none yet
1           11      11       0       0  $TMP/sl/shards/1/results.sqlite
2            0      10       0       0  none yet
all         11      32       0       0
merged: not yet (no $TMP/sl/results.sqlite)
jobs: array 41 (tasks 0-2), merge 42, submitted 2024-01-01T00:00:00Z (the last of 1 submissions)
queue: unknown (squeue not on PATH)
logs: $TMP/sl/slurm/task_41_<I>.log, $TMP/sl/slurm/merge_42.log"
[[ $rc == 0 ]] || fail "fxsim status exited $rc"
[[ "$out" == "$expected" ]] || fail "fxsim status printed:
$out
expected:
$expected"
json=$(env PATH="$NOSLURM_PATH" "$FXSIM" status --json "$TMP/sl")
for pattern in '"done": 11' '"tasks": 3' '"queue": null' '"queue_unavailable": "squeue not on PATH"' \
  '"points": 32'; do
  grep -qF -- "$pattern" <<<"$json" || fail "fxsim status --json lacks $pattern: $json"
done

if ((failures)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "cli_slurm: all checks passed"
