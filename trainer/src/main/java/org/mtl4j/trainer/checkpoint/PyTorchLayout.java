package org.mtl4j.trainer.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How checkpoint format 2 stores parameters: under PyTorch's names and layouts, so that {@code
 * model.load_state_dict(safetensors.torch.load_file(...))} takes the weights of the network
 * described in {@code docs/pytorch.md} as they are. Parameter names are already module paths
 * ({@code trunk.0.weight}, {@code tower.<task>.out.bias}, {@code expert.1.0.weight}); what differs
 * is the layout, and the name of two parameter kinds:
 *
 * <ul>
 *   <li>a linear layer's weight {@code *.weight}, held {@code [in, out]} for {@code x W}, is stored
 *       transposed, {@code [out, in]} as {@code nn.Linear.weight} ({@code "transpose"});
 *   <li>a row vector {@code [1, n]} (a bias {@code *.bias}) is stored as {@code [n]} ({@code
 *       "flatten"});
 *   <li>a layer norm's gain {@code *.gain} is stored as {@code *.weight}, {@code [n]}, as {@code
 *       nn.LayerNorm.weight} ({@code "flatten"});
 *   <li>a batch norm's scale {@code *.gamma} and shift {@code *.beta} {@code [1, C]} are stored as
 *       {@code *.weight} and {@code *.bias}, {@code [C]}, as {@code nn.BatchNorm2d}; its running
 *       statistics (buffers) {@code *.running_mean}, {@code *.running_var} as {@code [C]} under
 *       their names ({@code "flatten"}); PyTorch's {@code num_batches_tracked} is not kept (mtl4j
 *       uses a fixed momentum, for which PyTorch never reads it);
 *   <li>an embedding table {@code *.table} {@code [rows, dim]} is stored as {@code *.weight}, as
 *       {@code nn.Embedding.weight} (same layout, {@code "none"});
 *   <li>anything else (cross-stitch units, weighting parameters) keeps its name and shape.
 * </ul>
 *
 * <p>The mapping of every tensor is written to {@code checkpoint.json} ({@link Mapping}), so that
 * reading back never guesses from names or shapes.
 */
public final class PyTorchLayout {
  /** A linear weight transposed from {@code [in, out]} to {@code [out, in]}. */
  public static final String TRANSPOSE = "transpose";

  /** A {@code [1, n]} row stored as {@code [n]}. */
  public static final String FLATTEN = "flatten";

  /** Stored as held. */
  public static final String NONE = "none";

  /** Where a stored tensor comes from: the mtl4j parameter and the transform applied to it. */
  public record Mapping(String parameter, String transform) {}

  /** Stored tensors by stored name, and how each maps back. */
  public record Stored(Map<String, SafeTensors.Entry> tensors, Map<String, Mapping> mappings) {}

  private PyTorchLayout() {}

  /** The parameters as format 2 stores them. */
  public static Stored store(Map<String, SafeTensors.Entry> parameters) {
    Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
    Map<String, Mapping> mappings = new LinkedHashMap<>();
    for (Map.Entry<String, SafeTensors.Entry> e : parameters.entrySet()) {
      String name = e.getKey();
      SafeTensors.Entry v = e.getValue();
      int[] shape = v.shape();
      boolean matrix = shape.length == 2;
      boolean row = matrix && shape[0] == 1;
      String stored = name;
      String transform = NONE;
      if (name.endsWith(".weight") && matrix) {
        transform = TRANSPOSE;
      } else if (name.endsWith(".bias") && row) {
        transform = FLATTEN;
      } else if (name.endsWith(".gain") && row) {
        stored = renamed(name, ".gain");
        transform = FLATTEN;
      } else if (name.endsWith(".gamma") && row) {
        stored = renamed(name, ".gamma");
        transform = FLATTEN;
      } else if (name.endsWith(".beta") && row) {
        stored = name.substring(0, name.length() - ".beta".length()) + ".bias";
        transform = FLATTEN;
      } else if ((name.endsWith(".running_mean") || name.endsWith(".running_var")) && row) {
        transform = FLATTEN;
      } else if (name.endsWith(".table") && matrix) {
        stored = renamed(name, ".table");
      }
      if (mappings.containsKey(stored)) {
        throw new CheckpointException(
            "parameters "
                + mappings.get(stored).parameter()
                + " and "
                + name
                + " would both be stored as "
                + stored);
      }
      tensors.put(stored, apply(transform, v));
      mappings.put(stored, new Mapping(name, transform));
    }
    return new Stored(tensors, mappings);
  }

  /** The parameters held in {@code stored}, undoing each tensor's {@link Mapping}. */
  public static Map<String, SafeTensors.Entry> restore(Stored stored, String source) {
    Map<String, SafeTensors.Entry> out = new LinkedHashMap<>();
    for (Map.Entry<String, SafeTensors.Entry> e : stored.tensors().entrySet()) {
      Mapping m = stored.mappings().get(e.getKey());
      if (m == null) {
        throw new CheckpointException(
            source + ": tensor " + e.getKey() + " has no entry in the checkpoint's tensor mapping");
      }
      SafeTensors.Entry v = e.getValue();
      int[] s = v.shape();
      SafeTensors.Entry held =
          switch (m.transform()) {
            case TRANSPOSE -> {
              requireRank(source, e.getKey(), s, 2);
              yield transpose(v);
            }
            case FLATTEN -> {
              requireRank(source, e.getKey(), s, 1);
              yield new SafeTensors.Entry(new int[] {1, s[0]}, v.data());
            }
            case NONE -> v;
            default ->
                throw new CheckpointException(
                    source
                        + ": tensor "
                        + e.getKey()
                        + " has transform '"
                        + m.transform()
                        + "', expected one of transpose, flatten, none");
          };
      out.put(m.parameter(), held);
    }
    return out;
  }

  private static String renamed(String name, String suffix) {
    return name.substring(0, name.length() - suffix.length()) + ".weight";
  }

  private static SafeTensors.Entry apply(String transform, SafeTensors.Entry v) {
    return switch (transform) {
      case TRANSPOSE -> transpose(v);
      case FLATTEN -> new SafeTensors.Entry(new int[] {v.shape()[1]}, v.data());
      default -> v;
    };
  }

  /** A row-major {@code [r, c]} matrix as row-major {@code [c, r]}. */
  private static SafeTensors.Entry transpose(SafeTensors.Entry v) {
    int r = v.shape()[0];
    int c = v.shape()[1];
    float[] in = v.data();
    float[] out = new float[in.length];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        out[j * r + i] = in[i * c + j];
      }
    }
    return new SafeTensors.Entry(new int[] {c, r}, out);
  }

  private static void requireRank(String source, String name, int[] shape, int rank) {
    if (shape.length != rank) {
      throw new CheckpointException(
          source
              + ": tensor "
              + name
              + " has shape "
              + java.util.Arrays.toString(shape)
              + ", expected "
              + rank
              + " dimensions");
    }
  }
}
