#!/usr/bin/env bash
# fxsim network-from-model + fxsim run --network end to end on a model `fxsim train` writes from
# the real Fashion-MNIST files: the description names the model file relative to itself, the run
# takes the trained weights and the golden test images from it, every logit equals the golden
# logits and the top-1 count is the accuracy fxsim train measured (results.json, its LibTorch
# integer inference on the same 100 test images); foldings that do not fit the model and
# descriptions that differ from it are clear errors.
# Usage: test_network_from_model.sh PATH_TO_FXSIM
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PY=/usr/bin/python3

require_fashion_mnist

write_tiny_train_config "$WORK/tiny.toml" 3 'elementwise_bits = [6]
methods = ["qat_bp"]
khot_k = [2]'
"$FXSIM" train --config "$WORK/tiny.toml" --out "$WORK/a" >"$WORK/train.out" 2>&1
rc=$?
check "train exits 0 (got $rc): $(tail -3 "$WORK/train.out")" [ "$rc" = 0 ]
M="$WORK/a/model_qat_khot2_e8.fxm"

# --- the description ------------------------------------------------------------------------------
# Relative paths, from $WORK: the description names the model relative to its own directory.
mkdir -p "$WORK/nets"
cd "$WORK" || exit 1
expect_stdout "network-from-model --pe 4,2 --out" 0 \
  "wrote nets/mlp.toml: 2 dense blocks (fc1 PE 4 SIMD 8, fc2 PE 2 SIMD 4), 100 images of the golden test set
" "" network-from-model --model a/model_qat_khot2_e8.fxm --pe 4,2 --out nets/mlp.toml
check "the model named relative to the description" grep -qxF 'model = "../a/model_qat_khot2_e8.fxm"' \
  "$WORK/nets/mlp.toml"
check "fc1's formats are the model's" grep -qxF 'accumulator = "fixed<26,8,TRN,SAT,0>"' \
  "$WORK/nets/mlp.toml"

# --- the run: every logit the golden one, top-1 = results.json's accuracy -------------------------
"$FXSIM" run --network "$WORK/nets/mlp.toml" --json "$WORK/run.json" >"$WORK/run.out" 2>&1
rc=$?
check "run --network exits 0 (got $rc): $(tail -5 "$WORK/run.out")" [ "$rc" = 0 ]
check "the summary's golden line" grep -qE \
  '^  golden logits: 0 differ; top-1 [0-9]+ of 100 \([0-9.]+ %\), the model file.s [0-9]+ of 100' \
  "$WORK/run.out"
check "run: 100 images, 0 logit mismatches, top-1 = results.json's accuracy" \
  "$PY" - "$WORK/run.json" "$WORK/a/results.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
acc = [x["accuracy"] for x in t["variants"] if x["name"] == "qat_khot2_e8"]
g = r["runs"][0]["golden"]
ok = (r["network"]["images"] == 100 and g["images"] == 100 and g["logit_mismatches"] == 0
      and len(acc) == 1 and round(acc[0] * 100) == g["correct"] == g["golden_correct"]
      and r["runs"][0]["mismatches"] == 0 and r["passed"] is True
      and r["network"]["model"].endswith("a/model_qat_khot2_e8.fxm"))
if not ok:
    print(json.dumps(r["runs"][0]["golden"]), r["network"], acc, file=sys.stderr)
sys.exit(0 if ok else 1)
PYEOF

# --- errors ---------------------------------------------------------------------------------------
expect_fail "a PE that does not divide the outputs" 2 \
  "fxsim network-from-model: --pe: 3 does not divide fc1's 32 outputs; expected one of 1, 2, 4, 8, 16, 32" \
  "" network-from-model --model "$M" --pe 3
expect_fail "a --pe list of the wrong length" 2 \
  "fxsim network-from-model: --pe: 3 values for a model of 2 layers (fc1, fc2); expected one value for every layer or one per layer" \
  "" network-from-model --model "$M" --pe 4,2,1
expect_fail "more images than the golden results" 2 \
  "fxsim network-from-model: --images: 101; expected at most 100, the golden test images of the model file" \
  "" network-from-model --model "$M" --images 101
expect_fail "a missing model file" 2 "fxsim network-from-model: --model: File does not exist" \
  "" network-from-model --model "$WORK/none.fxm"
sed 's/^outputs = 10$/outputs = 8/' "$WORK/nets/mlp.toml" >"$WORK/nets/bad.toml"
line=$(grep -n '^\[\[layer\]\]$' "$WORK/nets/bad.toml" | sed -n 2p | cut -d: -f1)
expect_fail "a description that differs from its model" 2 \
  "fxsim run: $WORK/nets/bad.toml:$line: layer[1].outputs: 8; expected 10, the outputs of the model's fc2" \
  "" run --network "$WORK/nets/bad.toml"
expect_stdout "nothing is simulated" 2 "" "" run --network "$WORK/nets/bad.toml"

finish
