#!/usr/bin/env bash
# The tabular multi-task suite in one command: exports the data sets if missing (apt + Rscript, see
# export.sh), then trains mtl4j (through ../../mtl4j, which builds it if needed) and the PyTorch
# reference on every set, 5 seeds, multi-task and single-task, and prints the side-by-side table.
#   benchmarks/tabular/run.sh                         # model.init: pytorch, as the reference
#   benchmarks/tabular/run.sh --init auto --tag auto  # another mtl4j init (see README.md)
#   benchmarks/tabular/run.sh --sets penguins --seeds 2
# Options go to suite.py (--help). Needs /usr/bin/python3 with numpy and torch (python3-torch).
set -euo pipefail
cd "$(dirname "$0")"
if ! /usr/bin/python3 -c 'import numpy, torch' 2>/dev/null; then
  echo "run.sh: /usr/bin/python3 cannot import numpy and torch (apt-get install python3-torch)" >&2
  exit 2
fi
[ -f data/satact/test.csv ] || ./export.sh
args=("$@")
[[ " ${args[*]-} " == *" --init "* ]] || args+=(--init pytorch)
exec /usr/bin/python3 suite.py "${args[@]}"
