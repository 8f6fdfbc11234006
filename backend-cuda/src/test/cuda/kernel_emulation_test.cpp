// Runs mtl4j's CUDA kernels on the CPU emulation of cuda_emulation.h and compares them with plain
// double-precision loops. Built and run by KernelEmulationTest where g++ exists:
//   g++ -std=c++20 -O1 -pthread -I../../main/cuda kernel_emulation_test.cpp && ./a.out
#include "cuda_emulation.h"
// clang-format off
#include "gemm.cu"
#include "elementwise.cu"
#include "reductions.cu"
#include "losses.cu"
#include "optimizers.cu"
// clang-format on
#include <cstdio>
#include <limits>
#include <random>
#include <string>

static int failures = 0;
static int checks = 0;
static std::mt19937 rng(7);

static std::vector<float> rnd(size_t n, float scale) {
  std::uniform_real_distribution<float> d(-scale, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

static void check(const std::string& what, const std::vector<double>& exp,
                  const std::vector<float>& act, double rel, double abs) {
  checks++;
  for (size_t i = 0; i < exp.size(); i++) {
    double e = exp[i], a = act[i];
    bool ok = (std::isnan(e) && std::isnan(a)) || (std::isinf(e) && e == a) ||
              std::fabs(e - a) <= abs + rel * std::fabs(e);
    if (!ok) {
      std::printf("FAIL %s [%zu]: expected %.9g got %.9g\n", what.c_str(), i, e, a);
      failures++;
      return;
    }
  }
  std::printf("ok   %s\n", what.c_str());
}

static dim3 d1(unsigned x, unsigned y = 1) { return dim3{x, y, 1}; }

using Gemm = void (*)(int, int, int, float, const float*, int, const float*, int, float, float*,
                      int);

static void test_gemm() {
  Gemm k64[4] = {sgemm64_nn, sgemm64_nt, sgemm64_tn, sgemm64_tt};
  Gemm k128[4] = {sgemm128_nn, sgemm128_nt, sgemm128_tn, sgemm128_tt};
  int shapes[][3] = {{1, 1, 1}, {7, 13, 5}, {65, 129, 33}, {130, 67, 20}, {5, 4, 0}, {3, 200, 9}};
  float ab[][2] = {{1.f, 0.f}, {0.5f, -2.f}};
  for (int tile : {64, 128}) {
    for (int t = 0; t < 4; t++) {
      bool ta = t & 2, tb = t & 1;  // nn, nt, tn, tt
      for (auto& s : shapes) {
        int m = s[0], n = s[1], k = s[2];
        auto a = rnd((size_t)m * k, 1), b = rnd((size_t)k * n, 1);
        int lda = ta ? m : k, ldb = tb ? k : n;
        for (auto& albe : ab) {
          auto c = rnd((size_t)m * n, 1);
          if (albe[1] == 0.f && !c.empty()) c[0] = std::numeric_limits<float>::quiet_NaN();
          std::vector<double> exp(c.size());
          for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
              double acc = 0;
              for (int p = 0; p < k; p++)
                acc += (double)(ta ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p]) *
                       (tb ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j]);
              exp[(size_t)i * n + j] =
                  albe[0] * acc + (albe[1] == 0.f ? 0.0 : albe[1] * (double)c[(size_t)i * n + j]);
            }
          emu::launch(tile == 64 ? k64[t] : k128[t], d1((n + tile - 1) / tile, (m + tile - 1) / tile),
                      d1(256), m, n, k, albe[0], a.data(), lda, b.data(), ldb, albe[1], c.data(), n);
          check("sgemm" + std::to_string(tile) + (ta ? "_t" : "_n") + (tb ? "t " : "n ") +
                    std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) +
                    " beta=" + std::to_string(albe[1]),
                exp, c, 1e-5, 1e-5 * std::sqrt(k + 1.0));
        }
      }
    }
  }
}

