#!/usr/bin/env bash
# `fxsim sweep --slurm` on a real Slurm cluster (ctest label slurm; docs/slurm.md): starts munged,
# slurmctld and slurmd of Debian's slurm-wlm 22.05 in a temporary directory (own munge socket,
# free ports, own state, spool, pid and log files; nothing system-wide is read or touched), then
#   1. submits SWEEP_SMALL with --slurm --tasks 3, waits for the merge job and checks that the
#      merged results equal the same sweep run locally, point for point; resubmitting says it is
#      complete and submits nothing; another sweep file or --tasks into that DIR is refused;
#   2. submits SWEEP_CANCEL (a few seconds per task), scancels array task 1 once it has committed
#      some points, waits until the array and the merge job (killed by its failed dependency)
#      have left the queue, resubmits (only task 1 runs again), waits for the merge and checks
#      every point is there exactly once and equal to a local run;
#   3. submits a small sweep with invalid points and checks that the tasks pruned the same ones
#      as a local run (docs/sweeps.md, "Invalid points");
#   4. the same with a network workload (docs/sweeps.md, "Network workloads": per-layer axes,
#      an invalid PE).
# Every daemon it started is stopped by pid on exit, whatever happened. Skipped (exit 77, the
# ctest SKIP_RETURN_CODE) when not root, when a Slurm or munge program is missing (install with
# scripts/install-deps) or when the daemons cannot start (their logs are printed).
# Usage: slurm_cluster_test.sh FXSIM SWEEP_SMALL_TOML SWEEP_CANCEL_TOML
set -uo pipefail
FXSIM=$1
SWEEP_SMALL=$2
SWEEP_CANCEL=$3
SECONDS=0

skip() {
  echo "SKIP: $*"
  exit 77
}
((EUID == 0)) || skip "the daemons of a local Slurm cluster need root (slurmd runs jobs as any user)"
for program in munged munge slurmctld slurmd sbatch squeue scancel sinfo python3; do
  command -v "$program" >/dev/null 2>&1 ||
    skip "$program not found: install slurm-wlm and munge (scripts/install-deps)"
done

T=$(mktemp -d /tmp/fxsim-slurm-test.XXXXXX)
chmod 711 "$T"  # munged wants every directory above its socket searchable
PIDS=()         # munged slurmctld slurmd, in start order
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
die() {
  fail "$*"
  exit 1
}

