package org.mtl4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

/**
 * The backend's PTX modules (resources under {@code org/mtl4j/backend/cuda}, generated from {@code
 * src/main/cuda} by {@code build-ptx.sh}), loaded with {@code cuModuleLoadData}, and a launcher
 * that turns Java values into kernel arguments.
 */
final class Kernels {
  /** The PTX modules, one per {@code .cu} source. */
  static final List<String> MODULES =
      List.of("gemm", "elementwise", "reductions", "losses", "optimizers", "images");

  /** Every kernel the backend launches; {@link #launch} refuses any other name. */
  static final Set<String> LAUNCHED =
      Set.of(
          "sgemm128_nn",
          "sgemm128_nt",
          "sgemm128_tn",
          "sgemm128_tt",
          "sgemm64_nn",
          "sgemm64_nt",
          "sgemm64_tn",
          "sgemm64_tt",
          "fill_f32",
          "copy_columns",
          "axpby_f32",
          "affine_f32",
          "binary_f32",
          "unary_f32",
          "unary_backward_f32",
          "gather_rows",
          "scatter_add_rows",
          "dropout_mask",
          "reduce_partials",
          "reduce_finish",
          "sum_rows_partial",
          "sum_rows_finish",
          "sum_cols",
          "argmax_rows",
          "softmax_rows",
          "ce_partial",
          "loss_finish",
          "ce_grad",
          "elem_loss_partial",
          "elem_loss_grad",
          "sgd_step",
          "adam_step",
          "adam_step_all",
          "im2col",
          "col2im",
          "kmajor_to_nchw",
          "nchw_to_kmajor",
          "conv_bias_grad",
          "max_pool",
          "pool_index_check",
          "max_pool_backward",
          "avg_pool",
          "avg_pool_backward",
          "global_avg_pool",
          "global_avg_pool_backward",
          "bn_stats",
          "bn_fixed_stats",
          "bn_apply",
          "bn_backward_reduce",
          "bn_backward_input");

  private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(");

  private static final Pattern ENTRY_PARAMS =
      Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
  private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)");

  private final List<CUmodule> modules = new ArrayList<>();
  private final Map<String, CUfunction> functions = new HashMap<>();
  private final Map<String, List<String>> signatures = new HashMap<>();

  /** Loads every module into the current context. */
  Kernels() {
    for (String name : MODULES) {
      String ptx = ptx(name);
      byte[] text = ptx.getBytes(StandardCharsets.US_ASCII);
      byte[] nulTerminated = Arrays.copyOf(text, text.length + 1);
      CUmodule module = new CUmodule();
      cuModuleLoadData(module, nulTerminated);
      modules.add(module);
      signatures.putAll(signatures(ptx));
      for (String entry : entryNames(ptx)) {
        CUfunction f = new CUfunction();
        cuModuleGetFunction(f, module, entry);
        functions.put(entry, f);
      }
    }
  }

  /** The text of one PTX module from the class path. */
  static String ptx(String module) {
    String path = module + ".ptx";
    try (InputStream in = Kernels.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(
            "PTX resource org/mtl4j/backend/cuda/" + path + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("reading PTX resource " + path, e);
    }
  }

  /** Names of the kernels ({@code .entry}) a PTX text defines. */
  static List<String> entryNames(String ptx) {
    List<String> names = new ArrayList<>();
    Matcher m = ENTRY.matcher(ptx);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The PTX parameter types ({@code u64}, {@code u32}, {@code f32}, ...) of every kernel. */
  static Map<String, List<String>> signatures(String ptx) {
    Map<String, List<String>> result = new HashMap<>();
    Matcher m = ENTRY_PARAMS.matcher(ptx);
    while (m.find()) {
      List<String> types = new ArrayList<>();
      Matcher p = PARAM.matcher(m.group(2));
      while (p.find()) {
        types.add(p.group(1));
      }
      result.put(m.group(1), types);
    }
    return result;
  }

  /**
   * Checks that {@code args} match the kernel's PTX parameters in number and type, so that a wrong
   * argument is an exception rather than silent memory corruption on the device.
   */
  static void checkArguments(String kernel, List<String> params, Object[] args) {
    if (params.size() != args.length) {
      throw new IllegalStateException(
          "kernel " + kernel + " takes " + params.size() + " arguments, got " + args.length);
    }
    for (int i = 0; i < args.length; i++) {
      String t = params.get(i);
      Object a = args[i];
      boolean ok =
          switch (t) {
            case "u64", "s64", "b64" -> a instanceof Long;
            case "u32", "s32", "b32" -> a instanceof Integer;
            case "f32" -> a instanceof Float;
            case "f64" -> a instanceof Double;
            default -> false;
          };
      if (!ok) {
        throw new IllegalStateException(
            "kernel "
                + kernel
                + ": argument "
                + i
                + " is "
                + (a == null ? "null" : a.getClass().getSimpleName())
                + " but the PTX declares ."
                + t);
      }
    }
  }

  /**
   * Launches {@code kernel} on the default stream. Arguments are {@link Long} (device addresses,
   * 64-bit integers), {@link Integer}, {@link Float} or {@link Double}, in the kernel's order.
   */
  void launch(String kernel, int gridX, int gridY, int blockX, int blockY, Object... args) {
    CUfunction f = LAUNCHED.contains(kernel) ? functions.get(kernel) : null;
    if (f == null) {
      throw new IllegalStateException("kernel " + kernel + " is not in the loaded PTX modules");
    }
    checkArguments(kernel, signatures.get(kernel), args);
    Pointer[] params = new Pointer[args.length];
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof Long l) {
        params[i] = Pointer.to(new long[] {l});
      } else if (a instanceof Integer n) {
        params[i] = Pointer.to(new int[] {n});
      } else if (a instanceof Float x) {
        params[i] = Pointer.to(new float[] {x});
      } else if (a instanceof Double d) {
        params[i] = Pointer.to(new double[] {d});
      } else {
        throw new IllegalArgumentException(
            "kernel " + kernel + ": argument " + i + " has unsupported type " + a);
      }
    }
    cuLaunchKernel(f, gridX, gridY, 1, blockX, blockY, 1, 0, null, Pointer.to(params), null);
  }

  void unload() {
    for (CUmodule m : modules) {
      cuModuleUnload(m);
    }
    modules.clear();
    functions.clear();
  }
}