static void test_reductions() {
  int n = 5000;
  auto a = rnd(n, 3), b = rnd(n, 3);
  int blocks = std::min(1024, (n + 1023) / 1024);
  std::vector<double> partial(blocks), out(1);
  std::vector<float> outF(1);
  for (int kind = 0; kind < 3; kind++) {
    double e = 0;
    for (int i = 0; i < n; i++) e += kind == 0 ? a[i] : (kind == 1 ? (double)a[i] * b[i] : (double)a[i] * a[i]);
    emu::launch(reduce_partials, d1(blocks), d1(256), kind, a.data(), b.data(), n, partial.data());
    emu::launch(reduce_finish, d1(1), d1(256), partial.data(), blocks, out.data(), outF.data());
    check("reduce kind " + std::to_string(kind), {e}, {(float)out[0]}, 1e-7, 0);
    check("reduce kind " + std::to_string(kind) + " float", {(double)(float)e}, outF, 0, 0);
  }
  int rows = 300, cols = 40, chunkRows = 128, chunks = 3;
  auto x = rnd((size_t)rows * cols, 2);
  std::vector<double> part((size_t)chunks * cols), er(cols), ec(rows);
  std::vector<float> r(cols), c(rows);
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) {
      er[j] += x[(size_t)i * cols + j];
      ec[i] += x[(size_t)i * cols + j];
    }
  emu::launch(sum_rows_partial, d1((cols + 31) / 32, chunks), d1(32, 8), x.data(), rows, cols,
              chunkRows, part.data());
  emu::launch(sum_rows_finish, d1(1), d1(256), part.data(), chunks, cols, r.data());
  check("sum_rows", er, r, 1e-6, 1e-6);
  emu::launch(sum_cols, d1((rows + 7) / 8), d1(256), x.data(), rows, cols, c.data());
  check("sum_cols", ec, c, 1e-6, 1e-6);
}

static void test_argmax_softmax() {
  float nan = std::numeric_limits<float>::quiet_NaN(), inf = INFINITY;
  int rows = 6, cols = 37;
  auto x = rnd((size_t)rows * cols, 4);
  x[0 * cols + 3] = 9; x[0 * cols + 20] = 9;          // tie: lowest index
  x[1 * cols + 30] = nan; x[1 * cols + 35] = nan;     // first NaN wins
  for (int j = 0; j < cols; j++) x[2 * cols + j] = -inf;
  x[3 * cols + 36] = 100;                              // last column
  std::vector<double> exp = {3, 30, 0, 36, 0, 0};
  for (int i = 4; i < rows; i++) {
    int best = 0;
    for (int j = 1; j < cols; j++) if (x[i * cols + j] > x[i * cols + best]) best = j;
    exp[i] = best;
  }
  std::vector<float> out(rows);
  emu::launch(argmax_rows, d1(1), d1(256), x.data(), rows, cols, out.data());
  check("argmax_rows ties, NaN, -inf", exp, out, 0, 0);
  for (int log = 0; log < 2; log++) {
    std::vector<double> e((size_t)rows * cols);
    for (int i = 0; i < rows; i++) {
      double mx = -INFINITY, s = 0;
      bool hasNan = false;
      for (int j = 0; j < cols; j++) { hasNan |= std::isnan(x[i * cols + j]); mx = std::fmax(mx, x[i * cols + j]); }
      for (int j = 0; j < cols; j++) s += std::exp(x[i * cols + j] - mx);
      for (int j = 0; j < cols; j++) {
        double l = hasNan ? NAN : x[i * cols + j] - (mx + std::log(s));
        e[i * cols + j] = log ? l : std::exp(l);
      }
    }
    std::vector<float> o((size_t)rows * cols);
    emu::launch(softmax_rows, d1(1), d1(256), x.data(), o.data(), rows, cols, log);
    check(log ? "log_softmax_rows" : "softmax_rows", e, o, 1e-6, 1e-12);
  }
}