# Stops the jobs of our cluster, then our daemons by pid (TERM, then KILL after 10 s).
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n ${SLURM_CONF:-} ]] && ((${#PIDS[@]} >= 3)); then
    local jobs
    jobs=$(timeout 10 squeue --noheader --all --format=%A 2>/dev/null)
    if [[ -n $jobs ]]; then
      # shellcheck disable=SC2086
      timeout 10 scancel $jobs 2>/dev/null
      for _ in $(seq 50); do
        [[ -z $(timeout 10 squeue --noheader --all --format=%A 2>/dev/null) ]] && break
        sleep 0.2
      done
    fi
  fi
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "daemon $pid did not stop on SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
  done
  if ((rc != 0 && rc != 77)); then
    for log in "$T"/slurmctld.log "$T"/slurmd.log "$T"/work/*/slurm/*.log; do
      [[ -f $log ]] && { echo "---- tail of $log"; tail -n 20 "$log"; }
    done
  fi
  rm -rf "$T"
  echo "slurm_cluster_test: ${SECONDS} s"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the cluster ----
mkdir -p "$T/state" "$T/spool" "$T/work" "$T/cache"
dd if=/dev/urandom of="$T/munge.key" bs=1 count=1024 status=none
chmod 600 "$T/munge.key"
munged --foreground --force --socket="$T/munge.sock" --key-file="$T/munge.key" \
  --log-file="$T/munged.log" --pid-file="$T/munged.pid" --seed-file="$T/munged.seed" \
  >"$T/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do
  munge --socket="$T/munge.sock" --no-input 2>/dev/null |
    unmunge --socket="$T/munge.sock" >/dev/null 2>&1 && break
  sleep 0.1
done
munge --socket="$T/munge.sock" --no-input 2>/dev/null |
  unmunge --socket="$T/munge.sock" >/dev/null 2>&1 ||
  { cat "$T/munged.out" "$T/munged.log" 2>/dev/null; skip "munged did not start"; }

# Two free TCP ports (bound to 0, the kernel picks): SlurmctldPort, SlurmdPort.
read -r CTLD_PORT SLURMD_PORT < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("", 0))
print(*[x.getsockname()[1] for x in s])')
HOST=$(hostname -s)
MEM=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.8) }' /proc/meminfo)
cat >"$T/slurm.conf" <<EOF
ClusterName=fxsimtest
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge.sock
CredType=cred/munge
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$MEM State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$T/slurm.conf
# Keep the tasks' caches out of the user's home (yosys is off and no RTL runs anyway).
export FXSIM_CACHE_DIR=$T/cache
slurmctld -D -f "$T/slurm.conf" >"$T/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$T/slurm.conf" >"$T/slurmd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
  [[ $(sinfo --noheader --format=%T 2>/dev/null) == idle ]] && break
  sleep 0.2
done
if [[ $(sinfo --noheader --format=%T 2>/dev/null) != idle ]]; then
  for f in slurmctld.out slurmctld.log slurmd.out slurmd.log; do
    [[ -f "$T/$f" ]] && { echo "---- $f"; tail -n 20 "$T/$f"; }
  done
  skip "slurmctld + slurmd did not bring the node up within 20 s"
fi
echo "cluster up after ${SECONDS} s: node $HOST, ports $CTLD_PORT $SLURMD_PORT, $T"
cd "$T/work" || die "cannot cd to $T/work"

# ---- helpers ----
# Waits until none of the given job ids (array or plain) is in the queue.
wait_jobs_gone() {
  local ids=$1 limit=$2 q
  for _ in $(seq $((limit * 5))); do
    q=$(squeue --noheader --all --format='%F %i %T' | awk -v ids=",$ids," 'index(ids, "," $1 ",")')
    [[ -z $q ]] && return 0
    sleep 0.2
  done
  die "jobs $ids still queued after $limit s: $q"
}
# The array and merge job ids from the last entry of DIR/slurm/jobs.json, "ARRAY,MERGE".
last_jobs() {
  python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["submissions"][-1]
print(s["array_job"] + "," + s["merge_job"])' "$1/slurm/jobs.json"
}
# Checks that DB holds every point of LOCAL_DB exactly once, equal column for column (the points
# table has no timing or host column: traces/README.md), and nothing else; every point ok but
# the first PRUNED ids (default none) listed as pruned.
same_points() {
  python3 - "$1" "$2" "${3:-}" <<'PY'
import sqlite3, sys
def load(path):
    c = sqlite3.connect(path)
    cols = [r[1] for r in c.execute("PRAGMA table_info(points)")]
    rows = c.execute("SELECT * FROM points ORDER BY point_id").fetchall()
    n, distinct = c.execute("SELECT count(*), count(DISTINCT point_id) FROM points").fetchone()
    return cols, rows, n, distinct
cols, rows, n, distinct = load(sys.argv[1])
lcols, lrows, ln, _ = load(sys.argv[2])
assert cols == lcols, f"columns differ: {cols} vs {lcols}"
assert n == distinct == ln, f"{n} rows, {distinct} distinct point ids, local run {ln}"
assert [r[0] for r in rows] == list(range(ln)), "point ids are not 0..N-1"
for a, b in zip(rows, lrows):
    if a != b:
        diff = [(c, x, y) for c, x, y in zip(cols, a, b) if x != y]
        sys.exit(f"point {a[0]} differs from the local run: {diff}")
pruned = [int(i) for i in sys.argv[3].split(",")] if sys.argv[3] else []
bad = [r[0] for r in rows if r[cols.index("status")] != ("pruned" if r[0] in pruned else "ok")]
assert not bad, f"points not ok (pruned expected: {pruned}): {bad}"
print(f"{n} points, each once, equal to the local run")
PY
}
# expect CODE PATTERN CMD...: exit code CODE and stdout+stderr matching the grep -E PATTERN;
# the output is left in $OUT.
expect() {
  local code=$1 pattern=$2 rc
  shift 2
  OUT=$("$@" 2>&1)
  rc=$?
  [[ $rc == "$code" ]] || fail "$* exited $rc, expected $code: $OUT"
  grep -qE -- "$pattern" <<<"$OUT" || fail "$* output does not match '$pattern': $OUT"
}

# ---- 1. a small sweep as a 3-task array against a local run ----
D1=$T/work/small
expect 0 "submitted array job [0-9]+ \(tasks 0-2 of 3, task I runs shard I/3 into $D1/shards/I\) and merge job [0-9]+ after it" \
  "$FXSIM" sweep "$SWEEP_SMALL" --out small --slurm --tasks 3 --time 5:00 --partition test \
  --sbatch-arg=--cpus-per-task=1 "--sbatch-arg=--comment=fxsim slurm test"
echo "$OUT"
grep -qE "^  logs: +$D1/slurm/task_[0-9]+_<I>.log, $D1/slurm/merge_[0-9]+.log$" <<<"$OUT" ||
  fail "no log paths in: $OUT"
jobs1=$(last_jobs "$D1") || die "no job record in $D1/slurm/jobs.json"
wait_jobs_gone "$jobs1" 120
echo "small sweep done on Slurm after ${SECONDS} s"
expect 0 "^merged: 32 of 32 points in $D1/results.sqlite \(complete\)$" "$FXSIM" status "$D1"
grep -qE "^2 +10 +10 +0 +0  $D1/shards/2/results.sqlite$" <<<"$OUT" || fail "shard 2 line in: $OUT"
grep -qx "queue: none of these jobs is queued any more" <<<"$OUT" || fail "queue line in: $OUT"
# --jobs from SLURM_CPUS_PER_TASK, set by --sbatch-arg=--cpus-per-task=1.
grep -q "^sweep ci_small: 32 points (grid), shard 2/3 (the points whose id mod 3 is 2), 1 job, results in $D1/shards/2$" \
  "$D1/slurm/task_${jobs1%,*}_2.log" || fail "task 2 log: $(head -n 3 "$D1/slurm/task_${jobs1%,*}_2.log")"
grep -q "^merged 3 results directories into $D1: 32 of 32 points$" "$D1"/slurm/merge_*.log ||
  fail "merge log: $(cat "$D1"/slurm/merge_*.log)"
expect 0 "32 ok, 0 failed" "$FXSIM" sweep "$SWEEP_SMALL" --out local_small -j 2 --progress lines
same_points "$D1/results.sqlite" local_small/results.sqlite || fail "small sweep: merged != local"
cmp -s "$D1/results.csv" local_small/results.csv || fail "small sweep: results.csv differs"
# Resubmitting a complete sweep submits nothing; another sweep file or --tasks is refused.
expect 0 "^sweep ci_small is complete: $D1/results.sqlite holds all 32 points; nothing submitted" \
  "$FXSIM" sweep "$SWEEP_SMALL" --out small --slurm
[[ $(last_jobs "$D1") == "$jobs1" ]] || fail "a complete sweep was submitted again"
sed 's/^seed = 11/seed = 12/' "$SWEEP_SMALL" >other.toml
expect 2 "holds a Slurm submission of another sweep file: $T/work/other.toml differs from the submitted $D1/slurm/sweep.toml" \
  "$FXSIM" sweep other.toml --out small --slurm
expect 2 "^fxsim sweep: --slurm: --tasks 4: $D1 was submitted with --tasks 3" \
  "$FXSIM" sweep "$SWEEP_SMALL" --out small --slurm --tasks 4

# ---- 2. a task cancelled mid-run, then resubmitted ----
D2=$T/work/cancel
expect 0 "submitted array job [0-9]+ \(tasks 0-2 of 3" \
  "$FXSIM" sweep "$SWEEP_CANCEL" --out cancel --slurm --tasks 3
jobs2=$(last_jobs "$D2") || die "no job record in $D2/slurm/jobs.json"
array2=${jobs2%,*}
# Points in shard 1's database, as fxsim status counts them (its JSON "points").
shard1_done() {
  "$FXSIM" status --json "$D2" | python3 -c 'import json, sys
print(json.load(sys.stdin)["shards"][1]["points"])'
}
# Polled with fxsim status (~0.1 s; python3 takes over a second to start on a loaded machine):
# the shard-1 row is "1  DONE  144  FAILED  PRUNED  DATABASE".
done1=0
for _ in $(seq 600); do
  done1=$("$FXSIM" status "$D2" | awk '$1 == "1" && NF >= 6 { print $2; exit }')
  [[ $done1 =~ ^[0-9]+$ ]] || done1=0
  ((done1 >= 5)) && break
  sleep 0.1
done
((done1 >= 5)) || die "array task 1 committed no points within 60 s"
scancel "${array2}_1" || die "scancel ${array2}_1 failed"
echo "cancelled task ${array2}_1 after $done1 points (${SECONDS} s)"
wait_jobs_gone "$jobs2" 120
grep -q "CANCELLED" "$D2/slurm/task_${array2}_1.log" ||
  fail "task 1 was not cancelled: $(tail -n 5 "$D2/slurm/task_${array2}_1.log")"
expect 0 "^merged: not yet" "$FXSIM" status "$D2"
grep -qE "^1 +[0-9]+ +144 " <<<"$OUT" || fail "shard 1 line in: $OUT"
after_cancel=$(shard1_done)
((after_cancel < 144)) || fail "task 1 finished all 144 points before it was cancelled"
expect 0 "submitted array job [0-9]+ \(tasks 1 of 3, " \
  "$FXSIM" sweep "$SWEEP_CANCEL" --out cancel --slurm
jobs3=$(last_jobs "$D2")
wait_jobs_gone "$jobs3" 120
echo "cancelled sweep done on Slurm after ${SECONDS} s ($after_cancel points of shard 1 kept)"
expect 0 "^merged: 432 of 432 points in $D2/results.sqlite \(complete\)$" "$FXSIM" status "$D2"
grep -q "sweep slurm_cancel: 144 points in this shard, $after_cancel already done, $((144 - after_cancel)) ok, 0 failed" \
  "$D2/slurm/task_${jobs3%,*}_1.log" ||
  fail "the rerun of task 1 did not resume: $(tail -n 3 "$D2/slurm/task_${jobs3%,*}_1.log")"
# Each point in exactly one shard database, and once in the merged one, equal to a local run.
python3 - "$D2" <<'PY' || fail "shard databases overlap or miss points"
import sqlite3, sys
ids = []
for i in range(3):
    ids += [r[0] for r in sqlite3.connect(f"{sys.argv[1]}/shards/{i}/results.sqlite")
            .execute("SELECT point_id FROM points")]
assert sorted(ids) == list(range(432)), f"{len(ids)} shard rows, {len(set(ids))} distinct"
PY
expect 0 "432 ok, 0 failed" "$FXSIM" sweep "$SWEEP_CANCEL" --out local_cancel -j 2 --progress lines
same_points "$D2/results.sqlite" local_cancel/results.sqlite || fail "cancelled sweep: merged != local"
cmp -s "$D2/results.csv" local_cancel/results.csv || fail "cancelled sweep: results.csv differs"

# ---- 3. invalid points: every task prunes the same ones (khot<3,1,3>: ids 8, 9) ----
cat >invalid.toml <<'TOML'
[sweep]
name = "invalid"
seed = 3
[workload]
in_features = 30
out_features = 8
[axes]
kind = ["fx_mac", "khot"]
weight = ["fixed<3,1,RND_CONV,SAT>", "fixed<6,1,RND_CONV,SAT>"]
k = [1, 2, 3]
simd = [4, 8]
TOML
D3=$T/work/invalid
expect 0 "submitted array job [0-9]+ \(tasks 0-2 of 3" "$FXSIM" sweep invalid.toml --out invalid --slurm --tasks 3
jobs4=$(last_jobs "$D3") || die "no job record in $D3/slurm/jobs.json"
wait_jobs_gone "$jobs4" 120
expect 0 "^merged: 16 of 16 points in $D3/results.sqlite \(complete\)$" "$FXSIM" status "$D3"
expect 0 "16 points, 14 ok, 0 failed, 2 pruned" "$FXSIM" sweep invalid.toml --out local_invalid -j 2
same_points "$D3/results.sqlite" local_invalid/results.sqlite 8,9 || fail "invalid points: merged != local"
cmp -s "$D3/results.csv" local_invalid/results.csv || fail "invalid points: results.csv differs"

# ---- 4. a network workload: conv0 PE 3 does not divide its 8 channels (ids 0, 1, 4, 5) ----
cp "$(dirname "$SWEEP_SMALL")/network_cnn.toml" network_cnn.toml
cat >network.toml <<'TOML'
[sweep]
name = "network"
[workload]
kind = "network"
network = "network_cnn.toml"
[axes]
bn = ["fixed", "khot"]
[axes.layer.conv0]
pe = [3, 4]
[axes.layer.conv2]
pe = [4, 8]
TOML
D4=$T/work/network
expect 0 "submitted array job [0-9]+ \(tasks 0-2 of 3" "$FXSIM" sweep network.toml --out network --slurm --tasks 3
jobs5=$(last_jobs "$D4") || die "no job record in $D4/slurm/jobs.json"
wait_jobs_gone "$jobs5" 120
expect 0 "^merged: 8 of 8 points in $D4/results.sqlite \(complete\)$" "$FXSIM" status "$D4"
expect 0 "8 points, 4 ok, 0 failed, 4 pruned" "$FXSIM" sweep network.toml --out local_network -j 2
same_points "$D4/results.sqlite" local_network/results.sqlite 0,1,4,5 || fail "network: merged != local"
cmp -s "$D4/results.csv" local_network/results.csv || fail "network: results.csv differs"

if ((failures)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "slurm_cluster_test: all checks passed"
