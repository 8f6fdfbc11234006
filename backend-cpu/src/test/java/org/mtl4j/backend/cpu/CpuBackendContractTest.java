package org.mtl4j.backend.cpu;

import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.testing.ComputeBackendContract;

/** The whole conformance suite, unchanged, on the CPU backend. */
class CpuBackendContractTest extends ComputeBackendContract {
  @Override
  protected ComputeBackend createBackend() {
    return new CpuBackendProvider().create(BackendOptions.defaults());
  }
}
