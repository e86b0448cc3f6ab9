"""Training points for examples/burgers (NumPy only).

  make_data.py DIR    writes DIR/*.npy, each a float32 column [n, 1]:
    x, t        256 interior points, one in each cell of a 16 x 16 grid
                over [-1, 1] x [0, 1] (spread more evenly than uniform
                random points, which leave gaps the residual never sees)
    ic_x, ic_t, ic_u
                64 points at t = 0 and the initial value -sin(pi x)
    bc_x, bc_t  32 points on each edge x = -1 and x = 1 (where u = 0)
  and DIR/p.npy, 256 random [x, t] pairs (float32 [256, 2]) for comparing
  the residual by hand with the one by partial(), and its columns as
  DIR/p_x.npy and DIR/p_t.npy.
"""
import sys

import numpy as np


def save(directory, name, values):
    np.save(f"{directory}/{name}.npy", np.asarray(values, np.float32)[:, None])


def main(directory):
    rng = np.random.default_rng(0)
    k = 16
    i, j = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    save(directory, "x", -1 + 2 * (i.ravel() + rng.uniform(size=k * k)) / k)
    save(directory, "t", (j.ravel() + rng.uniform(size=k * k)) / k)

    ic_x = np.linspace(-1, 1, 64)
    save(directory, "ic_x", ic_x)
    save(directory, "ic_t", np.zeros(64))
    save(directory, "ic_u", -np.sin(np.pi * ic_x))

    edge_t = np.linspace(0, 1, 32)
    save(directory, "bc_x", np.concatenate([np.full(32, -1.0), np.ones(32)]))
    save(directory, "bc_t", np.concatenate([edge_t, edge_t]))

    p = np.stack([rng.uniform(-1, 1, 256), rng.uniform(0, 1, 256)], axis=1)
    np.save(f"{directory}/p.npy", p.astype(np.float32))
    save(directory, "p_x", p[:, 0])
    save(directory, "p_t", p[:, 1])


if __name__ == "__main__":
    main(sys.argv[1])
