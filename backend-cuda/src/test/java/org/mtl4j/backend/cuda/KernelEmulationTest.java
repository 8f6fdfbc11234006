package org.mtl4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA kernels' logic on machines without a GPU: {@code src/test/cuda} compiles the kernel
 * sources with g++ against a CPU emulation of the CUDA intrinsics they use (threads per block,
 * barriers, warp shuffles) and compares every kernel family with double-precision loops. This
 * checks tiling, indexing and the reduction trees; the device run checks the rest.
 */
class KernelEmulationTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();

  @Test
  void kernelsComputeWhatTheReferenceLoopsCompute(@TempDir Path tmp) throws Exception {
    String gxx = PtxBuildTest.tool("g++");
    assumeTrue(gxx != null, "g++ is not on the PATH: kernel emulation skipped");
    Path exe = tmp.resolve("kernel_emulation_test");
    PtxBuildTest.Result build =
        PtxBuildTest.exec(
            List.of(
                gxx,
                "-std=c++20",
                "-O1",
                "-pthread",
                "-w",
                "-I" + MODULE.resolve("src/main/cuda"),
                MODULE.resolve("src/test/cuda/kernel_emulation_test.cpp").toString(),
                "-o",
                exe.toString()));
    assertEquals(0, build.exit(), "g++ failed:\n" + build.output());
    PtxBuildTest.Result run = PtxBuildTest.exec(List.of(exe.toString()));
    System.out.println(run.output());
    assertEquals(0, run.exit(), run.output());
    assertTrue(run.output().contains(" checks, 0 failures"), run.output());
  }
}
