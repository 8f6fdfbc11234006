"""Loads an mtl4j checkpoint (format 2) outside the JVM: numpy for inference, PyTorch to fine-tune.

    import mtl4j_torch as m
    ckpt = m.load("runs/csv-customers")               # run folder or its checkpoint/ folder
    x = m.features(ckpt, header, rows)                # CSV rows -> the network's input, as mtl4j
    out = m.forward_numpy(ckpt, x)                    # {task: raw outputs}, numpy only
    net = m.torch_module(ckpt)                        # nn.Module of docs/pytorch.md's layout
    net.load_state_dict(m.torch_state_dict(ckpt), strict=True)
    out = net(torch.from_numpy(x))                    # {task: raw outputs}
    m.predictions(ckpt, out)                          # {task: probabilities or original units}

    python3 mtl4j_torch.py predict RUN -i in.csv -o out.csv [--torch]   # as `mtl4j predict`

Strategies `hard` and `mmoe`, with or without embeddings and layer norm. Names, layouts and the
preprocessing are documented in docs/pytorch.md. Needs numpy; the torch functions need PyTorch.
"""

import csv
import json
import math
import os
import struct
import sys

import numpy as np

FORMAT = "mtl4j-checkpoint"
NETWORK_MODULES = {"hard": ("input", "trunk", "tower"), "mmoe": ("input", "expert", "gate", "tower")}
LAYER_NORM_EPS = 1e-5
GELU_C = math.sqrt(2.0 / math.pi)


# ----------------------------------------------------------------------------------- reading


def read_safetensors(path):
    """{name: numpy array} of a safetensors file (F32 and I64), without the safetensors package."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    dtypes = {"F32": "<f4", "I64": "<i8"}
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        if t["dtype"] not in dtypes:
            raise ValueError(f"{path}: tensor {name} has dtype {t['dtype']}, expected F32 or I64")
        begin, end = t["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype=dtypes[t["dtype"]]).reshape(t["shape"]).copy()
    return out


def load(path):
    """checkpoint.json and the weights of a run folder or checkpoint folder (format 2 or 3)."""
    folder = os.path.join(path, "checkpoint") if os.path.isdir(os.path.join(path, "checkpoint")) else path
    with open(os.path.join(folder, "checkpoint.json")) as f:
        meta = json.load(f)
    if meta.get("format") != FORMAT or meta.get("format_version") not in (2, 3):
        raise ValueError(
            f"{folder}: format {meta.get('format')!r} version {meta.get('format_version')!r}; this loader"
            f" reads {FORMAT} versions 2 and 3 (resume a format-1 run with mtl4j to rewrite it)")
    strategy = meta["model"]["strategy"]
    if strategy not in NETWORK_MODULES:
        raise ValueError(f"{folder}: strategy {strategy!r}; this loader builds {sorted(NETWORK_MODULES)}")
    model = meta["model"]
    tower = model.get("tower") or []
    if model.get("trunk") or any(not isinstance(t, int) for t in tower):
        raise ValueError(
            f"{folder}: a layer-list model (model.trunk / model.tower / model.preset: convolutions,"
            " pooling, batch norm, ...); this loader builds MLP networks only. Export it with"
            " `mtl4j export RUN --format onnx`, or load the weights file into your own nn.Module:"
            " it holds nn.Conv2d / nn.BatchNorm2d / nn.Linear tensors under the names of docs/pytorch.md")
    weights = read_safetensors(os.path.join(folder, meta["weights"]["file"]))
    return {"meta": meta, "weights": weights, "folder": folder}


# ----------------------------------------------------------------------------- preprocessing


def layout(ckpt):
    """The input columns: per feature its first column, width and kind (numeric, one-hot, embedded)."""
    cols, p = [], 0
    for f in ckpt["meta"]["preprocessing"]["features"]:
        if f["categorical"] and f.get("embedding", 0) > 0:
            kind, width = "embedded", 1
        elif f["categorical"]:
            kind, width = "one-hot", len(f["categories"])
        else:
            kind, width = "numeric", 1
        cols.append({"feature": f, "start": p, "width": width, "kind": kind})
        p += width
    return cols


def features(ckpt, header, rows):
    """The network's input [n, input_size] float32 for CSV rows, prepared as mtl4j's CSV source does:
    numeric (x - mean) / std with the training statistics, categories one-hot (unseen: zeros) or, when
    embedded, the category's index (unseen: the extra last index)."""
    pre = ckpt["meta"]["preprocessing"]
    index = {name: i for i, name in enumerate(header)}
    x = np.zeros((len(rows), pre["input_size"]), np.float32)
    for c in layout(ckpt):
        f = c["feature"]
        if f["name"] not in index:
            raise ValueError(f"the input has no feature column {f['name']!r}")
        values = [r[index[f["name"]]] for r in rows]
        cats = f["categories"]
        if c["kind"] == "numeric":
            x[:, c["start"]] = [(float(v) - f["mean"]) / f["std"] for v in values]
        elif c["kind"] == "embedded":
            x[:, c["start"]] = [cats.index(v) if v in cats else len(cats) for v in values]
        else:
            for i, v in enumerate(values):
                if v in cats:
                    x[i, c["start"] + cats.index(v)] = 1.0
    return x


