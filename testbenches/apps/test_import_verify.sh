#!/usr/bin/env bash
# `fxsim import` then `fxsim verify`, end to end, on the ONNX files Debian's PyTorch exported
# (testbenches/golden/onnx/make_onnx_models.py, the ctest fixture onnx_models): the MLP on the
# layer engine and the CNN on the network engine, every logit bit-exact against the golden logits
# the import wrote, on the SystemC model (200 images) and on the Verilated RTL (20 images). A file
# that is not ONNX is exit 2 with the reason, and nothing is written.
# Usage: test_import_verify.sh PATH_TO_FXSIM MODELS_DIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MODELS=${2:?usage: $0 PATH_TO_FXSIM MODELS_DIR}
cd "$WORK" || exit 1

check() {  # NAME CONDITION-COMMAND...
  local name=$1
  shift
  CHECKS=$((CHECKS + 1))
  if ! "$@"; then fail "$name"; fi
}

for name in mlp cnn; do
  "$FXSIM" import "$MODELS/$name.onnx" -o "$name.fxm" --test-images 200 --threads 2 \
    >"import_$name.out" 2>&1
  rc=$?
  check "import $name exits 0 (got $rc): $(tail -3 "import_$name.out")" [ "$rc" = 0 ]
  check "import $name wrote $name.fxm" [ -s "$name.fxm" ]
  for backend in model rtl; do
    images=200
    [ "$backend" = rtl ] && images=20
    "$FXSIM" verify -m "$name.fxm" --backend "$backend" --images "$images" \
      >"verify_${name}_$backend.out" 2>&1
    rc=$?
    check "verify $name on $backend exits 0 (got $rc): $(tail -3 "verify_${name}_$backend.out")" \
      [ "$rc" = 0 ]
    check "verify $name on $backend: every logit bit-exact" \
      grep -qE "^result +PASS" "verify_${name}_$backend.out"
  done
done

printf 'not a protobuf\n' >bad.onnx
"$FXSIM" import bad.onnx -o bad.fxm >bad.out 2>&1
rc=$?
check "import of a text file exits 2 (got $rc)" [ "$rc" = 2 ]
check "import of a text file says why: $(cat bad.out)" grep -qF \
  "fxsim import: bad.onnx: not an ONNX model (the file does not parse as an ONNX ModelProto)" \
  bad.out
check "import of a text file writes nothing" [ ! -e bad.fxm ]

finish
