#!/usr/bin/python3
"""Runs assay's quality engine and the reference tools on the same synthetic CSV files and prints
both times and the ratio.

  bench/qc/compare.py --assay build-qc/assay --qc-bench build-qc/qc_bench --refs /tmp/qcref

--refs is a directory holding importable checkouts of the references (never vendored here):
  crowdkit/      from github.com/Toloka/crowd-kit            (git archive HEAD crowdkit)
  krippendorff/  from github.com/pln-fing-udelar/fast-krippendorff
  fastchat/rating_systems.py  from github.com/lm-sys/FastChat fastchat/serve/monitor/
Needs Debian's python3-numpy, -pandas, -scipy, -sklearn, -statsmodels, -attr, -tqdm, -nltk.
Reference times are algorithm only (CSV already loaded by pandas), like the issue's table.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import pandas as pd

LABEL_SIZES = [10_000, 100_000, 1_000_000]
BATTLE_SIZES = [10_000, 100_000, 1_000_000]


def workers_for(rows):
    return 1000 if rows >= 1_000_000 else (300 if rows >= 100_000 else 100)


def models_for(battles):
    return 120 if battles >= 1_000_000 else (60 if battles >= 100_000 else 30)


def make_labels(rows, path, seed=42):
    """4 classes, overlap 5, rows/5 tasks; 20% spammers, honest accuracy U(0.6, 0.95)."""
    rng = np.random.default_rng(seed)
    tasks, workers, k, overlap = rows // 5, workers_for(rows), 4, 5
    spammer = rng.uniform(size=workers) < 0.2
    accuracy = rng.uniform(0.6, 0.95, size=workers)
    truth = rng.integers(0, k, size=tasks)
    chosen = np.argsort(rng.uniform(size=(tasks, workers)), axis=1)[:, :overlap] if workers <= 300 \
        else distinct_workers(rng, tasks, workers, overlap)
    task_ids = np.repeat(np.arange(tasks), overlap)
    worker_ids = chosen.reshape(-1)
    t = truth[task_ids]
    correct = rng.uniform(size=t.size) < accuracy[worker_ids]
    wrong = (t + rng.integers(1, k, size=t.size)) % k
    label = np.where(correct, t, wrong)
    label = np.where(spammer[worker_ids], rng.integers(0, k, size=t.size), label)
    pd.DataFrame({"task": [f"t{i}" for i in task_ids], "worker": [f"w{w}" for w in worker_ids],
                  "label": label}).to_csv(path, index=False)


def distinct_workers(rng, tasks, workers, overlap):
    chosen = rng.integers(0, workers, size=(tasks, overlap))
    while True:
        s = np.sort(chosen, axis=1)
        dup = (s[:, 1:] == s[:, :-1]).any(axis=1)
        if not dup.any():
            return chosen
        chosen[dup] = rng.integers(0, workers, size=(dup.sum(), overlap))


def make_battles(n, path, seed=42):
    rng = np.random.default_rng(seed)
    m = models_for(n)
    true = rng.uniform(850, 1150, size=m)
    a = rng.integers(0, m, size=n)
    b = (a + rng.integers(1, m, size=n)) % m
    p_a = 1 / (1 + 10 ** ((true[b] - true[a]) / 400))
    u = rng.uniform(size=n)
    winner = np.where(u < 0.1, "tie", np.where(rng.uniform(size=n) < p_a, "model_a", "model_b"))
    pd.DataFrame({"model_a": [f"m{i}" for i in a], "model_b": [f"m{i}" for i in b],
                  "winner": winner}).to_csv(path, index=False)


def timed(fn, repeat=1):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def run_cli(args, extra):
    """Runs assay quality …, returns (wall_s, timing dict, stdout)."""
    start = time.perf_counter()
    p = subprocess.run([args.assay, "quality"] + extra + ["--timing"], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"assay failed: {p.stderr}")
    timing = dict(re.findall(r"(\w+)=([\d.]+)", p.stderr.strip().splitlines()[-1]))
    return wall, {k: float(v) for k, v in timing.items()}, p.stdout


def qc_bench_times(args):
    p = subprocess.run([args.qc_bench, "--benchmark_format=json", "--benchmark_min_time=0.3"],
                       capture_output=True, text=True)
    data = json.loads(p.stdout)
    out = {}
    for b in data["benchmarks"]:
        unit = {"ms": 1e-3, "us": 1e-6, "ns": 1e-9, "s": 1.0}[b["time_unit"]]
        out[b["name"].replace("/real_time", "")] = b["real_time"] * unit
    return out


def peak_memory(args, extra):
    p = subprocess.run(["/usr/bin/time", "-v", args.assay, "quality"] + extra + ["--out", "/dev/null"],
                       capture_output=True, text=True)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    wall = re.search(r"Elapsed \(wall clock\) time .*: (.*)", p.stderr)
    return int(rss.group(1)) / 1024, wall.group(1).strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--assay", default="build-qc/assay")
    ap.add_argument("--qc-bench", default="build-qc/qc_bench")
    ap.add_argument("--refs", default="/tmp/qcref")
    ap.add_argument("--data", default="/tmp/qc_bench_data")
    ap.add_argument("--no-reference", action="store_true", help="only time assay")
    args = ap.parse_args()
    os.makedirs(args.data, exist_ok=True)
    sys.path.insert(0, args.refs)
    sys.path.insert(0, os.path.join(args.refs, "fastchat"))

    labels = {n: os.path.join(args.data, f"labels_{n}.csv") for n in LABEL_SIZES}
    battles = {n: os.path.join(args.data, f"battles_{n}.csv") for n in BATTLE_SIZES}
    for n, path in labels.items():
        if not os.path.exists(path):
            make_labels(n, path)
    for n, path in battles.items():
        if not os.path.exists(path):
            make_battles(n, path)

    print("running qc_bench …", file=sys.stderr)
    ours_lib = qc_bench_times(args)
    rows = []  # (what, size, reference_s, ours_lib_s, ours_cli_algorithm_s, note)

    def add(what, size, ref_s, lib_key, cli_s=None, note=""):
        rows.append((what, size, ref_s, ours_lib.get(lib_key), cli_s, note))

    ref = not args.no_reference
    if ref:
        from crowdkit.aggregation import DawidSkene, MajorityVote, OneCoinDawidSkene, Wawa
    method_sizes = [("mv", "MajorityVote", LABEL_SIZES), ("wawa", "Wawa", LABEL_SIZES),
                    ("ds", "DawidSkene", LABEL_SIZES), ("ods", "OneCoinDawidSkene", LABEL_SIZES)]
    agreement_with_ref = {}
    for method, name, sizes in method_sizes:
        for n in sizes:
            _, timing, out = run_cli(args, ["aggregate", "--method", method, "--input", labels[n]])
            ref_s = None
            if ref:
                df = pd.read_csv(labels[n])
                cls = {"mv": MajorityVote, "wawa": Wawa, "ds": DawidSkene, "ods": OneCoinDawidSkene}[method]
                print(f"crowd-kit {name} {n} …", file=sys.stderr)
                ref_s, ref_labels = timed(lambda: cls().fit_predict(df))
                ours = pd.read_csv(pd.io.common.StringIO(out)).set_index("task")["label"]
                agreement_with_ref[(method, n)] = float((ours.loc[ref_labels.index].values == ref_labels.values).mean())
            lib_key = {"mv": "BM_MajorityVote", "wawa": "BM_Wawa", "ds": "BM_DawidSkene",
                       "ods": "BM_OneCoinDawidSkene"}[method] + f"/{n}"
            add(f"crowd-kit {name}", n, ref_s, lib_key, timing["algorithm_ms"] / 1e3)

    if ref:
        import rating_systems
        import krippendorff
        from sklearn.metrics import cohen_kappa_score
        from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa
    for n in BATTLE_SIZES:
        _, timing, _ = run_cli(args, ["rank", "--method", "bt", "--input", battles[n]])
        ref_s = None
        if ref:
            df = pd.read_csv(battles[n])
            ref_s, _ = timed(lambda: rating_systems.compute_bt(df), repeat=3 if n < 1_000_000 else 1)
        add("FastChat compute_bt", n, ref_s, f"BM_BradleyTerry/{n}", timing["algorithm_ms"] / 1e3)
    for n in BATTLE_SIZES[:2]:
        _, timing, _ = run_cli(args, ["rank", "--method", "bt", "--bootstrap", "100", "--seed", "1",
                                      "--input", battles[n]])
        ref_s = None
        if ref:
            df = pd.read_csv(battles[n])
            print(f"FastChat compute_bootstrap_bt {n} …", file=sys.stderr)
            ref_s, _ = timed(lambda: rating_systems.compute_bootstrap_bt(df, num_round=100))
        add("FastChat bootstrap BT, 100 rounds", n, ref_s, f"BM_BootstrapBradleyTerry100/{n}",
            timing["algorithm_ms"] / 1e3, "BT fit included")
    for n in LABEL_SIZES:
        ref_s = None
        if ref:
            df = pd.read_csv(labels[n])
            def reference_agreement():
                matrix = df.pivot_table(index="worker", columns="task", values="label", aggfunc="first")
                data = matrix.to_numpy(dtype=float)
                alphas = [krippendorff.alpha(reliability_data=data, level_of_measurement=level)
                          for level in ("nominal", "ordinal", "interval", "ratio")]
                by_task = df.groupby("task", sort=False)["label"]
                slots = np.stack([by_task.nth(0).to_numpy(), by_task.nth(1).to_numpy()])
                table, _ = aggregate_raters(df.assign(slot=df.groupby("task").cumcount())
                                            .pivot(index="task", columns="slot", values="label").to_numpy())
                return alphas, fleiss_kappa(table), cohen_kappa_score(slots[0], slots[1])
            ref_s, _ = timed(reference_agreement)
        add("fast-krippendorff 4 levels + Fleiss + Cohen", n, ref_s, f"BM_AgreementLikeReference/{n}",
            None, "reference time includes building its matrices from the frame")

    print()
    print(f"{'method':44} {'size':>9} {'reference':>11} {'assay lib':>11} {'assay CLI':>11} {'ratio':>8}")
    for what, size, ref_s, lib_s, cli_s, note in rows:
        fmt = lambda s: "-" if s is None else (f"{s * 1e3:9.2f}ms" if s < 10 else f"{s:9.2f}s ")
        ratio = f"{ref_s / lib_s:7.0f}x" if ref_s and lib_s else "-"
        print(f"{what:44} {size:>9} {fmt(ref_s):>11} {fmt(lib_s):>11} {fmt(cli_s):>11} {ratio:>8} {note}")
    if agreement_with_ref:
        print("\nlabel agreement, assay vs crowd-kit (same data):")
        for (method, n), share in sorted(agreement_with_ref.items()):
            print(f"  {method:5} {n:>9}: {share:.6f}")

    print("\nwhole CLI runs on 1M rows (parse + algorithm + output), /usr/bin/time -v:")
    for extra in (["aggregate", "--method", "mv", "--input", labels[1_000_000]],
                  ["aggregate", "--method", "ds", "--input", labels[1_000_000]],
                  ["agreement", "--input", labels[1_000_000]],
                  ["rank", "--method", "bt", "--input", battles[1_000_000]]):
        _, timing, _ = run_cli(args, extra)
        rss_mb, wall = peak_memory(args, extra)
        print(f"  {' '.join(extra[:3]):32} parse {timing['parse_ms']:7.1f} ms  algorithm "
              f"{timing['algorithm_ms']:7.1f} ms  total {timing['total_ms']:7.1f} ms  "
              f"wall {wall}  peak RSS {rss_mb:6.1f} MB")


if __name__ == "__main__":
    main()
