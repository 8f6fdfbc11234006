// Runs the image kernels of images.cu (with gemm.cu's sgemm and elementwise.cu's fill) on the CPU
// emulation of cuda_emulation.h, in the same launch sequences as CudaImageOps, and compares them
// with ReferenceBackend's results. KernelEmulationTest writes the cases (inputs, geometry and the
// reference outputs) to a file and runs:
//   g++ -std=c++20 -O1 -pthread -I../../main/cuda image_emulation_test.cpp && ./a.out CASES
// Record layout, little-endian: int32 op, int32 name length, name bytes, int32 count + int32
// values, int32 count + arrays (int32 length + float32 values), float64 rtol, float64 atol. An
// output passes when |expected - actual| <= atol + rtol * |expected| (NaN matches NaN).
#include "cuda_emulation.h"
// clang-format off
#include "gemm.cu"
#include "elementwise.cu"
#include "images.cu"
// clang-format on
#include <cstdio>
#include <fstream>
#include <string>

static int failures = 0;
static int checks = 0;

using Arr = std::vector<float>;

struct Case {
  int op;
  std::string name;
  std::vector<int> v;
  std::vector<Arr> a;
  double rtol, atol;
};

static bool readCase(std::ifstream& in, Case& c) {
  auto i32 = [&]() {
    int32_t x = 0;
    in.read(reinterpret_cast<char*>(&x), 4);
    return (int)x;
  };
  c.op = i32();
  if (!in) return false;
  c.name.resize(i32());
  in.read(c.name.data(), c.name.size());
  c.v.resize(i32());
  for (auto& x : c.v) x = i32();
  c.a.resize(i32());
  for (auto& arr : c.a) {
    arr.resize(i32());
    in.read(reinterpret_cast<char*>(arr.data()), 4 * arr.size());
  }
  in.read(reinterpret_cast<char*>(&c.rtol), 8);
  in.read(reinterpret_cast<char*>(&c.atol), 8);
  return (bool)in;
}

static void check(const Case& c, const std::string& what, const Arr& exp, const Arr& act) {
  checks++;
  std::string label = c.name + ": " + what;
  if (exp.size() != act.size()) {
    std::printf("FAIL %s: %zu values expected, %zu computed\n", label.c_str(), exp.size(), act.size());
    failures++;
    return;
  }
  for (size_t i = 0; i < exp.size(); i++) {
    double e = exp[i], a = act[i];
    bool ok = (std::isnan(e) && std::isnan(a)) || (std::isinf(e) && e == a) ||
              std::fabs(e - a) <= c.atol + c.rtol * std::fabs(e);
    if (!ok) {
      std::printf("FAIL %s [%zu]: expected %.9g got %.9g\n", label.c_str(), i, e, a);
      failures++;
      return;
    }
  }
  std::printf("ok   %s\n", label.c_str());
}

// Small grids of small blocks: the kernels are grid-stride loops (and their block reductions take
// any multiple of 32 threads), and few emulated threads keep the emulation fast. Only sgemm needs
// its 256 threads.
static dim3 g1(long long n) { return dim3{(unsigned)std::max(1LL, std::min(13LL, (n + 63) / 64)), 1, 1}; }
static const dim3 B256{256, 1, 1};
static const dim3 B64{64, 1, 1};

