#!/usr/bin/env bash
# fxsim --help, fxsim quantize --help and fxsim --version.
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

finish
