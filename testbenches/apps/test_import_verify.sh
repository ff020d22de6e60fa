#!/usr/bin/env bash
# `fxsim import` then `fxsim verify`, end to end, on the ONNX files Debian's PyTorch exported
# (testbenches/golden/onnx/make_onnx_models.py, the ctest fixture onnx_models): the MLP on the
# layer engine and the CNNs (one downsampling by strided convolutions) on the network engine, every logit bit-exact against the golden logits
# the import wrote, on the SystemC model (200 images) and on the Verilated RTL (20 images); the
# QONNX MLP with its graph's formats, bit-exact on the model backend; a three-channel CNN whose
# data come as raw tensor files, on both backends; a CNN with its batch norms folded forward. A
# file that is not ONNX is exit 2 with the reason, and nothing is written.
# Usage: test_import_verify.sh PATH_TO_FXSIM MODELS_DIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MODELS=${2:?usage: $0 PATH_TO_FXSIM MODELS_DIR}
cd "$WORK" || exit 1

for name in mlp cnn cnn_strided; do
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

# The QONNX MLP (Quant nodes, power-of-two scales; it reads pixel / 256).
"$FXSIM" import "$MODELS/qonnx_mlp.onnx" -o qonnx.fxm --input-divisor 256 --test-images 100 \
  >import_qonnx.out 2>&1
rc=$?
check "import qonnx_mlp exits 0 (got $rc): $(tail -3 import_qonnx.out)" [ "$rc" = 0 ]
check "import qonnx_mlp keeps the graph's formats" grep -qE \
  '^  fc1: weight fixed<8,2,RND_CONV,SAT,0>, mac fixed<17,[0-9]+,.* out ufixed<8,4,RND_CONV,SAT,0>$' \
  import_qonnx.out
"$FXSIM" verify -m qonnx.fxm --images 100 >verify_qonnx.out 2>&1
rc=$?
check "verify qonnx_mlp exits 0 (got $rc): $(tail -3 verify_qonnx.out)" [ "$rc" = 0 ]

# Data from IDX files named on the command line (here a copy of 60 Fashion-MNIST test images
# and labels, plain IDX): the golden results name the file by its absolute path, so verify finds
# it without --data; labels without images' count are refused.
FM=/usr/share/datasets/fashion-mnist
gzip -dc "$FM/t10k-images-idx3-ubyte.gz" >test-images.idx
gzip -dc "$FM/t10k-labels-idx1-ubyte.gz" >test-labels.idx
"$FXSIM" import "$MODELS/mlp.onnx" -o own_data.fxm --test-idx test-images.idx \
  --test-labels-idx test-labels.idx --calibration-idx test-images.idx --test-images 60 \
  --calibration-images 200 >import_own.out 2>&1
rc=$?
check "import with IDX files exits 0 (got $rc): $(tail -3 import_own.out)" [ "$rc" = 0 ]
check "import with IDX files: 60 test images" grep -qF "on 60 test images)" import_own.out
(cd / && "$FXSIM" verify -m "$WORK/own_data.fxm" >"$WORK/verify_own.out" 2>&1)
rc=$?
check "verify finds the test IDX file by its path (got $rc): $(tail -3 verify_own.out)" [ "$rc" = 0 ]
"$FXSIM" import "$MODELS/mlp.onnx" -o no_labels.fxm --test-idx test-images.idx >no_labels.out 2>&1
rc=$?
check "--test-idx without labels exits 2 (got $rc)" [ "$rc" = 2 ]
check "--test-idx without labels says so: $(cat no_labels.out)" grep -qF -- \
  "--test-idx: expected --test-labels-idx with it" no_labels.out
check "--test-idx without labels writes nothing" [ ! -e no_labels.fxm ]

# --config: the file's formats (6-bit element-wise, 2-hot BN scales), a command-line option over
# the file's value (--test-images 50 over 300); an unknown key is FILE:LINE: table.key.
printf '[quant]\nbits = 6\nkhot_scale = 2\n[data]\ntest_images = 300\n' >import.toml
"$FXSIM" import "$MODELS/mlp.onnx" -o config.fxm --config import.toml --test-images 50 \
  >import_config.out 2>&1
