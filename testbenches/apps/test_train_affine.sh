#!/usr/bin/env bash
# `fxsim train` with affine variants end to end on the real Fashion-MNIST files: a tiny run (300
# training, 100 test images, hidden layer 32, int4 only) trained twice gives byte-identical
# results.json / results.csv with the affine rows and columns, writes no model file for them,
# says so in its log, prints them in its table; and an affine key on a CNN is a FILE:LINE error.
# Usage: test_train_affine.sh PATH_TO_FXSIM
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ ! -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
  echo "FAIL: Fashion-MNIST is not installed (scripts/install-deps installs dataset-fashion-mnist)" >&2
  exit 1
fi

cat >"$WORK/tiny.toml" <<'TOML'
seed = 5
[data]
train_images = 300
test_images = 100
calibration_images = 100
[model]
hidden = [32]
[float]
epochs = 1
[qat]
epochs = 1
[quant]
elementwise_bits = [4]
methods = ["ptq"]
khot_k = []
affine_bits = [4]
TOML

for run in a b; do
  "$FXSIM" train --config "$WORK/tiny.toml" --out "$WORK/$run" >"$WORK/train_$run.out" 2>&1
  rc=$?
  check "train run $run exits 0 (got $rc): $(tail -3 "$WORK/train_$run.out")" [ "$rc" = 0 ]
done
check "results.csv identical in both runs" cmp -s "$WORK/a/results.csv" "$WORK/b/results.csv"
# results.json names the model files by their paths, which differ by the output directory.
check "results.json identical in both runs but for the output directory" \
  cmp -s <(sed "s|$WORK/a/||" "$WORK/a/results.json") <(sed "s|$WORK/b/||" "$WORK/b/results.json")
check "results.csv header has the affine columns: $(head -1 "$WORK/a/results.csv")" \
  [ "$(head -1 "$WORK/a/results.csv")" = \
    "variant,method,elementwise_bits,khot_k,accuracy,fake_accuracy,model_file,affine_weights,integer_requant_accuracy" ]
rows=$(cut -d, -f1 "$WORK/a/results.csv" | tail -n +2 | tr '\n' ' ')
check "results.csv rows: $rows" \
  [ "$rows" = "ptq_e4 affine_ptq_int4_pt affine_qat_int4_pt affine_ptq_int4_pc affine_qat_int4_pc " ]
check "the fixed-point row has an empty affine_weights column" \
  grep -q '^ptq_e4,ptq,4,0,.*,model_ptq_e4.fxm,,$' "$WORK/a/results.csv"
check "an affine row: per_channel, no model file" \
  grep -Eq '^affine_qat_int4_pc,qat,4,0,[0-9.]+,[0-9.]+,,per_channel,[0-9.]+$' "$WORK/a/results.csv"
check "only the fixed-point variant wrote a model file: $(ls "$WORK/a")" \
  [ "$(cd "$WORK/a" && ls ./*.fxm | tr '\n' ' ')" = "./model_ptq_e4.fxm " ]
check "the log says affine variants are not exported" \
  grep -q '^\[affine_ptq_int4_pt\] integer accuracy .*no model file (affine variants are not exported yet)' \
  "$WORK/train_a.out"
check "the table lists the affine variants" grep -Eq '^affine_qat_int4_pc +4 +- +0\.[0-9]{4}$' \
  "$WORK/train_a.out"

printf '[model]\nlayers = ["conv3x3-4", "pool2", "dense-10"]\n[quant]\naffine_bits = [8]\n' \
  >"$WORK/cnn.toml"
"$FXSIM" train --config "$WORK/cnn.toml" --out "$WORK/cnn" >"$WORK/cnn.out" 2>&1
rc=$?
check "an affine CNN config exits 2 (got $rc)" [ "$rc" = 2 ]
check "the error names FILE:LINE and the key: $(cat "$WORK/cnn.out")" \
  grep -q "cnn.toml:4: quant.affine_bits: affine variants quantize an MLP" "$WORK/cnn.out"
finish
