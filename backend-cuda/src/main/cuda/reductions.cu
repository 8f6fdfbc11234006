// Deterministic reductions: every sum accumulates in double, per block in a fixed order, and
// block partials are combined by a second pass in index order (no atomics).
#include "common.cuh"

// kind 0: sum a; 1: sum a * b; 2: sum a * a. partial[blockIdx.x] = this block's sum.
extern "C" __global__ void reduce_partials(int kind, const float* a, const float* b, int n,
                                           double* partial) {
  double s = 0.0;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
       i += (long long)blockDim.x * gridDim.x) {
    double x = a[i];
    s += kind == 0 ? x : (kind == 1 ? x * (double)b[i] : x * x);
  }
  s = block_sum(s);
  if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

// One block: out = sum of partial[0..count), into a double and/or a float (either may be null).
extern "C" __global__ void reduce_finish(const double* partial, int count, double* outD,
                                         float* outF) {
  double s = 0.0;
  for (int i = threadIdx.x; i < count; i += blockDim.x) s += partial[i];
  s = block_sum(s);
  if (threadIdx.x == 0) {
    if (outD) outD[0] = s;
    if (outF) outF[0] = (float)s;
  }
}

// Column sums over a chunk of rows: block (32, 8) covers 32 columns of rows
// [chunk * chunkRows, (chunk + 1) * chunkRows); partial is [chunks, cols].
extern "C" __global__ void sum_rows_partial(const float* x, int rows, int cols, int chunkRows,
                                            double* partial) {
  __shared__ double s[8][33];
  int col = blockIdx.x * 32 + threadIdx.x;
  int r0 = blockIdx.y * chunkRows;
  int r1 = min(rows, r0 + chunkRows);
  double acc = 0.0;
  if (col < cols)
    for (int r = r0 + threadIdx.y; r < r1; r += 8) acc += x[(long long)r * cols + col];
  s[threadIdx.y][threadIdx.x] = acc;
  __syncthreads();
  if (threadIdx.y == 0 && col < cols) {
    double t = 0.0;
    for (int k = 0; k < 8; k++) t += s[k][threadIdx.x];
    partial[(long long)blockIdx.y * cols + col] = t;
  }
}

extern "C" __global__ void sum_rows_finish(const double* partial, int chunks, int cols, float* out) {
  int col = blockIdx.x * blockDim.x + threadIdx.x;
  if (col >= cols) return;
  double t = 0.0;
  for (int c = 0; c < chunks; c++) t += partial[(long long)c * cols + col];
  out[col] = (float)t;
}

// One warp per row: out[r] = sum_j x[r, j].
extern "C" __global__ void sum_cols(const float* x, int rows, int cols, float* out) {
  int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
  int lane = threadIdx.x % WARP;
  if (row >= rows) return;
  const float* p = x + (long long)row * cols;
  double s = 0.0;
  for (int j = lane; j < cols; j += WARP) s += p[j];
  s = warp_sum(s);
  if (lane == 0) out[row] = (float)s;
}

// (a, ia) better than (b, ib)? NaN beats numbers, larger beats smaller, ties go to the lower index.
__device__ __forceinline__ bool better(float a, int ia, float b, int ib) {
  bool na = a != a;
  bool nb = b != b;
  if (na || nb) return na && (!nb || ia < ib);
  if (a != b) return a > b;
  return ia < ib;
}

extern "C" __global__ void argmax_rows(const float* x, int rows, int cols, float* out) {
  int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
  int lane = threadIdx.x % WARP;
  if (row >= rows) return;
  const float* p = x + (long long)row * cols;
  float bv = 0.f;
  int bi = 0x7fffffff;
  for (int j = lane; j < cols; j += WARP) {
    float v = p[j];
    if (bi == 0x7fffffff || better(v, j, bv, bi)) {
      bv = v;
      bi = j;
    }
  }
  for (int o = WARP / 2; o > 0; o >>= 1) {
    float ov = __shfl_down_sync(0xffffffffu, bv, o);
    int oi = __shfl_down_sync(0xffffffffu, bi, o);
    if (oi != 0x7fffffff && (bi == 0x7fffffff || better(ov, oi, bv, bi))) {
      bv = ov;
      bi = oi;
    }
  }
  if (lane == 0) out[row] = (float)bi;
}

__device__ __forceinline__ double warp_max(double v) {
#pragma unroll
  for (int o = WARP / 2; o > 0; o >>= 1) v = fmax(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// Stable row softmax / log-softmax, one warp per row, in double as the reference.
extern "C" __global__ void softmax_rows(const float* x, float* out, int rows, int cols, int logOut) {
  int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
  int lane = threadIdx.x % WARP;
  if (row >= rows) return;
  const float* p = x + (long long)row * cols;
  float* q = out + (long long)row * cols;
  double mx = -INFINITY;
  int nan = 0;
  for (int j = lane; j < cols; j += WARP) {
    double v = p[j];
    nan |= v != v;
    mx = fmax(mx, v);
  }
  mx = warp_max(mx);
  nan = __any_sync(0xffffffffu, nan);
  double s = 0.0;
  for (int j = lane; j < cols; j += WARP) s += exp((double)p[j] - mx);
  s = warp_sum(s);
  s = __shfl_sync(0xffffffffu, s, 0);
  double lse = mx + log(s);
  for (int j = lane; j < cols; j += WARP) {
    double l = nan ? (double)NAN : (double)p[j] - lse;
    q[j] = (float)(logOut ? l : exp(l));
  }
}
