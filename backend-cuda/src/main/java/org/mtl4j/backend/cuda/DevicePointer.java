package org.mtl4j.backend.cuda;

import jcuda.driver.CUdeviceptr;

/** A {@link CUdeviceptr} that exposes its raw device address, for kernel arguments and tables. */
final class DevicePointer extends CUdeviceptr {

  /** The device address this pointer holds (0 before allocation). */
  long address() {
    return getNativePointer();
  }
}
