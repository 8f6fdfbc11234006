package org.mtl4j.backend.cuda;

import org.mtl4j.api.backend.Availability;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.testing.ComputeBackendContract;

/**
 * The conformance suite (including its float gradient checks) on the CUDA backend. Where no usable
 * GPU exists every test is skipped with the probe's reason.
 */
class CudaBackendContractTest extends ComputeBackendContract {
  private final CudaBackendProvider provider = new CudaBackendProvider();

  @Override
  protected ComputeBackend createBackend() {
    return provider.create(BackendOptions.defaults());
  }

  @Override
  protected String unavailableReason() {
    Availability a = provider.probe();
    return a.available() ? null : "cuda: " + a.reason();
  }
}
