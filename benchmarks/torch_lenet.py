#!/usr/bin/env python3
"""PyTorch side of the MultiFashion LeNet comparison (benchmarks/multi-fashion-lenet.sh).

The multi-task LeNet of Sener and Koltun (NeurIPS 2018, MultiLeNetR/MultiLeNetO in
github.com/intel-isl/MultiObjectiveOptimization) as mtl4j's `model.preset: lenet` builds it (no
dropout; the input used at the size the composites have: 28x28 with examples/multi-fashion-lenet.yaml's
recipe, so the shared linear layer reads 20x4x4 = 320 features as in their code, 20x6x6 = 720 at 36x36):
conv 5x5 -> 10, max pool 2, relu, conv 5x5 -> 20, max pool 2, relu, flatten, linear 50, relu; per
task linear 50, relu, linear 10. Hard sharing, equal weights (the sum of the tasks' mean
cross-entropies), Adam, PyTorch's default initialisation.

The data are the composites mtl4j trained on, written by LenetHarness as little-endian float32
files: <split>_x.f32 ([n, side * side], the pixels as mtl4j's source delivers them), <split>_<task>.f32
(class indices) and <split>.txt (n and input_size = side * side).

Prints key=value lines: torch_test_acc_<task>, torch_train_samples_per_s_median_epochs2plus, and
one line per epoch.
"""
import argparse
import os
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F



class LeNetMtl(nn.Module):
    def __init__(self, tasks, side):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        features = ((side - 4) // 2 - 4) // 2
        self.fc = nn.Linear(20 * features * features, 50)
        self.towers = nn.ModuleDict(
            {t: nn.Sequential(nn.Linear(50, 50), nn.ReLU(), nn.Linear(50, 10)) for t in tasks})

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = F.relu(self.fc(x.flatten(1)))
        return {t: tower(x) for t, tower in self.towers.items()}


def side_of(data, split):
    with open(os.path.join(data, split + ".txt")) as f:
        meta = dict(line.strip().split("=", 1) for line in f if "=" in line)
    side = int(round(int(meta["input_size"]) ** 0.5))
    if side * side != int(meta["input_size"]):
        raise SystemExit(f"{split}.txt: input_size {meta['input_size']} is not a square image")
    return side


def read(data, split, tasks):
    side = side_of(data, split)
    x = np.fromfile(os.path.join(data, split + "_x.f32"), dtype="<f4").reshape(-1, 1, side, side)
    y = {t: np.fromfile(os.path.join(data, f"{split}_{t}.f32"), dtype="<f4").astype(np.int64)
         for t in tasks}
    return torch.from_numpy(x.copy()), {t: torch.from_numpy(v) for t, v in y.items()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--tasks", default="left,right")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    a = p.parse_args()
    tasks = a.tasks.split(",")
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr = read(a.data, "train", tasks)
    xte, yte = read(a.data, "test", tasks)
    n = xtr.shape[0]
    model = LeNetMtl(tasks, xtr.shape[-1])
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    rates = []
    for epoch in range(1, a.epochs + 1):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(n)
        for i in range(0, n, a.batch):
            idx = order[i:i + a.batch]
            out = model(xtr[idx])
            loss = sum(F.cross_entropy(out[t], ytr[t][idx]) for t in tasks)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - start
        rate = n / seconds
        print(f"epoch {epoch}: {seconds:.3f}s, {rate:.1f} samples/s", flush=True)
        if epoch >= 2 or a.epochs == 1:
            rates.append(rate)
    model.eval()
    correct = {t: 0 for t in tasks}
    with torch.no_grad():
        for i in range(0, xte.shape[0], 1000):
            out = model(xte[i:i + 1000])
            for t in tasks:
                correct[t] += (out[t].argmax(1) == yte[t][i:i + 1000]).sum().item()
    print(f"torch_threads={torch.get_num_threads()}")
    print(f"torch_train_samples_per_s_median_epochs2plus={statistics.median(rates):.1f}")
    for t in tasks:
        print(f"torch_test_acc_{t}={correct[t] / xte.shape[0]:.4f}")


if __name__ == "__main__":
    main()
