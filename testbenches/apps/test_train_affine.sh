#!/usr/bin/env bash
# `fxsim train` with affine variants end to end on the real Fashion-MNIST files: a tiny run (300
# training, 100 test images, hidden layer 32, int4 only) trained twice gives byte-identical
# results.json / results.csv and model files with the affine rows and columns, writes a version-3
# model file for each affine variant, prints them in its table; and an affine key on a CNN is a
# FILE:LINE error.
# Usage: test_train_affine.sh PATH_TO_FXSIM
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_fashion_mnist

write_tiny_train_config "$WORK/tiny.toml" 5 'elementwise_bits = [4]
methods = ["ptq"]
khot_k = []
affine_bits = [4]'

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
check "an affine row: per_channel, its model file" \
  grep -Eq '^affine_qat_int4_pc,qat,4,0,[0-9.]+,[0-9.]+,([^,]*/)?model_affine_qat_int4_pc.fxm,per_channel,[0-9.]+$' \
  "$WORK/a/results.csv"
check "every variant wrote a model file: $(ls "$WORK/a")" \
  [ "$(cd "$WORK/a" && ls ./*.fxm | tr '\n' ' ')" = "./model_affine_ptq_int4_pc.fxm ./model_affine_ptq_int4_pt.fxm ./model_affine_qat_int4_pc.fxm ./model_affine_qat_int4_pt.fxm ./model_ptq_e4.fxm " ]
for f in "$WORK"/a/*.fxm; do
  check "$(basename "$f") identical in both runs" cmp -s "$f" "$WORK/b/$(basename "$f")"
done
check "an affine model file is format version 3" \
  [ "$(od -An -tu4 -j8 -N4 "$WORK/a/model_affine_ptq_int4_pt.fxm" | tr -d ' ')" = 3 ]
check "the table lists the affine variants" grep -Eq '^affine_qat_int4_pc +4 +- +0\.[0-9]{4}$' \
  "$WORK/train_a.out"

# --- every affine model verifies bit-exactly on the layer engine ([requant]) ---------------------
for m in model_affine_ptq_int4_pt model_affine_qat_int4_pc; do
  "$FXSIM" verify --model "$WORK/a/$m.fxm" --quiet --json "$WORK/$m.json" >"$WORK/verify.out" 2>&1
  rc=$?
  check "verify $m exits 0 (got $rc): $(tail -3 "$WORK/verify.out")" [ "$rc" = 0 ]
  # The hardware's accuracy must be the integer-requant accuracy fxsim train reported.
  check "verify $m: 100 images, 0 mismatches, accuracy = results.json's integer_requant_accuracy" \
    /usr/bin/python3 - "$WORK/$m.json" "$WORK/a/results.json" "${m#model_}" <<'PYEOF'
import json, sys
v = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
acc = [x["integer_requant_accuracy"] for x in t["variants"] if x["name"] == sys.argv[3]]
ok = (v["images"] == 100 and v["logit_mismatches"] == 0 and v["passed"] is True
      and len(acc) == 1 and round(acc[0] * 100) == v["hardware_correct"]
      and all(l["mismatches"] == 0 for l in v["layers"]))
if not ok:
    print(v["images"], v["logit_mismatches"], v["hardware_correct"], acc, file=sys.stderr)
sys.exit(0 if ok else 1)
PYEOF
done
"$FXSIM" verify --model "$WORK/a/model_affine_ptq_int4_pt.fxm" --engine network >"$WORK/net.out" 2>&1
rc=$?
check "verify --engine network of an affine model exits 2 (got $rc)" [ "$rc" = 2 ]
check "... naming the layer engine: $(cat "$WORK/net.out")" \
  grep -q "an affine integer model (model file version 3) runs on the layer engine" "$WORK/net.out"

printf '[model]\nlayers = ["conv3x3-4", "pool2", "dense-10"]\n[quant]\naffine_bits = [8]\n' \
  >"$WORK/cnn.toml"
"$FXSIM" train --config "$WORK/cnn.toml" --out "$WORK/cnn" >"$WORK/cnn.out" 2>&1
rc=$?
check "an affine CNN config exits 2 (got $rc)" [ "$rc" = 2 ]
check "the error names FILE:LINE and the key: $(cat "$WORK/cnn.out")" \
  grep -q "cnn.toml:4: quant.affine_bits: affine variants quantize an MLP" "$WORK/cnn.out"
finish
