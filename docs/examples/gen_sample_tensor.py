#!/usr/bin/env python3
"""Writes sample_tensor.txt: 4096 weights of one layer, one per line, 17 significant digits.

The weights look like a trained fully connected layer before quantization: most are Gaussian
around zero (sigma 0.6), 2% are outliers with a wider spread (sigma 2.5), some beyond the
range of fixed<8,3> (-4 .. 3.96875), so that the overflow mode matters. Deterministic: Python's
Mersenne Twister with a fixed seed, so re-running this script reproduces the file byte for byte.

    python3 docs/examples/gen_sample_tensor.py > docs/examples/sample_tensor.txt
"""
import random
import sys

SEED = 20241123
COUNT = 4096
SIGMA = 0.6
OUTLIER_FRACTION = 0.02
OUTLIER_SIGMA = 2.5


def main() -> None:
    rng = random.Random(SEED)
    out = sys.stdout
    for _ in range(COUNT):
        sigma = OUTLIER_SIGMA if rng.random() < OUTLIER_FRACTION else SIGMA
        out.write(f"{rng.gauss(0.0, sigma):.17g}\n")


if __name__ == "__main__":
    main()
