#!/usr/bin/env bash
# Issue 20's scaling tables, one run each: time and heap per step against the number of tasks
# (equal, pcgrad, mgda, cagrad, famo; T = 2..32), against the trunk's width (256..4096, as a fraction
# of the backend's sgemm GFLOP/s) and against the batch size (32..4096). Prints Markdown tables.
# Usage: benchmarks/scaling.sh [tasks|width|batch|all] [ROUNDS] [THREADS]
# Build first: ./mvnw -q -pl benchmarks -am package -DskipTests
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
data="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
what="${1:-all}"
rounds="${2:-7}"
threads="${3:-2}"
[ -e "$data/train-images-idx3-ubyte.gz" ] || { echo "missing Fashion-MNIST; apt-get install -y dataset-fashion-mnist" >&2; exit 2; }
[ -f "$jar" ] || { echo "no $jar; build: ./mvnw -q -pl benchmarks -am package -DskipTests" >&2; exit 2; }
case "$what" in
  all) sweeps=(tasks width batch) ;;
  tasks|width|batch) sweeps=("$what") ;;
  *) echo "first argument must be tasks, width, batch or all, got '$what'" >&2; exit 2 ;;
esac
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
for s in "${sweeps[@]}"; do
  echo
  java -Xmx12g -Djava.util.logging.config.file=/dev/null -cp "$jar" org.mtl4j.benchmarks.ScalingReport "$s" "$rounds" "$threads"
done
