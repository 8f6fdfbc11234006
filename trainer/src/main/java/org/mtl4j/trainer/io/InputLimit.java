package org.mtl4j.trainer.io;

import java.util.Locale;

/**
 * The limits on every input the trainer reads: each has a name (used in messages and in the table
 * of {@code trainer/README.md}, "Input limits"), a value and what it bounds. An input over a limit
 * is a user error that names the limit and its value; the readers check each limit before they
 * allocate for the input, so memory stays bounded by the limits rather than by what a file
 * declares.
 */
public enum InputLimit {
  /** Bytes of a YAML config file (read at most this many plus one: {@code -c /dev/zero} stops). */
  CONFIG_BYTES("config.max_bytes", 1L << 20, "bytes in a config file"),
  /** Characters on one line of a config file. */
  CONFIG_LINE_CHARS("config.max_line_chars", 16_384, "characters on one config line"),
  /** Nesting depth of mappings and lists in a config. */
  CONFIG_NESTING("config.max_nesting", 32, "nested mappings and lists in a config"),
  /** Columns of a CSV file (the header's fields). */
  CSV_COLUMNS("csv.max_columns", 100_000, "columns in a CSV file"),
  /** Characters in one CSV field. */
  CSV_FIELD_CHARS("csv.max_field_chars", 1L << 20, "characters in one CSV field"),
  /** Characters in one CSV record (all its fields, quotes and delimiters). */
  CSV_ROW_CHARS("csv.max_row_chars", 16L << 20, "characters in one CSV record"),
  /** Data rows of one CSV file. */
  CSV_ROWS("csv.max_rows", 50_000_000, "data rows in one CSV file"),
  /** Cells (rows x columns) of one CSV file, which the reader keeps in memory. */
  CSV_CELLS("csv.max_cells", 500_000_000, "cells (rows x columns) in one CSV file"),
  /** Bytes of the data of one IDX file (count x rows x cols, one byte each). */
  IDX_BYTES("idx.max_bytes", Integer.MAX_VALUE - 16, "data bytes in one IDX file"),
  /** Bytes of a safetensors header (the format's own reference limit is 100 MB). */
  SAFETENSORS_HEADER_BYTES(
      "safetensors.max_header_bytes", 100L << 20, "bytes in a safetensors JSON header"),
  /** Tensors listed in one safetensors header. */
  SAFETENSORS_ENTRIES("safetensors.max_entries", 65_536, "tensors in one safetensors file"),
  /** Elements of one tensor (Java arrays are int-indexed). */
  TENSOR_ELEMENTS("tensor.max_elements", Integer.MAX_VALUE - 8, "elements in one tensor"),
  /** Trainable parameters of the network a config describes, checked when the config is read. */
  MODEL_PARAMETERS("model.max_parameters", 1L << 30, "trainable parameters of the network");

  private final String key;
  private final long value;
  private final String bounds;

  InputLimit(String key, long value, String bounds) {
    this.key = key;
    this.value = value;
    this.bounds = bounds;
  }

  /** The limit's name, e.g. {@code csv.max_columns}. */
  public String key() {
    return key;
  }

  /** The largest accepted value. */
  public long value() {
    return value;
  }

  /** What the limit bounds, e.g. "columns in a CSV file". */
  public String bounds() {
    return bounds;
  }

  /** Whether {@code actual} is over the limit. */
  public boolean exceededBy(long actual) {
    return actual > value;
  }

  /**
   * The message tail for an input over this limit: {@code "N columns in a CSV file exceed the limit
   * csv.max_columns = 100000"}; {@code actual} may be a lower bound ("more than").
   */
  public String exceeded(long actual, boolean atLeast) {
    return String.format(
        Locale.ROOT,
        "%s%d %s exceed the limit %s = %d",
        atLeast ? "more than " : "",
        atLeast ? value : actual,
        bounds,
        key,
        value);
  }

  /** {@link #exceeded(long, boolean)} for an exact count. */
  public String exceeded(long actual) {
    return exceeded(actual, false);
  }
}
