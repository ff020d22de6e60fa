#!/usr/bin/env bash
# fxsim train + fxsim verify end to end on the real Fashion-MNIST files (dataset-fashion-mnist):
# a tiny run (300 training images, 100 test images, hidden layer 32) trained twice must give
# byte-identical model files; every exported model must verify bit-exactly on the model backend
# with the accuracy `fxsim train` measured with its LibTorch integer inference (results.json);
# one on the Verilated RTL backend; and bad configs / model files / options must be clear errors.
# Usage: test_train_verify.sh PATH_TO_FXSIM
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PY=/usr/bin/python3

require_fashion_mnist

write_tiny_train_config "$WORK/tiny.toml" 3 'elementwise_bits = [4]
methods = ["ptq", "qat_bp"]
khot_k = [2]'

# --- training, twice: deterministic ---------------------------------------------------------------
for run in a b; do
  "$FXSIM" train --config "$WORK/tiny.toml" --out "$WORK/$run" >"$WORK/train_$run.out" 2>&1
  rc=$?
  check "train run $run exits 0 (got $rc): $(tail -3 "$WORK/train_$run.out")" [ "$rc" = 0 ]
done
models="model_ptq_e4.fxm model_qat_bp_e4.fxm model_ptq_khot2_e8.fxm model_qat_khot2_e8.fxm"
for m in $models results.csv; do
  check "train writes $m" [ -s "$WORK/a/$m" ]
  check "$m is byte-identical across two runs with the same seed" cmp -s "$WORK/a/$m" "$WORK/b/$m"
done

