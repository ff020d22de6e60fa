# Helpers shared by the fxsim CLI tests. Source it, then call the expect_* functions; end the
# script with `finish`. Each test script takes the path of the fxsim binary as its argument.
#
#   run_fxsim INPUT ARGS...   runs fxsim with INPUT (a string, fed verbatim) on stdin and leaves
#                             the exit code in RC, stdout in $WORK/out, stderr in $WORK/err
#   expect_stdout NAME RC EXPECTED INPUT ARGS...
#                             stdout must equal EXPECTED byte for byte, the exit code RC
#   check NAME COMMAND...     one check: COMMAND must succeed
#   expect_fail NAME RC STDERR_SUBSTRING INPUT ARGS...
#                             the exit code must be RC and stderr must contain the substring

set -u
FXSIM=${1:?usage: $0 PATH_TO_FXSIM}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export SC_COPYRIGHT_MESSAGE=DISABLE
FAILURES=0
CHECKS=0

fail() {
  FAILURES=$((FAILURES + 1))
  echo "FAIL: $*" >&2
}

# check NAME CONDITION-COMMAND...: one check; runs the command and fails NAME when it fails.
check() {
  local name=$1
  shift
  CHECKS=$((CHECKS + 1))
  if ! "$@"; then fail "$name"; fi
}

run_fxsim() {
  local input=$1
  shift
  printf '%s' "$input" | "$FXSIM" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}

# Verilated units were named <unit>-<12 hex digits of their cache key>, a key that follows the
# toolchain: replace it by KEY in the given files before comparing. (They are named by their
# parameters now, which this leaves alone.)
unkey() {
  sed -E -i 's/(fx_mac_pe|khot_pe|bn_act)-[0-9a-f]{12}/\1-KEY/g' "$@"
}

# require_fashion_mnist: the tests that train need the real data set; without it they fail (not
# skip), naming the package that provides it.
require_fashion_mnist() {
  if [ ! -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
    echo "FAIL: Fashion-MNIST is not installed (scripts/install-deps installs dataset-fashion-mnist)" >&2
    exit 1
  fi
}

# write_tiny_train_config FILE SEED QUANT_LINES: the tiny `fxsim train` run of the CLI tests (300
# training, 100 test and 100 calibration images, one hidden layer of 32, one float and one QAT
# epoch) with QUANT_LINES as its [quant] table.
write_tiny_train_config() {
  cat >"$1" <<TOML
seed = $2
[data]
train_images = 300
test_images = 100
calibration_images = 100
[model]
hidden = [32]
[float]
epochs = 1
[qat]
epochs = 1
[quant]
$3
TOML
}

show_diff() {
  printf '%s' "$1" >"$WORK/expected"
  diff -u "$WORK/expected" "$WORK/out" | sed 's/^/    /' >&2
  if [ -s "$WORK/err" ]; then
    echo "    stderr:" >&2
    sed 's/^/    /' "$WORK/err" >&2
  fi
}

expect_stdout() {
  local name=$1 rc=$2 expected=$3 input=$4
  shift 4
  CHECKS=$((CHECKS + 1))
  run_fxsim "$input" "$@"
  if [ "$RC" != "$rc" ]; then
    fail "$name: exit code $RC, expected $rc (fxsim $*)"
    show_diff "$expected"
  elif [ "$(cat "$WORK/out"; echo x)" != "${expected}x" ]; then
    fail "$name: stdout differs (fxsim $*)"
    show_diff "$expected"
  fi
}

expect_fail() {
  local name=$1 rc=$2 substring=$3 input=$4
  shift 4
  CHECKS=$((CHECKS + 1))
  run_fxsim "$input" "$@"
  if [ "$RC" != "$rc" ]; then
    fail "$name: exit code $RC, expected $rc (fxsim $*)"
    sed 's/^/    stderr: /' "$WORK/err" >&2
  elif ! grep -qF -- "$substring" "$WORK/err"; then
    fail "$name: stderr does not contain '$substring' (fxsim $*)"
    sed 's/^/    stderr: /' "$WORK/err" >&2
  fi
}

finish() {
  echo "$CHECKS checks, $FAILURES failed"
  [ "$FAILURES" -eq 0 ]
}
