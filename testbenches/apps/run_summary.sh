#!/usr/bin/env bash
# fxsim run: the summary of a hand-worked design point on both backends, byte for byte; the JSON
# fields of the same run; the examples of docs/examples/ on both backends; traces.
# Arguments: PATH_TO_FXSIM DOCS_EXAMPLES_DIR.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
EXAMPLES=${2:?usage: $0 PATH_TO_FXSIM DOCS_EXAMPLES_DIR}

# 16 x 4 on PE 2 x SIMD 8, MAC_STAGES 2, no bn, bus 64 bits, 4 ns:
#   SF = 2, NF = 2: 4 beats + (2 + 1) = 7 cycles = 28 ns; 4 outputs / 28 ns = 1.42857e+08/s,
#   64 MACs / 28 ns = 2.28571e+09/s.
#   load: weights 64 B (1 + 8) + input 16 B (1 + 2) + BATCH (1 + 1) + CTRL (1 + 1) = 16;
#   read-back: STATUS, CYCLES_LO, CYCLES_HI, ERRORS (4 x 2) + OUTPUT 4 B (1 + 1) = 10;
#   end to end 33 cycles = 132 ns. Coverage: 8 accumulator beats (2 per output), 4 requants.
cat >"$WORK/small.toml" <<'TOML'
seed = 3

[engine]
kind = "fx_mac"
pe = 2
simd = 8
mac_stages = 2
clock_ns = 4.0
bus_bits = 64

[layer]
in_features = 16
out_features = 4
batch = 1

[types]
activation = "fixed<8,1,TRN,SAT>"
weight = "fixed<8,1>"
accumulator = "fixed<24,10>"
output = "fixed<8,3,RND_CONV,SAT>"
TOML

backend_block() {
  cat <<TXT
backend $1:
$2  cycles             7
  load cycles        16
  readback cycles    10
  end-to-end cycles  33
  latency            28.000 ns (end to end 132.000 ns)
  throughput         1.42857e+08 outputs/s, 2.28571e+09 MAC/s
  mismatches         0 of 4
  tlm errors         0
TXT
}
header="point: $WORK/small.toml (fx_mac, PE 2, SIMD 8, 16 -> 4 features, batch 1, no bn)
seed: 3
"
coverage_head="coverage:
  stage             count  overflows       ties    inexact  modes
  accumulator           8          0          0          0  WRAP (exact sums, no rounding)
