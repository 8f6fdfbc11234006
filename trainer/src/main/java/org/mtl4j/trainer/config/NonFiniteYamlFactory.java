package org.mtl4j.trainer.config;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * A YAML factory whose parser reads YAML's own non-finite float literals ({@code .nan}, {@code
 * .inf}, {@code +.inf}, {@code -.inf} in any of the spec's three spellings) as the doubles they
 * mean. Jackson 2's YAML parser tags them as floats but then fails on them with "Malformed numeric
 * value"; read as numbers, they reach the config validation, which reports them with their path
 * like any other non-finite number. Quoted scalars stay strings. Only text input is covered ({@link
 * ConfigReader} parses strings); other inputs parse as with a plain {@link YAMLFactory}.
 */
final class NonFiniteYamlFactory extends YAMLFactory {
  private static final long serialVersionUID = 1L;
  private final transient LoaderOptions options;

  /** A factory whose parsers use {@code options} (SnakeYAML's size and nesting limits). */
  NonFiniteYamlFactory(LoaderOptions options) {
    this.options = options;
  }

  @Override
  protected YAMLParser _createParser(Reader r, IOContext ctxt) throws IOException {
    return new Parser(ctxt, _parserFeatures, _yamlParserFeatures, options, _objectCodec, r);
  }

  /** The YAML parser with the non-finite literals; everything else is YAMLParser's. */
  private static final class Parser extends YAMLParser {
    private static final Pattern NAN = Pattern.compile("\\.(nan|NaN|NAN)");
    private static final Pattern INF = Pattern.compile("[-+]?\\.(inf|Inf|INF)");

    Parser(
        IOContext ctxt,
        int parserFeatures,
        int yamlFeatures,
        LoaderOptions options,
        ObjectCodec codec,
        Reader reader) {
      super(ctxt, parserFeatures, yamlFeatures, options, codec, reader);
    }

    @Override
    protected void _parseNumericValue(int expType) throws IOException {
      if (_currToken == JsonToken.VALUE_NUMBER_FLOAT && _textValue != null) {
        String s = _textValue.trim();
        if (NAN.matcher(s).matches()) {
          setDouble(Double.NaN);
          return;
        }
        if (INF.matcher(s).matches()) {
          setDouble(s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
          return;
        }
      }
      super._parseNumericValue(expType);
    }

    private void setDouble(double v) {
      _numberDouble = v;
      _numTypesValid = NR_DOUBLE;
    }
  }
}
