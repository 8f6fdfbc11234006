package org.mtl4j.api.backend;

import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * Bookkeeping shared by backend tensor implementations: shape, owner, closed state and scope
 * membership. A backend subclasses it, holds its memory handle and frees it in {@link #release()}.
 */
public abstract class AbstractTensor implements Tensor {
  private final Shape shape;
  private final TensorTracker tracker;
  private volatile boolean closed;
  TensorTracker.Scope scope;

  protected AbstractTensor(Shape shape, TensorTracker tracker) {
    this.shape = shape;
    this.tracker = tracker;
  }

  @Override
  public final Shape shape() {
    return shape;
  }

  @Override
  public final String backendName() {
    return tracker.backendName();
  }

  @Override
  public final boolean isClosed() {
    return closed;
  }

  /** The tracker (and so the backend instance) this tensor belongs to. */
  public final TensorTracker tracker() {
    return tracker;
  }

  @Override
  public final void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    tracker.forget(this);
    release();
  }

  /** Frees or pools the memory; called exactly once. */
  protected abstract void release();

  @Override
  public String toString() {
    return "Tensor" + shape + (closed ? " (closed)" : "") + " on " + backendName();
  }
}
