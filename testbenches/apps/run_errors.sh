#!/usr/bin/env bash
# fxsim run: bad point files and options exit with code 2 and a message naming the file, line
# and key (or the Verilated unit that is not in the cache with builds off); nothing is simulated.
# Arguments: PATH_TO_FXSIM DOCS_EXAMPLES_DIR.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
EXAMPLES=${2:?usage: $0 PATH_TO_FXSIM DOCS_EXAMPLES_DIR}
P="$EXAMPLES/point_fx_mac.toml"

# Malformed points: FILE:LINE: key: ...
sed 's/^batch = 1$/batch = 1\nbatchh = 2/' "$P" >"$WORK/unknown_key.toml"
expect_fail "unknown key" 2 "unknown_key.toml:33: layer.batchh: unknown key" '' \
  run --config "$WORK/unknown_key.toml"
expect_stdout "unknown key prints no summary" 2 '' '' run --config "$WORK/unknown_key.toml"
sed 's/^simd = 8$/simd = "eight"/' "$P" >"$WORK/wrong_type.toml"
expect_fail "wrong type" 2 "wrong_type.toml:24: engine.simd" '' run --config "$WORK/wrong_type.toml"
sed 's/^weight = "fixed<8,-2>"$/weight = "khot<8,1,2>"/' "$P" >"$WORK/kind.toml"
expect_fail "weight does not match kind" 2 "kind.toml:36: types.weight: khot<8,1,2> does not match" \
  '' run --config "$WORK/kind.toml"
# A wrong accumulator: the message gives the types that would be right.
sed 's/^accumulator = "fixed<26,8>" .*$/accumulator = "fixed<24,10>"/' "$P" >"$WORK/acc.toml"
expect_fail "accumulator fraction bits" 2 "acc.toml:37: types.accumulator: fixed<24,10,TRN,WRAP,0> \
has 14 fraction bits; expected F_acc = F_activation + F_weight = 8 + 10 = 18: e.g. \
fixed<28,10,TRN,WRAP,0> (the same integer bits) or fixed<26,8,TRN,WRAP,0> (the default when the \
key is left out: exact for 784 products)" '' run --config "$WORK/acc.toml"
sed 's/^accumulator = "fixed<26,8>" .*$/accumulator = "fixed<24,8>"/' "$P" >"$WORK/acc2.toml"
expect_fail "accumulator: the same integer bits are the default" 2 "acc2.toml:37: \
types.accumulator: fixed<24,8,TRN,WRAP,0> has 16 fraction bits; expected F_acc = F_activation + \
F_weight = 8 + 10 = 18: e.g. fixed<26,8,TRN,WRAP,0> (the same integer bits; also the default \
when the key is left out: exact for 784 products)" '' run --config "$WORK/acc2.toml"
printf 'seed = 1\n[engine\n' >"$WORK/syntax.toml"
expect_fail "TOML syntax" 2 "syntax.toml:2" '' run --config "$WORK/syntax.toml"

# A valid point whose Verilated units are not in an (empty) cache, with builds off: rejected on
# rtl, naming the parameters and the switch.
sed 's/^simd = 8$/simd = 16/' "$P" >"$WORK/simd16.toml"
export FXSIM_RTL_ONDEMAND=0 FXSIM_CACHE_DIR="$WORK/empty-cache"
expect_fail "not in the cache" 2 "no Verilated fx_mac_pe with these parameters (SIMD=16" \
  '' run --config "$WORK/simd16.toml" --backend both
expect_fail "builds off named" 2 "builds are off (FXSIM_RTL_ONDEMAND=0)" '' \
  run --config "$WORK/simd16.toml" --backend rtl
expect_stdout "not in the cache prints no summary" 2 '' '' \
  run --config "$WORK/simd16.toml" --backend rtl
unset FXSIM_RTL_ONDEMAND FXSIM_CACHE_DIR

# Options.
# CLI11's checks are reported like every other error, with what to do.
expect_fail "missing file" 2 "fxsim run: --config: File does not exist: $WORK/nope.toml; start from \
docs/examples/point_fx_mac.toml" '' run --config "$WORK/nope.toml"
expect_fail "missing file: where the options are" 2 "Run 'fxsim run --help' for its options." '' \
  run --config "$WORK/nope.toml"
expect_fail "--config required" 2 "--config" '' run
expect_fail "bad backend" 2 "--backend" '' run --config "$P" --backend fpga
expect_fail "--vcd and --fst" 2 "excludes" '' run --config "$P" --vcd a.vcd --fst a.fst
expect_fail "--fst on the model" 2 "SystemC has no FST writer" '' run --config "$P" --fst a.fst
expect_fail "bad seed" 2 "--seed" '' run --config "$P" --seed minus

# --help documents every option and the exit codes.
run_fxsim '' run --help
for word in --config --backend --vcd --fst --seed --json "Exit codes" "first use" \
  FXSIM_RTL_ONDEMAND=0; do
  CHECKS=$((CHECKS + 1))
  grep -qF -- "$word" "$WORK/out" || fail "--help does not mention '$word'"
done

finish
