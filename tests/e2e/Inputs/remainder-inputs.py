"""Operands of `%` for remainder-logic.test: the special cases of C's fmod
(zeros, infinities, NaN, a divisor larger than the dividend, the largest
and the smallest magnitudes, subnormals, quotients past 2^24 and 2^53)
in every sign, then random ones of spread exponents.
  remainder-inputs.py DIR SEED"""
import sys

import numpy as np

out, seed = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(seed)
special = [(5.5, 2.0), (0.0, 3.0), (7.0, 0.0), (np.inf, 2.0), (2.0, np.inf),
           (np.nan, 1.0), (1.0, np.nan), (np.inf, np.inf), (1.0, 3.0),
           (3.0e38, 1.0e-38), (3.0e38, 7.0), (1.0e-45, 1.0), (1.0, 1.0e-45),
           (1.0e-40, 3.0e-41), (16777217.0, 3.0), (6.0, 3.0), (1.0e30, 0.1),
           (2.5e-39, 1.0e-39), (0.0, 0.0), (1.0, 1.0)]
pairs = [(sa * a, sb * b) for a, b in special
         for sa in (1, -1) for sb in (1, -1)]
a32 = np.array([p[0] for p in pairs], np.float32)
b32 = np.array([p[1] for p in pairs], np.float32)
n = 61
ra = (rng.standard_normal(n) * 10.0 ** rng.integers(-30, 30, n))
rb = (rng.standard_normal(n) * 10.0 ** rng.integers(-30, 30, n))
with np.errstate(over="ignore"):
    a = np.concatenate([a32, ra.astype(np.float32)])
    b = np.concatenate([b32, rb.astype(np.float32)])
big = [(1.0e308, 1.0e-308), (5.0e-324, 1.0), (1.0e300, 3.0), (9.0e15 + 1, 2.0)]
c = np.concatenate([a.astype(np.float64), [x for x, _ in big],
                    [-x for x, _ in big]])[:a.size]
d = np.concatenate([b.astype(np.float64), [y for _, y in big],
                    [y for _, y in big]])[:b.size]
c[:8] = [1.0e308, 5.0e-324, 1.0e300, 9.0e15 + 1, -1.0e308, -5.0e-324, 7.0, 0.0]
d[:8] = [1.0e-308, 1.0, 3.0, 2.0, 1.0e-308, -1.0, 1.0e-300, 5.0]
i = rng.integers(-1000, 1000, a.size).astype(np.int32)
j = rng.integers(-40, 40, a.size).astype(np.int32)
j[j == 0] = 7
i[:4] = [np.iinfo(np.int32).min, np.iinfo(np.int32).max, -7, 7]
j[:4] = [-1, -1, 2, -2]
for name, v in dict(a=a, b=b, c=c, d=d, i=i, j=j).items():
    np.save(f"{out}/{name}.npy", v)
