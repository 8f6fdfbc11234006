"""PyTorch on the GPU, for comparison with mtl4j's CUDA backend (backend-cuda/device-check.sh).

Same measurements as org.mtl4j.backend.cuda.tools.Benchmark: fp32 SGEMM GFLOP/s at 4096^3 and
256x512x784, and training samples/s of the reference HPS model (784-512-256 ReLU trunk, 10-way
softmax cross-entropy head + footwear BCE head, Adam 1e-3) at batch 256 and 4096 on synthetic
Fashion-MNIST-shaped data, counting the whole epoch: host shuffle, batch gather, copy to the GPU,
forward, backward, optimiser step. TF32 is off, so both sides do plain fp32 arithmetic.
Prints RESULT key=value lines.
"""
import sys
import time

import numpy as np
import torch

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.set_float32_matmul_precision("highest")
dev = torch.device("cuda")
epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
samples = int(sys.argv[2]) if len(sys.argv) > 2 else 60000
print("device:", torch.cuda.get_device_name(0), "torch", torch.__version__, flush=True)


def gemm_gflops(m, n, k, reps):
    a = torch.rand(m, k, device=dev) - 0.5
    b = torch.rand(k, n, device=dev) - 0.5
    for _ in range(3):
        c = a @ b
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(reps):
        c = a @ b
    torch.cuda.synchronize()
    return 2.0 * m * n * k * reps / (time.perf_counter() - t0) / 1e9


print("RESULT gemm_4096_gflops=%.1f" % gemm_gflops(4096, 4096, 4096, 20), flush=True)
print("RESULT gemm_256x512x784_gflops=%.1f" % gemm_gflops(256, 512, 784, 200), flush=True)

rng = np.random.default_rng(5)
protos = rng.random((10, 784), dtype=np.float32)
classes = rng.integers(0, 10, samples)
images = (0.3 * protos[classes] + 0.7 * rng.random((samples, 784), dtype=np.float32)).astype(np.float32)
labels = np.where(rng.random(samples) < 0.25, rng.integers(0, 10, samples), classes)
footwear = np.isin(labels, [5, 7, 9]).astype(np.float32)
labels = labels.astype(np.int64)


class Hps(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = torch.nn.Sequential(
            torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256), torch.nn.ReLU())
        self.category = torch.nn.Linear(256, 10)
        self.footwear = torch.nn.Linear(256, 1)

    def forward(self, x):
        h = self.trunk(x)
        return self.category(h), self.footwear(h).squeeze(1)


def samples_per_second(batch):
    torch.manual_seed(11)
    model = Hps().to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    ce = torch.nn.CrossEntropyLoss()
    bce = torch.nn.BCEWithLogitsLoss()
    steps = samples // batch
    shuffle = np.random.default_rng(3)
    rates = []
    for e in range(epochs + 1):
        t0 = time.perf_counter()
        order = shuffle.permutation(samples)
        for s in range(steps):
            idx = order[s * batch:(s + 1) * batch]
            x = torch.from_numpy(images[idx]).to(dev)
            y = torch.from_numpy(labels[idx]).to(dev)
            f = torch.from_numpy(footwear[idx]).to(dev)
            a, b = model(x)
            loss = ce(a, y) + bce(b, f)
            opt.zero_grad(set_to_none=False)
            loss.backward()
            opt.step()
        last = loss.item()
        torch.cuda.synchronize()
        secs = time.perf_counter() - t0
        rate = steps * batch / secs
        print("  batch %d epoch %d%s: %.0f samples/s, loss %.4f"
              % (batch, e, " (warm-up)" if e == 0 else "", rate, last), flush=True)
        if e > 0:
            rates.append(rate)
    return float(np.median(rates))


for batch in (256, 4096):
    print("RESULT train_b%d_samples_per_s=%.0f" % (batch, samples_per_second(batch)), flush=True)