# --------------------------------------------------------------------------------- numpy path


def _activation(name, h):
    if name == "relu":
        return np.maximum(h, 0)
    if name == "tanh":
        return np.tanh(h)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-h))
    if name == "gelu":
        return 0.5 * h * (1 + np.tanh(GELU_C * (h + 0.044715 * h ** 3)))
    if name == "identity":
        return h
    raise ValueError(f"activation {name!r}")


def _linear(w, prefix, h):
    return h @ w[prefix + ".weight"].T + w[prefix + ".bias"]


def _mlp(w, model, prefix, h):
    """Hidden layers prefix.0, prefix.1, ... (Linear, [LayerNorm], activation), then prefix.out."""
    i = 0
    while f"{prefix}.{i}.weight" in w:
        h = _linear(w, f"{prefix}.{i}", h)
        if f"{prefix}.{i}.norm.weight" in w:
            mu = h.mean(1, keepdims=True)
            var = ((h - mu) ** 2).mean(1, keepdims=True)
            h = (h - mu) / np.sqrt(var + LAYER_NORM_EPS)
            h = h * w[f"{prefix}.{i}.norm.weight"] + w[f"{prefix}.{i}.norm.bias"]
        h = _activation(model["activation"], h)
        i += 1
    if prefix + ".out.weight" in w:
        h = _linear(w, prefix + ".out", h)
    return h


def _embed(ckpt, x, table):
    """The input with each embedded index column replaced by its table row (mtl4j's input.embedding<i>)."""
    parts, start, k = [], 0, 0
    for c in layout(ckpt):
        if c["kind"] != "embedded":
            continue
        col = c["start"]
        if col > start:
            parts.append(x[:, start:col])
        parts.append(table(k, x[:, col]))
        start, k = col + 1, k + 1
    if k == 0:
        return x
    if start < x.shape[1]:
        parts.append(x[:, start:])
    return parts


def forward_numpy(ckpt, x):
    """{task: raw network outputs} (logits, or standardised values for regression) with numpy."""
    w = ckpt["weights"]
    model = ckpt["meta"]["model"]
    parts = _embed(ckpt, x, lambda k, idx: w[f"input.embedding{k}.weight"][idx.astype(np.int64)])
    h = np.concatenate(parts, 1) if isinstance(parts, list) else x
    tasks = [t["name"] for t in ckpt["meta"]["tasks"]]
    if model["strategy"] == "hard":
        z = _mlp(w, model, "trunk", h)
        return {t: _mlp(w, model, f"tower.{t}", z) for t in tasks}
    experts, e = [], 0
    while f"expert.{e}.0.weight" in w:
        experts.append(_mlp(w, model, f"expert.{e}", h))
        e += 1
    out = {}
    for t in tasks:
        g = _linear(w, f"gate.{t}", h)
        g = np.exp(g - g.max(1, keepdims=True))
        g = g / g.sum(1, keepdims=True)
        mix = sum(g[:, k:k + 1] * experts[k] for k in range(len(experts)))
        out[t] = _mlp(w, model, f"tower.{t}", mix)
    return out


def predictions(ckpt, outputs):
    """Raw outputs as `mtl4j predict` reports them: a binary task's probability of its positive class
    (the second of its classes), a multiclass task's class probabilities, a multilabel task's
    per-label probabilities, a regression task's values in original units (z * std + mean)."""
    pre = ckpt["meta"]["preprocessing"]
    scaling = pre.get("target_scaling", {})
    out = {}
    for t in ckpt["meta"]["tasks"]:
        o = np.asarray(outputs[t["name"]], np.float64)
        if t["type"] in ("binary", "multilabel"):
            out[t["name"]] = 1 / (1 + np.exp(-o))
        elif t["type"] == "multiclass":
            e = np.exp(o - o.max(1, keepdims=True))
            out[t["name"]] = e / e.sum(1, keepdims=True)
        else:
            s = scaling.get(t["name"])
            out[t["name"]] = o * np.array(s["std"]) + np.array(s["mean"]) if s else o
    return out


# --------------------------------------------------------------------------------- torch path


