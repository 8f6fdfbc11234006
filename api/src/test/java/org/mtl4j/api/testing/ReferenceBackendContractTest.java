package org.mtl4j.api.testing;

import org.mtl4j.api.backend.ComputeBackend;

/** The conformance suite run against the oracle itself: it must pass its own contract. */
class ReferenceBackendContractTest extends ComputeBackendContract {
  @Override
  protected ComputeBackend createBackend() {
    return new ReferenceBackend(ReferenceBackend.Precision.FLOAT);
  }
}
