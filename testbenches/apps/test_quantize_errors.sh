#!/usr/bin/env bash
# fxsim quantize: malformed input lines, bad types and conflicting options all exit with code 2
# and a message on stderr; lines before a malformed one have been printed.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

T='fixed<8,3>'

# A malformed line: the earlier lines are printed, nothing after; the message names the line.
expect_stdout "malformed line 3: earlier lines printed" 2 $'0.5\n1\n' $'0.5\n1\n1.2.3\n2\n' \
  quantize --type "$T"
if [ "$(cat "$WORK/err")" != "fxsim quantize: stdin line 3: expected a decimal number, got '1.2.3'" ]; then
  fail "malformed line 3: stderr is '$(cat "$WORK/err")'"
fi
expect_stdout "empty line 2" 2 $'0.5\n' $'0.5\n\n1\n' quantize --type "$T"
if [ "$(cat "$WORK/err")" != "fxsim quantize: stdin line 2: expected a decimal number, got ''" ]; then
  fail "empty line 2: stderr is '$(cat "$WORK/err")'"
fi
expect_fail "blank line" 2 "stdin line 1: expected a decimal number" $' \t \n' quantize --type "$T"
expect_fail "nan" 2 "stdin line 1: expected a decimal number, got 'nan'" $'nan\n' quantize --type "$T"
expect_fail "NaN" 2 "stdin line 2:" $'1\nNaN\n' quantize --type "$T"
expect_fail "inf" 2 "stdin line 1:" $'inf\n' quantize --type "$T"
expect_fail "-infinity" 2 "stdin line 1:" $'-infinity\n' quantize --type "$T"
expect_fail "hexadecimal" 2 "got '0x1p3'" $'0x1p3\n' quantize --type "$T"
expect_fail "trailing garbage" 2 "got '1.5abc'" $'1.5abc\n' quantize --type "$T"
expect_fail "two numbers" 2 "got '1 2'" $'1 2\n' quantize --type "$T"
expect_fail "comma decimal" 2 "got '1,5'" $'1,5\n' quantize --type "$T"
expect_fail "sign only" 2 "got '-'" $'-\n' quantize --type "$T"
expect_fail "exponent without digits" 2 "got '1e'" $'1e\n' quantize --type "$T"
expect_fail "beyond double" 2 "stdin line 4: '1e999'" $'1\n2\n3\n1e999\n' quantize --type "$T"
expect_fail "malformed line with --raw" 2 "stdin line 2:" $'1\nx\n' quantize --type "$T" --raw
expect_fail "malformed line with --encode" 2 "stdin line 1:" $'x\n' \
  quantize --type 'khot<8,1,2>' --encode
# With --stats nothing is printed when any line is malformed.
expect_stdout "malformed line with --stats" 2 '' $'0.5\n1\n1.2.3\n' quantize --type "$T" --stats

# Bad types: the parser's message (with the character position), exit 2.
expect_fail "bad type position" 2 "at character 9" $'1\n' quantize --type 'fixed<8,x>'
expect_fail "unknown type name" 2 "flixed" $'1\n' quantize --type 'flixed<8,3>'
expect_fail "W out of range" 2 "65" $'1\n' quantize --type 'fixed<65,3>'
expect_fail "unknown rounding" 2 "RND_UP" $'1\n' quantize --type 'fixed<8,3,RND_UP>'
expect_fail "unsigned WRAP_SM" 2 "WRAP_SM" $'1\n' quantize --type 'ufixed<8,3,TRN,WRAP_SM>'
expect_fail "khot without K" 2 "khot" $'1\n' quantize --type 'khot<8,1>'
expect_stdout "bad type prints nothing" 2 '' $'1\n' quantize --type 'fixed<8,x>'

# Options that do not fit together or the type.
expect_fail "--encode needs a K-hot type" 2 "khot" $'1\n' quantize --type "$T" --encode
expect_fail "--raw with --encode" 2 "--encode" $'1\n' quantize --type 'khot<8,1,2>' --raw --encode
expect_fail "--stats with --raw" 2 "--raw" $'1\n' quantize --type "$T" --stats --raw
expect_fail "--all-modes needs --stats" 2 "--stats" $'1\n' quantize --type "$T" --all-modes
expect_fail "--all-modes needs a fixed type" 2 "fixed" $'1\n' \
  quantize --type 'khot<8,1,2>' --stats --all-modes
expect_fail "--type is required" 2 "--type" $'1\n' quantize
expect_fail "unknown option" 2 "--rwa" $'1\n' quantize --type "$T" --rwa
expect_fail "unknown subcommand" 2 "quantise" '' quantise
expect_fail "no subcommand prints help" 2 "quantize" ''

finish
