package org.mtl4j.trainer.config;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mtl4j.trainer.io.Excerpt;
import org.mtl4j.trainer.io.InputLimit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * The YAML a config may use, checked on the parser's events before the config is read: one
 * document, no anchors or aliases (Jackson would read {@code name: *src} as the text {@code src}),
 * no key twice in a mapping (YAML forbids it; Jackson would keep the last), scalar keys only, only
 * the core schema's tags ({@code !!str}, {@code !!int}, ...), and at most {@link
 * InputLimit#CONFIG_NESTING} nested mappings and lists. Each problem names its line and key path.
 */
final class YamlGuard {
  private static final String CORE = "tag:yaml.org,2002:";
  private static final Set<String> CORE_TAGS =
      Set.of("str", "int", "float", "bool", "null", "map", "seq");
  private static final int MAX_ERRORS = 20;

  private YamlGuard() {}

  /** One open mapping or list: its path, and for a mapping the keys seen and the current key. */
  private static final class Frame {
    final String path;
    final boolean mapping;
    final Map<String, Integer> keys = new HashMap<>();
    boolean expectKey = true;
    String key;
    int index;

    Frame(String path, boolean mapping) {
      this.path = path;
      this.mapping = mapping;
    }

    /** The path of the value now being read in this collection. */
    String child() {
      String k = mapping ? key : "[" + index + "]";
      if (mapping) {
        return path.isEmpty() ? k : path + "." + k;
      }
      return path + k;
    }
  }

  /**
   * The problems of {@code text}, each {@code source:line: path: what}; empty when it may be read.
   * Syntax errors are left to the config's YAML parser, which reports them with their position.
   */
  static List<String> problems(String text, String source, LoaderOptions options) {
    List<String> errors = new ArrayList<>();
    Parser p = new ParserImpl(new StreamReader(new StringReader(text)), options);
    Deque<Frame> stack = new ArrayDeque<>();
    int documents = 0;
    try {
      while (p.peekEvent() != null && errors.size() < MAX_ERRORS) {
        Event e = p.getEvent();
        if (e instanceof DocumentStartEvent) {
          documents++;
          if (documents == 2) {
            errors.add(
                at(source, e.getStartMark())
                    + "a second YAML document ('---'); a config is one document");
          }
          continue;
        }
        if (!(e instanceof NodeEvent)
            && !e.is(Event.ID.MappingEnd)
            && !e.is(Event.ID.SequenceEnd)) {
          continue;
        }
        if (e.is(Event.ID.MappingEnd) || e.is(Event.ID.SequenceEnd)) {
          stack.pop();
          advance(stack);
          continue;
        }
        Frame parent = stack.peek();
        boolean isKey = parent != null && parent.mapping && parent.expectKey;
        String path = parent == null ? "" : isKey ? parent.path : parent.child();
        String where = at(source, e.getStartMark()) + (path.isEmpty() ? "" : path + ": ");
        NodeEvent n = (NodeEvent) e;
        if (e instanceof AliasEvent) {
          errors.add(
              where
                  + "alias *"
                  + Excerpt.of(n.getAnchor())
                  + ": YAML anchors and aliases are not supported in a config; write the value"
                  + " out");
        } else if (n.getAnchor() != null) {
          errors.add(
              where
                  + "anchor &"
                  + Excerpt.of(n.getAnchor())
                  + ": YAML anchors and aliases are not supported in a config; write the value"
                  + " out");
        }
        String tag =
            e instanceof ScalarEvent s
                ? s.getTag()
                : e instanceof CollectionStartEvent c ? c.getTag() : null;
        if (tag != null && !tag.equals("!") && !isCoreTag(tag)) {
          errors.add(
              where
                  + "tag "
                  + Excerpt.quoted(tag)
                  + " is not supported; expected plain values (or a core tag such as !!str)");
        }
        if (isKey) {
          if (!(e instanceof ScalarEvent s)) {
            errors.add(where + "a mapping or list as a key; expected a plain key");
            return errors;
          }
          String key = s.getValue();
          Integer first = parent.keys.putIfAbsent(key, e.getStartMark().getLine() + 1);
          if (first != null) {
            errors.add(
                at(source, e.getStartMark())
                    + (parent.path.isEmpty() ? "" : parent.path + ": ")
                    + "key "
                    + Excerpt.quoted(key)
                    + " appears twice in the same mapping (first at line "
                    + first
                    + "); YAML keys must be unique");
          }
          parent.key = Excerpt.of(key);
          parent.expectKey = false;
          continue;
        }
        if (e instanceof CollectionStartEvent) {
          if (InputLimit.CONFIG_NESTING.exceededBy(stack.size() + 1)) {
            errors.add(where + InputLimit.CONFIG_NESTING.exceeded(stack.size() + 1));
            return errors;
          }
          stack.push(new Frame(path, e instanceof MappingStartEvent));
          continue;
        }
        advance(stack);
      }
    } catch (MarkedYAMLException syntax) {
      Mark m = syntax.getProblemMark() != null ? syntax.getProblemMark() : syntax.getContextMark();
      errors.add(
          at(source, m)
              + "not valid YAML: "
              + Excerpt.of(String.valueOf(syntax.getProblem()))
              + (m == null
                  ? ""
                  : " (line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ")"));
    } catch (ReaderException bad) {
      int line = 1;
      for (int i = 0; i < Math.min(bad.getPosition(), text.length()); i++) {
        if (text.charAt(i) == '\n') {
          line++;
        }
      }
      errors.add(
          source
              + ":"
              + line
              + ": not valid YAML: character "
              + String.format("U+%04X", bad.getCodePoint())
              + " at character offset "
              + bad.getPosition()
              + " is not allowed in YAML");
    } catch (YAMLException other) {
      errors.add(source + ": not valid YAML: " + Excerpt.of(String.valueOf(other.getMessage())));
    }
    return errors;
  }

  /** A value of the top collection is complete. */
  private static void advance(Deque<Frame> stack) {
    Frame f = stack.peek();
    if (f == null) {
      return;
    }
    if (f.mapping) {
      f.expectKey = true;
    } else {
      f.index++;
    }
  }

  private static boolean isCoreTag(String tag) {
    return tag.startsWith(CORE) && CORE_TAGS.contains(tag.substring(CORE.length()));
  }

  private static String at(String source, Mark m) {
    return source + ":" + (m == null ? "?" : Integer.toString(m.getLine() + 1)) + ": ";
  }
}