static void sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
                  const float* b, int ldb, float beta, float* c, int ldc) {
  using G = void (*)(int, int, int, float, const float*, int, const float*, int, float, float*, int);
  G ks[4] = {sgemm64_nn, sgemm64_nt, sgemm64_tn, sgemm64_tt};
  if (m == 0 || n == 0) return;
  emu::launch(ks[(ta ? 2 : 0) + (tb ? 1 : 0)], dim3{unsigned((n + 63) / 64), unsigned((m + 63) / 64), 1},
              B256, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

struct Conv {
  int n, c, h, w, k, kh, kw, sh, sw, ph, pw, dh, dw, bias, chunk, oh, ow;
  explicit Conv(const std::vector<int>& v)
      : n(v[0]), c(v[1]), h(v[2]), w(v[3]), k(v[4]), kh(v[5]), kw(v[6]), sh(v[7]), sw(v[8]),
        ph(v[9]), pw(v[10]), dh(v[11]), dw(v[12]), bias(v[13]), chunk(v[14]) {
    oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
    ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
  }
  int patch() const { return c * kh * kw; }
  int ohw() const { return oh * ow; }
  void im2col_(const float* x, int g, float* col) const {
    emu::launch(im2col, g1((long long)patch() * g * ohw()), B64, x, g, c, h, w, kh, kw, sh, sw, ph,
                pw, dh, dw, oh, ow, col);
  }
  void col2im_(const float* col, int g, float* x) const {
    emu::launch(col2im, g1((long long)g * c * h * w), B64, col, g, c, h, w, kh, kw, sh, sw, ph, pw,
                dh, dw, oh, ow, x);
  }
};

// The sequences of CudaImageOps.conv2d, conv2dBackwardInput and conv2dBackwardWeight.
static void conv_forward(const Case& cs) {
  Conv g(cs.v);
  const Arr &x = cs.a[0], &w = cs.a[1], &bias = cs.a[2];
  Arr out((size_t)g.n * g.k * g.ohw(), NAN), col, kmaj;
  for (int s0 = 0; s0 < g.n; s0 += g.chunk) {
    int imgs = std::min(g.chunk, g.n - s0), cols = imgs * g.ohw();
    col.assign((size_t)g.patch() * cols, NAN);
    kmaj.assign((size_t)g.k * cols, NAN);
    g.im2col_(x.data() + (size_t)s0 * g.c * g.h * g.w, imgs, col.data());
    sgemm(false, false, g.k, cols, g.patch(), 1.f, w.data(), g.patch(), col.data(), cols, 0.f,
          kmaj.data(), cols);
    emu::launch(kmajor_to_nchw, g1((long long)imgs * g.k * g.ohw()), B64, (const float*)kmaj.data(),
                g.bias ? bias.data() : (const float*)nullptr, imgs, g.k, g.ohw(),
                out.data() + (size_t)s0 * g.k * g.ohw());
  }
  check(cs, "out", cs.a[3], out);
}

static void conv_backward_input(const Case& cs) {
  Conv g(cs.v);
  const Arr &go = cs.a[0], &w = cs.a[1];
  Arr gi((size_t)g.n * g.c * g.h * g.w, NAN), col, kmaj;
  for (int s0 = 0; s0 < g.n; s0 += g.chunk) {
    int imgs = std::min(g.chunk, g.n - s0), cols = imgs * g.ohw();
    col.assign((size_t)g.patch() * cols, NAN);
    kmaj.assign((size_t)g.k * cols, NAN);
    emu::launch(nchw_to_kmajor, g1((long long)imgs * g.k * g.ohw()), B64,
                go.data() + (size_t)s0 * g.k * g.ohw(), imgs, g.k, g.ohw(), kmaj.data());
    sgemm(true, false, g.patch(), cols, g.k, 1.f, w.data(), g.patch(), kmaj.data(), cols, 0.f,
          col.data(), cols);
    g.col2im_(col.data(), imgs, gi.data() + (size_t)s0 * g.c * g.h * g.w);
  }
  check(cs, "gradIn", cs.a[2], gi);
}

static void conv_backward_weight(const Case& cs) {
  Conv g(cs.v);
  const Arr &x = cs.a[0], &go = cs.a[1];
  Arr gw = cs.a[2], gb = cs.a[3], col, kmaj;
  float beta = cs.a[4][0];
  for (int s0 = 0; s0 < g.n; s0 += g.chunk) {
    int imgs = std::min(g.chunk, g.n - s0), cols = imgs * g.ohw();
    col.assign((size_t)g.patch() * cols, NAN);
    kmaj.assign((size_t)g.k * cols, NAN);
    g.im2col_(x.data() + (size_t)s0 * g.c * g.h * g.w, imgs, col.data());
    emu::launch(nchw_to_kmajor, g1((long long)imgs * g.k * g.ohw()), B64,
                go.data() + (size_t)s0 * g.k * g.ohw(), imgs, g.k, g.ohw(), kmaj.data());
    sgemm(false, true, g.k, g.patch(), cols, 1.f, kmaj.data(), cols, col.data(), cols,
          s0 == 0 ? beta : 1.f, gw.data(), g.patch());
  }
  check(cs, "gradWeight", cs.a[5], gw);
  if (g.bias) {
    emu::launch(conv_bias_grad, dim3{(unsigned)g.k, 1, 1}, B64, go.data(), g.n, g.k, g.ohw(), beta,
                gb.data());
    check(cs, "gradBias", cs.a[6], gb);
  }
}

struct Pool {
  int n, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow;
  explicit Pool(const std::vector<int>& v)
      : n(v[0]), c(v[1]), h(v[2]), w(v[3]), kh(v[4]), kw(v[5]), sh(v[6]), sw(v[7]), ph(v[8]),
        pw(v[9]) {
    oh = (h + 2 * ph - kh) / sh + 1;
    ow = (w + 2 * pw - kw) / sw + 1;
  }
  int planes() const { return n * c; }
};

static void max_pool_case(const Case& cs) {
  Pool p(cs.v);
  size_t no = (size_t)p.planes() * p.oh * p.ow;
  Arr out(no, NAN), idx(no, NAN);
  emu::launch(max_pool, g1(no), B64, cs.a[0].data(), p.planes(), p.h, p.w, p.kh, p.kw, p.sh, p.sw,
              p.ph, p.pw, p.oh, p.ow, out.data(), idx.data());
  check(cs, "out", cs.a[1], out);
  check(cs, "indices", cs.a[2], idx);
  Arr out2(no, NAN);
  emu::launch(max_pool, g1(no), B64, cs.a[0].data(), p.planes(), p.h, p.w, p.kh, p.kw, p.sh, p.sw,
              p.ph, p.pw, p.oh, p.ow, out2.data(), (float*)nullptr);
  check(cs, "out without indices", cs.a[1], out2);
}

// ints n, c, h, w, oh, ow; arrays gradOut, indices, expected gradIn
static void max_pool_backward_case(const Case& cs) {
  int planes = cs.v[0] * cs.v[1], hw = cs.v[2] * cs.v[3], ohw = cs.v[4] * cs.v[5];
  Arr gi((size_t)planes * hw, NAN);
  int bad = planes * ohw;
  emu::launch(pool_index_check, g1((long long)planes * ohw), B64, cs.a[1].data(), (long long)planes * ohw,
              hw, &bad);
  checks++;
  if (bad != planes * ohw) {
    std::printf("FAIL %s: valid indices reported bad at %d\n", cs.name.c_str(), bad);
    failures++;
  }
  emu::launch(fill_f32, g1(gi.size()), B64, gi.data(), (int)gi.size(), 0.f);
  emu::launch(max_pool_backward, g1(planes), B64, cs.a[0].data(), cs.a[1].data(), planes, ohw, hw,
              gi.data());
  check(cs, "gradIn", cs.a[2], gi);
}

// ints total, hw; arrays indices, {expected first bad position (total when none)}
static void index_check_case(const Case& cs) {
  long long total = cs.v[0];
  int bad = (int)total;
  emu::launch(pool_index_check, g1(total), B64, cs.a[0].data(), total, cs.v[1], &bad);
  check(cs, "first invalid index", cs.a[1], Arr{(float)bad});
}

static void avg_pool_case(const Case& cs) {
  Pool p(cs.v);
  Arr out((size_t)p.planes() * p.oh * p.ow, NAN);
  emu::launch(avg_pool, g1(out.size()), B64, cs.a[0].data(), p.planes(), p.h, p.w, p.kh, p.kw, p.sh,
              p.sw, p.ph, p.pw, p.oh, p.ow, out.data());
  check(cs, "out", cs.a[1], out);
}

static void avg_pool_backward_case(const Case& cs) {
  Pool p(cs.v);
  Arr gi((size_t)p.planes() * p.h * p.w, NAN);
  emu::launch(avg_pool_backward, g1(gi.size()), B64, cs.a[0].data(), p.planes(), p.h, p.w, p.kh,
              p.kw, p.sh, p.sw, p.ph, p.pw, p.oh, p.ow, gi.data());
  check(cs, "gradIn", cs.a[1], gi);
}

static void global_avg_case(const Case& cs, bool backward) {
  int planes = cs.v[0] * cs.v[1], hw = cs.v[2] * cs.v[3];
  if (!backward) {
    Arr out(planes, NAN);
    emu::launch(global_avg_pool, dim3{(unsigned)(planes + 1) / 2, 1, 1}, B64, cs.a[0].data(), planes,
                hw, out.data());
    check(cs, "out", cs.a[1], out);
  } else {
    Arr gi((size_t)planes * hw, NAN);
    emu::launch(global_avg_pool_backward, g1(gi.size()), B64, cs.a[0].data(), planes, hw, gi.data());
    check(cs, "gradIn", cs.a[1], gi);
  }
}

// ints n, c, h, w, withRunning; arrays x, gamma, beta, runningMean, runningVar, {eps, momentum},
// expected out, saveMean, saveInvStd, runningMean, runningVar
static void bn_training_case(const Case& cs) {
  int n = cs.v[0], c = cs.v[1], hw = cs.v[2] * cs.v[3];
  bool running = cs.v[4];
  Arr x = cs.a[0], rm = cs.a[3], rv = cs.a[4], sm(c, NAN), si(c, NAN);
  std::vector<double> stats(2 * c);
  float eps = cs.a[5][0], momentum = cs.a[5][1];
  emu::launch(bn_stats, dim3{(unsigned)c, 1, 1}, B64, x.data(), n, c, hw, eps, momentum,
              running ? rm.data() : (float*)nullptr, running ? rv.data() : (float*)nullptr, sm.data(),
              si.data(), stats.data());
  // in place, as batchNorm2dTraining allows (out = x)
  emu::launch(bn_apply, g1(x.size()), B64, (const float*)x.data(), n, c, hw, (const double*)stats.data(),
              cs.a[1].data(), cs.a[2].data(), x.data());
  check(cs, "out (in place)", cs.a[6], x);
  check(cs, "saveMean", cs.a[7], sm);
  check(cs, "saveInvStd", cs.a[8], si);
  check(cs, "runningMean", cs.a[9], rm);
  check(cs, "runningVar", cs.a[10], rv);
}

// arrays x, gamma, beta, runningMean, runningVar, {eps}, expected out
static void bn_inference_case(const Case& cs) {
  int n = cs.v[0], c = cs.v[1], hw = cs.v[2] * cs.v[3];
  Arr out(cs.a[0].size(), NAN);
  std::vector<double> stats(2 * c);
  emu::launch(bn_fixed_stats, g1(c), B64, cs.a[3].data(), cs.a[4].data(), c, cs.a[5][0], stats.data());
  emu::launch(bn_apply, g1(out.size()), B64, cs.a[0].data(), n, c, hw, (const double*)stats.data(),
              cs.a[1].data(), cs.a[2].data(), out.data());
  check(cs, "out", cs.a[6], out);
}

// ints n, c, h, w, batchStatistics; arrays x, gradOut, gamma, mean, invStd, expected gradIn,
// gradGamma, gradBeta
static void bn_backward_case(const Case& cs) {
  int n = cs.v[0], c = cs.v[1], hw = cs.v[2] * cs.v[3], batch = cs.v[4];
  Arr gi(cs.a[0].size(), NAN), gg(c, NAN), gb(c, NAN);
  std::vector<double> sums(2 * c);
  emu::launch(bn_backward_reduce, dim3{(unsigned)c, 1, 1}, B64, cs.a[0].data(), cs.a[1].data(), n, c,
              hw, cs.a[3].data(), cs.a[4].data(), sums.data(), gg.data(), gb.data());
  emu::launch(bn_backward_input, g1(gi.size()), B64, cs.a[0].data(), cs.a[1].data(), n, c, hw,
              cs.a[2].data(), cs.a[3].data(), cs.a[4].data(), (const double*)sums.data(), batch,
              gi.data());
  check(cs, "gradIn", cs.a[5], gi);
  check(cs, "gradGamma", cs.a[6], gg);
  check(cs, "gradBeta", cs.a[7], gb);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::printf("usage: %s CASES\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  Case cs;
  int cases = 0;
  while (readCase(in, cs)) {
    cases++;
    switch (cs.op) {
      case 0: conv_forward(cs); break;
      case 1: conv_backward_input(cs); break;
      case 2: conv_backward_weight(cs); break;
      case 3: max_pool_case(cs); break;
      case 4: max_pool_backward_case(cs); break;
      case 5: avg_pool_case(cs); break;
      case 6: avg_pool_backward_case(cs); break;
      case 7: global_avg_case(cs, false); break;
      case 8: global_avg_case(cs, true); break;
      case 9: bn_training_case(cs); break;
      case 10: bn_inference_case(cs); break;
      case 11: bn_backward_case(cs); break;
      case 12: index_check_case(cs); break;
      default:
        std::printf("FAIL unknown op %d in %s\n", cs.op, cs.name.c_str());
        failures++;
    }
  }
  std::printf("%d cases, %d checks, %d failures\n", cases, checks, failures);
  return failures == 0 && cases > 0 ? 0 : 1;
}
