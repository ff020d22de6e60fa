# The exit-code-and-pattern checks of the sweep and Slurm CLI scripts (testbenches/explore/
# cli_sweep.sh, testbenches/explore/slurm/cli_slurm.sh). Source it; `failures` counts failed checks.
#   expect CODE PATTERN CMD...   exit code CODE and stdout+stderr matching the grep -E PATTERN
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
expect() {
  local code=$1 pattern=$2
  shift 2
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  [[ $rc == "$code" ]] || fail "$* exited $rc, expected $code: $out"
  grep -qE -- "$pattern" <<<"$out" || fail "$* output does not match '$pattern': $out"
}
