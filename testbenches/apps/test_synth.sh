#!/usr/bin/env bash
# fxsim synth: the table and JSON fields of a real yosys run on fx_requant, the cache (a second
# run says "cache" and gives the same numbers), and the errors: bad unit, parameter and value
# (exit 2, naming the valid choices), yosys missing or failing (exit 1, the log's tail and path).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

CACHE="$WORK/cache"
REQ=(synth --unit fx_requant --param IN_W=16 --param IN_FRAC=8 --param OUT_W=8 --param OUT_FRAC=4
     --param Q=4 --param O=0 --cache-dir "$CACHE")

# First run: yosys. The counts are those of testbenches/models/units/data/fx_requant_xc7_stat.json.
run_fxsim '' "${REQ[@]}"
CHECKS=$((CHECKS + 1))
[ "$RC" = 0 ] || fail "first run: exit code $RC: $(cat "$WORK/err")"
expect_line() {  # label value: the table row "label  value" must be present
  CHECKS=$((CHECKS + 1))
  grep -qE "^$1 +$2\$" "$WORK/out" || fail "table: no row '$1 $2' in: $(cat "$WORK/out")"
}
expect_line "unit" "fx_requant"
expect_line "parameters" "IN_W=16 IN_FRAC=8 IN_SIGNED=1 OUT_W=8 OUT_FRAC=4 OUT_SIGNED=1 Q=RND_CONV O=SAT N=0 AP=0"
# Before yosys: one line on stderr saying what runs and why (a cached answer says nothing).
CHECKS=$((CHECKS + 1))
grep -qE "^fxsim synth: fx_requant IN_W=16 .* Q=RND_CONV O=SAT N=0 AP=0 on xc7: not in the cache $CACHE/synth; running yosys" \
  "$WORK/err" || fail "no progress line before the yosys run: $(cat "$WORK/err")"
expect_line "mapping" "yosys xc7 mapping"
expect_line "LUT" "27"
expect_line "  LUT2" "1"
expect_line "  LUT3" "8"
expect_line "  LUT6" "10"
expect_line "CARRY4" "8"
expect_line "FF" "0"
expect_line "DSP48E1" "0"
expect_line "LUT-equivalent" "27 \\(LUT \\+ 55 x DSP\\)"
expect_line "logic depth" "10 cells"
expect_line "latency" "0 cycles"
expect_line "yosys" "Yosys [0-9.]+.*"
expect_line "source" "yosys run, [0-9.]+ s"
CHECKS=$((CHECKS + 1))
grep -qi vivado "$WORK/out" && fail "the table mentions Vivado"

# Second run: the cache, same numbers, JSON fields.
run_fxsim '' "${REQ[@]}" --json
CHECKS=$((CHECKS + 1))
[ "$RC" = 0 ] || fail "json run: exit code $RC"
json_field() {  # name expected: "name": expected, in the JSON output
  CHECKS=$((CHECKS + 1))
  grep -qE "^  \"$1\": $2,?\$" "$WORK/out" || fail "json: no field $1 = $2 in: $(cat "$WORK/out")"
}
json_field cached true
json_field unit '"fx_requant"'
json_field family '"xc7"'
json_field use_dsp true
json_field mapping '"yosys xc7 mapping"'
json_field lut 27
json_field lut_logic 27
json_field carry 8
json_field carry4 8
json_field ff 0
json_field dsp 0
json_field bram18 0
json_field lut_equivalent 27
json_field logic_depth 10
json_field latency_cycles 0
json_field cache_key '"[0-9a-f]{64}"'
run_fxsim '' "${REQ[@]}"
expect_line "source" "cache \\([0-9a-f]{64}\\)"
CHECKS=$((CHECKS + 1))
[ -s "$WORK/err" ] && fail "a cached answer printed on stderr: $(cat "$WORK/err")"
# Mode names instead of numbers (any case, SC_ / AP_ prefix): the same parameter set, cached.
run_fxsim '' synth --unit fx_requant --param IN_W=16 --param IN_FRAC=8 --param OUT_W=8 \
  --param OUT_FRAC=4 --param Q=sc_rnd_conv --param O=AP_SAT --cache-dir "$CACHE"
expect_line "source" "cache \\([0-9a-f]{64}\\)"
expect_line "parameters" "IN_W=16 IN_FRAC=8 IN_SIGNED=1 OUT_W=8 OUT_FRAC=4 OUT_SIGNED=1 Q=RND_CONV O=SAT N=0 AP=0"

# Errors in the request: exit 2, nothing on stdout.
expect_fail "unknown unit" 2 "unknown unit \"fx_mac\"; known units: fx_requant, fx_mac_pe, khot_pe, bn_act, weight_mem, stream_fifo, max_pool, sliding_window" '' \
  synth --unit fx_mac --cache-dir "$CACHE"
