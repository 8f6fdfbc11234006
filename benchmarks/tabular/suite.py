"""The tabular multi-task suite: trains mtl4j and the PyTorch reference on every set of suite.json,
multi-task and single-task, over several seeds, and prints a side-by-side table (run.sh runs it).

    /usr/bin/python3 suite.py [--seeds 5] [--sets penguins,nmes] [--frameworks mtl4j,torch]
                              [--init pytorch] [--tag NAME] [--table-only]
    /usr/bin/python3 suite.py --compare init-auto,init-he-uniform --seeds 3

mtl4j runs through the ./mtl4j launcher, or `java -cp $MTL4J_CLASSPATH` when that is set (a frozen
build). Results go to results/<tag>-<framework>.json (one record per set, seed and mode); --table-only
prints the table from those files. Δm (Maninis et al. 2019; Vandenhende et al. 2021) is computed
the same way for both frameworks: per seed, the mean over tasks of the relative gain of the
multi-task model over the single-task model of that seed on the task's primary metric (RMSE lower
is better, AUC and accuracy higher), in percent; then mean ± sample std over the seeds.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HIGHER_IS_BETTER = {"auc": True, "accuracy": True, "rmse": False}
METRICS = {"regression": ["rmse"], "binary": ["auc", "accuracy"], "multiclass": ["accuracy"]}


def data_path(s, part):
    return os.path.join(HERE, "data", s["name"], part + ".csv")


def mtl4j_config(spec, s, seed, init, out_dir):
    tasks = "\n".join(
        f"  - {{name: {t['name']}, type: {t['type']}, label: {t['label']}, "
        f"metrics: [{', '.join(METRICS[t['type']])}]}}"
        for t in s["tasks"])
    model = spec["model"]
    init_line = f", init: {init}" if init else ""
    return f"""name: {s['name']}-s{seed}
backend: cpu
seed: {seed}
data:
  source: csv
  options:
    path: '{data_path(s, 'train')}'
    test_path: '{data_path(s, 'test')}'
    categorical: {','.join(s['categorical'])}
tasks:
{tasks}
model: {{strategy: hard, hidden: {model['hidden']}, activation: {model['activation']}{init_line}}}
weighting: {{method: equal}}
optimizer: {{name: adam, lr: {model['lr']}}}
training: {{epochs: {s['epochs']}, batch_size: {s['batch_size']}, validation_split: 0.0}}
output: '{out_dir}'
"""


def run_mtl4j(spec, s, seed, init, work):
    """One multi-task run with --baselines; returns (multi-task, single-task) primary metrics."""
    os.makedirs(work, exist_ok=True)
    cfg = os.path.join(work, f"{s['name']}-s{seed}.yaml")
    with open(cfg, "w") as f:
        f.write(mtl4j_config(spec, s, seed, init, work))
    cp = os.environ.get("MTL4J_CLASSPATH")
    cli = ["java", "-cp", cp, "org.mtl4j.trainer.cli.Main"] if cp else [os.path.join(ROOT, "mtl4j")]
    cmd = cli + ["train", "-c", cfg, "-q", "--baselines"]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"mtl4j failed on {cfg} (exit {p.returncode}):\n{p.stdout}\n{p.stderr}")
    with open(os.path.join(work, f"{s['name']}-s{seed}", "summary.json")) as f:
        summary = json.load(f)
    mtl, single = {}, {}
    for t in s["tasks"]:
        metric = t["metric"]
        mtl[t["name"]] = summary["test"][t["name"]][metric]
        found = [b for b in summary["baselines"] if b["task"] == t["name"] and b["metric"] == metric]
        if not found:
            sys.exit(f"{s['name']}: summary.json has no single-task {metric} of {t['name']}")
        single[t["name"]] = found[0]["single_task"]
    return mtl, single


def run_torch(spec, s, seed, cache):
    import reference
    import torch

    torch.set_num_threads(1)  # tiny matrices: threads only add synchronisation, and the JVM runs beside
    key = s["name"]
    if key not in cache:
        cache[key] = reference.Prepared(data_path(s, "train"), data_path(s, "test"), s)
    data = cache[key]
    m = spec["model"]
    args = (m["hidden"], m["lr"], s["epochs"], s["batch_size"], seed)
    everything = reference.train(data, list(range(len(s["tasks"]))), *args)
    mtl = {t["name"]: everything[t["name"]][t["metric"]] for t in s["tasks"]}
    single = {}
    for i, t in enumerate(s["tasks"]):
        single[t["name"]] = reference.train(data, [i], *args)[t["name"]][t["metric"]]
    return mtl, single


def mean_std(xs):
    m = sum(xs) / len(xs)
    if len(xs) < 2:
        return m, 0.0
    return m, math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


def delta_m(s, mtl, single):
    gains = []
    for t in s["tasks"]:
        sign = 1 if HIGHER_IS_BETTER[t["metric"]] else -1
        gains.append(sign * (mtl[t["name"]] - single[t["name"]]) / single[t["name"]])
    return 100 * sum(gains) / len(gains)


def fmt(ms, digits):
    return f"{ms[0]:.{digits}f} ± {ms[1]:.{digits}f}"


def digits_for(value):
    return 4 if abs(value) < 10 else 2 if abs(value) < 1000 else 1


def within(mine, ref):
    """The suite's target: mtl4j's mean within the reference's seed std or 1% of its mean."""
    return abs(mine[0] - ref[0]) <= max(ref[1], 0.01 * abs(ref[0]))


