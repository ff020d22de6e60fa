#!/usr/bin/env bash
# `fxsim train` [binary] + `fxsim verify --engine network` end to end on the real Fashion-MNIST
# files: a tiny run (300 training, 100 test images, hidden layer 32, one epoch) of the binary-weight,
# ternary-weight and BNN variants writes version-4 model files; each streams on the network engine
# (dense blocks of engine binary / ternary / xnor with bn_act or sign thresholds) with 0 logit
# mismatches and the accuracy the layer engine measures on the same images (which checks every
# layer against golden/bipolar_network); the BNN also on the stitched RTL.
# Usage: test_train_binary_network.sh PATH_TO_FXSIM
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PY=/usr/bin/python3

require_fashion_mnist

write_tiny_train_config "$WORK/tiny.toml" 7 'methods = []
khot_k = []
[binary]
variants = ["binary", "ternary", "bnn"]
epochs = 1'

"$FXSIM" train --config "$WORK/tiny.toml" --out "$WORK/a" >"$WORK/train.out" 2>&1
rc=$?
check "train exits 0 (got $rc): $(tail -3 "$WORK/train.out")" [ "$rc" = 0 ]

for v in binary ternary bnn; do
  m="$WORK/a/model_$v.fxm"
  check "train writes model_$v.fxm: $(ls "$WORK/a")" [ -s "$m" ]
  check "model_$v.fxm is format version 4" [ "$(od -An -tu4 -j8 -N4 "$m" | tr -d ' ')" = 4 ]
  "$FXSIM" verify -m "$m" -q --json "$WORK/$v.layer.json" >"$WORK/layer.out" 2>&1
  rc=$?
  check "verify $v (layer engine) exits 0 (got $rc): $(tail -3 "$WORK/layer.out")" [ "$rc" = 0 ]
  "$FXSIM" verify -m "$m" --engine network -q --json "$WORK/$v.net.json" >"$WORK/net.out" 2>&1
  rc=$?
  check "verify $v --engine network exits 0 (got $rc): $(tail -3 "$WORK/net.out")" [ "$rc" = 0 ]
  check "verify $v --engine network prints PASS" grep -qxF "result            PASS: every logit bit-exact" "$WORK/net.out"
  check "verify $v --engine network: 100 images, 0 mismatches, the layer engine's accuracy" \
    "$PY" - "$WORK/$v.net.json" "$WORK/$v.layer.json" "$v" <<'PYEOF'
import json, sys
n, l = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ok = (n["engine"] == "network" and n["images"] == 100 and n["logit_mismatches"] == 0
      and n["reference_mismatches"] == 0 and n["passed"] is True
      and l["logit_mismatches"] == 0 and n["hardware_correct"] == l["hardware_correct"]
      and n["golden_correct"] == n["hardware_correct"]
      and [b["kind"] for b in n["blocks"]] == ["dense", "dense"]
      and n["resources"]["dsp"] == sum(b["resources"]["dsp"] for b in n["blocks"]))
if not ok:
    print(n, l, file=sys.stderr)
sys.exit(0 if ok else 1)
PYEOF
done

"$FXSIM" verify -m "$WORK/a/model_bnn.fxm" --engine network -b rtl -n 20 -q \
  --json "$WORK/bnn.rtl.json" >"$WORK/rtl.out" 2>&1
rc=$?
check "verify bnn --engine network -b rtl exits 0 (got $rc): $(tail -3 "$WORK/rtl.out")" [ "$rc" = 0 ]
check "verify bnn -b rtl: 20 images, 0 mismatches, the model backend's interval" \
  "$PY" - "$WORK/bnn.rtl.json" "$WORK/bnn.net.json" <<'PYEOF'
import json, sys
r, m = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ok = (r["backend"] == "rtl" and r["images"] == 20 and r["logit_mismatches"] == 0
      and r["reference_mismatches"] == 0 and r["passed"] is True
      and r["interval_cycles"] == m["interval_cycles"] and r["latency_cycles"] == m["latency_cycles"])
if not ok:
    print(r, m, file=sys.stderr)
sys.exit(0 if ok else 1)
PYEOF
finish
