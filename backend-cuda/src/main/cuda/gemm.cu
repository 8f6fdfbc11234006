// Single-precision general matrix multiply for row-major matrices,
//   C[m, n] = alpha * op(A) * op(B) + beta * C   (beta == 0: C is not read).
// Tiled and register-blocked in the manner of Volkov and Demmel, "Benchmarking GPUs to tune dense
// linear algebra" (SC 2008): each block stages a BM x BK tile of op(A) and a BK x BN tile of op(B)
// in double-buffered shared memory (the next tile is fetched into registers while the current one
// is multiplied), and each of the 256 threads accumulates a TM x TN sub-tile in registers, reading
// its operands from shared memory as float4 in a conflict-free interleaved layout.
// Reductions run in a fixed order, so results are deterministic.

#define BK 8
#define NTHREADS 256

template <int BM, int BN, int TM, int TN, bool TA, bool TB>
__device__ __forceinline__ void sgemm_tile(int m, int n, int k, float alpha,
                                           const float* __restrict__ A, int lda,
                                           const float* __restrict__ B, int ldb, float beta,
                                           float* __restrict__ C, int ldc) {
  constexpr int A_LOADS = BM * BK / NTHREADS;
  constexpr int B_LOADS = BN * BK / NTHREADS;
  constexpr int TX = BN / TN;           // threads along n
  constexpr int GM = TM / 4;            // float4 groups per thread along m
  constexpr int GN = TN / 4;            // float4 groups per thread along n
  constexpr int SM = BM / GM;           // stride between the groups along m
  constexpr int SN = BN / GN;           // stride between the groups along n
  __shared__ __align__(16) float As[2][BK][BM];
  __shared__ __align__(16) float Bs[2][BK][BN];

  const int tid = threadIdx.x;
  const int tx = tid % TX;
  const int ty = tid / TX;
  const int row0 = blockIdx.y * BM;
  const int col0 = blockIdx.x * BN;

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; i++)
#pragma unroll
    for (int j = 0; j < TN; j++) acc[i][j] = 0.f;

  float ra[A_LOADS];
  float rb[B_LOADS];
  const int ntiles = (k + BK - 1) / BK;

  // element (i, p) of op(A) and (p, j) of op(B) handled by load slot r of this thread
#define A_IDX(r, i, p)                      \
  int l_ = tid + (r) * NTHREADS;            \
  int i = TA ? (l_ % BM) : (l_ / BK);       \
  int p = TA ? (l_ / BM) : (l_ % BK);
#define B_IDX(r, p, j)                      \
  int l_ = tid + (r) * NTHREADS;            \
  int j = TB ? (l_ / BK) : (l_ % BN);       \
  int p = TB ? (l_ % BK) : (l_ / BN);

  auto load = [&](int k0) {
#pragma unroll
    for (int r = 0; r < A_LOADS; r++) {
      A_IDX(r, i, p)
      int gi = row0 + i;
      int gp = k0 + p;
      ra[r] = (gi < m && gp < k) ? (TA ? A[(size_t)gp * lda + gi] : A[(size_t)gi * lda + gp]) : 0.f;
    }
#pragma unroll
    for (int r = 0; r < B_LOADS; r++) {
      B_IDX(r, p, j)
      int gj = col0 + j;
      int gp = k0 + p;
      rb[r] = (gj < n && gp < k) ? (TB ? B[(size_t)gj * ldb + gp] : B[(size_t)gp * ldb + gj]) : 0.f;
    }
  };
  auto store = [&](int buf) {
#pragma unroll
    for (int r = 0; r < A_LOADS; r++) {
      A_IDX(r, i, p)
      As[buf][p][i] = ra[r];
    }
#pragma unroll
    for (int r = 0; r < B_LOADS; r++) {
      B_IDX(r, p, j)
      Bs[buf][p][j] = rb[r];
    }
  };
