// Image kernels on NCHW tensors: convolution as im2col + sgemm (gemm.cu) + col2im (Chellapilla,
// Puri and Simard, "High performance convolutional neural networks for document processing",
// 2006), max / average / global average pooling and batch normalisation (Ioffe and Szegedy 2015).
// Compiled without FMA contraction; sums run in double in a fixed order (no atomics in any result),
// so results are deterministic and round as ReferenceBackend's do wherever the formula allows.
//
// Convolution layout (CudaImageOps drives it over chunks of g images of the batch):
//   col [c*kh*kw, g*oh*ow]   row (ci, i, j), column (s, oy, ox): the input tap of output (oy, ox)
//   kmaj [k, g*oh*ow]        an output (or output gradient) chunk with the channel axis first
// so that out = W * col, col = W^T * kmaj and dW = kmaj * col^T are plain sgemm calls.
#include "common.cuh"

#define IMG_LOOP(i, n) \
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < (n); i += (long long)blockDim.x * gridDim.x)

// col[(ci*kh + i)*kw + j][s*oh*ow + oy*ow + ox] = x[s, ci, oy*sh - ph + i*dh, ox*sw - pw + j*dw]
// (zero outside the image), for the g images starting at x.
extern "C" __global__ void im2col(const float* x, int g, int c, int h, int w, int kh, int kw, int sh,
                                  int sw, int ph, int pw, int dh, int dw, int oh, int ow,
                                  float* col) {
  const long long ohw = (long long)oh * ow;
  const long long cols = g * ohw;
  const long long total = (long long)c * kh * kw * cols;
  IMG_LOOP(t, total) {
    long long row = t / cols;
    long long q = t % cols;
    int s = (int)(q / ohw);
    int p = (int)(q % ohw);
    int oy = p / ow, ox = p % ow;
    int j = (int)(row % kw);
    int i = (int)((row / kw) % kh);
    int ci = (int)(row / ((long long)kw * kh));
    int iy = oy * sh - ph + i * dh;
    int ix = ox * sw - pw + j * dw;
    float v = 0.f;
    if (iy >= 0 && iy < h && ix >= 0 && ix < w) v = x[(((long long)s * c + ci) * h + iy) * w + ix];
    col[t] = v;
  }
}

// The adjoint of im2col as a gather (no atomics): x[s, ci, iy, ix] = sum of the col entries that
// read that position; positions no output reads get zero.
extern "C" __global__ void col2im(const float* col, int g, int c, int h, int w, int kh, int kw,
                                  int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow,
                                  float* x) {
  const long long ohw = (long long)oh * ow;
  const long long cols = g * ohw;
  const long long total = (long long)g * c * h * w;
  IMG_LOOP(t, total) {
    int ix = (int)(t % w);
    int iy = (int)((t / w) % h);
    int ci = (int)((t / ((long long)w * h)) % c);
    int s = (int)(t / ((long long)w * h * c));
    double acc = 0.0;
    for (int i = 0; i < kh; i++) {
      int ty = iy + ph - i * dh;
      if (ty < 0 || ty % sh != 0) continue;
      int oy = ty / sh;
      if (oy >= oh) continue;
      for (int j = 0; j < kw; j++) {
        int tx = ix + pw - j * dw;
        if (tx < 0 || tx % sw != 0) continue;
        int ox = tx / sw;
        if (ox >= ow) continue;
        acc += col[((long long)(ci * kh + i) * kw + j) * cols + s * ohw + (long long)oy * ow + ox];
      }
    }
    x[t] = (float)acc;
  }
}

// out[s, k, p] = kmaj[k, s*ohw + p] (+ bias[k] when bias is not null)
extern "C" __global__ void kmajor_to_nchw(const float* kmaj, const float* bias, int g, int k,
                                          int ohw, float* out) {
  const long long total = (long long)g * k * ohw;
  IMG_LOOP(t, total) {
    int p = (int)(t % ohw);
    int kk = (int)((t / ohw) % k);
    long long s = t / ((long long)ohw * k);
    float v = kmaj[(long long)kk * g * ohw + s * ohw + p];
    out[t] = bias ? v + bias[kk] : v;
  }
}

