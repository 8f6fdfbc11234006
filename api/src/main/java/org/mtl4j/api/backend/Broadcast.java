package org.mtl4j.api.backend;

/** How the second operand of {@link ComputeBackend#binary} is laid over the first. */
public enum Broadcast {
  /** Same shape: {@code b[i, j]}. */
  SAME,
  /** A {@code [1, cols]} row vector: {@code b[0, j]}. */
  ROW,
  /** A {@code [rows, 1]} column vector: {@code b[i, 0]}. */
  COLUMN,
  /** A {@code [1, 1]} scalar: {@code b[0, 0]}. */
  SCALAR
}
