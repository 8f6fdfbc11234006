#!/usr/bin/env bash
# GPU checks of the CUDA backend, in two halves (issue 8):
#
#   backend-cuda/device-check.sh build   on a development machine (JDK 17, Maven, no GPU needed):
#                                        builds target/device-bundle (< 60 MiB: a jlink'ed JRE, the
#                                        project and JCuda jars, the JUnit console launcher, the test
#                                        classes, the reference losses, the PyTorch script) and runs
#                                        it once locally, where the CUDA tests skip.
#   backend-cuda/device-check.sh run     on the GPU machine (no Java, no Maven, no network), from the
#                                        repository root with backend-cuda/target/device-bundle
#                                        carried: the whole test suite (contract, gradient checks,
#                                        GPU-vs-reference tests, PTX checks), the 100-step parity run
#                                        against the reference backend, the benchmark and the same
#                                        model in PyTorch (fp32, TF32 off), then the ratios; then the
#                                        image kernels (issue 16): LeNet training parity with the
#                                        reference, LeNet step time at batch 256 and the 3x3 64->64
#                                        convolution GFLOP/s, beside the same in PyTorch.
#                                        Everything is written under $OUT.
#   backend-cuda/device-check.sh images  on the GPU machine: only the image part of `run` (the image
#                                        GPU tests, the CUDA contract, LeNetCheck, torch_lenet_gpu.py).
#   backend-cuda/device-check.sh local   runs the bundle here (what `build` ends with).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
bundle="$here/target/device-bundle"
JUNIT_VERSION=1.14.4
JCUDA_VERSION=12.0.0
MAX_BUNDLE_MIB=60

