#!/usr/bin/env bash
# Regenerates the committed PTX of the CUDA backend from src/main/cuda/*.cu.
#   backend-cuda/build-ptx.sh [OUTPUT_DIR]   (default: the resources folder)
# PTX for compute_80 runs on sm_80 and newer (the driver JIT-compiles it, e.g. for the H200's
# sm_90). gemm.cu keeps FMA contraction; the other kernels are built with -fmad=false so that
# they round exactly as the pure-Java reference backend does.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/src/main/cuda"
out="${1:-$here/src/main/resources/org/mtl4j/backend/cuda}"
NVCC="${NVCC:-nvcc}"
ARCH="${PTX_ARCH:-compute_80}"
mkdir -p "$out"
for cu in "$src"/*.cu; do
  name="$(basename "$cu" .cu)"
  flags=(-ptx -arch="$ARCH" -O3 -std=c++17)
  if [[ "$name" != gemm ]]; then flags+=(-fmad=false); fi
  # compile in the source folder with a relative name so the PTX does not embed this machine's paths
  (cd "$src" && "$NVCC" "${flags[@]}" -o "$out/$name.ptx" "$name.cu")
done
echo "PTX written to $out"
