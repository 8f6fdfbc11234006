package org.mtl4j.api.tensor;

/**
 * A region whose temporaries die together: every tensor allocated on this thread while the scope is
 * the innermost open one belongs to it and is released when the scope closes.
 *
 * <p>Scopes nest and are confined to the thread that opened them; they must be closed in reverse
 * order of opening. A training step opens one scope; parameters and optimiser state are allocated
 * outside any scope (or {@linkplain #detach detached}) and live until closed explicitly.
 */
public interface TensorScope extends AutoCloseable {

  /**
   * Removes {@code tensor} from this scope so that it survives the close; it then belongs to the
   * enclosing scope, or to the caller if there is none.
   *
   * @return the same tensor
   * @throws IllegalArgumentException if the tensor was not allocated in this scope
   */
  Tensor detach(Tensor tensor);

  /** Number of live tensors currently owned by this scope. */
  int liveTensors();

  /** Releases every tensor still owned by this scope. */
  @Override
  void close();
}
