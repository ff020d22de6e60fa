#!/usr/bin/env bash
# fxsim quantize --raw on Xilinx's ap_fixed vectors (testbenches/fx/data/ap_fixed_vectors.csv,
# produced with the vendor's open-source ap_fixed headers): every line, raw for raw. One run per
# type, with all of that type's inputs on stdin in file order; the file's decimal inputs are the
# shortest round-trip forms of its doubles, so fxsim reads back the very doubles cast.
# Usage: test_quantize_ap_vectors.sh PATH_TO_FXSIM PATH_TO_CSV
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
CSV=${2:?usage: $0 PATH_TO_FXSIM PATH_TO_CSV}

# Split the file by type: $WORK/v/N.type (the type), N.in (inputs), N.want (raws), in file order.
mkdir -p "$WORK/v"
awk -v dir="$WORK/v" '
  /^#/ || $0 == "type,value,raw" || $0 == "" { next }
  {
    close_quote = index(substr($0, 2), "\"") + 1
    type = substr($0, 2, close_quote - 2)
    split(substr($0, close_quote + 2), f, ",")
    if (!(type in id)) {
      id[type] = ++n
      printf "%s", type > (dir "/" n ".type")
      close(dir "/" n ".type")
    }
    print f[1] >> (dir "/" id[type] ".in")
    print f[2] >> (dir "/" id[type] ".want")
    lines++
  }
  END { print lines > (dir "/lines"); print n > (dir "/types") }
' "$CSV"

CHECKS=$((CHECKS + 1))
if [ "$(cat "$WORK/v/lines")" != 15120 ] || [ "$(cat "$WORK/v/types")" != 126 ]; then
  fail "expected 15120 vectors of 126 types in $CSV, found $(cat "$WORK/v/lines") of $(cat "$WORK/v/types")"
fi

checked=0
for typefile in "$WORK"/v/*.type; do
  n=${typefile%.type}
  type=$(cat "$typefile")
  expect_stdout "$type" 0 "$(cat "$n.want")"$'\n' "$(cat "$n.in")"$'\n' quantize --type "$type" --raw
  checked=$((checked + $(wc -l <"$n.in")))
done
CHECKS=$((CHECKS + 1))
[ "$checked" = 15120 ] || fail "checked $checked vectors, expected 15120"

# The same inputs with the SystemC spelling of each type differ exactly in the two corners the
# vectors cover: 13 lines of signed WRAP_SM (N = 0), 365 of unsigned WRAP with N > 0.
differ=0
for typefile in "$WORK"/v/*.type; do
  n=${typefile%.type}
  sc_type=$(sed -e 's/^ap_/sc_/' -e 's/,AP_/,SC_/g' "$typefile")
  run_fxsim "$(cat "$n.in")"$'\n' quantize --type "$sc_type" --raw
  differ=$((differ + $(paste -d' ' "$WORK/out" "$n.want" | awk '$1 != $2' | wc -l)))
done
CHECKS=$((CHECKS + 1))
[ "$differ" = 378 ] || fail "the sc_ spellings differ from ap_fixed in $differ lines, expected 378"

finish