static void test_losses() {
  int n = 37, k = 10;
  auto z = rnd((size_t)n * k, 5);
  std::vector<float> y(n), m(n);
  for (int i = 0; i < n; i++) { y[i] = (float)(rng() % k); m[i] = (rng() % 3) ? 1.f : 0.f; }
  y[4] = 99; m[4] = 0;  // masked-out rows are ignored
  double total = 0, count = 0;
  std::vector<double> eg((size_t)n * k, 0.0);
  for (int i = 0; i < n; i++) if (m[i] != 0) count += m[i];
  double denom = std::max(1.0, count);
  for (int i = 0; i < n; i++) {
    if (m[i] == 0) continue;
    double mx = -INFINITY, s = 0;
    for (int j = 0; j < k; j++) mx = std::fmax(mx, z[i * k + j]);
    for (int j = 0; j < k; j++) s += std::exp(z[i * k + j] - mx);
    double lse = mx + std::log(s);
    total += -(z[i * k + (int)y[i]] - lse) * m[i];
    for (int j = 0; j < k; j++) eg[i * k + j] = m[i] * (std::exp(z[i * k + j] - lse) - (j == (int)y[i])) / denom;
  }
  int blocks = std::min(1024, (n + 7) / 8);
  std::vector<double> partial(2 * blocks), stats(2);
  std::vector<float> loss(1), grad((size_t)n * k, -5.f);
  emu::launch(ce_partial, d1(blocks), d1(256), z.data(), y.data(), m.data(), n, k, partial.data());
  emu::launch(loss_finish, d1(1), d1(256), partial.data(), blocks, stats.data(), loss.data());
  emu::launch(ce_grad, d1((n + 7) / 8), d1(256), z.data(), y.data(), m.data(), n, k, stats.data(), grad.data());
  check("softmax cross-entropy loss (masked)", {total / denom}, loss, 1e-6, 0);
  check("softmax cross-entropy grad (masked)", eg, grad, 1e-6, 1e-9);

  int c = 3;
  auto x = rnd((size_t)n * c, 6), t = rnd((size_t)n * c, 1);
  for (int kind = 0; kind < 2; kind++) {
    double tot = 0, cnt = 0;
    for (int i = 0; i < n; i++) for (int j = 0; j < c; j++) cnt += m[i];
    double den = std::max(1.0, cnt);
    std::vector<double> g((size_t)n * c, 0.0);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < c; j++) {
        if (m[i] == 0) continue;
        double zz = x[i * c + j], yy = t[i * c + j];
        if (kind == 0) {
          tot += std::max(zz, 0.0) - zz * yy + std::log1p(std::exp(-std::fabs(zz)));
          g[i * c + j] = (1 / (1 + std::exp(-zz)) - yy) / den;
        } else {
          tot += (zz - yy) * (zz - yy);
          g[i * c + j] = 2 * (zz - yy) / den;
        }
      }
    int b = std::min(1024, (n * c + 1023) / 1024);
    std::vector<double> p(2 * b), st(2);
    std::vector<float> l(1), gr((size_t)n * c, -5.f);
    emu::launch(elem_loss_partial, d1(b), d1(256), kind, x.data(), t.data(), m.data(), 2, n, c, p.data());
    emu::launch(loss_finish, d1(1), d1(256), p.data(), b, st.data(), l.data());
    emu::launch(elem_loss_grad, d1(1), d1(256), kind, x.data(), t.data(), m.data(), 2, n, c, st.data(), gr.data());
    check(std::string(kind == 0 ? "bce" : "mse") + " loss (column mask)", {tot / den}, l, 1e-6, 0);
    check(std::string(kind == 0 ? "bce" : "mse") + " grad (column mask)", g, gr, 1e-6, 1e-9);
  }
}

static void test_scatter_gather_dropout_binary() {
  int rows = 9, d = 300;
  std::vector<int> idx = {3, 1, 3, 0, 8, 3};
  int n = idx.size();
  auto table = rnd((size_t)rows * d, 1), src = rnd((size_t)n * d, 1);
  std::vector<double> exp(table.begin(), table.end());
  std::vector<float> tableF = table;
  for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) {
    float& e = tableF[(size_t)idx[i] * d + j];
    e = e + src[(size_t)i * d + j];
  }
  for (size_t i = 0; i < exp.size(); i++) exp[i] = tableF[i];
  // plan as ScatterPlan.of builds it: targets 0, 1, 3, 8; starts; sources in order
  std::vector<int> plan = {0, 1, 3, 8, 0, 1, 2, 5, 6, 3, 1, 0, 2, 5, 4};
  emu::launch(scatter_add_rows, d1((d + 255) / 256, 4), d1(256), src.data(), table.data(), d, plan.data(), 4);
  check("scatter_add_rows with repeats (reference order)", exp, table, 0, 0);

  std::vector<float> idxF = {2, 0, 8};
  std::vector<float> out(3 * d);
  std::vector<double> eg(3 * d);
  for (int i = 0; i < 3; i++) for (int j = 0; j < d; j++) eg[i * d + j] = table[(size_t)idxF[i] * d + j];
  emu::launch(gather_rows, d1(4), d1(256), table.data(), idxF.data(), out.data(), 3, d);
  check("gather_rows", eg, out, 0, 0);

  // uniform(seed, i) bits from org.mtl4j.api.backend.CounterRng (Java), p = 0.5
  struct { long long seed; uint32_t bits[6]; } cases[] = {
      {42LL, {1061017394u, 1042530188u, 1049535694u, 1051736514u, 1025230208u, 1063142449u}},
      {-7LL, {1054358576u, 1056247784u, 1063792959u, 1042496216u, 1058070395u, 1062130175u}},
      {(long long)0x8000000000000000ull,
       {1049640320u, 1061449638u, 1052986634u, 1051876428u, 1028163600u, 1050344660u}}};
  for (auto& cs : cases) {
    std::vector<double> em(6);
    for (int i = 0; i < 6; i++) {
      float u;
      std::memcpy(&u, &cs.bits[i], 4);
      em[i] = u >= 0.5f ? 2.0 : 0.0;
    }
    std::vector<float> mask(6);
    emu::launch(dropout_mask, d1(1), d1(256), (unsigned long long)cs.seed, 0.5f, 2.0f, mask.data(), 6);
    check("dropout_mask = CounterRng, seed " + std::to_string(cs.seed), em, mask, 0, 0);
  }

  float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> a = {0.f, -0.f, 1.f, nan, 2.f, -3.f}, b = {-0.f, 0.f, nan, 1.f, 2.f, 4.f};
  std::vector<float> o(6);
  emu::launch(binary_f32, d1(1), d1(256), 4, 0, a.data(), b.data(), o.data(), 1, 6);
  check("binary MAX", {0.0, 0.0, NAN, NAN, 2.0, 4.0}, o, 0, 0);
  bool signs = !std::signbit(o[0]) && !std::signbit(o[1]);
  emu::launch(binary_f32, d1(1), d1(256), 5, 0, a.data(), b.data(), o.data(), 1, 6);
  check("binary MIN", {0.0, 0.0, NAN, NAN, 2.0, -3.0}, o, 0, 0);
  signs = signs && std::signbit(o[0]) && std::signbit(o[1]);
  checks++;
  if (!signs) { std::printf("FAIL binary MAX/MIN signed zeros\n"); failures++; }
  std::vector<float> col = {10.f, 20.f};
  std::vector<float> m2 = {1, 2, 3, 4, 5, 6}, o2(6);
  emu::launch(binary_f32, d1(1), d1(256), 0, 2, m2.data(), col.data(), o2.data(), 2, 3);
  check("binary ADD column broadcast", {11, 12, 13, 24, 25, 26}, o2, 0, 0);
  emu::launch(binary_f32, d1(1), d1(256), 2, 1, m2.data(), col.data(), o2.data(), 3, 2);
  check("binary MUL row broadcast", {10, 40, 30, 80, 50, 120}, o2, 0, 0);
}

