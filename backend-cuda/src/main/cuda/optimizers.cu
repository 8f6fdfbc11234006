// Fused optimiser steps with PyTorch's semantics, in double as the reference backend computes:
// SGD with momentum (Nesterov optional) and Adam / AdamW (Kingma and Ba 2015; Loshchilov and
// Hutter 2019), the latter also over a whole parameter list in one launch.

#define GRID_STRIDE(i, n) \
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < (n); i += (long long)blockDim.x * gridDim.x)

extern "C" __global__ void sgd_step(float* param, const float* grad, float* vel, int n, float lr,
                                    float momentum, float wd, int nesterov) {
  GRID_STRIDE(i, n) {
    double g = (double)grad[i] + (double)wd * param[i];
    if (vel) {
      float v = (float)((double)momentum * vel[i] + g);
      vel[i] = v;
      g = nesterov ? g + (double)momentum * v : (double)v;
    }
    param[i] = (float)((double)param[i] - (double)lr * g);
  }
}

__device__ __forceinline__ void adam_one(float* param, const float* grad, float* m, float* v,
                                         long long i, double lr, double b1, double b2, double eps,
                                         double wd, int decoupled, double bc1, double bc2) {
  double p = param[i];
  double g = grad[i];
  if (decoupled) {
    p = p * (1.0 - lr * wd);
  } else {
    g = g + wd * p;
  }
  float mi = (float)(b1 * m[i] + (1.0 - b1) * g);
  float vi = (float)(b2 * v[i] + (1.0 - b2) * g * g);
  m[i] = mi;
  v[i] = vi;
  double mhat = mi / bc1;
  double vhat = vi / bc2;
  param[i] = (float)(p - lr * mhat / (sqrt(vhat) + eps));
}

extern "C" __global__ void adam_step(float* param, const float* grad, float* m, float* v, int n,
                                     float lr, float b1, float b2, float eps, float wd,
                                     int decoupled, double bc1, double bc2) {
  GRID_STRIDE(i, n) adam_one(param, grad, m, v, i, lr, b1, b2, eps, wd, decoupled, bc1, bc2);
}

// table: [count][4] device addresses (param, grad, m, v); offsets: [count + 1] prefix sums of the
// parameter sizes; lrs: [count] learning rates.
extern "C" __global__ void adam_step_all(const unsigned long long* table,
                                         const long long* offsets, const float* lrs, int count,
                                         float b1, float b2, float eps, float wd, int decoupled,
                                         double bc1, double bc2) {
  long long total = offsets[count];
  GRID_STRIDE(t, total) {
    int lo = 0, hi = count - 1;
    while (lo < hi) {  // last parameter whose offset <= t
      int mid = (lo + hi + 1) / 2;
      if (offsets[mid] <= t) lo = mid; else hi = mid - 1;
    }
    const unsigned long long* e = table + 4 * lo;
    adam_one((float*)e[0], (const float*)e[1], (float*)e[2], (float*)e[3], t - offsets[lo],
             lrs[lo], b1, b2, eps, wd, decoupled, bc1, bc2);
  }
}
