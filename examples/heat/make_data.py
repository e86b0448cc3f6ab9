"""Training and test points for examples/heat (NumPy only).

  make_data.py DIR    writes DIR/*.npy, each a float32 column [n, 1]:
    x, t        256 interior points, one in each cell of a 16 x 16 grid
                over [-1, 1] x [0, 1] (spread more evenly than uniform
                random points, which leave gaps the residual never sees)
    xe, te, ue  128 initial and boundary points and u there: 64 at t = 0
                (u = sin(pi x)), 32 on each edge x = -1 and x = 1 (u = 0)
    gx, gt      the test grid, 101 x 51 points including the edges
  and DIR/xt.npy, 256 random [x, t] pairs (float32 [256, 2]) for comparing
  the residual by hand with the one by partial(), and its columns as
  DIR/xt_x.npy and DIR/xt_t.npy.
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

    x0 = np.linspace(-1, 1, 64)
    edge_t = np.linspace(0, 1, 32)
    xe = np.concatenate([x0, np.full(32, -1.0), np.full(32, 1.0)])
    te = np.concatenate([np.zeros(64), edge_t, edge_t])
    ue = np.where(te == 0, np.sin(np.pi * xe), 0.0)
    save(directory, "xe", xe)
    save(directory, "te", te)
    save(directory, "ue", ue)

    gx, gt = np.meshgrid(np.linspace(-1, 1, 101), np.linspace(0, 1, 51),
                         indexing="ij")
    save(directory, "gx", gx.ravel())
    save(directory, "gt", gt.ravel())

    xt = np.stack([rng.uniform(-1, 1, 256), rng.uniform(0, 1, 256)], axis=1)
    np.save(f"{directory}/xt.npy", xt.astype(np.float32))
    save(directory, "xt_x", xt[:, 0])
    save(directory, "xt_t", xt[:, 1])


if __name__ == "__main__":
    main(sys.argv[1])
