package org.mtl4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX against its sources: it is what {@code build-ptx.sh} produces, it assembles for
 * sm_80 and sm_90, the gemm kernels do not spill at sm_90, and every kernel the Java side launches
 * is defined. The toolkit checks skip, with the reason, where nvcc or ptxas is missing.
 */
class PtxBuildTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path RESOURCES = MODULE.resolve("src/main/resources/org/mtl4j/backend/cuda");

  record Result(int exit, String output) {}

  static Result exec(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "timed out: " + cmd);
    return new Result(p.exitValue(), out);
  }

  static String tool(String name) {
    for (String dir :
        (System.getenv().getOrDefault("PATH", "") + ":/usr/local/cuda/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name).toString();
      }
    }
    return null;
  }

  static void assumeTool(String name) {
    assumeTrue(tool(name) != null, name + " is not on the PATH (no CUDA toolkit here): skipped");
  }

  @Test
  void everyLaunchedKernelIsDefinedInThePtx() {
    Set<String> defined = new HashSet<>();
    for (String module : Kernels.MODULES) {
      List<String> entries = Kernels.entryNames(Kernels.ptx(module));
      assertTrue(entries.size() > 0, module + ".ptx defines no kernel");
      defined.addAll(entries);
    }
    List<String> missing = new ArrayList<>(Kernels.LAUNCHED);
    missing.removeAll(defined);
    assertEquals(List.of(), missing, "kernels launched by the Java side but missing from the PTX");
  }

  @Test
  void committedPtxIsWhatTheSourcesCompileTo(@TempDir Path tmp) throws Exception {
    assumeTool("nvcc");
    Result r = exec(List.of("bash", MODULE.resolve("build-ptx.sh").toString(), tmp.toString()));
    assertEquals(0, r.exit(), r.output());
    for (String module : Kernels.MODULES) {
      String fresh = Files.readString(tmp.resolve(module + ".ptx"));
      String committed = Files.readString(RESOURCES.resolve(module + ".ptx"));
      assertEquals(
          fresh, committed, module + ".ptx is stale: run backend-cuda/build-ptx.sh and commit");
    }
    try (var files = Files.list(MODULE.resolve("src/main/cuda"))) {
      long sources = files.filter(f -> f.toString().endsWith(".cu")).count();
      assertEquals(Kernels.MODULES.size(), sources, "each .cu source is one loaded module");
    }
  }

  @Test
  void ptxAssemblesForAmpereAndHopper(@TempDir Path tmp) throws Exception {
    assumeTool("ptxas");
    for (String arch : List.of("sm_80", "sm_90")) {
      for (String module : Kernels.MODULES) {
        Result r =
            exec(
                List.of(
                    tool("ptxas"),
                    "-arch=" + arch,
                    RESOURCES.resolve(module + ".ptx").toString(),
                    "-o",
                    tmp.resolve(module + "-" + arch + ".cubin").toString()));
        assertEquals(0, r.exit(), "ptxas " + arch + " " + module + ".ptx:\n" + r.output());
      }
    }
  }

  @Test
  void gemmKernelsDoNotSpillAtSm90(@TempDir Path tmp) throws Exception {
    assumeTool("ptxas");
    Result r =
        exec(
            List.of(
                tool("ptxas"),
                "-arch=sm_90",
                "-v",
                RESOURCES.resolve("gemm.ptx").toString(),
                "-o",
                tmp.resolve("gemm.cubin").toString()));
    System.out.println("ptxas -arch=sm_90 -v gemm.ptx:\n" + r.output());
    assertEquals(0, r.exit(), r.output());
    Matcher m =
        Pattern.compile(
                "Function properties for (\\w+)\\s*\\n\\s*(\\d+) bytes stack frame, (\\d+) bytes"
                    + " spill stores, (\\d+) bytes spill loads")
            .matcher(r.output());
    int kernels = 0;
    while (m.find()) {
      kernels++;
      String line = m.group(0).replaceAll("\\s+", " ");
      assertTrue(line.contains("0 bytes spill stores"), line);
      assertEquals("0", m.group(3), m.group(1) + " spills stores: " + line);
      assertEquals("0", m.group(4), m.group(1) + " spills loads: " + line);
    }
    assertEquals(8, kernels, "expected ptxas figures for 8 sgemm kernels:\n" + r.output());
  }
}