# --- verify every model on the model backend ------------------------------------------------------
for m in $models; do
  "$FXSIM" verify --model "$WORK/a/$m" --quiet --json "$WORK/$m.json" >"$WORK/verify.out" 2>&1
  rc=$?
  check "verify $m exits 0 (got $rc): $(tail -3 "$WORK/verify.out")" [ "$rc" = 0 ]
  variant=${m#model_}
  variant=${variant%.fxm}
  # The hardware's accuracy must be the accuracy fxsim train reported for the variant, computed
  # there by the LibTorch integer inference on the same 100 test images.
  check "verify $m: 100 images, 0 logit mismatches, accuracy = results.json's" \
    "$PY" - "$WORK/$m.json" "$WORK/a/results.json" "$variant" <<'PYEOF'
import json, sys
v = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
acc = [x["accuracy"] for x in t["variants"] if x["name"] == sys.argv[3]]
ok = (v["images"] == 100 and v["logit_mismatches"] == 0 and v["passed"] is True
      and len(acc) == 1 and round(acc[0] * 100) == v["hardware_correct"]
      and v["hardware_correct"] == v["golden_correct"])
if not ok:
    print(v["images"], v["logit_mismatches"], v["hardware_correct"], v["golden_correct"], acc,
          file=sys.stderr)
sys.exit(0 if ok else 1)
PYEOF
done
# Latency of one image, hand-worked from docs/engine.md (PE 8, stages 2 + 2):
#   fc1 784->32: 4 x 98 beats + 3 + 3 = 398; fc2 32->10 (SIMD 8, with BN too): 2 x 4 + 3 + 3 = 14.
check "verify: one image takes 398 + 14 cycles" "$PY" -c "
import json, sys
v = json.load(open('$WORK/model_qat_bp_e4.fxm.json'))
sys.exit(0 if [l['single_image_cycles'] for l in v['layers']] == [398, 14] else 1)"

# --- the per-layer table: --pe per layer, the model file's SIMD and formats, resources -----------
"$FXSIM" verify -m "$WORK/a/model_qat_bp_e4.fxm" -n 10 -q --pe 4,2 --json "$WORK/pe.json" \
  >"$WORK/pe.out" 2>&1
rc=$?
check "verify --pe 4,2 exits 0 (got $rc): $(tail -3 "$WORK/pe.out")" [ "$rc" = 0 ]
# fc1 784->32 on PE 4: 8 folds x 98 beats + 3 + 3 = 790; fc2 32->10 on PE 2: 5 x 4 + 3 + 3 = 26.
check "verify --pe 4,2: layer rows in -> out, PE, SIMD, cycles" grep -qE \
  '^fc1 +784 -> 32 +4 +8 +[0-9]+ +790 ' "$WORK/pe.out"
check "verify --pe 4,2: fc2's row" grep -qE '^fc2 +32 -> 10 +2 +8 +[0-9]+ +26 ' "$WORK/pe.out"
check "verify: the table's header" grep -qE \
  '^layer +in -> out +PE +SIMD +cycles\(total\) +cycles\(1 img\) +transfers +LUT +FF +DSP +mismatches$' \
  "$WORK/pe.out"
check "verify: fc1's formats" grep -qF 'fc1        ufixed<8,0,RND_CONV,SAT,0> x fixed<8,' "$WORK/pe.out"
check "verify --pe 4,2: JSON per layer" "$PY" - "$WORK/pe.json" <<'PYEOF'
import json, sys
v = json.load(open(sys.argv[1]))
L = v["layers"]
ok = (v["pe"] == [4, 2] and [l["pe"] for l in L] == [4, 2] and [l["simd"] for l in L] == [8, 8]
      and [l["single_image_cycles"] for l in L] == [790, 26]
      and L[0]["types"]["input"] == "ufixed<8,0,RND_CONV,SAT,0>"
      and L[1]["types"]["input"] == L[0]["bn"]["output"] and L[0]["bn"]["activation"] == "relu"
      and v["family"] == "xc7" and all(l["resources"]["lut"] > 0 for l in L)
      and all(v["resources"][k] == sum(l["resources"][k] for l in L)
              for k in ("lut", "ff", "carry", "dsp"))
      and v["passed"] is True)
if not ok:
    print(json.dumps(v, indent=1)[:3000], file=sys.stderr)
sys.exit(0 if ok else 1)
PYEOF
expect_fail "verify: --pe with a wrong count" 2 \
  "fxsim verify: --pe 4,2,1: 3 values for a model of 2 layers (fc1, fc2); expected one value per \
layer (2) or one for every layer" "" verify -m "$WORK/a/model_ptq_e4.fxm" --pe 4,2,1

# --- one model on the Verilated RTL backend -------------------------------------------------------
"$FXSIM" verify -m "$WORK/a/model_qat_khot2_e8.fxm" -b rtl -n 10 -q --json "$WORK/rtl.json" \
  >"$WORK/verify.out" 2>&1
rc=$?
check "verify --backend rtl exits 0 (got $rc): $(tail -3 "$WORK/verify.out")" [ "$rc" = 0 ]
check "verify --backend rtl: 10 images, 0 mismatches, 398 + 14 cycles" "$PY" -c "
import json, sys
v = json.load(open('$WORK/rtl.json'))
sys.exit(0 if v['images'] == 10 and v['logit_mismatches'] == 0 and v['backend'] == 'rtl'
         and [l['single_image_cycles'] for l in v['layers']] == [398, 14] else 1)"

# --- errors -----------------------------------------------------------------------------------------
printf 'seed = 1\n[float]\nepochz = 2\n' >"$WORK/bad.toml"
expect_fail "train: unknown key" 2 "fxsim train: $WORK/bad.toml:3: float.epochz: unknown key; \
expected one of epochs, batch_size, learning_rate" "" train --config "$WORK/bad.toml" --out "$WORK/c"
printf 'seed = 1\nepochs = 2\n' >"$WORK/top.toml"
expect_fail "train: a table's key at the top level" 2 "top.toml:2: epochs: unknown key; expected \
one of seed, data, model, float, qat, quant, binary, export; \`epochs\` is a key of a table: put it \
under [float], [qat] or [binary]" "" train --config "$WORK/top.toml" --out "$WORK/c"
head -c 200 "$WORK/a/model_ptq_e4.fxm" >"$WORK/short.fxm"
expect_fail "verify: truncated model file" 2 "short.fxm: truncated" "" verify -m "$WORK/short.fxm"
expect_fail "verify: more images than the golden results" 2 \
  "holds golden results for 100 images" "" verify -m "$WORK/a/model_ptq_e4.fxm" -n 101
expect_fail "verify: images not found" 2 "--data" "" verify -m "$WORK/a/model_ptq_e4.fxm" \
  --data "$WORK/nowhere"
expect_fail "verify: unknown backend" 2 "backend" "" verify -m "$WORK/a/model_ptq_e4.fxm" -b gpu

# --- a golden logit changed, and a typo in the header (the file's checksum fixed each time) -------
# Image 3's logit of its last class that is not the row's first maximum, lowered by one (the
# stored accuracy stays true): verify names image, class and both raws. Then "accuracy" misspelt.
"$PY" - "$WORK/a/model_ptq_e4.fxm" "$WORK/bad.fxm" "$WORK/typo.fxm" "$WORK/right.txt" <<'PYEOF'
import json, struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
def fix(b):
    fnv = 0xcbf29ce484222325
    for x in b[:-8]:
        fnv = ((fnv ^ x) * 0x100000001b3) & 0xffffffffffffffff
    b[-8:] = struct.pack("<Q", fnv)
    return b
h = struct.unpack("<I", b[12:16])[0]
head = json.loads(b[16:16 + h])
data = 16 + (h + 7) // 8 * 8
block = [x for x in head["blocks"] if x["name"] == head["golden"]["logits"]][0]
row = [struct.unpack("<q", b[data + block["offset"] + 8 * (30 + c):][:8])[0] for c in range(10)]
c = max(k for k in range(10) if k != row.index(max(row)))
at = data + block["offset"] + 8 * (30 + c)
b2 = bytearray(b)
b2[at:at + 8] = struct.pack("<q", row[c] - 1)
open(sys.argv[2], "wb").write(fix(b2))
t = bytearray(b)
i = t.index(b'"accuracy"')
t[i:i + 10] = b'"accuracX"'
open(sys.argv[3], "wb").write(fix(t))
print(c, row[c], file=open(sys.argv[4], "w"))
PYEOF
read -r cls right <"$WORK/right.txt"
"$FXSIM" verify -m "$WORK/bad.fxm" -n 10 -q >"$WORK/bad.out" 2>&1
rc=$?
check "verify: a changed golden logit exits 1 (got $rc)" [ "$rc" = 1 ]
check "verify: a changed golden logit is named" grep -qxF \
  "first mismatch    image 3, class $cls: expected $((right - 1)), got $right" "$WORK/bad.out"
expect_fail "verify: a misspelt header key" 2 "fxsim verify: $WORK/typo.fxm: golden.accuracX: \
unknown key; expected one of images, count, classes, logits_type, accuracy, logits, labels" "" \
  verify -m "$WORK/typo.fxm"

# --- the network engine (an MLP on request): the layer engine's logits and accuracy ---------------
# All 100 images in chunks of 30 (4 runs) on the model backend, then on the stitched RTL: 0 logit
# mismatches, the layer engine's top-1 count (its JSON above), the same latency and interval on
# both backends; fc1 at the model's lanes (PE 8 = fc2's SIMD), fc2 at PE 1.
"$FXSIM" verify -m "$WORK/a/model_qat_khot2_e8.fxm" --engine network --batch 30 -q \
  --json "$WORK/net.json" >"$WORK/net.out" 2>&1
rc=$?
check "verify --engine network exits 0 (got $rc): $(tail -3 "$WORK/net.out")" [ "$rc" = 0 ]
"$FXSIM" verify -m "$WORK/a/model_qat_khot2_e8.fxm" --engine network -b rtl -q \
  --json "$WORK/net_rtl.json" >"$WORK/net.out" 2>&1
rc=$?
check "verify --engine network -b rtl exits 0 (got $rc): $(tail -3 "$WORK/net.out")" [ "$rc" = 0 ]
check "verify --engine network: both backends bit-exact, the layer engine's accuracy" \
  "$PY" - "$WORK/net.json" "$WORK/net_rtl.json" "$WORK/model_qat_khot2_e8.fxm.json" <<'PYEOF'
import json, sys
m, r, layer = (json.load(open(f)) for f in sys.argv[1:4])
ok = (m["engine"] == "network" and m["backend"] == "model" and r["backend"] == "rtl"
      and m["images"] == r["images"] == 100 and m["chunks"] == 4 and r["chunks"] == 1
      and m["logit_mismatches"] == r["logit_mismatches"] == 0
      and m["reference_mismatches"] == r["reference_mismatches"] == 0
      and m["hardware_correct"] == r["hardware_correct"] == layer["hardware_correct"]
      and m["latency_cycles"] == r["latency_cycles"] > 0
      and m["interval_cycles"] == r["interval_cycles"] > 0
      and [b["pe"] for b in m["blocks"]] == [8, 1] and [b["simd"] for b in m["blocks"]] == [8, 8]
      and m["passed"] is True and r["passed"] is True)
if not ok:
    print(m, r, file=sys.stderr)
sys.exit(0 if ok else 1)
PYEOF
expect_fail "verify --engine network: a --pe that does not fit" 2 \
  "--pe: 3 does not divide fc1's 32 outputs; expected one of 1, 2, 4, 8, 16, 32" "" \
  verify -m "$WORK/a/model_ptq_e4.fxm" --engine network --pe 3,1
expect_fail "verify: a network engine option on the layer engine" 2 \
  "fxsim verify: --target-interval: the network engine's option; this run is on the layer engine \
(expected --engine network)" "" verify -m "$WORK/a/model_ptq_e4.fxm" --target-interval 100
CNN="$(cd "$(dirname "${BASH_SOURCE[0]}")/../golden/data" && pwd)/cnn_v2.fxm"
expect_fail "verify: --engine layer on a CNN" 2 \
  "fxsim verify: --engine layer: $CNN: layer 0 is a conv layer; the layer engine runs dense layers \
one at a time and cannot run a CNN; expected --engine network (a CNN's default)" "" \
  verify -m "$CNN" --engine layer
finish
