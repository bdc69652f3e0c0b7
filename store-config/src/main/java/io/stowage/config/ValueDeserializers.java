package io.stowage.config;


import io.stowage.api.DataSize;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How configuration text becomes sizes, durations and paths. */
final class ValueDeserializers {
  private ValueDeserializers() {}

  /** {@code 65536}, {@code 64KiB}, {@code 10GiB}. */
  static final class DataSizes extends StdScalarDeserializer<DataSize> {
    private static final long serialVersionUID = 1L;

    DataSizes() {
      super(DataSize.class);
    }

    @Override
    public DataSize deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        long n = p.getLongValue();
        if (n < 0) {
          throw new IllegalArgumentException("a size cannot be negative: " + n);
        }
        return DataSize.ofBytes(n);
      }
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        return DataSize.parse(p.getText());
      }
      throw new IllegalArgumentException("expected a size such as 64KiB, got " + p.getText());
    }
  }

  /** {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}; a bare number is seconds. */
  static final class Durations extends StdScalarDeserializer<Duration> {
    private static final long serialVersionUID = 1L;
    private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,12})\\s*([smhd]?)\\s*");

    Durations() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      Matcher m = FORM.matcher(p.getText());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "\"" + p.getText() + "\" is not a duration (use s, m, h or d, e.g. 1d)");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofSeconds(n);
      };
    }
  }

  /** Paths are kept as written; plugins resolve them with {@code InstanceContext.resolve}. */
  static final class Paths extends StdScalarDeserializer<Path> {
    private static final long serialVersionUID = 1L;

    Paths() {
      super(Path.class);
    }

    @Override
    public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getText();
      if (text.isEmpty() || text.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("\"" + text + "\" is not a usable path");
      }
      return Path.of(text);
    }
  }
}
