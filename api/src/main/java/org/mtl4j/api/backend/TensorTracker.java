package org.mtl4j.api.backend;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * Tracks the live tensors of one backend instance and the per-thread stack of {@link TensorScope}s
 * they are allocated into. Backends create one tracker, call {@link #adopt} for every new tensor
 * and {@link #check} on every operand.
 */
public final class TensorTracker {
  private final String backendName;
  private final Set<AbstractTensor> live = Collections.newSetFromMap(new IdentityHashMap<>());
  private final ThreadLocal<ArrayDeque<Scope>> stacks = ThreadLocal.withInitial(ArrayDeque::new);
  private volatile boolean closed;

  public TensorTracker(String backendName) {
    this.backendName = backendName;
  }

  public String backendName() {
    return backendName;
  }

  /** Registers a new tensor with this tracker and with the calling thread's innermost scope. */
  public <T extends AbstractTensor> T adopt(T tensor) {
    if (closed) {
      throw new IllegalStateException("backend '" + backendName + "' is closed");
    }
    synchronized (live) {
      live.add(tensor);
    }
    Scope s = stacks.get().peek();
    if (s != null) {
      s.owned.add(tensor);
      tensor.scope = s;
    }
    return tensor;
  }

  /** Registers a new tensor that belongs to the caller, whatever scopes are open. */
  public <T extends AbstractTensor> T adoptPersistent(T tensor) {
    if (closed) {
      throw new IllegalStateException("backend '" + backendName + "' is closed");
    }
    synchronized (live) {
      live.add(tensor);
    }
    return tensor;
  }

  void forget(AbstractTensor t) {
    synchronized (live) {
      live.remove(t);
    }
    Scope s = t.scope;
    if (s != null && !s.closing) {
      s.owned.remove(t);
    }
  }

  /**
   * Checks that {@code t} is a live tensor of this backend and returns it as the backend's type.
   *
   * @param op the operation, for the message
   * @param role the operand's role, e.g. "a", "out"
   */
  public <T extends AbstractTensor> T check(Tensor t, Class<T> type, String op, String role) {
    if (t == null) {
      throw new IllegalArgumentException(op + ": " + role + " is null");
    }
    if (!(type.isInstance(t)) || ((AbstractTensor) t).tracker() != this) {
      throw new IllegalArgumentException(
          op
              + ": "
              + role
              + " "
              + t.shape()
              + " belongs to backend '"
              + t.backendName()
              + "' (another instance or implementation), not this '"
              + backendName
              + "' backend");
    }
    if (t.isClosed()) {
      throw new IllegalStateException(op + ": " + role + " " + t.shape() + " is closed");
    }
    return type.cast(t);
  }

  /** Opens a scope on the calling thread. */
  public TensorScope openScope() {
    Scope s = new Scope(Thread.currentThread());
    stacks.get().push(s);
    return s;
  }

  public int liveTensors() {
    synchronized (live) {
      return live.size();
    }
  }

  /** Closes every live tensor; later allocations fail. */
  public void closeAll() {
    closed = true;
    List<AbstractTensor> all;
    synchronized (live) {
      all = new ArrayList<>(live);
    }
    for (AbstractTensor t : all) {
      t.close();
    }
  }

  final class Scope implements TensorScope {
    private final Thread thread;
    final Set<AbstractTensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    boolean closing;

    Scope(Thread thread) {
      this.thread = thread;
    }

    @Override
    public Tensor detach(Tensor tensor) {
      if (!(tensor instanceof AbstractTensor t) || t.scope != this) {
        throw new IllegalArgumentException(
            "detach: tensor " + tensor.shape() + " was not allocated in this scope");
      }
      owned.remove(t);
      ArrayDeque<Scope> stack = stacks.get();
      Scope parent = null;
      boolean seen = false;
      for (Scope s : stack) {
        if (seen) {
          parent = s;
          break;
        }
        seen = s == this;
      }
      t.scope = parent;
      if (parent != null) {
        parent.owned.add(t);
      }
      return t;
    }

    @Override
    public int liveTensors() {
      return owned.size();
    }

    @Override
    public void close() {
      if (Thread.currentThread() != thread) {
        throw new IllegalStateException(
            "a tensor scope must be closed on the thread that opened it ("
                + thread.getName()
                + ")");
      }
      if (closing) {
        return;
      }
      ArrayDeque<Scope> stack = stacks.get();
      if (stack.peek() != this) {
        throw new IllegalStateException(
            "tensor scopes must be closed innermost first; an inner scope is still open");
      }
      stack.pop();
      closing = true;
      for (AbstractTensor t : owned) {
        t.close();
      }
      owned.clear();
    }
  }
}
