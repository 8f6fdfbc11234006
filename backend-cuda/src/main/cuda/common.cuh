// Shared helpers for the mtl4j kernels. Everything that reduces does so in a fixed order
// (warp shuffles, then warps in index order), so results do not depend on scheduling.
#pragma once

#define WARP 32

__device__ __forceinline__ double warp_sum(double v) {
#pragma unroll
  for (int o = WARP / 2; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  return v;  // valid in lane 0
}

// Sum over the block (blockDim.x a multiple of 32, at most 1024); the result is valid in thread 0.
__device__ __forceinline__ double block_sum(double v) {
  __shared__ double partial[32];
  const int lane = threadIdx.x % WARP;
  const int warp = threadIdx.x / WARP;
  v = warp_sum(v);
  __syncthreads();
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  double s = 0.0;
  if (threadIdx.x == 0) {
    const int warps = blockDim.x / WARP;
    for (int w = 0; w < warps; w++) s += partial[w];
  }
  return s;
}
