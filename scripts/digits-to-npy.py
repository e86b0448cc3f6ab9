#!/usr/bin/python3
"""scikit-learn's digits data set (Debian: python3-sklearn ships it as
sklearn/datasets/data/digits.csv.gz) as .npy files for examples/digits.

    scripts/digits-to-npy.py OUT_DIR

Writes train_x.npy / test_x.npy (float32, pixels scaled to [0, 1]) and
train_y.npy / test_y.npy (int64 labels): a fixed split, every fifth sample
(index % 5 == 0) for the test set, so the split is the same everywhere.
"""
import gzip
import os
import sys

import numpy as np

SOURCES = [
    "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz",
]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: digits-to-npy.py OUT_DIR")
    source = next((p for p in SOURCES if os.path.exists(p)), None)
    if source is None:
        sys.exit("digits-to-npy.py: digits.csv.gz not found; "
                 "install it with: apt-get install python3-sklearn")
    with gzip.open(source, "rt") as f:
        data = np.loadtxt(f, delimiter=",")
    x = (data[:, :64] / 16.0).astype(np.float32)
    y = data[:, 64].astype(np.int64)
    test = np.arange(len(y)) % 5 == 0
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "train_x.npy"), x[~test])
    np.save(os.path.join(out, "train_y.npy"), y[~test])
    np.save(os.path.join(out, "test_x.npy"), x[test])
    np.save(os.path.join(out, "test_y.npy"), y[test])
    print(f"digits: {int((~test).sum())} training and {int(test.sum())} "
          f"test samples in {out}")


if __name__ == "__main__":
    main()
