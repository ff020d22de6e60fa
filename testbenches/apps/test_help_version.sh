#!/usr/bin/env bash
# fxsim --help, the subcommands' --help, fxsim --version, and CLI11's usage errors reported like
# every other error ("fxsim SUBCOMMAND: ...", what to do, exit code 2).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

expect_stdout "--version" 0 $'fxsim 0.1.0\n' '' --version

# expect_help NAME SUBSTRING ARGS...: exit code 0 and SUBSTRING in stdout.
expect_help() {
  local name=$1 substring=$2
  shift 2
  CHECKS=$((CHECKS + 1))
  run_fxsim '' "$@"
  if [ "$RC" != 0 ]; then
    fail "$name: exit code $RC, expected 0"
  elif ! grep -qF -- "$substring" "$WORK/out"; then
    fail "$name: stdout does not contain '$substring'"
  fi
}
expect_help "--help lists quantize" "quantize" --help
expect_help "-h" "SUBCOMMAND" -h
expect_help "quantize --help lists --type" "--type" quantize --help
expect_help "quantize --help lists --all-modes" "--all-modes" quantize --help
expect_help "quantize --help names the K-hot types" "spt<W,I,K>" quantize --help
expect_help "quantize --help: ap_ spellings are ap_fixed" "ap_uint<W> (Xilinx ap_fixed semantics)" \
  quantize --help
expect_help "quantize --help: fixed and sc_ spellings are SystemC" "sc_uint<W> (SystemC semantics)" \
  quantize --help
expect_help "quantize --help: where the semantics differ" "differs in three overflow corners" \
  quantize --help
expect_help "train --help has examples" "fxsim train --config docs/examples/train_quick.toml" \
  train --help
expect_help "verify --help: --pe per layer" "--pe 16,8,2" verify --help
expect_help "verify --help: SIMD is the model file's" "SIMD is each layer's own" verify --help
expect_help "run --help: the accuracy" "output SQNR" run --help
expect_help "fold --help: the goals" "--target-interval" fold --help
expect_help "fold --help: the cycles formula" "max(input beats, SF x NF x vectors)" fold --help

# Usage errors: the subcommand's prefix, CLI11's message, what to do, where the options are.
expect_fail "missing option" 2 "fxsim quantize: --type is required" '' quantize
expect_fail "missing option: --help" 2 "Run 'fxsim quantize --help' for its options." '' quantize
expect_fail "missing model file" 2 "fxsim verify: --model: File does not exist: $WORK/missing.fxm; \
train one with \`fxsim train --config docs/examples/train_small.toml --out DIR\`" '' \
  verify --model "$WORK/missing.fxm"
expect_fail "missing point file" 2 "fxsim run: --config: File does not exist: $WORK/p.toml; start \
from docs/examples/point_fx_mac.toml" '' run --config "$WORK/p.toml"
expect_fail "missing training config (fxsim-train)" 2 "fxsim train: --config: File does not \
exist: $WORK/t.toml; start from docs/examples/train_quick.toml" '' train --config "$WORK/t.toml"
expect_fail "bad --pe" 2 "fxsim verify: --pe: Value 0 not in range 1 to 256" '' \
  verify --model "$0" --pe 8,0
expect_fail "fold: no goal" 2 "fxsim fold: expected a goal: --target-interval N, or --lut-budget X \
and / or --dsp-budget Y" '' fold --network "$0"
expect_fail "fold: target and budget" 2 "fxsim fold: --target-interval excludes --lut-budget" '' \
  fold --network "$0" --target-interval 100 --lut-budget 1000
expect_fail "fold: bad target" 2 "fxsim fold: --target-interval: Value 0 not in range" '' \
  fold --network "$0" --target-interval 0
expect_fail "fold: not a description" 2 "fxsim fold: $0:" '' fold --network "$0" --target-interval 9

finish
