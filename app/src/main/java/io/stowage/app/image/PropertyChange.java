package io.stowage.app.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.stowage.api.InvalidRequestException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation of an image update, as Glance's JSON patch
 * ({@code application/openstack-images-v2.1-json-patch}) has them: add, replace or remove one
 * top-level property. Values are JSON because properties have JSON types (a boolean
 * {@code protected}, an integer {@code min_ram}, an array of {@code tags}, strings otherwise).
 *
 * @param property the property's name ({@code name}, {@code min_ram}, or an extra property)
 * @param value the new value; empty exactly for {@link Op#REMOVE}
 */
public record PropertyChange(Op op, String property, Optional<JsonNode> value) {

  /** What a change does. */
  public enum Op {
    /** Sets the property, whether it exists or not. */
    ADD,
    /** Sets a property that exists (an extra property that does not is a conflict). */
    REPLACE,
    /** Removes an extra property (base properties cannot be removed). */
    REMOVE;

    /**
     * @throws InvalidRequestException for anything but add, replace, remove
     */
    public static Op of(String name) {
      for (Op op : values()) {
        if (op.name().toLowerCase(Locale.ROOT).equals(name)) {
          return op;
        }
      }
      throw new InvalidRequestException(
          "invalid operation \"" + name + "\": it must be one of add, remove, replace");
    }
  }

  public PropertyChange {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(property, "property");
    Objects.requireNonNull(value, "value");
    if (op == Op.REMOVE ? value.isPresent() : value.isEmpty()) {
      throw new InvalidRequestException(op == Op.REMOVE
          ? "operation \"remove\" takes no value" : "operation \"" + op.name().toLowerCase(Locale.ROOT)
              + "\" requires a value");
    }
  }

  /** Sets {@code property} to a JSON value. */
  public static PropertyChange set(String property, JsonNode value) {
    return new PropertyChange(Op.ADD, property, Optional.of(value));
  }

  /** Sets {@code property} to a string. */
  public static PropertyChange set(String property, String value) {
    return set(property, JsonNodeFactory.instance.textNode(value));
  }

  /** Removes the extra property {@code property}. */
  public static PropertyChange remove(String property) {
    return new PropertyChange(Op.REMOVE, property, Optional.empty());
  }
}
