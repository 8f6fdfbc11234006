package org.mtl4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA kernels' logic on machines without a GPU: {@code src/test/cuda} compiles the kernel
 * sources with g++ against a CPU emulation of the CUDA intrinsics they use (threads per block,
 * barriers, warp shuffles, atomics) and compares every kernel family with double-precision loops
 * or, for the image kernels, with {@link org.mtl4j.api.testing.ReferenceBackend}'s results on the
 * cases of {@link ImageEmulationCases}, run in the launch sequences of {@link CudaImageOps}. This
 * checks tiling, indexing and the reduction trees; the device run checks the rest.
 */
class KernelEmulationTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();

  private static Path build(String source, Path tmp) throws Exception {
    String gxx = PtxBuildTest.tool("g++");
    assumeTrue(gxx != null, "g++ is not on the PATH: kernel emulation skipped");
    Path exe = tmp.resolve(source.replace(".cpp", ""));
    PtxBuildTest.Result build =
        PtxBuildTest.exec(
            List.of(
                gxx,
                "-std=c++20",
                "-O1",
                "-pthread",
                "-w",
                "-I" + MODULE.resolve("src/main/cuda"),
                MODULE.resolve("src/test/cuda/" + source).toString(),
                "-o",
                exe.toString()));
    assertEquals(0, build.exit(), "g++ failed:\n" + build.output());
    return exe;
  }

  @Test
  void kernelsComputeWhatTheReferenceLoopsCompute(@TempDir Path tmp) throws Exception {
    Path exe = build("kernel_emulation_test.cpp", tmp);
    PtxBuildTest.Result run = PtxBuildTest.exec(List.of(exe.toString()));
    System.out.println(run.output());
    assertEquals(0, run.exit(), run.output());
    assertTrue(run.output().contains(" checks, 0 failures"), run.output());
  }

  @Test
  void imageKernelsComputeWhatTheReferenceBackendComputes(@TempDir Path tmp) throws Exception {
    Path exe = build("image_emulation_test.cpp", tmp);
    Path cases = tmp.resolve("image-cases.bin");
    int records = new ImageEmulationCases().write(cases);
    PtxBuildTest.Result run = PtxBuildTest.exec(List.of(exe.toString(), cases.toString()));
    System.out.println(run.output());
    assertEquals(0, run.exit(), run.output());
    assertTrue(run.output().contains(records + " cases, "), run.output());
    assertTrue(run.output().contains(" checks, 0 failures"), run.output());
    List<String> failed = new ArrayList<>();
    run.output().lines().filter(l -> l.startsWith("FAIL")).forEach(failed::add);
    assertEquals(List.of(), failed);
  }
}
