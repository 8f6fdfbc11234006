#!/usr/bin/env bash
# Runs PyTorch's reference (../shared/bench/torch_hps.py) and mtl4j's HpsHarness alternately, ROUNDS
# rounds each (default 3), and prints the median throughput ratio mtl4j/PyTorch and both accuracy
# pairs. Installs nothing: it names the Debian packages to install when they are missing.
# Usage: benchmarks/compare-torch.sh [ROUNDS] [extra HpsHarness args...]
# Build first: ./mvnw -q -pl benchmarks -am package -DskipTests
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
rounds="${1:-3}"
shift || true
# ../shared/bench next to the repository (a worktree one level deeper also finds it); TORCH_HPS overrides
torch_script="${TORCH_HPS:-$repo/../shared/bench/torch_hps.py}"
[ -f "$torch_script" ] || [ -n "${TORCH_HPS:-}" ] || torch_script="$repo/../../shared/bench/torch_hps.py"
jar="$here/target/benchmarks.jar"
data="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"

missing=()
dpkg -s python3-torch >/dev/null 2>&1 || missing+=(python3-torch)
dpkg -s python3-numpy >/dev/null 2>&1 || missing+=(python3-numpy)
[ -e /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3 ] || missing+=(libopenblas0-openmp)
[ -e "$data/train-images-idx3-ubyte.gz" ] || missing+=(dataset-fashion-mnist)
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]}; install with: apt-get install -y ${missing[*]}" >&2
  exit 2
fi
[ -f "$torch_script" ] || { echo "no $torch_script (expected ../shared/bench next to the repo)" >&2; exit 2; }
[ -f "$jar" ] || { echo "no $jar; build: ./mvnw -q -pl benchmarks -am package -DskipTests" >&2; exit 2; }

val() { sed -n "s/^$1=\([0-9.]*\).*/\1/p" "$2" | tail -1; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

out="$(mktemp -d)"
echo "compare-torch: $rounds rounds, $(date -u +%FT%TZ), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  /usr/bin/python3 "$torch_script" --no-gemm --data "$data" > "$out/torch$r.txt" 2>&1
  java -cp "$jar" org.mtl4j.benchmarks.HpsHarness --data "$data" "$@" > "$out/mtl4j$r.txt" 2>&1
  t=$(val torch_train_samples_per_s_median_epochs2plus "$out/torch$r.txt")
  m=$(val mtl4j_train_samples_per_s_median_epochs2plus "$out/mtl4j$r.txt")
  ratio=$(awk -v m="$m" -v t="$t" 'BEGIN {printf "%.3f", m / t}')
  echo "$ratio" >> "$out/ratios"
  printf 'round %d: torch %s samples/s (acc %s / %s), mtl4j %s samples/s (acc %s / %s), ratio %s, load %s\n' \
    "$r" "$t" "$(val torch_test_acc_taskA_category "$out/torch$r.txt")" \
    "$(val torch_test_acc_taskB_footwear "$out/torch$r.txt")" "$m" \
    "$(val mtl4j_test_acc_taskA_category "$out/mtl4j$r.txt")" \
    "$(val mtl4j_test_acc_taskB_footwear "$out/mtl4j$r.txt")" "$ratio" "$(cut -d' ' -f1 /proc/loadavg)"
  # seconds per epoch, to tell warm-up (epochs 2-3) from steady state
  printf '         s/epoch: torch %s| mtl4j %s\n' \
    "$(sed -n 's/^epoch [0-9]*: \([0-9.]*\)s.*/\1/p' "$out/torch$r.txt" | tr '\n' ' ')" \
    "$(sed -n 's/^epoch [0-9]*: \([0-9.]*\)s.*/\1/p' "$out/mtl4j$r.txt" | tr '\n' ' ')"
done
acc() { for f in "$out"/$1*.txt; do val "$2" "$f"; done | median; }
echo
echo "median_throughput_ratio_mtl4j_over_torch=$(median < "$out/ratios")"
echo "accuracy_category_mtl4j_vs_torch=$(acc mtl4j mtl4j_test_acc_taskA_category) vs $(acc torch torch_test_acc_taskA_category)"
echo "accuracy_footwear_mtl4j_vs_torch=$(acc mtl4j mtl4j_test_acc_taskB_footwear) vs $(acc torch torch_test_acc_taskB_footwear)"
echo "mtl4j_native_allocations_per_step=$(val mtl4j_native_allocations_per_step "$out/mtl4j$rounds.txt")"
echo "mtl4j_peak_rss_MiB=$(val mtl4j_peak_rss_MiB "$out/mtl4j$rounds.txt")"
echo "(per-round outputs in $out)"