// kmaj[k, s*ohw + p] = in[s, k, p]
extern "C" __global__ void nchw_to_kmajor(const float* in, int g, int k, int ohw, float* kmaj) {
  const long long total = (long long)g * k * ohw;
  IMG_LOOP(t, total) {
    int p = (int)(t % ohw);
    int kk = (int)((t / ohw) % k);
    long long s = t / ((long long)ohw * k);
    kmaj[(long long)kk * g * ohw + s * ohw + p] = in[t];
  }
}

// One block per output channel: gradBias[k] = beta * gradBias[k] + sum_{n,p} gradOut[n, k, p]
// (beta == 0: the prior value is not read).
extern "C" __global__ void conv_bias_grad(const float* gradOut, int n, int k, int ohw, float beta,
                                          float* gradBias) {
  const int kk = blockIdx.x;
  const long long m = (long long)n * ohw;
  double s = 0.0;
  for (long long t = threadIdx.x; t < m; t += blockDim.x) {
    long long ni = t / ohw;
    s += gradOut[(ni * k + kk) * ohw + t % ohw];
  }
  s = block_sum(s);
  if (threadIdx.x == 0) gradBias[kk] = (float)(s + (beta == 0.f ? 0.0 : (double)beta * gradBias[kk]));
}

// ------------------------------------------------------------------------------------ pooling

// Max over each window, scanned row by row: ties keep the first element, the first NaN wins, and
// padded positions never count. idx (may be null) receives iy * w + ix as a float.
extern "C" __global__ void max_pool(const float* x, int planes, int h, int w, int kh, int kw, int sh,
                                    int sw, int ph, int pw, int oh, int ow, float* out,
                                    float* idx) {
  const long long total = (long long)planes * oh * ow;
  IMG_LOOP(t, total) {
    int ox = (int)(t % ow);
    int oy = (int)((t / ow) % oh);
    long long plane = t / ((long long)ow * oh);
    const float* xp = x + plane * h * w;
    float best = 0.f;
    int at = -1;
    bool bestNaN = false;
    for (int i = 0; i < kh; i++) {
      int iy = oy * sh - ph + i;
      if (iy < 0 || iy >= h) continue;
      for (int j = 0; j < kw; j++) {
        int ix = ox * sw - pw + j;
        if (ix < 0 || ix >= w) continue;
        float v = xp[iy * w + ix];
        if (at < 0 || (!bestNaN && (v != v || v > best))) {
          best = v;
          at = iy * w + ix;
          bestNaN = v != v;
        }
      }
    }
    out[t] = best;
    if (idx) idx[t] = (float)at;
  }
}

// bad[0] = min over the positions t whose index is not an integer in [0, hw) (bad[0] starts at
// total; the minimum is order-independent, so the reported position is deterministic).
extern "C" __global__ void pool_index_check(const float* idx, long long total, int hw, int* bad) {
  IMG_LOOP(t, total) {
    float v = idx[t];
    int i = (int)v;
    if (!(v >= 0.f && v < (float)hw) || (float)i != v) atomicMin(bad, (int)t);
  }
}

// One thread per plane adds its outputs' gradients at their indices, in output order (overlapping
// windows sum deterministically). gradIn has been zeroed; out-of-range indices are skipped (the
// host has rejected them before).
extern "C" __global__ void max_pool_backward(const float* gradOut, const float* idx, int planes,
                                             int ohw, int hw, float* gradIn) {
  IMG_LOOP(plane, planes) {
    const float* go = gradOut + plane * ohw;
    const float* ip = idx + plane * ohw;
    float* gi = gradIn + plane * hw;
    for (int q = 0; q < ohw; q++) {
      int at = (int)ip[q];
      if (at >= 0 && at < hw) gi[at] = gi[at] + go[q];
    }
  }
}

