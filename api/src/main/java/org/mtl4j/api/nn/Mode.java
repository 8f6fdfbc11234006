package org.mtl4j.api.nn;

/** Whether a forward pass trains (dropout active) or evaluates. */
public enum Mode {
  TRAIN,
  EVAL
}
