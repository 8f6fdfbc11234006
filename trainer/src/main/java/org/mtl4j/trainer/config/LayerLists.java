package org.mtl4j.trainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.LayerSpec;

/**
 * The YAML form of a layer list ({@code model.trunk}, {@code model.tower}): one entry per layer,
 * read into {@link LayerSpec}s with every problem reported under its path ({@code
 * model.trunk[3].conv.kernel: ...}) and written back in the form that reads to the same list.
 *
 * <pre>
 * - conv: {channels: 10, kernel: 5}    # stride 1, padding 0, dilation 1, bias true by default
 * - pool: 2                            # max pooling 2x2, stride 2; or {kind: avg, window: 3, stride: 2, padding: 1}
 * - relu                               # gelu, tanh, sigmoid, identity
 * - bn                                 # batch norm over the channels
 * - gap                                # global average pooling: image to its channels
 * - flatten                            # image to C*H*W features
 * - linear: 50                         # or {units: 50}
 * - dropout: 0.5
 * - residual: 32                       # or {channels: 32, stride: 2}
 * </pre>
 */
public final class LayerLists {
  private static final List<String> BARE = List.of("gap", "bn", "flatten");
  private static final List<String> WITH_VALUE =
      List.of("conv", "pool", "linear", "dropout", "residual");

  private LayerLists() {}

  /** Every layer name a list accepts, for messages. */
  static String names() {
    List<String> all = new ArrayList<>(WITH_VALUE);
    all.addAll(BARE);
    all.addAll(activations());
    return String.join(", ", all);
  }

  private static List<String> activations() {
    return Arrays.stream(Activation.values()).map(Activation::configName).toList();
  }

  /** Whether {@code n} is a list of integers only (an MLP's sizes, e.g. {@code tower: [64]}). */
  static boolean isSizes(JsonNode n) {
    for (JsonNode e : n) {
      if (!e.isIntegralNumber()) {
        return false;
      }
    }
    return true;
  }

  /** Reads the layer list {@code n} at {@code path}, recording problems in {@code errors}. */
  static List<LayerSpec> read(JsonNode n, String path, List<String> errors) {
    List<LayerSpec> out = new ArrayList<>();
    if (!n.isArray()) {
      errors.add(path + ": '" + Fields.text(n) + "' is not a list of layers");
      return out;
    }
    if (n.isEmpty()) {
      errors.add(path + ": needs at least one layer");
    }
    for (int i = 0; i < n.size(); i++) {
      LayerSpec l = layer(n.get(i), path + "[" + i + "]", errors);
      if (l != null) {
        out.add(l);
      }
    }
    return out;
  }

  private static LayerSpec layer(JsonNode n, String path, List<String> errors) {
    String kind;
    JsonNode value = null;
    if (n.isTextual()) {
      kind = n.asText();
    } else if (n.isObject() && n.size() == 1) {
      kind = n.fieldNames().next();
      value = n.get(kind);
      if (value.isNull()) {
        value = null;
      }
    } else {
      errors.add(
          path
              + ": '"
              + Fields.text(n)
              + "' is not a layer; write a name (relu) or one name with its settings"
              + " (linear: 50); layers: "
              + names());
      return null;
    }
    String at = path + "." + kind;
    try {
      if (activations().contains(kind) || BARE.contains(kind)) {
        if (value != null && !(value.isObject() && value.isEmpty())) {
          errors.add(
              at + ": '" + Fields.text(value) + "' given, but " + kind + " takes no settings");
          return null;
        }
        return switch (kind) {
          case "gap" -> new LayerSpec.GlobalPool();
          case "bn" -> new LayerSpec.BatchNorm();
          case "flatten" -> new LayerSpec.Flat();
          default -> new LayerSpec.Act(Activation.parse(kind));
        };
      }
      if (!WITH_VALUE.contains(kind)) {
        errors.add(path + ": '" + kind + "' is not a layer; expected one of " + names());
        return null;
      }
      if (value == null) {
        errors.add(at + ": needs its settings, e.g. " + example(kind));
        return null;
      }
      int before = errors.size();
      LayerSpec l =
          switch (kind) {
            case "conv" -> conv(value, at, errors);
            case "pool" -> pool(value, at, errors);
            case "linear" -> linear(value, at, errors);
            case "dropout" -> dropout(value, at, errors);
            default -> residual(value, at, errors);
          };
      return errors.size() > before ? null : l;
    } catch (IllegalArgumentException e) {
      errors.add(at + ": " + e.getMessage());
      return null;
    }
  }

  private static String example(String kind) {
    return switch (kind) {
      case "conv" -> "conv: {channels: 16, kernel: 3}";
      case "pool" -> "pool: 2";
      case "linear" -> "linear: 50";
      case "dropout" -> "dropout: 0.5";
      default -> "residual: {channels: 32, stride: 2}";
    };
  }

  private static Fields mapping(JsonNode n, String path, List<String> errors, String... keys) {
    Fields f = new Fields(n, path, errors);
    f.allowOnly(new LinkedHashSet<>(List.of(keys)));
    return f;
  }

