// A CPU emulation of the small part of CUDA that mtl4j's kernels use, so that their logic (tiling,
// indexing, warp and block reductions, barriers) can be tested on machines without a GPU. Each
// block runs as blockDim real threads with a block barrier for __syncthreads and a per-warp barrier
// for the shuffle and vote intrinsics; blocks run one after another (so __shared__ can be static).
// It checks logic, not timing or the memory model of a real device.
#pragma once
#include <algorithm>
#include <barrier>
#include <cmath>
#include <math.h>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>
#include <thread>
#include <vector>

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
};
struct float4 {
  float x, y, z, w;
};

namespace emu {
struct Warp {
  std::barrier<> bar{32};
  uint64_t slot[32];
};
struct Block {
  explicit Block(int n) : bar(n), warps((n + 31) / 32) {
    for (auto& w : warps) w = std::make_unique<Warp>();
  }
  std::barrier<> bar;
  std::vector<std::unique_ptr<Warp>> warps;
};
inline thread_local Block* block = nullptr;
}  // namespace emu

inline thread_local dim3 threadIdx, blockIdx, blockDim, gridDim;

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
#define __launch_bounds__(...)

inline void __syncthreads() { emu::block->bar.arrive_and_wait(); }
inline float __int_as_float(int i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}
using std::fmax;
using std::min;
using std::signbit;

namespace emu {
inline int linear() { return threadIdx.x + threadIdx.y * blockDim.x; }
template <class T, class F>
T exchange(T v, F source) {
  Warp& w = *block->warps[linear() / 32];
  int lane = linear() % 32;
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  w.slot[lane] = bits;
  w.bar.arrive_and_wait();
  int src = source(lane);
  T r = v;
  if (src >= 0 && src < 32) std::memcpy(&r, &w.slot[src], sizeof(T));
  w.bar.arrive_and_wait();
  return r;
}
}  // namespace emu

template <class T>
T __shfl_down_sync(unsigned, T v, int o) {
  return emu::exchange(v, [o](int lane) { return lane + o; });
}
template <class T>
T __shfl_xor_sync(unsigned, T v, int o) {
  return emu::exchange(v, [o](int lane) { return lane ^ o; });
}
template <class T>
T __shfl_sync(unsigned, T v, int src) {
  return emu::exchange(v, [src](int) { return src; });
}
// Atomics serialise on one lock (the emulation checks results, not throughput).
inline int atomicMin(int* a, int v) {
  static std::mutex m;
  std::lock_guard<std::mutex> lock(m);
  int old = *a;
  if (v < old) *a = v;
  return old;
}
inline int __any_sync(unsigned, int pred) {
  int any = 0;
  for (int o = 0; o < 32; o++) any |= __shfl_sync(0u, pred, o);
  return any != 0;
}

namespace emu {
// A fixed set of worker threads that run the threads of one block at a time.
class Pool {
 public:
  static Pool& of(int n) {
    static std::mutex m;
    static std::vector<std::unique_ptr<Pool>> pools;
    std::lock_guard<std::mutex> lock(m);
    for (auto& p : pools)
      if (p->n_ == n) return *p;
    pools.push_back(std::unique_ptr<Pool>(new Pool(n)));
    return *pools.back();
  }
  // Runs job(t) for t in [0, n) on the workers and waits for all of them.
  void run(const std::function<void(int)>& job) {
    std::lock_guard<std::mutex> lock(busy_);
    job_ = &job;
    start_.arrive_and_wait();
    done_.arrive_and_wait();
  }

 private:
  explicit Pool(int n) : n_(n), start_(n + 1), done_(n + 1) {
    for (int t = 0; t < n; t++) {
      std::thread([this, t] {
        for (;;) {
          start_.arrive_and_wait();
          (*job_)(t);
          done_.arrive_and_wait();
        }
      }).detach();
    }
  }
  int n_;
  std::mutex busy_;
  std::barrier<> start_, done_;
  const std::function<void(int)>* job_ = nullptr;
};

// Runs kernel(args...) over the grid, block by block.
template <class... P, class... A>
void launch(void (*kernel)(P...), dim3 grid, dim3 blk, A... args) {
  int n = blk.x * blk.y;
  Pool& pool = Pool::of(n);
  for (unsigned by = 0; by < grid.y; by++) {
    for (unsigned bx = 0; bx < grid.x; bx++) {
      Block b(n);
      std::function<void(int)> job = [&](int t) {
        block = &b;
        threadIdx = dim3{unsigned(t % blk.x), unsigned(t / blk.x), 1};
        blockIdx = dim3{bx, by, 1};
        blockDim = blk;
        gridDim = grid;
        kernel(static_cast<P>(args)...);
      };
      pool.run(job);
    }
  }
}

// Launches with arguments given as CUDA's kernelParams: params[i] points at argument i.
template <class... P, size_t... I>
void launch_params(void (*kernel)(P...), dim3 grid, dim3 blk, void** params,
                   std::index_sequence<I...>) {
  launch(kernel, grid, blk, *reinterpret_cast<std::remove_reference_t<P>*>(params[I])...);
}
template <class... P>
void launch_params(void (*kernel)(P...), dim3 grid, dim3 blk, void** params) {
  launch_params(kernel, grid, blk, params, std::index_sequence_for<P...>{});
}
}  // namespace emu
