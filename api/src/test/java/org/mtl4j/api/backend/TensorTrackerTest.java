package org.mtl4j.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/** The bookkeeping every backend shares: live tensors, per-thread scopes, operand checks. */
class TensorTrackerTest {

  /** A tensor with no memory that counts its releases. */
  static final class Dummy extends AbstractTensor {
    int released;

    Dummy(Shape s, TensorTracker t) {
      super(s, t);
    }

    @Override
    protected void release() {
      released++;
    }
  }

  @Test
  void tensorsOutsideScopesLiveUntilClosed() {
    TensorTracker t = new TensorTracker("fake");
    Dummy a = t.adopt(new Dummy(Shape.matrix(2, 2), t));
    assertEquals(1, t.liveTensors());
    assertEquals("fake", a.backendName());
    a.close();
    a.close();
    assertEquals(1, a.released, "release runs exactly once");
    assertEquals(0, t.liveTensors());
    assertTrue(a.toString().contains("closed"), a.toString());
  }

  @Test
  void scopesOwnWhatIsAllocatedInsideThemOnTheirThread() throws Exception {
    TensorTracker t = new TensorTracker("fake");
    TensorScope s = t.openScope();
    Dummy inside = t.adopt(new Dummy(Shape.row(3), t));
    AtomicReference<Dummy> other = new AtomicReference<>();
    Thread th = new Thread(() -> other.set(t.adopt(new Dummy(Shape.row(1), t))));
    th.start();
    th.join();
    assertEquals(1, s.liveTensors(), "another thread's tensor is not in this thread's scope");
    s.close();
    assertTrue(inside.isClosed());
    assertFalse(other.get().isClosed());
    assertEquals(1, t.liveTensors());
  }

  @Test
  void aScopeMustBeClosedOnItsThread() throws Exception {
    TensorTracker t = new TensorTracker("fake");
    TensorScope s = t.openScope();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread th =
        new Thread(
            () -> {
              try {
                s.close();
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    th.start();
    th.join();
    assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
    assertTrue(failure.get().getMessage().contains(Thread.currentThread().getName()));
    s.close();
  }

  @Test
  void detachWithoutAnEnclosingScopeHandsTheTensorToTheCaller() {
    TensorTracker t = new TensorTracker("fake");
    Dummy kept;
    try (TensorScope s = t.openScope()) {
      kept = t.adopt(new Dummy(Shape.row(2), t));
      s.detach(kept);
      assertEquals(0, s.liveTensors());
    }
    assertFalse(kept.isClosed());
    assertEquals(1, t.liveTensors());
    kept.close();
    assertEquals(0, t.liveTensors());
  }

  @Test
  void checkNamesOperationRoleAndShape() {
    TensorTracker t = new TensorTracker("fake");
    TensorTracker other = new TensorTracker("fake");
    Dummy mine = t.adopt(new Dummy(Shape.matrix(2, 3), t));
    Dummy foreign = other.adopt(new Dummy(Shape.matrix(4, 5), other));
    assertEquals(mine, t.check(mine, Dummy.class, "op", "a"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> t.check(foreign, Dummy.class, "gemm", "b"));
    assertTrue(e.getMessage().startsWith("gemm: b [4, 5]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> t.check(null, Dummy.class, "fill", "t"));
    assertEquals("fill: t is null", e.getMessage());
    Tensor alien =
        new Tensor() {
          public Shape shape() {
            return Shape.row(1);
          }

          public String backendName() {
            return "alien";
          }

          public boolean isClosed() {
            return false;
          }

          public void close() {}
        };
    e =
        assertThrows(
            IllegalArgumentException.class, () -> t.check(alien, Dummy.class, "copy", "src"));
    assertTrue(e.getMessage().contains("alien"), e.getMessage());
    mine.close();
    IllegalStateException closed =
        assertThrows(IllegalStateException.class, () -> t.check(mine, Dummy.class, "unary", "x"));
    assertEquals("unary: x [2, 3] is closed", closed.getMessage());
  }

  @Test
  void closeAllReleasesEverythingAndRefusesNewTensors() {
    TensorTracker t = new TensorTracker("fake");
    TensorScope s = t.openScope();
    Dummy scoped = t.adopt(new Dummy(Shape.row(2), t));
    Dummy loose;
    try (TensorScope inner = t.openScope()) {
      loose = t.adopt(new Dummy(Shape.row(2), t));
      inner.detach(loose);
    }
    t.closeAll();
    assertTrue(scoped.isClosed() && loose.isClosed());
    assertEquals(1, scoped.released);
    assertEquals(0, t.liveTensors());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> t.adopt(new Dummy(Shape.row(1), t)));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    s.close();
    assertEquals(1, scoped.released, "closing the scope later does not release twice");
  }
}