rc=$?
check "import --config exits 0 (got $rc): $(tail -3 import_config.out)" [ "$rc" = 0 ]
check "import --config: the file's formats" grep -qE \
  '^  fc1: .*scale khot<6,[0-9-]+,2>, bias fixed<6,.* out ufixed<6,' import_config.out
check "import --config: the command line's --test-images" grep -qF "on 50 test images)" \
  import_config.out
printf '[quant]\nbitz = 6\n' >typo.toml
"$FXSIM" import "$MODELS/mlp.onnx" -o typo.fxm --config typo.toml >typo.out 2>&1
rc=$?
check "import --config with a typo exits 2 (got $rc)" [ "$rc" = 2 ]
check "import --config names the key: $(cat typo.out)" grep -qF \
  "fxsim import: typo.toml:2: quant.bitz: unknown key; expected one of weight_bits, mac_bits, bits," \
  typo.out
check "import --config with a typo writes nothing" [ ! -e typo.fxm ]

# Three-channel images as raw tensor files (N x 3 x 14 x 14 uint8, PyTorch's order): the test
# images are converted into rgb.test-images.idx beside the model file, which verify reads; the
# CNN on the network engine, both backends. Fashion-MNIST's one channel is refused with the fix.
"$FXSIM" import "$MODELS/rgb_cnn.onnx" -o rgb.fxm --calibration-raw "$MODELS/rgb_calibration.u8" \
  --test-raw "$MODELS/rgb_test.u8" --test-labels-raw "$MODELS/rgb_test_labels.u8" \
  --test-images 200 >import_rgb.out 2>&1
rc=$?
check "import rgb_cnn from raw files exits 0 (got $rc): $(tail -3 import_rgb.out)" [ "$rc" = 0 ]
check "import rgb_cnn wrote the test images as IDX" [ -s rgb.test-images.idx ]
for backend in model rtl; do
  images=200
  [ "$backend" = rtl ] && images=10
  "$FXSIM" verify -m rgb.fxm --backend "$backend" --images "$images" >"verify_rgb_$backend.out" 2>&1
  rc=$?
  check "verify rgb_cnn on $backend exits 0 (got $rc): $(tail -3 "verify_rgb_$backend.out")" \
    [ "$rc" = 0 ]
  check "verify rgb_cnn on $backend: every logit bit-exact" \
    grep -qE "^result +PASS" "verify_rgb_$backend.out"
done
"$FXSIM" import "$MODELS/rgb_cnn.onnx" -o rgb_fm.fxm >rgb_fm.out 2>&1
rc=$?
check "import rgb_cnn on Fashion-MNIST exits 2 (got $rc)" [ "$rc" = 2 ]
check "import rgb_cnn on Fashion-MNIST says why: $(cat rgb_fm.out)" grep -qF \
  "calibration images: the network reads 14 x 14 x 3 = 588 values an image; the images have 28 x 28 x 1 = 784 pixels (images of several channels come as raw tensor files: --calibration-raw, --test-raw)" \
  rgb_fm.out
check "import rgb_cnn on Fashion-MNIST writes nothing" [ ! -e rgb_fm.fxm ]

# Batch norms after the activation, folded into the next layer's weights: bit-exact on the model.
"$FXSIM" import "$MODELS/cnn_bn_after.onnx" -o bn_after.fxm --test-images 100 >import_bn.out 2>&1
rc=$?
check "import cnn_bn_after exits 0 (got $rc): $(tail -3 import_bn.out)" [ "$rc" = 0 ]
check "import cnn_bn_after says what it folded" grep -qF \
  "folded into '/4/Conv''s weights and bias" import_bn.out
"$FXSIM" verify -m bn_after.fxm --images 100 >verify_bn.out 2>&1
rc=$?
check "verify cnn_bn_after exits 0 (got $rc): $(tail -3 verify_bn.out)" [ "$rc" = 0 ]

printf 'not a protobuf\n' >bad.onnx
"$FXSIM" import bad.onnx -o bad.fxm >bad.out 2>&1
rc=$?
check "import of a text file exits 2 (got $rc)" [ "$rc" = 2 ]
check "import of a text file says why: $(cat bad.out)" grep -qF \
  "fxsim import: bad.onnx: not an ONNX model (the file does not parse as an ONNX ModelProto)" \
  bad.out
check "import of a text file writes nothing" [ ! -e bad.fxm ]

finish