#undef A_IDX
#undef B_IDX

  if (ntiles > 0) {
    load(0);
    store(0);
  }
  __syncthreads();
  for (int t = 0; t < ntiles; t++) {
    const int cur = t & 1;
    const bool more = t + 1 < ntiles;
    if (more) load((t + 1) * BK);
#pragma unroll
    for (int p = 0; p < BK; p++) {
      float a[TM];
      float b[TN];
#pragma unroll
      for (int g = 0; g < GM; g++) {
        float4 v = *reinterpret_cast<const float4*>(&As[cur][p][g * SM + ty * 4]);
        a[g * 4 + 0] = v.x;
        a[g * 4 + 1] = v.y;
        a[g * 4 + 2] = v.z;
        a[g * 4 + 3] = v.w;
      }
#pragma unroll
      for (int g = 0; g < GN; g++) {
        float4 v = *reinterpret_cast<const float4*>(&Bs[cur][p][g * SN + tx * 4]);
        b[g * 4 + 0] = v.x;
        b[g * 4 + 1] = v.y;
        b[g * 4 + 2] = v.z;
        b[g * 4 + 3] = v.w;
      }
#pragma unroll
      for (int i = 0; i < TM; i++)
#pragma unroll
        for (int j = 0; j < TN; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    if (more) store(cur ^ 1);
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < TM; i++) {
    const int gi = row0 + (i / 4) * SM + ty * 4 + (i % 4);
    if (gi >= m) continue;
#pragma unroll
    for (int j = 0; j < TN; j++) {
      const int gj = col0 + (j / 4) * SN + tx * 4 + (j % 4);
      if (gj < n) {
        float* c = &C[(size_t)gi * ldc + gj];
        *c = beta == 0.f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * *c;
      }
    }
  }
}

#define SGEMM_ARGS                                                                        \
  int m, int n, int k, float alpha, const float *__restrict__ A, int lda,                 \
      const float *__restrict__ B, int ldb, float beta, float *__restrict__ C, int ldc
#define SGEMM_CALL m, n, k, alpha, A, lda, B, ldb, beta, C, ldc

// 128 x 128 tiles, 8 x 8 per thread: large problems.
extern "C" __global__ void __launch_bounds__(NTHREADS, 2) sgemm128_nn(SGEMM_ARGS) {
  sgemm_tile<128, 128, 8, 8, false, false>(SGEMM_CALL);
}
extern "C" __global__ void __launch_bounds__(NTHREADS, 2) sgemm128_nt(SGEMM_ARGS) {
  sgemm_tile<128, 128, 8, 8, false, true>(SGEMM_CALL);
}
extern "C" __global__ void __launch_bounds__(NTHREADS, 2) sgemm128_tn(SGEMM_ARGS) {
  sgemm_tile<128, 128, 8, 8, true, false>(SGEMM_CALL);
}
extern "C" __global__ void __launch_bounds__(NTHREADS, 2) sgemm128_tt(SGEMM_ARGS) {
  sgemm_tile<128, 128, 8, 8, true, true>(SGEMM_CALL);
}

// 64 x 64 tiles, 4 x 4 per thread: small problems, where 128-tiles would leave SMs idle.
extern "C" __global__ void __launch_bounds__(NTHREADS) sgemm64_nn(SGEMM_ARGS) {
  sgemm_tile<64, 64, 4, 4, false, false>(SGEMM_CALL);
}
extern "C" __global__ void __launch_bounds__(NTHREADS) sgemm64_nt(SGEMM_ARGS) {
  sgemm_tile<64, 64, 4, 4, false, true>(SGEMM_CALL);
}
extern "C" __global__ void __launch_bounds__(NTHREADS) sgemm64_tn(SGEMM_ARGS) {
  sgemm_tile<64, 64, 4, 4, true, false>(SGEMM_CALL);
}
extern "C" __global__ void __launch_bounds__(NTHREADS) sgemm64_tt(SGEMM_ARGS) {
  sgemm_tile<64, 64, 4, 4, true, true>(SGEMM_CALL);
}
