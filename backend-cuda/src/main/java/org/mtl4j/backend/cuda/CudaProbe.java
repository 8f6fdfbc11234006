package org.mtl4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;
import org.mtl4j.api.backend.Availability;

/**
 * Decides, without throwing, whether the CUDA backend can run here: the driver library {@code
 * libcuda.so.1} is present (looked up on the file system first, so a machine without a driver loads
 * nothing), JCuda's driver binding loads, a device exists, the driver understands the PTX version
 * of the bundled kernels, the device is new enough for them and has memory free.
 */
final class CudaProbe {
  /** Free device memory below which the probe reports the device as out of memory. */
  static final long MIN_FREE_BYTES = 256L << 20;

  /** Compute capability the PTX targets (compute_80). */
  static final int MIN_MAJOR = 8;

  private static final Pattern PTX_VERSION = Pattern.compile("\\.version\\s+(\\d+)\\.(\\d+)");

  private CudaProbe() {}

  /** Folders searched for {@code libcuda.so.1} (plus LD_LIBRARY_PATH and the ld.so cache). */
  static List<Path> searchPath() {
    Set<Path> dirs = new LinkedHashSet<>();
    String ld = System.getenv("LD_LIBRARY_PATH");
    if (ld != null) {
      for (String d : ld.split(":")) {
        if (!d.isBlank()) {
          dirs.add(Path.of(d));
        }
      }
    }
    for (String d :
        List.of(
            "/usr/lib/x86_64-linux-gnu",
            "/lib/x86_64-linux-gnu",
            "/usr/lib64",
            "/lib64",
            "/usr/lib",
            "/usr/local/nvidia/lib64",
            "/usr/local/nvidia/lib",
            "/usr/local/cuda/lib64/stubs/..",
            "/usr/local/cuda/compat",
            "/usr/lib/wsl/lib",
            "/usr/lib/aarch64-linux-gnu")) {
      dirs.add(Path.of(d).normalize());
    }
    return new ArrayList<>(dirs);
  }

  /** Where {@code libcuda.so.1} is, if anywhere this process would find it. */
  static Optional<Path> findLibcuda(List<Path> dirs, Path ldCache) {
    for (Path d : dirs) {
      Path p = d.resolve("libcuda.so.1");
      if (Files.exists(p)) {
        return Optional.of(p);
      }
    }
    try {
      if (Files.isReadable(ldCache)) {
        String cache = new String(Files.readAllBytes(ldCache), StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("(/[\\x21-\\x7e]*/libcuda\\.so\\.1)\\x00").matcher(cache);
        while (m.find()) {
          Path p = Path.of(m.group(1));
          if (Files.exists(p)) {
            return Optional.of(p);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // an unreadable cache only means we did not find the library there
    }
    return Optional.empty();
  }

  /** The CUDA driver version (e.g. 13000) that the PTX ISA version of the kernels needs. */
  static int requiredDriverVersion(String ptx) {
    Matcher m = PTX_VERSION.matcher(ptx);
    if (!m.find()) {
      throw new IllegalStateException("the bundled PTX has no .version line");
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    // PTX ISA 8.x shipped with CUDA 12.x, ISA 9.x with CUDA 13.x.
    return (major + 4) * 1000 + minor * 10;
  }

  static String version(int v) {
    return (v / 1000) + "." + (v % 1000) / 10;
  }

  static Availability probe(int deviceIndex) {
    try {
      return probeOrThrow(deviceIndex);
    } catch (Throwable t) {
      return Availability.unavailable(
          "CUDA probe failed: " + t.getClass().getSimpleName() + ": " + t.getMessage());
    }
  }

  private static Availability probeOrThrow(int deviceIndex) {
    List<Path> dirs = searchPath();
    Optional<Path> lib = findLibcuda(dirs, Path.of("/etc/ld.so.cache"));
    if (lib.isEmpty()) {
      return Availability.unavailable(
          "no libcuda.so.1 (the NVIDIA driver library) on this machine: searched "
              + dirs
              + " and /etc/ld.so.cache; install the NVIDIA driver or add its folder to"
              + " LD_LIBRARY_PATH");
    }
    try {
      JCudaDriver.setExceptionsEnabled(true);
      cuInit(0);
    } catch (Throwable t) {
      String msg = String.valueOf(t.getMessage());
      if (msg.contains("CUDA_ERROR_NO_DEVICE")) {
        return Availability.unavailable("no CUDA device: the driver (" + lib.get() + ") sees none");
      }
      return Availability.unavailable(
          "libcuda.so.1 found at "
              + lib.get()
              + " but JCuda's driver binding could not load or initialise it: "
              + t.getClass().getSimpleName()
              + ": "
              + msg);
    }
    int[] driver = new int[1];
    cuDriverGetVersion(driver);
    int needed = requiredDriverVersion(Kernels.ptx("optimizers"));
    if (driver[0] < needed) {
      return Availability.unavailable(
          "driver too old for the PTX: it supports CUDA "
              + version(driver[0])
              + ", the bundled kernels need a CUDA "
              + version(needed)
              + " driver or newer");
    }
    int[] count = new int[1];
    cuDeviceGetCount(count);
    if (count[0] == 0) {
      return Availability.unavailable("no CUDA device: the driver sees none");
    }
    if (deviceIndex >= count[0]) {
      return Availability.unavailable(
          "no CUDA device " + deviceIndex + ": the driver sees " + count[0] + " device(s)");
    }
    CUdevice dev = new CUdevice();
    cuDeviceGet(dev, deviceIndex);
    String name = deviceName(dev);
    int major = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
    int minor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    if (major < MIN_MAJOR) {
      return Availability.unavailable(
          name
              + " has compute capability "
              + major
              + "."
              + minor
              + "; the kernels are PTX for compute_80 and need 8.0 or newer");
    }
    long[] free = new long[1];
    long[] total = new long[1];
    CUcontext ctx = new CUcontext();
    cuDevicePrimaryCtxRetain(ctx, dev);
    try {
      cuCtxSetCurrent(ctx);
      cuMemGetInfo(free, total);
    } finally {
      cuCtxSetCurrent(new CUcontext());
      cuDevicePrimaryCtxRelease(dev);
    }
    if (free[0] < MIN_FREE_BYTES) {
      return Availability.unavailable(
          "out of memory on "
              + name
              + ": "
              + (free[0] >> 20)
              + " MiB free of "
              + (total[0] >> 20)
              + " MiB (need "
              + (MIN_FREE_BYTES >> 20)
              + " MiB)");
    }
    return Availability.available(
        name
            + " (sm_"
            + major
            + minor
            + ", "
            + (free[0] >> 20)
            + " MiB free of "
            + (total[0] >> 20)
            + " MiB, driver CUDA "
            + version(driver[0])
            + ")");
  }

  static String deviceName(CUdevice dev) {
    byte[] buf = new byte[256];
    cuDeviceGetName(buf, buf.length, dev);
    int n = 0;
    while (n < buf.length && buf[n] != 0) {
      n++;
    }
    return new String(buf, 0, n, StandardCharsets.US_ASCII);
  }

  static int attribute(CUdevice dev, int attribute) {
    int[] v = new int[1];
    cuDeviceGetAttribute(v, attribute, dev);
    return v[0];
  }
}