static void test_adam_all() {
  std::vector<int> sizes = {5, 1, 700};
  std::vector<float> lrs = {1e-3f, 2e-2f, 5e-3f};
  std::vector<std::vector<float>> p, g, m, v, p2, m2, v2;
  for (int s : sizes) {
    p.push_back(rnd(s, 1)); g.push_back(rnd(s, 1));
    m.push_back(std::vector<float>(s)); v.push_back(std::vector<float>(s));
  }
  p2 = p; m2 = m; v2 = v;
  std::vector<unsigned long long> table;
  std::vector<long long> offsets = {0};
  for (size_t i = 0; i < sizes.size(); i++) {
    for (float* q : {p[i].data(), g[i].data(), m[i].data(), v[i].data()}) table.push_back((unsigned long long)q);
    offsets.push_back(offsets.back() + sizes[i]);
  }
  for (int step = 1; step <= 3; step++) {
    double bc1 = 1 - std::pow(0.9f, step), bc2 = 1 - std::pow(0.999f, step);
    emu::launch(adam_step_all, d1(3), d1(256), table.data(), offsets.data(), lrs.data(), 3, 0.9f, 0.999f,
                1e-8f, 0.01f, step == 3 ? 1 : 0, bc1, bc2);
    for (size_t i = 0; i < sizes.size(); i++)
      emu::launch(adam_step, d1(1), d1(256), p2[i].data(), g[i].data(), m2[i].data(), v2[i].data(),
                  sizes[i], lrs[i], 0.9f, 0.999f, 1e-8f, 0.01f, step == 3 ? 1 : 0, bc1, bc2);
  }
  for (size_t i = 0; i < sizes.size(); i++) {
    std::vector<double> e(p2[i].begin(), p2[i].end());
    check("adam_step_all = adam_step, parameter " + std::to_string(i), e, p[i], 0, 0);
  }
  // one Adam step against the formula (PyTorch semantics, L2 decay)
  std::vector<float> pp = {0.5f, -1.f}, gg = {0.1f, -0.2f}, mm = {0, 0}, vv = {0, 0};
  std::vector<double> e(2);
  for (int i = 0; i < 2; i++) {
    double gi = gg[i] + (double)0.01f * pp[i];
    double mi = (float)((1 - (double)0.9f) * gi), vi = (float)((1 - (double)0.999f) * gi * gi);
    e[i] = pp[i] - (double)1e-3f * (mi / (1 - (double)0.9f)) / (std::sqrt(vi / (1 - (double)0.999f)) + (double)1e-8f);
  }
  emu::launch(adam_step, d1(1), d1(256), pp.data(), gg.data(), mm.data(), vv.data(), 2, 1e-3f, 0.9f, 0.999f,
              1e-8f, 0.01f, 0, 1 - (double)0.9f, 1 - (double)0.999f);
  check("adam_step formula", e, pp, 1e-7, 0);
}

int main() {
  test_gemm();
  test_reductions();
  test_argmax_softmax();
  test_losses();
  test_scatter_gather_dropout_binary();
  test_adam_all();
  std::printf("%d checks, %d failures\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
