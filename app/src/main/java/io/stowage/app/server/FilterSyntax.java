package io.stowage.app.server;

import io.stowage.api.InvalidRequestException;
import io.stowage.app.registry.ImageQuery;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Glance's syntax for list filter values (the API working group's filtering guideline, as
 * {@code glance.common.utils} reads it): {@code op:value}, where a value that is an ISO 8601
 * time as a whole keeps its colons; {@code in:a,"b,c",d} lists with double quotes around values
 * that hold commas; times in ISO 8601 from a year alone to fractions of a second with an offset.
 * Errors carry Glance's wording.
 */
final class FilterSyntax {
  /** The operator and operand of a filter value. */
  record Operation(String operator, String operand) {}

  private static final Pattern ISO_TIME = Pattern.compile(
      "(\\d{4})(?:-?(\\d{2})(?:-?(\\d{2})"
          + "(?:[T ](\\d{2})(?::?(\\d{2})(?::?(\\d{2})(?:[.,](\\d+))?)?)?"
          + "(Z|[+-]\\d{2}(?::?\\d{2})?)?)?)?)?");

  private FilterSyntax() {}

  /** {@code gt:2024-01-01} → (gt, 2024-01-01); {@code x} and a bare ISO time → (eq, value). */
  static Operation split(String expression) {
    int colon = expression.indexOf(':');
    if (colon < 0 || isoTime(expression).isPresent()) {
      return new Operation("eq", expression);
    }
    return new Operation(expression.substring(0, colon), expression.substring(colon + 1));
  }

  /**
   * The values of a name/id/status/format filter: {@code in:} a list, {@code eq:} or no operator
   * one value.
   *
   * @throws InvalidRequestException another operator, unbalanced quotes
   */
  static List<String> values(String expression) {
    Operation op = split(expression);
    return switch (op.operator()) {
      case "eq" -> List.of(op.operand());
      case "in" -> list(op.operand());
      default -> throw new InvalidRequestException(
          "Unable to filter by unknown operator '" + op.operator() + "'.");
    };
  }

  /**
   * A {@code created_at}/{@code updated_at} filter.
   *
   * @throws InvalidRequestException a time that is not ISO 8601, an unknown operator
   */
  static ImageQuery.TimeFilter time(ImageQuery.TimeField field, String expression) {
    Operation op = split(expression);
    Instant at = isoTime(op.operand()).orElseThrow(() -> new InvalidRequestException(
        "Bad \"" + field.wireName() + "\" query filter format. Use ISO 8601 DateTime notation."));
    for (ImageQuery.Comparison c : ImageQuery.Comparison.values()) {
      if (c.wireName().equals(op.operator())) {
        return new ImageQuery.TimeFilter(field, c, at);
      }
    }
    throw new InvalidRequestException("Unable to filter on a unknown operator.");
  }

  /** Splits {@code a,"b,c",d}: commas separate, double quotes keep commas, {@code \"} a quote. */
  static List<String> list(String value) {
    List<String> values = new ArrayList<>();
    if (value.isEmpty()) {
      return values;
    }
    StringBuilder current = new StringBuilder();
    int i = 0;
    while (i <= value.length()) {
      if (i < value.length() && value.charAt(i) == '"') {
        int j = i + 1;
        while (j < value.length() && value.charAt(j) != '"') {
          if (value.charAt(j) == '\\' && j + 1 < value.length()) {
            j++;
          }
          current.append(value.charAt(j));
          j++;
        }
        if (j >= value.length()) {
          throw new InvalidRequestException(
              "Invalid filter value " + value + ". The quote is not closed.");
        }
        if (j + 1 < value.length() && value.charAt(j + 1) != ',') {
          throw new InvalidRequestException("Invalid filter value " + value
              + ". There is no comma after closing quotation mark.");
        }
        values.add(current.toString());
        current.setLength(0);
        i = j + 2;
        if (i >= value.length()) {
          break;
        }
        continue;
      }
      int comma = value.indexOf(',', i);
      int end = comma < 0 ? value.length() : comma;
      String plain = value.substring(i, end);
      if (plain.indexOf('"') >= 0) {
        throw new InvalidRequestException("Invalid filter value " + value
            + ". There is no comma before opening quotation mark.");
      }
      values.add(plain);
      if (comma < 0) {
        break;
      }
      i = comma + 1;
      if (i == value.length()) {
        break; // a trailing comma adds nothing, as in Glance
      }
    }
    return values;
  }

  /** An ISO 8601 time (UTC when it names no offset); empty when {@code text} is none. */
  static Optional<Instant> isoTime(String text) {
    Matcher m = ISO_TIME.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      int nanos = 0;
      if (m.group(7) != null) {
        String digits = (m.group(7) + "000000000").substring(0, 9);
        nanos = Integer.parseInt(digits);
      }
      LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)),
          m.group(2) == null ? 1 : Integer.parseInt(m.group(2)),
          m.group(3) == null ? 1 : Integer.parseInt(m.group(3)),
          m.group(4) == null ? 0 : Integer.parseInt(m.group(4)),
          m.group(5) == null ? 0 : Integer.parseInt(m.group(5)),
          m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos);
      ZoneOffset offset = ZoneOffset.UTC;
      String zone = m.group(8);
      if (zone != null && !zone.equals("Z")) {
        String digits = zone.substring(1).replace(":", "");
        int hours = Integer.parseInt(digits.substring(0, 2));
        int minutes = digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0;
        int sign = zone.charAt(0) == '-' ? -1 : 1;
        offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
      }
      return Optional.of(local.toInstant(offset));
    } catch (DateTimeException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