def table(spec, results):
    """The side-by-side table: per set, each task's primary metric and Δm, mean ± std over seeds."""
    lines = []
    ok_all = True
    names = list(results)
    for s in spec["sets"]:
        runs = {fw: [r for r in results[fw] if r["set"] == s["name"]] for fw in names}
        if any(not rs for rs in runs.values()):
            continue
        n = min(len(rs) for rs in runs.values())
        lines.append(f"{s['name']} ({n} seeds, {s['epochs']} epochs, batch {s['batch_size']})")
        head = f"  {'task':<22}" + "".join(f"{fw + ' ' + mode:>24}" for mode in ("MTL", "single") for fw in names)
        if len(names) == 2:
            head += "  target"
        lines.append(head)
        for t in s["tasks"]:
            arrow = "↑" if HIGHER_IS_BETTER[t["metric"]] else "↓"
            cells, stats = [], {}
            for mode in ("mtl", "single"):
                for fw in names:
                    ms = mean_std([r[mode][t["name"]] for r in runs[fw]])
                    stats[(fw, mode)] = ms
            d = digits_for(stats[(names[0], "mtl")][0])
            for mode in ("mtl", "single"):
                for fw in names:
                    cells.append(f"{fmt(stats[(fw, mode)], d):>24}")
            row = f"  {t['name'] + ' ' + t['metric'] + ' ' + arrow:<22}" + "".join(cells)
            if len(names) == 2:
                ok = within(stats[(names[0], "mtl")], stats[(names[1], "mtl")])
                ok_all &= ok
                row += "  " + ("ok" if ok else "MISSED")
            lines.append(row)
        dms = {fw: mean_std([delta_m(s, r["mtl"], r["single"]) for r in runs[fw]]) for fw in names}
        row = f"  {'Δm (%)':<22}" + "".join(f"{fmt(dms[fw], 2):>24}" for fw in names)
        if len(names) == 2:
            row += " " * 48
            ok = abs(dms[names[0]][0] - dms[names[1]][0]) <= 0.5
            ok_all &= ok
            row += "  " + ("ok" if ok else "MISSED") + f" (Δm difference {dms[names[0]][0] - dms[names[1]][0]:+.2f} points)"
        lines.append(row)
        lines.append("")
    if len(names) == 2:
        lines.append("target met on every task and every Δm" if ok_all else "target MISSED somewhere")
    return "\n".join(lines)


