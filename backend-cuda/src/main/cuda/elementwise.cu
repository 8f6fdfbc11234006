// Element-wise kernels: fill, column copies, axpby, affine, broadcast binary ops, unary maps and
// their derivatives, row gather / deterministic scatter-add, and counter-based dropout masks.
// Compiled without FMA contraction and computed in double where the reference backend does, so
// results round exactly as ReferenceBackend's do.
#include "common.cuh"

#define GRID_STRIDE(i, n) \
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < (n); i += (long long)blockDim.x * gridDim.x)

extern "C" __global__ void fill_f32(float* x, int n, float v) {
  GRID_STRIDE(i, n) x[i] = v;
}

// dst[r, dstCol + j] = src[r, srcCol + j], j < count
extern "C" __global__ void copy_columns(const float* src, int srcCols, int srcCol, float* dst,
                                        int dstCols, int dstCol, int rows, int count) {
  long long total = (long long)rows * count;
  GRID_STRIDE(t, total) {
    int r = (int)(t / count);
    int j = (int)(t % count);
    dst[(long long)r * dstCols + dstCol + j] = src[(long long)r * srcCols + srcCol + j];
  }
}

extern "C" __global__ void axpby_f32(float alpha, const float* x, float beta, float* y, int n) {
  GRID_STRIDE(i, n) {
    double prior = beta == 0.f ? 0.0 : (double)beta * y[i];
    y[i] = (float)((double)alpha * x[i] + prior);
  }
}

extern "C" __global__ void affine_f32(const float* x, float scale, float shift, float* out, int n) {
  GRID_STRIDE(i, n) out[i] = (float)((double)scale * x[i] + shift);
}

__device__ __forceinline__ float bin_apply(int op, float a, float b) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4:  // MAX, NaN-propagating, +0 > -0 as Java's Math.max
      if (a != a || b != b) return __int_as_float(0x7fc00000);
      if (a == b) return signbit(a) ? b : a;
      return a > b ? a : b;
    default:  // MIN
      if (a != a || b != b) return __int_as_float(0x7fc00000);
      if (a == b) return signbit(a) ? a : b;
      return a < b ? a : b;
  }
}

// mode: 0 same shape, 1 row vector [1, cols], 2 column vector [rows, 1], 3 scalar
extern "C" __global__ void binary_f32(int op, int mode, const float* a, const float* b, float* out,
                                      int rows, int cols) {
  long long total = (long long)rows * cols;
  GRID_STRIDE(t, total) {
    float bv;
    switch (mode) {
      case 0: bv = b[t]; break;
      case 1: bv = b[t % cols]; break;
      case 2: bv = b[t / cols]; break;
      default: bv = b[0]; break;
    }
    out[t] = bin_apply(op, a[t], bv);
  }
}

#define GELU_C 0.7978845608028654  /* sqrt(2 / pi) */
#define GELU_K 0.044715

// op order as org.mtl4j.api.backend.UnaryOp
__device__ __forceinline__ double un_apply(int op, double x) {
  switch (op) {
    case 0: return x > 0 ? x : (x != x ? x : 0.0);
    case 1: return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
    case 2: return tanh(x);
    case 3: return 0.5 * x * (1.0 + tanh(GELU_C * (x + GELU_K * x * x * x)));
    case 4: return exp(x);
    case 5: return log(x);
    case 6: return sqrt(x);
    case 7: return x * x;
    default: return fabs(x);
  }
}

__device__ __forceinline__ double un_derivative(int op, double x, double y) {
  switch (op) {
    case 0: return x > 0 ? 1.0 : 0.0;
    case 1: return y * (1.0 - y);
    case 2: return 1.0 - y * y;
    case 3: {
      double u = GELU_C * (x + GELU_K * x * x * x);
      double t = tanh(u);
      double du = GELU_C * (1.0 + 3.0 * GELU_K * x * x);
      return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
    }
    case 4: return y;
    case 5: return 1.0 / x;
    case 6: return 0.5 / y;
    case 7: return 2.0 * x;
    default: return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
  }
}

extern "C" __global__ void unary_f32(int op, const float* x, float* out, int n) {
  GRID_STRIDE(i, n) out[i] = (float)un_apply(op, (double)x[i]);
}

extern "C" __global__ void unary_backward_f32(int op, const float* x, const float* y,
                                              const float* gradOut, float* gradIn, int n) {
  GRID_STRIDE(i, n) {
    gradIn[i] = (float)((double)gradOut[i] * un_derivative(op, (double)x[i], (double)y[i]));
  }
}

// out[i, :] = table[idx[i], :]; indices were validated on the host.
extern "C" __global__ void gather_rows(const float* table, const float* idx, float* out, int n,
                                       int d) {
  long long total = (long long)n * d;
  GRID_STRIDE(t, total) {
    int i = (int)(t / d);
    int j = (int)(t % d);
    out[t] = table[(long long)(int)idx[i] * d + j];
  }
}

// Deterministic scatter-add: the host groups source rows by target (in source order), so each
// target element is summed by one thread in the reference's order, with no atomics.
// plan = [targets (u), starts (u + 1), sources (n)]
extern "C" __global__ void scatter_add_rows(const float* src, float* table, int d, const int* plan,
                                            int u) {
  const int* targets = plan;
  const int* starts = plan + u;
  const int* sources = plan + 2 * u + 1;
  for (int g = blockIdx.y; g < u; g += gridDim.y) {
    int row = targets[g];
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < d; j += blockDim.x * gridDim.x) {
      float acc = table[(long long)row * d + j];
      for (int s = starts[g]; s < starts[g + 1]; s++) acc += src[(long long)sources[s] * d + j];
      table[(long long)row * d + j] = acc;
    }
  }
}

// SplitMix64 of org.mtl4j.api.backend.CounterRng, in the same 64-bit integer arithmetic.
__device__ __forceinline__ unsigned long long counter_bits(unsigned long long seed,
                                                           unsigned long long index) {
  unsigned long long z = seed + (index + 1ull) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

extern "C" __global__ void dropout_mask(unsigned long long seed, float p, float keep, float* mask,
                                        int n) {
  GRID_STRIDE(i, n) {
    float u = (float)(counter_bits(seed, (unsigned long long)i) >> 40) * 0x1.0p-24f;
    mask[i] = u >= p ? keep : 0.f;
  }
}