"
expected="$header$(backend_block model '')
$(backend_block rtl '  rtl variants       fx_mac_pe SIMD=8 A=fixed<8,1> W=fixed<8,1> ACC_W=24 ACC_O=WRAP OUT=fixed<8,3,RND_CONV,SAT> STAGES=2
')
cycle comparison: model 7, rtl 7, difference 0, error 0.000 %
$coverage_head"
# The requant line depends on the stimulus: check it apart.
run_fxsim '' run --config "$WORK/small.toml" --backend both --json "$WORK/small.json"
unkey "$WORK/out" "$WORK/small.json"
CHECKS=$((CHECKS + 1))
if [ "$RC" != 0 ]; then
  fail "small both: exit code $RC"
  cat "$WORK/err" >&2
fi
# ($(...) drops the trailing newline of both sides alike.)
if [ "$(head -c ${#expected} "$WORK/out")" != "${expected%$'\n'}" ]; then
  fail "small both: summary differs"
  show_diff "$expected"
fi
CHECKS=$((CHECKS + 1))
grep -qE '^  mac requant           4 ' "$WORK/out" || fail "small both: mac requant count"
CHECKS=$((CHECKS + 1))
[ "$(tail -n 5 "$WORK/out" | sed -n '1,2p;5p')" = "  tlm errors   0
accuracy against the float layer (the same operands in double precision):
result: PASS" ] || fail "small both: last lines '$(tail -n 5 "$WORK/out")'"
CHECKS=$((CHECKS + 1))
grep -qE '^  output SQNR        [0-9]+\.[0-9]{2} dB \(MSE ' "$WORK/out" || fail "small both: SQNR line"
CHECKS=$((CHECKS + 1))
grep -qE '^  requantizers       mac [0-9]+ of 4 saturated \([0-9.]+ %\)$' "$WORK/out" ||
  fail "small both: requantizer line"

# JSON: the same values (one field per line in the 2-space indented dump).
expect_json() {
  CHECKS=$((CHECKS + 1))
  local count
  count=$(grep -cF -- "$1" "$WORK/small.json")
  [ "$count" = "$2" ] || fail "small.json: '$1' found $count times, expected $2"
}
expect_json '"kind": "fx_mac",' 1
expect_json '"seed": 3,' 1
expect_json '"formula_cycles": 7,' 1
expect_json '"backend": "model",' 1
expect_json '"backend": "rtl",' 1
expect_json '"cycles": 7,' 2
expect_json '"load_cycles": 16,' 2
expect_json '"readback_cycles": 10,' 2
expect_json '"end_to_end_cycles": 33,' 2
expect_json '"latency_ns": 28.0,' 2
expect_json '"end_to_end_ns": 132.0,' 2
expect_json '"checked": 4,' 2
expect_json '"mismatches": 0,' 3
expect_json '"first_mismatches": [],' 2
expect_json '"tlm_errors": 0,' 2
expect_json '"pe": "fx_mac_pe SIMD=8 A=fixed<8,1> W=fixed<8,1> ACC_W=24 ACC_O=WRAP OUT=fixed<8,3,RND_CONV,SAT> STAGES=2",' 1
expect_json '"difference": 0,' 1
expect_json '"exact": true' 1
expect_json '"passed": true' 1
expect_json '"accuracy": {' 1
expect_json '"outputs": 4,' 1
expect_json '"bn_requant_overflow_fraction": null' 1

# --seed overrides the file's seed; --backend defaults to model.
run_fxsim '' run --config "$WORK/small.toml" --seed 9
CHECKS=$((CHECKS + 1))
[ "$RC" = 0 ] && grep -qx 'seed: 9' "$WORK/out" && ! grep -q '^backend rtl' "$WORK/out" ||
  fail "--seed 9 / default backend"

# The examples: exact cycle counts of their comments, both backends agreeing, and what their
# comments say they lose: no saturation, the SQNR against the float layer (recomputed by an
# independent float computation in sweep_tests, ExamplePoint.*).
run_fxsim '' run --config "$EXAMPLES/point_fx_mac.toml" --backend both
unkey "$WORK/out"
CHECKS=$((CHECKS + 1))
[ "$RC" = 0 ] || fail "point_fx_mac: exit code $RC"
for line in '  rtl variants       fx_mac_pe SIMD=8 A=ufixed<8,0> W=fixed<8,-2> ACC_W=26 ACC_O=WRAP OUT=fixed<8,3,RND_CONV,SAT> STAGES=2 + bn_act X=fixed<8,3> SCALE_KIND=fixed S=fixed<8,1> B=fixed<8,1> OUT=fixed<8,3,RND,SAT> ACT=relu STAGES=2' '  cycles             1574' \
  '  load cycles        12681' '  readback cycles    25' \
  'cycle comparison: model 1574, rtl 1574, difference 0, error 0.000 %' \
  '  accumulator       12544          0          0          0  WRAP (exact sums, no rounding)' \
  '  mac requant         128          0          0        128  RND_CONV SAT' \
  '  bn requant          128          0          3        123  RND SAT' \
  '  activation          128  relu changed 60 of them' \
  '  output SQNR        38.53 dB (MSE 4.983e-05, max |error| 0.02055)' \
  '  requantizers       mac 0 of 128 saturated (0.0 %), bn 0 of 128 saturated (0.0 %)' \
  'result: PASS'; do
  CHECKS=$((CHECKS + 1))
  grep -qxF -- "$line" "$WORK/out" || fail "point_fx_mac: no line '$line'"
done
run_fxsim '' run --config "$EXAMPLES/point_khot.toml" --backend both
unkey "$WORK/out"
CHECKS=$((CHECKS + 1))
[ "$RC" = 0 ] || fail "point_khot: exit code $RC"
for line in '  rtl variants       khot_pe SIMD=8 A=fixed<8,1> K=2 SH_W=3 W_FRAC=7 ACC_W=24 ACC_O=WRAP OUT=fixed<8,3,RND_INF,SAT_SYM> STAGES=3 + bn_act X=fixed<8,3> SCALE_KIND=khot S_FRAC=6 K=2 SH_W=3 B=fixed<8,1> OUT=fixed<8,2,RND_CONV,SAT_SYM> ACT=hardtanh STAGES=3' '  cycles             320' \
  'cycle comparison: model 320, rtl 320, difference 0, error 0.000 %' \
  '  mac requant          90          0          0         89  RND_INF SAT_SYM' \
  '  bn requant           90          0         21         61  RND_CONV SAT_SYM' \
  '  activation           90  hardtanh changed 3 of them' \
  '  output SQNR        34.71 dB (MSE 4.054e-05, max |error| 0.01556)' \
  '  requantizers       mac 0 of 90 saturated (0.0 %), bn 0 of 90 saturated (0.0 %)' \
  'result: PASS'; do
  CHECKS=$((CHECKS + 1))
  grep -qxF -- "$line" "$WORK/out" || fail "point_khot: no line '$line'"
done

# Traces: every Verilated signal (rtl, VCD or FST), the transaction-level signals (model).
run_fxsim '' run --config "$WORK/small.toml" --backend rtl --vcd "$WORK/rtl.vcd"
CHECKS=$((CHECKS + 1))
[ "$RC" = 0 ] && grep -q 'scope module pe1' "$WORK/rtl.vcd" && grep -q ' out_data ' "$WORK/rtl.vcd" ||
  fail "rtl VCD"
run_fxsim '' run --config "$WORK/small.toml" --backend rtl --fst "$WORK/rtl.fst"
CHECKS=$((CHECKS + 1))
# An FST file starts with its header block, block type 0 (FST_BL_HDR).
[ "$RC" = 0 ] && [ -s "$WORK/rtl.fst" ] && [ "$(od -An -tx1 -N1 "$WORK/rtl.fst" | tr -d ' ')" = 00 ] ||
  fail "rtl FST"
run_fxsim '' run --config "$WORK/small.toml" --vcd "$WORK/model.vcd"
CHECKS=$((CHECKS + 1))
[ "$RC" = 0 ] && grep -q 'irq' "$WORK/model.vcd" || fail "model VCD"

finish