def compare(spec, tags, max_seed):
    """mtl4j results of several runs of the suite (e.g. one per model.init) side by side: each task's
    multi-task and single-task means ± std and each set's Δm, over seeds 1..max_seed."""
    runs = {}
    for tag in tags:
        with open(os.path.join(HERE, "results", f"{tag}-mtl4j.json")) as f:
            runs[tag] = [r for r in json.load(f) if r["seed"] <= max_seed]
    lines = [f"mtl4j, seeds 1..{max_seed}: multi-task / single-task, mean ± std"]
    for s in spec["sets"]:
        if any(not [r for r in runs[t] if r["set"] == s["name"]] for t in tags):
            continue
        lines.append(s["name"])
        lines.append(f"  {'task':<22}" + "".join(f"{t:>36}" for t in tags))
        for task in s["tasks"]:
            arrow = "↑" if HIGHER_IS_BETTER[task["metric"]] else "↓"
            cells = []
            for t in tags:
                rs = [r for r in runs[t] if r["set"] == s["name"]]
                m = mean_std([r["mtl"][task["name"]] for r in rs])
                o = mean_std([r["single"][task["name"]] for r in rs])
                d = digits_for(m[0])
                cells.append(f"{fmt(m, d) + ' / ' + f'{o[0]:.{d}f}':>36}")
            lines.append(f"  {task['name'] + ' ' + task['metric'] + ' ' + arrow:<22}" + "".join(cells))
        dms = []
        for t in tags:
            rs = [r for r in runs[t] if r["set"] == s["name"]]
            dms.append(fmt(mean_std([delta_m(s, r["mtl"], r["single"]) for r in rs]), 2))
        lines.append(f"  {'Δm (%)':<22}" + "".join(f"{d:>36}" for d in dms))
    # summary: tasks on which each run has the best multi-task mean, and its mean Δm over the sets
    best = {t: 0 for t in tags}
    dm = {t: [] for t in tags}
    for s in spec["sets"]:
        per = {t: [r for r in runs[t] if r["set"] == s["name"]] for t in tags}
        if any(not rs for rs in per.values()):
            continue
        for task in s["tasks"]:
            sign = 1 if HIGHER_IS_BETTER[task["metric"]] else -1
            means = {t: sign * mean_std([r["mtl"][task["name"]] for r in per[t]])[0] for t in tags}
            top = max(means.values())
            for t in tags:
                best[t] += means[t] == top
        for t in tags:
            dm[t].append(mean_std([delta_m(s, r["mtl"], r["single"]) for r in per[t]])[0])
    lines.append("summary")
    lines.append(f"  {'best MTL mean (tasks)':<22}" + "".join(f"{best[t]:>36}" for t in tags))
    lines.append(f"  {'mean Δm over sets (%)':<22}" + "".join(f"{sum(dm[t]) / len(dm[t]):>36.2f}" for t in tags))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--sets", default="")
    ap.add_argument("--frameworks", default="mtl4j,torch")
    ap.add_argument("--init", default="", help="mtl4j model.init (default: mtl4j's default)")
    ap.add_argument("--tag", default="suite")
    ap.add_argument("--table-only", action="store_true")
    ap.add_argument("--compare", default="", help="TAG,TAG,...: mtl4j results of earlier runs side by side")
    a = ap.parse_args()
    with open(os.path.join(HERE, "suite.json")) as f:
        spec = json.load(f)
    if a.sets:
        wanted = a.sets.split(",")
        unknown = [w for w in wanted if w not in {s["name"] for s in spec["sets"]}]
        if unknown:
            sys.exit(f"--sets: unknown set(s) {unknown}; suite.json has {[s['name'] for s in spec['sets']]}")
        spec["sets"] = [s for s in spec["sets"] if s["name"] in wanted]
    if a.compare:
        print(compare(spec, a.compare.split(","), a.seeds))
        return
    frameworks = a.frameworks.split(",")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    results = {}
    cache = {}
    for fw in frameworks:
        path = os.path.join(HERE, "results", f"{a.tag}-{fw}.json")
        if a.table_only:
            with open(path) as f:
                results[fw] = json.load(f)
            continue
        records = []
        for s in spec["sets"]:
            for seed in range(1, a.seeds + 1):
                t0 = time.time()
                if fw == "mtl4j":
                    work = os.path.join(HERE, "results", "runs", a.tag)
                    mtl, single = run_mtl4j(spec, s, seed, a.init, work)
                else:
                    mtl, single = run_torch(spec, s, seed, cache)
                records.append({"set": s["name"], "seed": seed, "mtl": mtl, "single": single,
                                "seconds": round(time.time() - t0, 1)})
                print(f"{fw:<6} {s['name']:<11} seed {seed}: {time.time() - t0:5.1f} s", file=sys.stderr)
        with open(path, "w") as f:
            json.dump(records, f, indent=1)
        results[fw] = records
    print(table(spec, results))


if __name__ == "__main__":
    main()
