"""PyTorch on the GPU, for comparison with mtl4j's CUDA image kernels (backend-cuda/device-check.sh).

Same measurements as org.mtl4j.backend.cuda.tools.LeNetCheck: the training step of the multi-task
LeNet of Sener and Koltun (2018) on 1x36x36 MultiFashion-sized inputs at batch 256 (conv 5x5 1->10,
ReLU, max pool 2, conv 5x5 10->20, ReLU, max pool 2, fc 720->50 ReLU, two 10-way cross-entropy
heads, SGD), and the forward + input and weight gradients of a 3x3 64->64 convolution on 32x32
images at batch 64. fp32 with TF32 off; cuDNN picks its default algorithms (benchmark mode off).
Prints RESULT key=value lines.
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.set_float32_matmul_precision("highest")
dev = torch.device("cuda")
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
print("device:", torch.cuda.get_device_name(0), "torch", torch.__version__, flush=True)


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 10, 5)
        self.c2 = nn.Conv2d(10, 20, 5)
        self.fc = nn.Linear(720, 50)
        self.left = nn.Linear(50, 10)
        self.right = nn.Linear(50, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        h = F.relu(self.fc(x.flatten(1)))
        return self.left(h), self.right(h)


torch.manual_seed(7)
model = LeNet().to(dev)
opt = torch.optim.SGD(model.parameters(), lr=0.01)
batch = 256
x = torch.rand(batch, 1, 36, 36, device=dev)
yl = torch.randint(0, 10, (batch,), device=dev)
yr = torch.randint(0, 10, (batch,), device=dev)


def step():
    opt.zero_grad(set_to_none=False)
    a, b = model(x)
    loss = F.cross_entropy(a, yl) + F.cross_entropy(b, yr)
    loss.backward()
    opt.step()


for _ in range(5):
    step()
torch.cuda.synchronize()
t0 = time.perf_counter()
for _ in range(steps):
    step()
torch.cuda.synchronize()
secs = time.perf_counter() - t0
print("  LeNet batch %d: %d steps in %.3f s" % (batch, steps, secs))
print("RESULT lenet_b256_step_ms=%.3f" % (1000 * secs / steps))
print("RESULT lenet_b256_images_per_s=%.0f" % (steps * batch / secs))

n, c, side, reps = 64, 64, 32, 20
xc = (torch.rand(n, c, side, side, device=dev) - 0.5).requires_grad_()
w = (torch.rand(c, c, 3, 3, device=dev) - 0.5).requires_grad_()
bias = torch.zeros(c, device=dev, requires_grad=True)


def conv_step():
    y = F.conv2d(xc, w, bias, padding=1)
    gx, gw, gb = torch.autograd.grad(y, (xc, w, bias), y.detach())


for _ in range(3):
    conv_step()
torch.cuda.synchronize()
t0 = time.perf_counter()
for _ in range(reps):
    conv_step()
torch.cuda.synchronize()
flops = 3 * 2.0 * n * c * side * side * c * 9
print("RESULT conv3x3_64x64_32x32_b64_fwd_bwd_gflops=%.1f" % (flops * reps / (time.perf_counter() - t0) / 1e9))
a = torch.rand(4096, 4096, device=dev) - 0.5
for _ in range(3):
    a @ a
torch.cuda.synchronize()
t0 = time.perf_counter()
for _ in range(20):
    a @ a
torch.cuda.synchronize()
print("RESULT gemm_4096_gflops=%.1f" % (2.0 * 4096 ** 3 * 20 / (time.perf_counter() - t0) / 1e9))
