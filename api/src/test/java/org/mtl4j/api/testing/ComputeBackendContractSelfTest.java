package org.mtl4j.api.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.testing.MutantBackend.Bug;

/**
 * The contract can fail: each {@link MutantBackend} bug makes the contract test aimed at it fail,
 * while the faithful wrapper passes the same tests.
 */
class ComputeBackendContractSelfTest {

  private static Consumer<ComputeBackendContract> testFor(Bug bug) {
    return switch (bug) {
      case NONE ->
          c -> {
            try {
              c.concurrentUseFromSeveralThreadsWithTheirOwnScopes();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            c.gemmOddShapesAllTransposes(true, true);
            c.softmaxAndLogSoftmax();
            c.shapeMismatchesNameTheShapes();
            for (org.junit.jupiter.api.DynamicTest t : c.imagePrimitives()) {
              try {
                t.getExecutable().execute();
              } catch (Throwable e) {
                throw new AssertionError(t.getDisplayName() + ": " + e.getMessage(), e);
              }
            }
          };
      case GEMM_BETA_ZERO_READS_C, GEMM_IGNORES_TRANS_B ->
          c -> c.gemmOddShapesAllTransposes(false, true);
      case BROADCAST_ROW_AS_COLUMN ->
          c -> c.binaryEveryBroadcast(org.mtl4j.api.backend.BinaryOp.SUB);
      case SOFTMAX_WITHOUT_MAX_SUBTRACTION -> ComputeBackendContract::softmaxAndLogSoftmax;
      case TANH_BACKWARD_WRONG_SIGN -> c -> c.unaryBackward(UnaryOp.TANH);
      case ARGMAX_LAST_TIE_WINS -> ComputeBackendContract::argmaxTiesNanAndInfinities;
      case LOSS_MEAN_OVER_ALL_ROWS ->
          c -> c.softmaxCrossEntropy(ComputeBackendContract.MaskKind.MIXED);
      case SCATTER_ADD_LAST_WRITE_WINS ->
          ComputeBackendContract::gatherAndScatterAddWithRepeatedIndices;
      case DROPOUT_OTHER_RNG -> c -> c.dropoutMaskMatchesReference(0.5f);
      case SGD_IGNORES_NESTEROV -> c -> c.sgdStepsMatchReference(0.9f, 0f, true);
      case ADAM_WITHOUT_BIAS_CORRECTION -> c -> c.adamStepsMatchReference(true, 0.01f);
      case NONDETERMINISTIC_SUM -> ComputeBackendContract::identicalInputsGiveIdenticalBits;
      case MESSAGE_WITHOUT_SHAPES -> ComputeBackendContract::shapeMismatchesNameTheShapes;
      case SHARED_SCRATCH_BUFFER ->
          c -> {
            try {
              c.concurrentUseFromSeveralThreadsWithTheirOwnScopes();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
      case PERSISTENT_OWNED_BY_SCOPE ->
          ComputeBackendContract::persistentTensorsBelongToTheCallerEvenInsideScopes;
      case SCOPE_CLOSE_RELEASES_NOTHING ->
          ComputeBackendContract::scopedTensorsDieWhenTheScopeCloses;
      case CONV_WEIGHT_GRAD_IGNORES_BETA, MAX_POOL_DROPS_INDICES ->
          c -> {
            for (org.junit.jupiter.api.DynamicTest t : c.imagePrimitives()) {
              try {
                t.getExecutable().execute();
              } catch (Throwable e) {
                throw new AssertionError(t.getDisplayName() + ": " + e.getMessage(), e);
              }
            }
          };
    };
  }

  /** Runs one contract test with its JUnit lifecycle; returns what it threw, or null. */
  private static Throwable run(Bug bug) {
    ComputeBackendContract contract =
        new ComputeBackendContract() {
          @Override
          protected ComputeBackend createBackend() {
            return new MutantBackend(bug);
          }
        };
    Throwable failure = null;
    contract.startBackends();
    try {
      contract.openTestScope();
      try {
        testFor(bug).accept(contract);
      } finally {
        contract.closeTestScope();
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      contract.closeBackends();
    }
    return failure;
  }

  @org.junit.jupiter.api.Test
  void anUnavailableBackendSkipsEveryTestWithItsReasonAndIsNeverCreated() {
    ComputeBackendContract contract =
        new ComputeBackendContract() {
          @Override
          protected ComputeBackend createBackend() {
            throw new AssertionError("createBackend must not be called when unavailable");
          }

          @Override
          protected String unavailableReason() {
            return "no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)";
          }
        };
    org.opentest4j.TestAbortedException skipped =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.opentest4j.TestAbortedException.class, contract::startBackends);
    org.junit.jupiter.api.Assertions.assertTrue(
        skipped.getMessage().contains("CUDA_ERROR_NO_DEVICE"), skipped.getMessage());
    contract.closeBackends();
  }

  @ParameterizedTest
  @EnumSource(Bug.class)
  void theContractCatchesTheBug(Bug bug) {
    Throwable failure = run(bug);
    if (bug == Bug.NONE) {
      assertNull(failure, "the faithful wrapper must pass: " + failure);
    } else {
      assertNotNull(failure, "the contract did not notice " + bug);
    }
  }
}
