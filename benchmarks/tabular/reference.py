"""PyTorch reference of the model mtl4j trains in the tabular suite (run with /usr/bin/python3).

The same model and recipe as mtl4j's `hard` strategy with equal weights: a shared ReLU MLP trunk and
one linear output layer per task, PyTorch's default initialisation (nn.Linear), Adam, the sum of the
task losses (each a mean over the labelled rows of the batch; missing labels are masked), a seeded
shuffle per epoch with the last partial batch kept. Preprocessing as mtl4j's CSV source: numeric
columns standardised with the training rows' mean and (population) standard deviation, categorical
columns one-hot over the training categories (an unseen one encodes as zeros), classes in sorted
order (the positive class of a binary task is the one that sorts second), regression targets
standardised on the labelled training rows and predictions reported in original units.
"""

import csv
import math

import numpy as np
import torch
from torch import nn


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


class Prepared:
    """Features and targets of a train/test pair, prepared as mtl4j's CSV source does."""

    def __init__(self, train_path, test_path, spec):
        header, train = read_csv(train_path)
        header_t, test = read_csv(test_path)
        assert header == header_t, f"{train_path} and {test_path} differ in their header"
        labels = {t["label"] for t in spec["tasks"]}
        col = {name: i for i, name in enumerate(header)}
        self.features = []
        xs_train, xs_test = [], []
        for name in header:
            if name in labels:
                continue
            i = col[name]
            if name in spec["categorical"]:
                cats = sorted({r[i] for r in train})
                xs_train.append(np.array([[r[i] == c for c in cats] for r in train], np.float32))
                xs_test.append(np.array([[r[i] == c for c in cats] for r in test], np.float32))
            else:
                v = np.array([float(r[i]) for r in train])
                mean, std = v.mean(), v.std()
                std = std if std > 1e-12 else 1.0
                xs_train.append(((v - mean) / std).astype(np.float32)[:, None])
                w = np.array([float(r[i]) for r in test])
                xs_test.append(((w - mean) / std).astype(np.float32)[:, None])
        self.x_train = np.concatenate(xs_train, 1)
        self.x_test = np.concatenate(xs_test, 1)
        self.tasks = []
        for t in spec["tasks"]:
            i = col[t["label"]]
            raw_train = [r[i] for r in train]
            raw_test = [r[i] for r in test]
            task = {"name": t["name"], "type": t["type"], "metric": t["metric"]}
            if t["type"] == "regression":
                y = np.array([float(v) if v != "" else np.nan for v in raw_train])
                labelled = ~np.isnan(y)
                mean, std = y[labelled].mean(), y[labelled].std()
                task.update(mean=mean, std=std if std > 1e-12 else 1.0, out=1)
                yt = np.array([float(v) if v != "" else np.nan for v in raw_test])
            else:
                classes = sorted({v for v in raw_train if v != ""})
                index = {c: k for k, c in enumerate(classes)}
                y = np.array([index[v] if v != "" else np.nan for v in raw_train])
                yt = np.array([index.get(v, np.nan) if v != "" else np.nan for v in raw_test])
                task.update(classes=classes, out=1 if t["type"] == "binary" else len(classes))
            task["y_train"], task["y_test"] = y, yt
            self.tasks.append(task)


class HardSharing(nn.Module):
    """Shared ReLU trunk, one linear head per task (mtl4j `hard`, `tower: []`)."""

    def __init__(self, inputs, hidden, outs):
        super().__init__()
        layers, n = [], inputs
        for h in hidden:
            layers += [nn.Linear(n, h), nn.ReLU()]
            n = h
        self.trunk = nn.Sequential(*layers)
        self.heads = nn.ModuleList(nn.Linear(n, o) for o in outs)

    def forward(self, x):
        z = self.trunk(x)
        return [h(z) for h in self.heads]


def task_loss(task, out, y):
    mask = ~torch.isnan(y)
    count = max(1, int(mask.sum()))
    if task["type"] == "regression":
        target = (torch.nan_to_num(y) - task["mean"]) / task["std"]
        per = (out[:, 0] - target) ** 2
    elif task["type"] == "binary":
        per = nn.functional.binary_cross_entropy_with_logits(
            out[:, 0], torch.nan_to_num(y), reduction="none")
    else:
        per = nn.functional.cross_entropy(out, torch.nan_to_num(y).long(), reduction="none")
    return (per * mask).sum() / count


def auc(scores, labels):
    """ROC AUC (Mann-Whitney U with tied scores counted half)."""
    order = np.argsort(scores, kind="mergesort")
    s, l = scores[order], labels[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2 + 1
        i = j + 1
    pos = l == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return (ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def score(task, out):
    y = task["y_test"]
    keep = ~np.isnan(y)
    y = y[keep]
    out = out[keep]
    if task["type"] == "regression":
        pred = out[:, 0] * task["std"] + task["mean"]
        return {"rmse": float(math.sqrt(np.mean((pred - y) ** 2)))}
    if task["type"] == "binary":
        return {"auc": float(auc(out[:, 0], y)), "accuracy": float(np.mean((out[:, 0] > 0) == (y == 1)))}
    return {"accuracy": float(np.mean(out.argmax(1) == y))}


def train(data, task_ids, hidden, lr, epochs, batch_size, seed):
    """Trains the model on the tasks `task_ids` of `data`; returns {task: {metric: value}}."""
    torch.manual_seed(seed)
    tasks = [data.tasks[i] for i in task_ids]
    model = HardSharing(data.x_train.shape[1], hidden, [t["out"] for t in tasks])
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    x = torch.from_numpy(data.x_train)
    ys = [torch.tensor(t["y_train"], dtype=torch.float32) for t in tasks]
    n = len(x)
    for _ in range(epochs):
        order = torch.randperm(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            outs = model(x[idx])
            loss = sum(task_loss(t, o, y[idx]) for t, o, y in zip(tasks, outs, ys))
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        outs = model(torch.from_numpy(data.x_test))
    return {t["name"]: score(t, o.numpy().astype(np.float64)) for t, o in zip(tasks, outs)}
