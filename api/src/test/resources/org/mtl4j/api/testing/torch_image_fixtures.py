"""Writes torch-image-fixtures.txt: PyTorch's results for the image primitives on inputs given by
a formula, which ReferenceImageOpsTest recomputes with ReferenceBackend(DOUBLE).

    python3 torch_image_fixtures.py > torch-image-fixtures.txt
"""
import math

import numpy as np

import torch
import torch.nn.functional as F


def data(n, a):
    return torch.tensor([math.sin(0.37 * i + a) * math.cos(0.11 * i) for i in range(n)], dtype=torch.float64)


def emit(name, t):
    print(name, " ".join(repr(float(v)) for v in t.detach().reshape(-1)))


# convolution: stride (2, 1), padding (1, 2), dilation (1, 2), bias
x = data(2 * 3 * 7 * 6, 0.1).reshape(2, 3, 7, 6).requires_grad_()
w = data(4 * 3 * 3 * 3, 0.2).reshape(4, 3, 3, 3).requires_grad_()
b = data(4, 0.3).requires_grad_()
y = F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2))
g = data(y.numel(), 0.4).reshape(y.shape)
y.backward(g)
emit("conv.out", y)
emit("conv.dx", x.grad)
emit("conv.dw", w.grad)
emit("conv.db", b.grad)

# max and average pooling: 3x3 window, stride 2, padding 1
x = data(2 * 2 * 7 * 9, 0.5).reshape(2, 2, 7, 9).requires_grad_()
y, idx = F.max_pool2d(x, 3, 2, 1, return_indices=True)
g = data(y.numel(), 0.6).reshape(y.shape)
y.backward(g)
emit("maxpool.out", y)
emit("maxpool.idx", idx.double())
emit("maxpool.dx", x.grad)
x.grad = None
y = F.avg_pool2d(x, 3, 2, 1)
g = data(y.numel(), 0.7).reshape(y.shape)
y.backward(g)
emit("avgpool.out", y)
emit("avgpool.dx", x.grad)

# batch norm in training mode with running statistics, then in evaluation mode; eps is the
# float32 1e-5 and momentum 0.1 that mtl4j passes
EPS = float(np.float32(1e-5))
MOMENTUM = float(np.float32(0.1))
x = data(3 * 2 * 4 * 5, 0.8).reshape(3, 2, 4, 5).requires_grad_()
gamma = (1 + 0.5 * data(2, 0.9)).requires_grad_()
beta = data(2, 1.0).requires_grad_()
rm = data(2, 1.1).clone()
rv = 1 + 0.5 * data(2, 1.2).abs()
y = F.batch_norm(x, rm, rv, gamma, beta, training=True, momentum=MOMENTUM, eps=EPS)
g = data(y.numel(), 1.3).reshape(y.shape)
y.backward(g)
emit("bn.out", y)
emit("bn.running_mean", rm)
emit("bn.running_var", rv)
emit("bn.dx", x.grad)
emit("bn.dgamma", gamma.grad)
emit("bn.dbeta", beta.grad)
x.grad = None
gamma.grad = None
beta.grad = None
y = F.batch_norm(x, rm, rv, gamma, beta, training=False, eps=EPS)
y.backward(g)
emit("bneval.out", y)
emit("bneval.dx", x.grad)
emit("bneval.dgamma", gamma.grad)
emit("bneval.dbeta", beta.grad)
