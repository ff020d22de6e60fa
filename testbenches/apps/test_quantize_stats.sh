#!/usr/bin/env bash
# fxsim quantize --stats and --all-modes against hand-worked statistics. Tables are compared
# with runs of spaces squeezed (the alignment is checked separately).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

HEADER='type count mse rmse max_abs_err mean_err sqnr_db overflows ties inexact'

# expect_table NAME EXPECTED INPUT ARGS...: stdout, spaces squeezed, must equal EXPECTED.
expect_table() {
  local name=$1 expected=$2 input=$3
  shift 3
  CHECKS=$((CHECKS + 1))
  run_fxsim "$input" "$@"
  local got
  got=$(tr -s ' ' <"$WORK/out")
  if [ "$RC" != 0 ]; then
    fail "$name: exit code $RC (fxsim $*)"
    sed 's/^/    stderr: /' "$WORK/err" >&2
  elif [ "$got" != "$expected" ]; then
    fail "$name: table differs (fxsim $*)"
    diff -u <(printf '%s\n' "$expected") <(printf '%s\n' "$got") | sed 's/^/    /' >&2
  fi
  # Aligned: every column starts at the same offset, so all lines of a table are equally long
  # once the trailing spaces of the type column are accounted for (numbers are right-aligned).
  if [ "$(awk '{ print length($0) }' "$WORK/out" | sort -u | wc -l)" != 1 ]; then
    fail "$name: lines of the table have different lengths"
  fi
}

# fixed<8,3,RND_CONV,SAT>, LSB 1/32:
#   0.5       exact                          e = 0
#   0.015625  0.5 LSB, tie -> 0              e = -0.015625   (inexact, tie)
#   0.046875  1.5 LSB, tie -> 0.0625         e = +0.015625   (inexact, tie)
#   6         raw 192 > 127 -> 3.96875       e = -2.03125    (overflow; no bits dropped)
#   -0.1      -3.2 LSB -> -0.09375           e = +0.00625    (inexact)
# sum e = -2.025 -> mean -0.405; sum e^2 = 2/4096 + 4.1259765625 + 0.0000390625 = 4.12650390625,
# mse = 0.82530078125, rmse = 0.9084606..., max |e| = 2.03125;
# sum x^2 = 0.25 + 0.000244140625 + 0.002197265625 + 36 + 0.01 = 36.26244140625,
# sqnr = 10 log10(36.26244140625 / 4.12650390625) = 10 log10(8.787691) = 9.4387 dB.
expect_table "stats fixed<8,3,RND_CONV,SAT>" \
  "$HEADER
fixed<8,3,RND_CONV,SAT,0> 5 0.825301 0.908461 2.03125 -0.405 9.44 1 2 3" \
  $'0.5\n0.015625\n0.046875\n6\n-0.1\n' quantize --type 'fixed<8,3,RND_CONV,SAT>' --stats

# Exact inputs: no error, sqnr inf.
expect_table "stats exact inputs" \
  "$HEADER
fixed<8,3,TRN,WRAP,0> 3 0 0 0 0 inf 0 0 0" \
  $'0.5\n-1.25\n3.96875\n' quantize --type 'fixed<8,3>' --stats

# No input: only the count and the flag counters are defined.
expect_table "stats of no input" \
  "$HEADER
fixed<8,3,TRN,WRAP,0> 0 n/a n/a n/a n/a n/a 0 0 0" \
  '' quantize --type 'fixed<8,3>' --stats

# spt<8,1,2> (max 0.75):
#   0.3   -> 0.3125    e = +0.0125
#   -0.46 -> -0.46875  e = -0.00875
#   2     -> 0.75      e = -1.25     (overflow: clamped, so not counted as inexact)
# sum e = -1.24625 -> mean -0.4154167; sum e^2 = 0.00015625 + 0.0000765625 + 1.5625
# = 1.5627328125, mse = 0.5209109375, rmse = 0.7217416; sum x^2 = 0.09 + 0.2116 + 4 = 4.3016,
# sqnr = 10 log10(2.752604) = 4.397 dB; ties are not defined for K-hot types.
expect_table "stats spt<8,1,2>" \
  "$HEADER
spt<8,1,2> 3 0.520911 0.721742 1.25 -0.415417 4.40 1 n/a 2" \
  $'0.3\n-0.46\n2\n' quantize --type 'spt<8,1,2>' --stats

# --all-modes, unsigned: ufixed<4,2> (LSB 0.25, range 0..3.75) of 1.125 = 4.5 LSB, a tie:
# up (1.25, e = +0.125) for RND and RND_INF, down (1, e = -0.125) for every other rounding;
# no overflow, so the overflow mode does not matter; 7 x 4 rows (no WRAP_SM for unsigned).
# mse = 0.015625, rmse = max = 0.125, sqnr = 10 log10(1.265625 / 0.015625) = 10 log10(81).
up="1 0.015625 0.125 0.125 0.125 19.08 0 1 1"
down="1 0.015625 0.125 0.125 -0.125 19.08 0 1 1"
expect_table "all modes ufixed<4,2>" \
  "$HEADER