// Window sum / (kh * kw), padded positions counting as zeros.
extern "C" __global__ void avg_pool(const float* x, int planes, int h, int w, int kh, int kw, int sh,
                                    int sw, int ph, int pw, int oh, int ow, float* out) {
  const long long total = (long long)planes * oh * ow;
  const double area = (double)kh * kw;
  IMG_LOOP(t, total) {
    int ox = (int)(t % ow);
    int oy = (int)((t / ow) % oh);
    long long plane = t / ((long long)ow * oh);
    const float* xp = x + plane * h * w;
    double s = 0.0;
    for (int i = 0; i < kh; i++) {
      int iy = oy * sh - ph + i;
      if (iy < 0 || iy >= h) continue;
      for (int j = 0; j < kw; j++) {
        int ix = ox * sw - pw + j;
        if (ix >= 0 && ix < w) s += xp[iy * w + ix];
      }
    }
    out[t] = (float)(s / area);
  }
}

// Gather form of the average-pool gradient: each input position sums gradOut / (kh * kw) over the
// windows that cover it.
extern "C" __global__ void avg_pool_backward(const float* gradOut, int planes, int h, int w, int kh,
                                             int kw, int sh, int sw, int ph, int pw, int oh, int ow,
                                             float* gradIn) {
  const long long total = (long long)planes * h * w;
  const double area = (double)kh * kw;
  IMG_LOOP(t, total) {
    int ix = (int)(t % w);
    int iy = (int)((t / w) % h);
    long long plane = t / ((long long)w * h);
    const float* go = gradOut + plane * oh * ow;
    // windows oy with oy*sh - ph <= iy < oy*sh - ph + kh
    int oy0 = iy + ph - kh + 1 <= 0 ? 0 : (iy + ph - kh + 1 + sh - 1) / sh;
    int oy1 = min(oh - 1, (iy + ph) / sh);
    int ox0 = ix + pw - kw + 1 <= 0 ? 0 : (ix + pw - kw + 1 + sw - 1) / sw;
    int ox1 = min(ow - 1, (ix + pw) / sw);
    double acc = 0.0;
    for (int oy = oy0; oy <= oy1; oy++)
      for (int ox = ox0; ox <= ox1; ox++) acc += go[oy * ow + ox] / area;
    gradIn[t] = (float)acc;
  }
}

// One warp per plane: out[plane] = mean of its hw values.
extern "C" __global__ void global_avg_pool(const float* x, int planes, int hw, float* out) {
  long long plane = blockIdx.x * (long long)(blockDim.x / WARP) + threadIdx.x / WARP;
  int lane = threadIdx.x % WARP;
  double s = 0.0;
  if (plane < planes)
    for (int q = lane; q < hw; q += WARP) s += x[plane * hw + q];
  s = warp_sum(s);
  if (plane < planes && lane == 0) out[plane] = (float)(s / hw);
}

extern "C" __global__ void global_avg_pool_backward(const float* gradOut, int planes, int hw,
                                                    float* gradIn) {
  const long long total = (long long)planes * hw;
  IMG_LOOP(t, total) gradIn[t] = (float)((double)gradOut[t / hw] / hw);
}

// ------------------------------------------------------------------------------------ batch norm

// The values of channel ch in [n, c, hw] order: element t of the channel is at this offset.
__device__ __forceinline__ long long bn_at(long long t, int c, int hw, int ch) {
  return ((t / hw) * c + ch) * hw + t % hw;
}

