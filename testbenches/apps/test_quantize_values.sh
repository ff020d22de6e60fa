#!/usr/bin/env bash
# fxsim quantize: values, --raw and --encode against the hand-worked table quantize_cases.txt,
# one process per input, then all inputs of each type in one run (one output line per input).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

declare -A batch_in batch_value batch_raw batch_terms
types=()
while IFS= read -r line; do
  line=${line%%#*}
  [[ "$line" =~ ^[[:space:]]*$ ]] && continue
  IFS='|' read -r type input value raw terms <<<"$line"
  trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }
  type=$(trim "$type"); input=$(trim "$input"); value=$(trim "$value")
  raw=$(trim "$raw"); terms=$(trim "$terms")
  expect_stdout "$type value of $input" 0 "$value"$'\n' "$input"$'\n' quantize --type "$type"
  expect_stdout "$type raw of $input" 0 "$raw"$'\n' "$input"$'\n' quantize --type "$type" --raw
  if [ "$terms" != "-" ]; then
    expect_stdout "$type terms of $input" 0 "$terms"$'\n' "$input"$'\n' \
      quantize --type "$type" --encode
  fi
  if [ -z "${batch_in[$type]+set}" ]; then
    types+=("$type")
    batch_in[$type]=""; batch_value[$type]=""; batch_raw[$type]=""; batch_terms[$type]=""
  fi
  batch_in[$type]+="$input"$'\n'
  batch_value[$type]+="$value"$'\n'
  batch_raw[$type]+="$raw"$'\n'
  batch_terms[$type]+="$terms"$'\n'
done <"$HERE/quantize_cases.txt"

for type in "${types[@]}"; do
  expect_stdout "$type batch values" 0 "${batch_value[$type]}" "${batch_in[$type]}" \
    quantize --type "$type"
  expect_stdout "$type batch raw" 0 "${batch_raw[$type]}" "${batch_in[$type]}" \
    quantize --type "$type" --raw
  if [[ "$type" == *khot* || "$type" == spt* ]]; then
    expect_stdout "$type batch terms" 0 "${batch_terms[$type]}" "${batch_in[$type]}" \
      quantize --type "$type" --encode
  fi
done

# Input lines: surrounding whitespace, CRLF, a leading '+', no final newline, no input at all.
expect_stdout "whitespace around the number" 0 $'1.5\n' $' \t 1.5 \t\n' quantize --type 'fixed<8,3>'
expect_stdout "CRLF line end" 0 $'1.03125\n' $'1.03125\r\n' quantize --type 'fixed<8,3>'
expect_stdout "leading plus" 0 $'0.5\n' $'+0.5\n' quantize --type 'fixed<8,3>'
expect_stdout "exponent and bare point forms" 0 $'0.09375\n0.5\n-3\n0.5\n' \
  $'1e-1\n.5\n5.\n5E-1\n' quantize --type 'fixed<8,3>'
expect_stdout "no final newline" 0 $'0.5\n' '0.5' quantize --type 'fixed<8,3>'
expect_stdout "empty input" 0 '' '' quantize --type 'fixed<8,3>'
expect_stdout "short option -t" 0 $'33\n' $'1.03125\n' quantize -t 'fixed<8,3,RND_CONV,SAT>' --raw
expect_stdout "whitespace inside the type" 0 $'33\n' $'1.03125\n' \
  quantize --type ' fixed < 8 , 3 , RND_CONV , SAT > ' --raw

finish
