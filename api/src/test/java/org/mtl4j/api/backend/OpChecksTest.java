package org.mtl4j.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.testing.ReferenceBackend;

/**
 * The checks of {@link OpChecks} on their own: the messages of the rules every backend shares (the
 * conformance kit compares each backend's messages with the reference's), and that the checks of a
 * training step's operations allocate nothing when they pass.
 */
class OpChecksTest {
  private final ReferenceBackend backend = new ReferenceBackend();

  @AfterEach
  void close() {
    backend.close();
  }

  private Tensor t(int rows, int cols) {
    return backend.zeros(Shape.matrix(rows, cols));
  }

  private static String message(Runnable check) {
    return assertThrows(IllegalArgumentException.class, check::run).getMessage();
  }

  @Test
  void messagesNameTheOperationTheArgumentsAndTheShapes() {
    Tensor a = t(3, 4);
    Tensor b = t(5, 2);
    Tensor c = t(3, 2);
    assertEquals(
        "gemm: a [3, 4] x b [5, 2] -> c [3, 2]: inner dimensions 4 and 5 differ",
        message(() -> OpChecks.gemm(false, false, a, b, c)));
    Tensor sq = t(4, 4);
    assertEquals(
        "gemm: a [4, 4]^T x b [4, 4] -> c [4, 4]: c must not be the same tensor as a or b",
        message(() -> OpChecks.gemm(true, false, sq, sq, sq)));
    assertEquals(
        "binary DIV: b [2, 4] cannot broadcast over a [3, 4] (expected [3, 4], [1, 4], [3, 1] or"
            + " [1, 1])",
        message(() -> OpChecks.binary(BinaryOp.DIV, a, t(2, 4), a)));
    assertEquals(
        "copyColumns: src [3, 4] cols [3, 5) -> dst [3, 2] cols [0, 2): column range out of bounds",
        message(() -> OpChecks.copyColumns(a, 3, c, 0, 2)));
    assertEquals(
        "mse: predictions [3, 4] and gradPredictions [3, 2] must have the same shape",
        message(() -> OpChecks.mse(a, a, null, t(1, 1), c)));
    assertEquals(
        "softmaxCrossEntropy: index 2.5 at row 7 is not an integer in [0, 4)",
        message(() -> OpChecks.label(7, 2.5f, 4)));
    assertEquals(
        "adamStepAll: params, grads, ms, vs and lrs must have the same length, got 1, 1, 1, 1, 2",
        message(
            () ->
                OpChecks.adamStepAll(
                    List.of(a), List.of(a), List.of(a), List.of(a), new float[2], 1)));
    assertEquals(
        "adamStepAll parameter 1: param [5, 2] and v [3, 2] must have the same shape",
        message(
            () ->
                OpChecks.adamStepAll(
                    List.of(a, b), List.of(a, b), List.of(a, b), List.of(a, c), new float[2], 1)));
  }

  @Test
  void imageAliasingIsRefusedWithOneMessage() {
    Tensor x = backend.zeros(Shape.of(1, 2, 4, 4));
    Tensor w = backend.zeros(Shape.of(2, 2, 3, 3));
    assertEquals(
        "conv2d: out must not be the same tensor as x or weight",
        message(() -> OpChecks.conv2d(x, w, null, Conv2dParams.of(1, 1, 1), x)));
    assertEquals(
        "avgPool2d: out must not be the same tensor as x",
        message(() -> OpChecks.avgPool2d(x, Pool2dParams.of(3, 1, 1), x)));
    assertEquals(
        "maxPool2d: out and indices must not be the same tensor as x or each other",
        message(
            () -> OpChecks.maxPool2d(x, Pool2dParams.of(3, 1, 1), backend.zeros(x.shape()), x)));
  }

  /**
   * Heap bytes the current thread allocates while {@code body} runs {@code reps} times, after a
   * warm-up; the HotSpot counter of {@code com.sun.management.ThreadMXBean}.
   */
  private static long allocatedBytes(Runnable body, int reps) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    for (int i = 0; i < reps; i++) {
      body.run();
    }
    long before = mx.getThreadAllocatedBytes(id);
    for (int i = 0; i < reps; i++) {
      body.run();
    }
    return mx.getThreadAllocatedBytes(id) - before;
  }

  @Test
  void passingChecksOfAStepAllocateNothing() {
    Tensor x = t(256, 512);
    Tensor w = t(512, 256);
    Tensor y = t(256, 256);
    Tensor bias = t(1, 256);
    Tensor logits = t(256, 10);
    Tensor labels = t(256, 1);
    Tensor loss = t(1, 1);
    List<Tensor> params = List.of(w, bias);
    float[] lrs = {1e-3f, 1e-3f};
    int reps = 20_000;
    long bytes =
        allocatedBytes(
            () -> {
              OpChecks.gemm(false, false, x, w, y);
              OpChecks.gemm(true, false, x, y, w);
              OpChecks.binary(BinaryOp.ADD, y, bias, y);
              OpChecks.unary(UnaryOp.RELU, y, y);
              OpChecks.unaryBackward(UnaryOp.RELU, y, y, y, y);
              OpChecks.sumRows(y, bias);
              OpChecks.softmaxCrossEntropy(logits, labels, labels, loss, logits);
              OpChecks.bceWithLogits(logits, logits, labels, loss, logits);
              OpChecks.axpby(y, y);
              OpChecks.copyColumns(y, 0, y, 128, 128);
              OpChecks.adamStepAll(params, params, params, params, lrs, 3);
            },
            reps);
    assertTrue(bytes >= 0, "the JVM measures no per-thread allocation");
    // the counter's own reads allocate a few hundred bytes; one string per check would be > 1 MB
    assertTrue(bytes < 16_384, bytes + " bytes for " + reps + " rounds of passing checks");
  }
}