classpath() {
  local cp="$bundle/test-classes"
  for j in "$bundle"/lib/*.jar; do
    case "$j" in *junit-platform-console-standalone*) ;; *) cp="$cp:$j" ;; esac
  done
  echo "$cp"
}

build() {
  set -e
  cd "$root"
  ./mvnw -q -pl backend-cuda -am package -DskipTests
  rm -rf "$bundle"
  mkdir -p "$bundle/lib" "$bundle/test-classes" "$bundle/tmp"
  cp api/target/mtl4j-api-*.jar backend-cuda/target/mtl4j-backend-cuda-*.jar "$bundle/lib/"
  cp -r backend-cuda/target/test-classes/. "$bundle/test-classes/"
  ./mvnw -q -N dependency:copy -DoutputDirectory="$bundle/tmp" \
    -Dartifact=org.junit.platform:junit-platform-console-standalone:$JUNIT_VERSION
  ./mvnw -q -N dependency:copy -DoutputDirectory="$bundle/tmp" \
    -Dartifact=org.jcuda:jcuda:$JCUDA_VERSION
  ./mvnw -q -N dependency:copy -DoutputDirectory="$bundle/tmp" \
    -Dartifact=org.jcuda:jcuda-natives:$JCUDA_VERSION:jar:linux-x86_64
  mv "$bundle"/tmp/junit-platform-console-standalone-*.jar "$bundle"/tmp/jcuda-$JCUDA_VERSION.jar \
    "$bundle/lib/"
  # only the driver binding: the runtime, NVRTC and PTX-compiler libraries are not used
  (cd "$bundle/tmp" && unzip -q jcuda-natives-*.jar "lib/libJCudaDriver-*" \
    && jar cf "$bundle/lib/jcuda-natives-driver-$JCUDA_VERSION-linux-x86_64.jar" lib)
  rm -rf "$bundle/tmp"
  jlink --add-modules java.base,java.logging,java.sql,java.xml,java.management,jdk.unsupported,jdk.zipfs \
    --strip-debug --no-man-pages --no-header-files --compress=2 --output "$bundle/jre"
  local losses="$here/device/hps-reference-losses-100x256.txt"
  if [[ ! -f "$losses" ]]; then
    echo "computing the reference losses (100 steps on the pure-Java backend, a few minutes)"
    "$bundle/jre/bin/java" -cp "$(classpath)" org.mtl4j.backend.cuda.tools.ParityRun \
      reference "$losses" 100 256
  fi
  cp "$losses" "$here/device/torch_hps_gpu.py" "$here/device/torch_lenet_gpu.py" "$bundle/"
  local mib
  mib=$(du -sm "$bundle" | cut -f1)
  echo "bundle: $bundle, $mib MiB"
  du -sh "$bundle"/* | sed 's/^/  /'
  if (( mib >= MAX_BUNDLE_MIB )); then
    echo "bundle is $mib MiB, over the $MAX_BUNDLE_MIB MiB limit" >&2
    exit 1
  fi
  set +e
  local_run
}

# JUnit over every test class of backend-cuda (the api test-jar supplies the reference backend and
# the contract); run from backend-cuda so the PTX checks find the sources.
tests() {
  local reports="$1"
  (cd "$here" && "$bundle/jre/bin/java" -Xmx8g -jar "$bundle"/lib/junit-platform-console-standalone-*.jar \
    execute --class-path "$(classpath)" --scan-class-path "$bundle/test-classes" \
    --details=tree --disable-banner --disable-ansi-colors --reports-dir "$reports")
}

local_run() {
  local out="${OUT:-$here/target/device-local}"
  mkdir -p "$out"
  echo "== local run of the bundle (no GPU here: the CUDA tests must skip) =="
  "$bundle/jre/bin/java" -version 2>&1 | head -1
  tests "$out/junit" 2>&1 | tee "$out/tests.log"
  local status=${PIPESTATUS[0]}
  echo "== parity run here (expected to fail cleanly without a GPU) =="
  "$bundle/jre/bin/java" -cp "$(classpath)" org.mtl4j.backend.cuda.tools.ParityRun compare \
    "$bundle/hps-reference-losses-100x256.txt" 100 256 2>&1 | tail -3
  echo "local test run exit status: $status"
  return "$status"
}

# The RESULT key=value lines of two logs side by side with their ratio (mtl4j / PyTorch).
ratios() {
  python3 - "$1" "$2" <<'PY'
import re, sys
def results(path):
    try:
        return dict(re.findall(r"^RESULT (\S+)=(\S+)$", open(path).read(), re.M))
    except OSError:
        return {}
m, t = results(sys.argv[1]), results(sys.argv[2])
for key in sorted(set(m) | set(t)):
    a, b = m.get(key), t.get(key)
    ratio = "%.3f" % (float(a) / float(b)) if a and b and float(b) else "n/a"
    print("%-40s mtl4j %12s   torch %12s   ratio %s" % (key, a, b, ratio))
PY
}

run() {
  local out="${OUT:?run on the GPU machine with OUT set}"
  local java="$bundle/jre/bin/java"
  local status=0
  mkdir -p "$out"
  exec > >(tee "$out/device-check.log") 2>&1
  date -u
  nvidia-smi 2>&1 | tee "$out/nvidia-smi.txt" | head -15
  echo "== tests: contract, gradient checks, GPU vs reference, PTX checks =="
  timeout 300 bash -c "$(declare -f classpath tests); bundle='$bundle'; here='$here'; tests '$out/junit'" \
    > "$out/tests.log" 2>&1 || status=1
  grep -E "tests (successful|failed|skipped|aborted)|containers (aborted|failed)|Assumption failed|MethodSource|✘" "$out/tests.log" | tail -40
  echo "== parity: 100 steps of the HPS model vs the pure-Java reference =="
  timeout 240 "$java" -cp "$(classpath)" org.mtl4j.backend.cuda.tools.ParityRun compare \
    "$bundle/hps-reference-losses-100x256.txt" 100 256 > "$out/parity.log" 2>&1 || status=1
  grep -E "device:|PARITY|FAIL|Exception" "$out/parity.log" | head -20
  echo "== benchmark: mtl4j cuda =="
  timeout 240 "$java" -Xmx16g -cp "$(classpath)" org.mtl4j.backend.cuda.tools.Benchmark 3 60000 \
    2>&1 | tee "$out/bench-mtl4j.log" || status=1
  echo "== benchmark: PyTorch (fp32, TF32 off) =="
  timeout 240 python3 "$bundle/torch_hps_gpu.py" 3 60000 2>&1 | tee "$out/bench-torch.log" \
    || status=1
  echo "== mtl4j / PyTorch =="
  ratios "$out/bench-mtl4j.log" "$out/bench-torch.log" | tee "$out/summary.txt"
  echo "== images: LeNet parity with the reference, LeNet step, 3x3 64->64 convolution =="
  image_checks "$out" || status=1
  echo "device-check status: $status"
  return "$status"
}

# LeNetCheck (parity with the reference, step time, convolution GFLOP/s) and the same in PyTorch.
image_checks() {
  local out="$1" java="$bundle/jre/bin/java" status=0
  timeout 300 "$java" -Xmx8g -cp "$(classpath)" org.mtl4j.backend.cuda.tools.LeNetCheck 5 200 \
    2>&1 | tee "$out/lenet-mtl4j.log" || status=1
  timeout 240 python3 "$bundle/torch_lenet_gpu.py" 200 2>&1 | tee "$out/lenet-torch.log" || status=1
  echo "== images: mtl4j / PyTorch =="
  ratios "$out/lenet-mtl4j.log" "$out/lenet-torch.log" | tee "$out/summary-images.txt"
  return "$status"
}

# Only the image part of `run` (issue 16), for a short device session: the image GPU tests and
# the CUDA contract, then image_checks.
images() {
  local out="${OUT:?run on the GPU machine with OUT set}"
  local status=0
  mkdir -p "$out"
  exec > >(tee "$out/device-check-images.log") 2>&1
  date -u
  nvidia-smi 2>&1 | tee "$out/nvidia-smi.txt" | head -15
  echo "== tests: CudaImageGpuTest, CudaBackendContractTest =="
  (cd "$here" && timeout 300 "$bundle/jre/bin/java" -Xmx8g \
    -jar "$bundle"/lib/junit-platform-console-standalone-*.jar execute \
    --class-path "$(classpath)" --select-class org.mtl4j.backend.cuda.CudaImageGpuTest \
    --select-class org.mtl4j.backend.cuda.CudaBackendContractTest --details=tree \
    --disable-banner --disable-ansi-colors --reports-dir "$out/junit-images") \
    > "$out/tests-images.log" 2>&1 || status=1
  grep -E "tests (successful|failed|skipped|aborted)|containers (aborted|failed)|Assumption failed|MethodSource|✘" "$out/tests-images.log" | tail -40
  echo "== images: LeNet parity with the reference, LeNet step, 3x3 64->64 convolution =="
  image_checks "$out" || status=1
  echo "device-check images status: $status"
  return "$status"
}

case "${1:-}" in
  build) build ;;
  local) local_run ;;
  run) run ;;
  images) images ;;
  *) echo "usage: $0 build|local|run|images" >&2; exit 2 ;;
esac
