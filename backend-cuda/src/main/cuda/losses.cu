// Fused, masked losses with their gradients: softmax cross-entropy, binary cross-entropy with
// logits, mean squared error. Each runs as (1) per-block partials of (masked loss sum, mask count)
// in double, (2) a one-block finish that writes the mean and the denominator max(1, count), and
// (3) an element-wise gradient pass that reads the denominator from device memory. No atomics.
#include "common.cuh"

#define ROWS_PER_BLOCK 8  // one warp per row, 256 threads

__device__ __forceinline__ double log_sum_exp_row(const float* p, int k, int lane, int* nanOut) {
  double mx = -INFINITY;
  int nan = 0;
  for (int j = lane; j < k; j += WARP) {
    double v = p[j];
    nan |= v != v;
    mx = fmax(mx, v);
  }
#pragma unroll
  for (int o = WARP / 2; o > 0; o >>= 1) mx = fmax(mx, __shfl_xor_sync(0xffffffffu, mx, o));
  nan = __any_sync(0xffffffffu, nan);
  double s = 0.0;
  for (int j = lane; j < k; j += WARP) s += exp((double)p[j] - mx);
  s = warp_sum(s);
  s = __shfl_sync(0xffffffffu, s, 0);
  *nanOut = nan;
  return mx + log(s);
}

// partial[2 * block] = sum over this block's rows of -log_softmax[label] * mask, [2 * block + 1] =
// sum of mask. Rows are assigned to warps as row = (block * 8 + warp) + t * gridDim.x * 8.
extern "C" __global__ void ce_partial(const float* logits, const float* labels, const float* mask,
                                      int n, int k, double* partial) {
  __shared__ double sl[ROWS_PER_BLOCK];
  __shared__ double sc[ROWS_PER_BLOCK];
  int warp = threadIdx.x / WARP;
  int lane = threadIdx.x % WARP;
  double loss = 0.0;
  double count = 0.0;
  for (int row = blockIdx.x * ROWS_PER_BLOCK + warp; row < n; row += gridDim.x * ROWS_PER_BLOCK) {
    double m = mask ? (double)mask[row] : 1.0;
    if (m == 0.0) continue;
    const float* p = logits + (long long)row * k;
    int nan;
    double lse = log_sum_exp_row(p, k, lane, &nan);
    int y = (int)labels[row];
    double l = (nan || y < 0 || y >= k) ? (double)NAN : (double)p[y] - lse;
    loss += -l * m;
    count += m;
  }
  if (lane == 0) {
    sl[warp] = loss;
    sc[warp] = count;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    double a = 0.0, c = 0.0;
    for (int w = 0; w < ROWS_PER_BLOCK; w++) {
      a += sl[w];
      c += sc[w];
    }
    partial[2 * blockIdx.x] = a;
    partial[2 * blockIdx.x + 1] = c;
  }
}

// One block: stats[0] = max(1, count), stats[1] = mean loss; loss[0] = (float) mean.
extern "C" __global__ void loss_finish(const double* partial, int blocks, double* stats,
                                       float* loss) {
  double a = 0.0, c = 0.0;
  for (int i = threadIdx.x; i < blocks; i += blockDim.x) {
    a += partial[2 * i];
    c += partial[2 * i + 1];
  }
  a = block_sum(a);
  __syncthreads();
  c = block_sum(c);
  if (threadIdx.x == 0) {
    double denom = fmax(1.0, c);
    stats[0] = denom;
    stats[1] = a / denom;
    loss[0] = (float)(a / denom);
  }
}

extern "C" __global__ void ce_grad(const float* logits, const float* labels, const float* mask,
                                   int n, int k, const double* stats, float* grad) {
  int row = blockIdx.x * ROWS_PER_BLOCK + threadIdx.x / WARP;
  int lane = threadIdx.x % WARP;
  if (row >= n) return;
  const float* p = logits + (long long)row * k;
  float* g = grad + (long long)row * k;
  double m = mask ? (double)mask[row] : 1.0;
  if (m == 0.0) {
    for (int j = lane; j < k; j += WARP) g[j] = 0.f;
    return;
  }
  double denom = stats[0];
  int nan;
  double lse = log_sum_exp_row(p, k, lane, &nan);
  int y = (int)labels[row];
  for (int j = lane; j < k; j += WARP) {
    double l = nan ? (double)NAN : (double)p[j] - lse;
    g[j] = (float)(m * (exp(l) - (j == y ? 1.0 : 0.0)) / denom);
  }
}

// maskMode: 0 none, 1 same shape, 2 column [n, 1]
__device__ __forceinline__ double mask_at(const float* mask, int maskMode, long long t, int k) {
  return maskMode == 0 ? 1.0 : (maskMode == 1 ? (double)mask[t] : (double)mask[t / k]);
}

__device__ __forceinline__ double sigmoid_d(double z) {
  return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

// kind 0: BCE with logits, 1: MSE. partial as for ce_partial.
extern "C" __global__ void elem_loss_partial(int kind, const float* x, const float* t,
                                             const float* mask, int maskMode, int n, int k,
                                             double* partial) {
  long long total = (long long)n * k;
  double loss = 0.0;
  double count = 0.0;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total;
       i += (long long)blockDim.x * gridDim.x) {
    double m = mask_at(mask, maskMode, i, k);
    if (m == 0.0) continue;
    double z = x[i];
    double y = t[i];
    if (kind == 0) {
      loss += m * (fmax(z, 0.0) - z * y + log1p(exp(-fabs(z))));
    } else {
      double d = z - y;
      loss += m * d * d;
    }
    count += m;
  }
  loss = block_sum(loss);
  __syncthreads();
  count = block_sum(count);
  if (threadIdx.x == 0) {
    partial[2 * blockIdx.x] = loss;
    partial[2 * blockIdx.x + 1] = count;
  }
}

extern "C" __global__ void elem_loss_grad(int kind, const float* x, const float* t,
                                          const float* mask, int maskMode, int n, int k,
                                          const double* stats, float* grad) {
  long long total = (long long)n * k;
  double denom = stats[0];
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total;
       i += (long long)blockDim.x * gridDim.x) {
    double m = mask_at(mask, maskMode, i, k);
    if (m == 0.0) {
      grad[i] = 0.f;
      continue;
    }
    double z = x[i];
    double y = t[i];
    grad[i] = (float)(kind == 0 ? m * (sigmoid_d(z) - y) / denom : m * 2.0 * (z - y) / denom);
  }
}
