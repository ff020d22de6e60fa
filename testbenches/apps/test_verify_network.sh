#!/usr/bin/env bash
# `fxsim verify` of a CNN model file end to end: testbenches/env/tests/data/cnn_tiny.fxm (conv 3x3
# pad 1 with BN + ReLU on 6x6x1 -> 4 channels, max-pool 2, dense 36 -> 5; written by
# verify_network_test.cpp, whose brute force computed its 24 golden logits) runs on the network
# engine by default, on both backends and in chunks: every logit bit-exact, the top-1 count 4 of
# 24 the test counted, the interval hand-worked there (conv0: 36 windows x 9 beats = 324 cycles),
# the same latency and interval on both backends and for any chunk size. A golden logit changed in
# the file (checksum recomputed) is exactly one mismatch, named; foldings that do not fit and the
# layer engine are clear errors.
# Usage: test_verify_network.sh PATH_TO_FXSIM DATA_DIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DATA=${2:?usage: $0 PATH_TO_FXSIM DATA_DIR}
PY=/usr/bin/python3
cp "$DATA/cnn_tiny.fxm" "$DATA/cnn_tiny_images.idx" "$WORK/"
cd "$WORK" || exit 1

# --- the model backend, one chunk (the default engine of a CNN) -----------------------------------
"$FXSIM" verify -m cnn_tiny.fxm --data . -q --json model.json >model.out 2>&1
rc=$?
check "verify exits 0 (got $rc): $(tail -3 model.out)" [ "$rc" = 0 ]
for line in \
  "engine    network, model backend, fast engine (24 images in 1 chunk of 24, clock 4 ns)" \
  "logits            0 of 120 differ from the golden model (0 images)" \
  "reference         0 outputs differ from the network reference" \
  "accuracy          hardware 0.1667 (4/24), golden 0.1667 (4/24), equal" \
  "result            PASS: every logit bit-exact"; do
  check "verify prints '$line'" grep -qxF "$line" model.out
done
check "verify: the blocks at the model's lanes" grep -qE \
  '^conv0 +conv +6x6x1/1 +6x6x4/4 +PE 4 SIMD 1 ' model.out
check "verify: interval 324 (conv0 the bottleneck)" grep -qE \
  '^interval +324 cycles an image in steady state = 771605 images/s at the clock \(bottleneck conv0\)$' \
  model.out

# --- the rtl backend and chunks of 5: the same logits check and cycles ----------------------------
"$FXSIM" verify -m cnn_tiny.fxm --data . -q -b rtl --json rtl.json >rtl.out 2>&1
rc=$?
check "verify -b rtl exits 0 (got $rc): $(tail -3 rtl.out)" [ "$rc" = 0 ]
"$FXSIM" verify -m cnn_tiny.fxm --data . --batch 5 --json chunks.json >chunks.out 2>chunks.err
rc=$?
check "verify --batch 5 exits 0 (got $rc): $(tail -3 chunks.out)" [ "$rc" = 0 ]
check "verify --batch 5: a progress line per chunk" [ "$(grep -c '^verify: ' chunks.err)" = 5 ]
check "both backends and every chunk size: 0 mismatches, the same cycles" \
  "$PY" - model.json rtl.json chunks.json <<'PYEOF'
import json, sys
m, r, c = (json.load(open(f)) for f in sys.argv[1:4])
ok = (m["engine"] == "network" and [m["backend"], r["backend"]] == ["model", "rtl"]
      and [m["chunks"], r["chunks"], c["chunks"]] == [1, 1, 5]
      and all(x["images"] == 24 and x["logit_mismatches"] == 0 and x["reference_mismatches"] == 0
              and x["hardware_correct"] == 4 and x["golden_correct"] == 4
              and x["interval_cycles"] == 324 and x["latency_cycles"] == m["latency_cycles"]
              and x["first_mismatch"] is None and x["passed"] is True for x in (m, r, c))
      and [b["kind"] for b in m["blocks"]] == ["conv", "pool", "dense"]
      and [b["pe"] for b in m["blocks"]] == [4, None, 1]
      and m["resources"]["dsp"] == sum(b["resources"]["dsp"] for b in m["blocks"]))
if not ok:
    print(m, r, c, file=sys.stderr)
sys.exit(0 if ok else 1)
PYEOF

# --- a golden logit changed in the file: exactly one mismatch, named ------------------------------
"$PY" - cnn_tiny.fxm bad.fxm <<'PYEOF'
import json, struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
h = struct.unpack("<I", b[12:16])[0]
head = json.loads(b[16:16 + h])
data = 16 + (h + 7) // 8 * 8
block = [x for x in head["blocks"] if x["name"] == head["golden"]["logits"]][0]
at = data + block["offset"] + 8 * (13 * 5 + 2)  # image 13, class 2
v = struct.unpack("<q", b[at:at + 8])[0]
b[at:at + 8] = struct.pack("<q", v + 1)
fnv = 0xcbf29ce484222325
for x in b[:-8]:
    fnv = ((fnv ^ x) * 0x100000001b3) & 0xffffffffffffffff
b[-8:] = struct.pack("<Q", fnv)
open(sys.argv[2], "wb").write(b)
print(v, file=open("right.txt", "w"))
PYEOF
right=$(cat right.txt)
"$FXSIM" verify -m bad.fxm --data . -q --batch 5 >bad.out 2>&1
rc=$?
check "a changed golden logit: exit 1 (got $rc)" [ "$rc" = 1 ]
check "a changed golden logit: 1 of 120 differ" \
  grep -qxF "logits            1 of 120 differ from the golden model (1 images)" bad.out
check "a changed golden logit: named" grep -qxF \
  "first mismatch    image 13, class 2: expected $((right + 1)), got $right" bad.out
check "a changed golden logit: FAIL" grep -qxF "result            FAIL" bad.out

# --- foldings and engines that do not fit ---------------------------------------------------------
expect_fail "verify --pe: a PE that does not divide conv0's channels" 2 \
  "fxsim verify: cnn_tiny.fxm: --pe: 3 does not divide conv0's 4 output channels; expected one \
of 1, 2, 4" "" verify -m cnn_tiny.fxm --data . --pe 3,1
expect_fail "verify --target-interval below the smallest reachable" 2 \
  "fxsim verify: cnn_tiny.fxm: --target-interval: no folding reaches an interval of 300 cycles an \
image; the smallest reachable is 324 (bottleneck conv0), with input.simd 1, conv0 PE 4, fc0 PE 1" \
  "" verify -m cnn_tiny.fxm --data . --target-interval 300
expect_fail "verify --target-interval with --pe" 2 "--pe excludes --target-interval" "" \
  verify -m cnn_tiny.fxm --data . --target-interval 400 --pe 4,1
expect_fail "verify --engine layer on a CNN" 2 \
  "fxsim verify: --engine layer: cnn_tiny.fxm: layer 0 is a conv layer; the layer engine runs \
dense layers one at a time and cannot run a CNN; expected --engine network (a CNN's default)" "" \
  verify -m cnn_tiny.fxm --engine layer
"$FXSIM" verify -m cnn_tiny.fxm --data . -q --target-interval 400 >fold.out 2>&1
rc=$?
check "verify --target-interval 400 exits 0 (got $rc): $(tail -3 fold.out)" [ "$rc" = 0 ]
check "verify --target-interval 400: the folding named" grep -qE \
  '^folding   --target-interval 400; input SIMD 1;' fold.out
finish