  private static LayerSpec conv(JsonNode n, String path, List<String> errors) {
    if (!n.isObject()) {
      errors.add(path + ": '" + Fields.text(n) + "' is not a mapping; e.g. " + example("conv"));
      return null;
    }
    Fields f =
        mapping(n, path, errors, "channels", "kernel", "stride", "padding", "dilation", "bias");
    int channels = required(f, "channels");
    int kernel = required(f, "kernel");
    int stride = f.integer("stride", 1, 1, 1 << 16);
    int padding = f.integer("padding", 0, 0, 1 << 16);
    int dilation = f.integer("dilation", 1, 1, 1 << 16);
    boolean bias = f.bool("bias", true);
    return channels < 1 || kernel < 1
        ? null
        : new LayerSpec.Conv(channels, kernel, stride, padding, dilation, bias);
  }

  private static int required(Fields f, String key) {
    if (!f.has(key)) {
      f.error(key, "is required");
      return 0;
    }
    return f.integer(key, 0, 1, 1 << 20);
  }

  private static LayerSpec pool(JsonNode n, String path, List<String> errors) {
    if (n.isIntegralNumber()) {
      int w = n.canConvertToInt() ? n.asInt() : 0;
      if (w < 1) {
        errors.add(path + ": '" + Fields.text(n) + "' is not a window size >= 1");
        return null;
      }
      return new LayerSpec.Pool(LayerSpec.PoolKind.MAX, w);
    }
    if (!n.isObject()) {
      errors.add(
          path
              + ": '"
              + Fields.text(n)
              + "' is neither a window size nor a mapping {kind, window, stride, padding}");
      return null;
    }
    Fields f = mapping(n, path, errors, "kind", "window", "stride", "padding");
    String kind = f.choice("kind", "max", List.of("max", "avg"));
    int window = required(f, "window");
    int stride = f.integer("stride", Math.max(window, 1), 1, 1 << 16);
    int padding = f.integer("padding", 0, 0, 1 << 16);
    if (window < 1 || kind == null) {
      return null;
    }
    if (2 * padding > window) {
      f.error("padding", "'" + padding + "' is more than half the window " + window);
      return null;
    }
    return new LayerSpec.Pool(
        LayerSpec.PoolKind.valueOf(kind.toUpperCase(Locale.ROOT)), window, stride, padding);
  }

  private static LayerSpec linear(JsonNode n, String path, List<String> errors) {
    if (n.isObject()) {
      Fields f = mapping(n, path, errors, "units");
      int units = required(f, "units");
      return units < 1 ? null : new LayerSpec.Dense(units);
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
      errors.add(path + ": '" + Fields.text(n) + "' is not a number of units >= 1");
      return null;
    }
    return new LayerSpec.Dense(n.asInt());
  }

  private static LayerSpec dropout(JsonNode n, String path, List<String> errors) {
    if (!n.isNumber() || !(n.asDouble() >= 0 && n.asDouble() < 1)) {
      errors.add(path + ": '" + Fields.text(n) + "' is not a rate in [0, 1)");
      return null;
    }
    return new LayerSpec.Drop(n.asDouble());
  }

  private static LayerSpec residual(JsonNode n, String path, List<String> errors) {
    if (n.isObject()) {
      Fields f = mapping(n, path, errors, "channels", "stride");
      int channels = required(f, "channels");
      int stride = f.integer("stride", 1, 1, 1 << 16);
      return channels < 1 ? null : new LayerSpec.Residual(channels, stride);
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
      errors.add(
          path
              + ": '"
              + Fields.text(n)
              + "' is neither a channel count >= 1 nor a mapping {channels, stride}");
      return null;
    }
    return new LayerSpec.Residual(n.asInt(), 1);
  }

  /** The list as plain YAML values that {@link #read} reads back to an equal list. */
  public static List<Object> toYaml(List<LayerSpec> layers) {
    List<Object> out = new ArrayList<>();
    for (LayerSpec l : layers) {
      out.add(toYaml(l));
    }
    return out;
  }

  private static Object toYaml(LayerSpec l) {
    if (l instanceof LayerSpec.Conv c) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("channels", c.channels());
      m.put("kernel", c.kernel());
      m.put("stride", c.stride());
      m.put("padding", c.padding());
      m.put("dilation", c.dilation());
      m.put("bias", c.bias());
      return Map.of("conv", m);
    }
    if (l instanceof LayerSpec.Pool p) {
      if (p.kind() == LayerSpec.PoolKind.MAX && p.stride() == p.window() && p.padding() == 0) {
        return Map.of("pool", p.window());
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", p.kind().configName());
      m.put("window", p.window());
      m.put("stride", p.stride());
      m.put("padding", p.padding());
      return Map.of("pool", m);
    }
    if (l instanceof LayerSpec.Dense d) {
      return Map.of("linear", d.units());
    }
    if (l instanceof LayerSpec.Drop d) {
      return Map.of("dropout", d.rate());
    }
    if (l instanceof LayerSpec.Residual r) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("channels", r.channels());
      m.put("stride", r.stride());
      return Map.of("residual", m);
    }
    if (l instanceof LayerSpec.Act a) {
      return a.activation().configName();
    }
    if (l instanceof LayerSpec.GlobalPool) {
      return "gap";
    }
    if (l instanceof LayerSpec.BatchNorm) {
      return "bn";
    }
    return "flatten";
  }
}