def torch_module(ckpt):
    """The network as a torch.nn.Module whose state_dict keys are the checkpoint's tensor names."""
    import torch
    from torch import nn

    model = ckpt["meta"]["model"]
    w = ckpt["weights"]
    acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
            "gelu": lambda: nn.GELU(approximate="tanh"), "identity": nn.Identity}

    class Dense(nn.Linear):
        """nn.Linear, then (layer_norm: true) a LayerNorm child `norm`, then the activation."""

        def __init__(self, n_in, n_out, norm):
            super().__init__(n_in, n_out)
            if norm:
                self.norm = nn.LayerNorm(n_out, eps=LAYER_NORM_EPS)
            self.act = acts[model["activation"]]()

        def forward(self, h):
            h = super().forward(h)
            if hasattr(self, "norm"):
                h = self.norm(h)
            return self.act(h)

    class Mlp(nn.Module):
        """Children 0, 1, ... (Dense) and, for a tower, `out` (nn.Linear)."""

        def __init__(self, prefix):
            super().__init__()
            i = 0
            while f"{prefix}.{i}.weight" in w:
                n_out, n_in = w[f"{prefix}.{i}.weight"].shape
                self.add_module(str(i), Dense(n_in, n_out, f"{prefix}.{i}.norm.weight" in w))
                i += 1
            if prefix + ".out.weight" in w:
                n_out, n_in = w[prefix + ".out.weight"].shape
                self.out = nn.Linear(n_in, n_out)

        def forward(self, h):
            for m in self.children():
                h = m(h)
            return h

    embedded = [c["start"] for c in layout(ckpt) if c["kind"] == "embedded"]
    tasks = [t["name"] for t in ckpt["meta"]["tasks"]]

    class Network(nn.Module):
        def __init__(self):
            super().__init__()
            if embedded:
                self.input = nn.Module()
                for k in range(len(embedded)):
                    rows, dim = w[f"input.embedding{k}.weight"].shape
                    self.input.add_module(f"embedding{k}", nn.Embedding(rows, dim))
            if model["strategy"] == "hard":
                self.trunk = Mlp("trunk")
            else:
                e = 0
                experts = []
                while f"expert.{e}.0.weight" in w:
                    experts.append(Mlp(f"expert.{e}"))
                    e += 1
                self.expert = nn.ModuleList(experts)
                self.gate = nn.ModuleDict()
                for t in tasks:
                    n_out, n_in = w[f"gate.{t}.weight"].shape
                    self.gate[t] = nn.Linear(n_in, n_out)
            self.tower = nn.ModuleDict({t: Mlp(f"tower.{t}") for t in tasks})

        def forward(self, x):
            if embedded:
                table = lambda k, idx: getattr(self.input, f"embedding{k}")(idx.long())
                parts = _embed(ckpt, x, table)
                x = torch.cat(parts, 1)
            if model["strategy"] == "hard":
                z = self.trunk(x)
                return {t: self.tower[t](z) for t in tasks}
            experts = [e(x) for e in self.expert]
            out = {}
            for t in tasks:
                g = torch.softmax(self.gate[t](x), 1)
                mix = sum(g[:, k:k + 1] * experts[k] for k in range(len(experts)))
                out[t] = self.tower[t](mix)
            return out

    return Network()


def torch_state_dict(ckpt):
    """The network's tensors (the strategy's top-level modules; not e.g. a weighting method's own
    parameters such as uncertainty.log_var.<task>) as torch tensors."""
    import torch

    prefixes = NETWORK_MODULES[ckpt["meta"]["model"]["strategy"]]
    return {k: torch.from_numpy(v) for k, v in ckpt["weights"].items() if k.split(".")[0] in prefixes}


# ------------------------------------------------------------------------------------ command


def _write_predictions(ckpt, header, rows, probs, out_path):
    labels = ckpt["meta"]["preprocessing"]["labels"]
    cols, cells = [], [[] for _ in rows]
    for t in ckpt["meta"]["tasks"]:
        name, p = t["name"], probs[t["name"]]
        classes = labels.get(name, {}).get("classes", [])
        if t["type"] == "binary":
            cols += [name, name + "_p"]
            for i in range(len(rows)):
                cells[i] += [classes[1] if p[i, 0] > 0.5 else classes[0], repr(float(p[i, 0]))]
        elif t["type"] == "multiclass":
            cols += [name] + [f"{name}_p_{c}" for c in classes]
            for i in range(len(rows)):
                cells[i] += [classes[int(p[i].argmax())]] + [repr(float(v)) for v in p[i]]
        elif t["type"] == "regression":
            cols += [name] if p.shape[1] == 1 else [f"{name}_{k}" for k in range(p.shape[1])]
            for i in range(len(rows)):
                cells[i] += [repr(float(v)) for v in p[i]]
        else:
            raise ValueError(f"task {name}: type {t['type']} is not written by this command")
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        w.writerows(cells)


def main(argv):
    import argparse

    ap = argparse.ArgumentParser(prog="mtl4j_torch.py", description="predictions of an mtl4j checkpoint")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("predict", help="predictions for a CSV, as `mtl4j predict`")
    p.add_argument("run")
    p.add_argument("-i", "--input", required=True)
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--torch", action="store_true", help="run the nn.Module (load_state_dict strict)")
    a = ap.parse_args(argv)
    ckpt = load(a.run)
    with open(a.input, newline="") as f:
        table = list(csv.reader(f))
    header, rows = table[0], [r for r in table[1:] if r]
    x = features(ckpt, header, rows)
    if a.torch:
        import torch

        net = torch_module(ckpt)
        net.load_state_dict(torch_state_dict(ckpt), strict=True)
        net.eval()
        with torch.no_grad():
            out = {k: v.numpy() for k, v in net(torch.from_numpy(x)).items()}
    else:
        out = forward_numpy(ckpt, x)
    _write_predictions(ckpt, header, rows, predictions(ckpt, out), a.output)


if __name__ == "__main__":
    main(sys.argv[1:])
