#!/usr/bin/python3
"""Regenerates src/qc/testdata/arena_small.* : a small synthetic arena and FastChat's
compute_bt / compute_elo outputs on it (the reference our ranking tests compare against).

usage: bench/qc/make_testdata.py /path/to/fastchat/serve/monitor  (dir holding rating_systems.py)
"""
import json
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, sys.argv[1])
import rating_systems  # noqa: E402  (FastChat, not vendored)

out_dir = os.path.join(os.path.dirname(__file__), "..", "..", "src", "qc", "testdata")
rng = np.random.default_rng(7)
n_models, n_battles = 8, 3000
true = rng.uniform(800, 1200, n_models)
a = rng.integers(0, n_models, n_battles)
b = (a + rng.integers(1, n_models, n_battles)) % n_models
p_a = 1 / (1 + 10 ** ((true[b] - true[a]) / 400))
u = rng.uniform(size=n_battles)
winner = np.where(u < 0.1, "tie", np.where(u < 0.15, "tie (bothbad)",
                  np.where(rng.uniform(size=n_battles) < p_a, "model_a", "model_b")))
df = pd.DataFrame({"model_a": [f"m{i}" for i in a], "model_b": [f"m{i}" for i in b],
                   "winner": winner})
df.to_csv(os.path.join(out_dir, "arena_small.csv"), index=False)
bt = rating_systems.compute_bt(df)
elo = rating_systems.compute_elo(df)
with open(os.path.join(out_dir, "arena_small_fastchat.json"), "w") as f:
    json.dump({"compute_bt": {k: float(v) for k, v in bt.items()},
               "compute_elo": {k: float(v) for k, v in elo.items()}}, f, indent=1)
print(bt.head(3), list(elo.items())[:3])
