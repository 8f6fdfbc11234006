#!/usr/bin/env bash
# mtl4j and PyTorch side by side on MultiFashion with the multi-task LeNet (issue 16): for each seed, mtl4j's
# LenetHarness trains examples/multi-fashion-lenet.yaml (hard sharing, equal weights) and writes the composites
# it trained and tested on; torch_lenet.py trains the same network on those files. Prints each run, then test
# accuracy left/right as mean ± sample std over the seeds and the median training-throughput ratio mtl4j/PyTorch
# (composites per second over epochs 2..N; each ratio from one seed's pair of runs, taken back to back).
# Usage: benchmarks/multi-fashion-lenet.sh [SEEDS (3)] [EPOCHS (10)] [TRAIN_SIZE (60000)] [TEST_SIZE (10000)]
#        extra LenetHarness options in LENET_ARGS, e.g. LENET_ARGS="--strategy mmoe"
# Build first: ./mvnw -q -pl benchmarks -am package -DskipTests
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
seeds="${1:-3}"
epochs="${2:-10}"
train_size="${3:-60000}"
test_size="${4:-10000}"
jar="$here/target/benchmarks.jar"
threads="${TORCH_THREADS:-$(nproc)}"

missing=()
dpkg -s python3-torch >/dev/null 2>&1 || missing+=(python3-torch)
dpkg -s python3-numpy >/dev/null 2>&1 || missing+=(python3-numpy)
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]}; install with: apt-get install -y ${missing[*]}" >&2
  exit 2
fi
[ -f "$jar" ] || { echo "no $jar; build: ./mvnw -q -pl benchmarks -am package -DskipTests" >&2; exit 2; }

val() { sed -n "s/^$1=\([0-9.]*\).*/\1/p" "$2" | tail -1; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
meanstd() { awk '{s+=$1; q+=$1*$1; n++} END {m=s/n; v=(n>1)?(q-n*m*m)/(n-1):0; if (v<0) v=0;
  printf "%.4f ± %.4f", m, sqrt(v)}'; }

out="$(mktemp -d)"
echo "multi-fashion-lenet: $seeds seeds, $epochs epochs, $train_size/$test_size composites," \
  "$(date -u +%FT%TZ), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$repo"
for s in $(seq 1 "$seeds"); do
  d="$out/seed-$s"
  java ${MTL4J_JAVA_OPTS:--Xmx6g} -cp "$jar" org.mtl4j.benchmarks.LenetHarness --seed "$s" --epochs "$epochs" \
    --train-size "$train_size" --test-size "$test_size" --out "$d" ${LENET_ARGS:-} > "$out/mtl4j$s.txt" 2>&1 \
    || { cat "$out/mtl4j$s.txt" >&2; exit 1; }
  /usr/bin/python3 "$here/torch_lenet.py" --data "$d" --seed "$s" --epochs "$epochs" --threads "$threads" \
    > "$out/torch$s.txt" 2>&1 || { cat "$out/torch$s.txt" >&2; exit 1; }
  rm -f "$d"/*.f32
  m=$(val mtl4j_train_samples_per_s_median_epochs2plus "$out/mtl4j$s.txt")
  t=$(val torch_train_samples_per_s_median_epochs2plus "$out/torch$s.txt")
  awk -v m="$m" -v t="$t" 'BEGIN {printf "%.3f\n", m / t}' >> "$out/ratios"
  printf 'seed %d: mtl4j left %s right %s, %s samples/s | torch left %s right %s, %s samples/s | ratio %s, load %s\n' \
    "$s" "$(val mtl4j_test_acc_left "$out/mtl4j$s.txt")" "$(val mtl4j_test_acc_right "$out/mtl4j$s.txt")" "$m" \
    "$(val torch_test_acc_left "$out/torch$s.txt")" "$(val torch_test_acc_right "$out/torch$s.txt")" "$t" \
    "$(tail -1 "$out/ratios")" "$(cut -d' ' -f1 /proc/loadavg)"
done
acc() { for s in $(seq 1 "$seeds"); do val "$1_test_acc_$2" "$out/$1$s.txt"; done | meanstd; }
echo
echo "| | left accuracy | right accuracy | training composites/s (median over seeds) |"
echo "|---|---|---|---|"
echo "| mtl4j | $(acc mtl4j left) | $(acc mtl4j right) | $(for s in $(seq 1 "$seeds"); do val mtl4j_train_samples_per_s_median_epochs2plus "$out/mtl4j$s.txt"; done | median) |"
echo "| PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') CPU, $threads threads | $(acc torch left) | $(acc torch right) | $(for s in $(seq 1 "$seeds"); do val torch_train_samples_per_s_median_epochs2plus "$out/torch$s.txt"; done | median) |"
echo
echo "median_throughput_ratio_mtl4j_over_torch=$(median < "$out/ratios")"
echo "(per-run outputs in $out)"