expect_fail "unknown parameter" 2 "unknown parameter \"SIMDD\"; known parameters: SIMD, A_W" '' \
  synth --unit fx_mac_pe --param SIMDD=4 --cache-dir "$CACHE"
expect_fail "value out of range" 2 "parameter SIMD = 0 is out of range, expected 1..64" '' \
  synth --unit fx_mac_pe --param SIMD=0 --cache-dir "$CACHE"
expect_fail "not NAME=VALUE" 2 "--param 'SIMD': expected NAME=VALUE" '' \
  synth --unit fx_mac_pe --param SIMD --cache-dir "$CACHE"
expect_fail "not an integer" 2 "the value of SIMD must be a decimal integer" '' \
  synth --unit fx_mac_pe --param SIMD=4x --cache-dir "$CACHE"
expect_fail "not a mode name" 2 "fx_requant: \"RND_NEAR\" is not a value of Q; expected an integer 0..7 or a name: 0 RND, 1 RND_ZERO, 2 RND_MIN_INF, 3 RND_INF, 4 RND_CONV, 5 TRN, 6 TRN_ZERO, 7 RND_STOCH" '' \
  synth --unit fx_requant --param Q=RND_NEAR --cache-dir "$CACHE"
expect_fail "not an activation" 2 "bn_act: \"gelu\" is not a value of ACT; expected an integer 0..4 or a name: 0 none, 1 relu, 2 relu_clip, 3 hardtanh, 4 sign" '' \
  synth --unit bn_act --param ACT=gelu --cache-dir "$CACHE"
expect_fail "twice" 2 "--param SIMD is given more than once" '' \
  synth --unit fx_mac_pe --param SIMD=4 --param SIMD=2 --cache-dir "$CACHE"
expect_fail "bad family" 2 "--family" '' synth --unit fx_requant --family xc9
expect_fail "unit required" 2 "--unit" '' synth
expect_stdout "bad unit prints nothing" 2 '' '' synth --unit nope --cache-dir "$CACHE"

# yosys missing: exit 1 and how to fix it.
FXSIM_YOSYS="$WORK/no-yosys" run_fxsim '' synth --unit fx_requant --no-cache
CHECKS=$((CHECKS + 1))
[ "$RC" = 1 ] && grep -qF "yosys not found: '$WORK/no-yosys'" "$WORK/err" \
  || fail "missing yosys: exit $RC, stderr: $(cat "$WORK/err")"

# yosys failing: a yosys that prints a log and exits 1. The tail and the log's path are shown.
FAKE="$WORK/fake-yosys"
printf '#!/bin/sh\nif [ "$1" = -V ]; then echo "Yosys 0.23 (fake)"; exit 0; fi\necho "ERROR: something broke"\nexit 1\n' >"$FAKE"
chmod +x "$FAKE"
FXSIM_YOSYS="$FAKE" run_fxsim '' synth --unit fx_requant --no-cache
CHECKS=$((CHECKS + 1))
if [ "$RC" != 1 ] || ! grep -qF "yosys failed (exit code 1) on unit fx_requant" "$WORK/err" \
   || ! grep -qF "ERROR: something broke" "$WORK/err" || ! grep -qF -- "--- full log: " "$WORK/err"; then
  fail "failing yosys: exit $RC, stderr: $(cat "$WORK/err")"
else
  LOG=$(sed -n 's/^--- full log: //p' "$WORK/err")
  CHECKS=$((CHECKS + 1))
  grep -qF "ERROR: something broke" "$LOG" || fail "the named log $LOG does not hold the error"
  rm -rf "$(dirname "$LOG")"
fi

# --help lists the named values of every enumerated parameter.
run_fxsim '' synth --help
for line in '  Q          0 RND, 1 RND_ZERO, 2 RND_MIN_INF, 3 RND_INF, 4 RND_CONV, 5 TRN, 6 TRN_ZERO, 7 RND_STOCH' \
  '  O          0 SAT, 1 SAT_ZERO, 2 SAT_SYM, 3 WRAP, 4 WRAP_SM' \
  '  ACT        0 none, 1 relu, 2 relu_clip, 3 hardtanh, 4 sign' '  SCALE_KIND 0 fixed, 1 khot' \
  '  STYLE      0 AUTO, 1 REGISTERS, 2 LUTRAM, 3 BRAM'; do
  CHECKS=$((CHECKS + 1))
  grep -qxF -- "$line" "$WORK/out" || fail "synth --help: no line '$line'"
done

finish