// One block per channel: the batch mean and biased variance in two passes (double), invStd =
// 1 / sqrt(var + eps). stats[ch] = mean and stats[c + ch] = invStd in double for bn_apply; the
// float copies go to saveMean / saveInvStd, and the running statistics are updated (PyTorch's rule,
// unbiased variance) when runMean is not null.
extern "C" __global__ void bn_stats(const float* x, int n, int c, int hw, float eps, float momentum,
                                    float* runMean, float* runVar, float* saveMean,
                                    float* saveInvStd, double* stats) {
  __shared__ double shared_mean;
  const int ch = blockIdx.x;
  const long long m = (long long)n * hw;
  double s = 0.0;
  for (long long t = threadIdx.x; t < m; t += blockDim.x) s += x[bn_at(t, c, hw, ch)];
  s = block_sum(s);
  if (threadIdx.x == 0) shared_mean = s / (double)m;
  __syncthreads();
  const double mean = shared_mean;
  double q = 0.0;
  for (long long t = threadIdx.x; t < m; t += blockDim.x) {
    double d = x[bn_at(t, c, hw, ch)] - mean;
    q += d * d;
  }
  q = block_sum(q);
  if (threadIdx.x == 0) {
    double var = q / (double)m;
    double invStd = 1.0 / sqrt(var + (double)eps);
    stats[ch] = mean;
    stats[c + ch] = invStd;
    saveMean[ch] = (float)mean;
    saveInvStd[ch] = (float)invStd;
    if (runMean) {
      runMean[ch] = (float)((1.0 - (double)momentum) * runMean[ch] + (double)momentum * mean);
      runVar[ch] = (float)((1.0 - (double)momentum) * runVar[ch] +
                           (double)momentum * var * (double)m / (double)(m - 1));
    }
  }
}

// Fixed statistics: stats[ch] = mean[ch], stats[c + ch] = 1 / sqrt(var[ch] + eps).
extern "C" __global__ void bn_fixed_stats(const float* mean, const float* var, int c, float eps,
                                          double* stats) {
  IMG_LOOP(ch, c) {
    stats[ch] = mean[ch];
    stats[c + ch] = 1.0 / sqrt((double)var[ch] + (double)eps);
  }
}

// out = gamma[ch] * (x - mean[ch]) * invStd[ch] + beta[ch] (out may be x).
extern "C" __global__ void bn_apply(const float* x, int n, int c, int hw, const double* stats,
                                    const float* gamma, const float* beta, float* out) {
  const long long total = (long long)n * c * hw;
  IMG_LOOP(t, total) {
    int ch = (int)((t / hw) % c);
    out[t] = (float)((double)gamma[ch] * (x[t] - stats[ch]) * stats[c + ch] + (double)beta[ch]);
  }
}

// One block per channel: sums[ch] = sum gradOut * xHat (dGamma), sums[c + ch] = sum gradOut
// (dBeta), also written as floats to gradGamma / gradBeta when those are not null.
extern "C" __global__ void bn_backward_reduce(const float* x, const float* gradOut, int n, int c,
                                              int hw, const float* mean, const float* invStd,
                                              double* sums, float* gradGamma, float* gradBeta) {
  const int ch = blockIdx.x;
  const long long m = (long long)n * hw;
  const double mu = mean[ch], is = invStd[ch];
  double dg = 0.0, db = 0.0;
  for (long long t = threadIdx.x; t < m; t += blockDim.x) {
    long long at = bn_at(t, c, hw, ch);
    double go = gradOut[at];
    dg += go * (x[at] - mu) * is;
    db += go;
  }
  dg = block_sum(dg);
  db = block_sum(db);
  if (threadIdx.x == 0) {
    sums[ch] = dg;
    sums[c + ch] = db;
    if (gradGamma) gradGamma[ch] = (float)dg;
    if (gradBeta) gradBeta[ch] = (float)db;
  }
}

// gradIn = gamma*invStd/m * (m*gradOut - dBeta - xHat*dGamma) with batch statistics, else
// gamma*invStd*gradOut (gradIn may be gradOut).
extern "C" __global__ void bn_backward_input(const float* x, const float* gradOut, int n, int c,
                                             int hw, const float* gamma, const float* mean,
                                             const float* invStd, const double* sums,
                                             int batchStatistics, float* gradIn) {
  const long long total = (long long)n * c * hw;
  const double m = (double)n * hw;
  IMG_LOOP(t, total) {
    int ch = (int)((t / hw) % c);
    double is = invStd[ch];
    double scale = (double)gamma[ch] * is;
    double go = gradOut[t];
    gradIn[t] = batchStatistics
                    ? (float)(scale / m * (m * go - sums[c + ch] - (x[t] - (double)mean[ch]) * is * sums[ch]))
                    : (float)(scale * go);
  }
}