ufixed<4,2,RND,SAT,0> $up
ufixed<4,2,RND,SAT_ZERO,0> $up
ufixed<4,2,RND,SAT_SYM,0> $up
ufixed<4,2,RND,WRAP,0> $up
ufixed<4,2,RND_ZERO,SAT,0> $down
ufixed<4,2,RND_ZERO,SAT_ZERO,0> $down
ufixed<4,2,RND_ZERO,SAT_SYM,0> $down
ufixed<4,2,RND_ZERO,WRAP,0> $down
ufixed<4,2,RND_MIN_INF,SAT,0> $down
ufixed<4,2,RND_MIN_INF,SAT_ZERO,0> $down
ufixed<4,2,RND_MIN_INF,SAT_SYM,0> $down
ufixed<4,2,RND_MIN_INF,WRAP,0> $down
ufixed<4,2,RND_INF,SAT,0> $up
ufixed<4,2,RND_INF,SAT_ZERO,0> $up
ufixed<4,2,RND_INF,SAT_SYM,0> $up
ufixed<4,2,RND_INF,WRAP,0> $up
ufixed<4,2,RND_CONV,SAT,0> $down
ufixed<4,2,RND_CONV,SAT_ZERO,0> $down
ufixed<4,2,RND_CONV,SAT_SYM,0> $down
ufixed<4,2,RND_CONV,WRAP,0> $down
ufixed<4,2,TRN,SAT,0> $down
ufixed<4,2,TRN,SAT_ZERO,0> $down
ufixed<4,2,TRN,SAT_SYM,0> $down
ufixed<4,2,TRN,WRAP,0> $down
ufixed<4,2,TRN_ZERO,SAT,0> $down
ufixed<4,2,TRN_ZERO,SAT_ZERO,0> $down
ufixed<4,2,TRN_ZERO,SAT_SYM,0> $down
ufixed<4,2,TRN_ZERO,WRAP,0> $down" \
  $'1.125\n' quantize --type 'ufixed<4,2>' --stats --all-modes

# --all-modes, signed: fixed<4,1> (LSB 0.125, range -1..0.875) of -0.3125 = -2.5 LSB, a tie:
# toward zero (-0.25, e = +0.0625) for RND, RND_ZERO, RND_CONV (-2 is even) and TRN_ZERO;
# away (-0.375, e = -0.0625) for RND_MIN_INF, RND_INF and TRN; 7 x 5 rows.
# mse = 0.00390625, rmse = max = 0.0625, sqnr = 10 log10(0.09765625 / 0.00390625) = 10 log10(25).
# The type's own modes (RND_CONV, SAT) do not matter, only W and I.
in="1 0.00390625 0.0625 0.0625 0.0625 13.98 0 1 1"
out="1 0.00390625 0.0625 0.0625 -0.0625 13.98 0 1 1"
rows="$HEADER"
for q in RND RND_ZERO RND_MIN_INF RND_INF RND_CONV TRN TRN_ZERO; do
  case $q in RND | RND_ZERO | RND_CONV | TRN_ZERO) r=$in ;; *) r=$out ;; esac
  for o in SAT SAT_ZERO SAT_SYM WRAP WRAP_SM; do
    rows+=$'\n'"fixed<4,1,$q,$o,0> $r"
  done
done
expect_table "all modes fixed<4,1>" "$rows" $'-0.3125\n' \
  quantize --type 'fixed<4,1,RND_CONV,SAT>' --stats --all-modes

# --all-modes keeps N for the wrapping modes only: fixed<4,1,TRN,WRAP,1>, exact input 0.5.
rows="$HEADER"
for q in RND RND_ZERO RND_MIN_INF RND_INF RND_CONV TRN TRN_ZERO; do
  for o in SAT SAT_ZERO SAT_SYM WRAP WRAP_SM; do
    case $o in WRAP | WRAP_SM) n=1 ;; *) n=0 ;; esac
    rows+=$'\n'"fixed<4,1,$q,$o,$n> 1 0 0 0 0 inf 0 0 0"
  done
done
expect_table "all modes keep N" "$rows" $'0.5\n' quantize --type 'fixed<4,1,TRN,WRAP,1>' --stats --all-modes

# --all-modes keeps the spelling, and so the semantics: the ap_fixed<4,1> rows of the fixed<4,1>
# case above (no value reaches a corner where ap_fixed and SystemC differ).
in="1 0.00390625 0.0625 0.0625 0.0625 13.98 0 1 1"
out="1 0.00390625 0.0625 0.0625 -0.0625 13.98 0 1 1"
rows="$HEADER"
for q in RND RND_ZERO RND_MIN_INF RND_INF RND_CONV TRN TRN_ZERO; do
  case $q in RND | RND_ZERO | RND_CONV | TRN_ZERO) r=$in ;; *) r=$out ;; esac
  for o in SAT SAT_ZERO SAT_SYM WRAP WRAP_SM; do
    rows+=$'\n'"ap_fixed<4,1,AP_$q,AP_$o,0> $r"
  done
done
expect_table "all modes keep the ap_fixed spelling" "$rows" $'-0.3125\n' \
  quantize --type 'ap_fixed<4,1,AP_RND_CONV,AP_SAT>' --stats --all-modes

# ... and the semantics: ap_ufixed<4,4,AP_TRN,AP_WRAP,1> of -19 is 13 (error 32), SystemC's
# ufixed<...> 5 (error 24). One row each: count, mse, rmse, max, mean, sqnr, overflows, ties,
# inexact. sqnr = 10 log10(361 / 1024) = -4.53, 10 log10(361 / 576) = -2.03.
expect_table "stats follow ap_fixed semantics" "$HEADER
ap_ufixed<4,4,AP_TRN,AP_WRAP,1> 1 1024 32 32 32 -4.53 1 0 0" $'-19\n' \
  quantize --type 'ap_ufixed<4,4,AP_TRN,AP_WRAP,1>' --stats
expect_table "stats follow SystemC semantics" "$HEADER
ufixed<4,4,TRN,WRAP,1> 1 576 24 24 24 -2.03 1 0 0" $'-19\n' \
  quantize --type 'ufixed<4,4,TRN,WRAP,1>' --stats

finish
