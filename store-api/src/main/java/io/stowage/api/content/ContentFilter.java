package io.stowage.api.content;

import io.stowage.api.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A filter on blobs or ingests in containerd's syntax: {@code field==value}, {@code field!=value},
 * {@code field~=regexp} or a bare {@code field} (present), joined by {@code ,} (all must hold);
 * several filter strings match when any of them does. Fields: {@code digest}, {@code size},
 * {@code labels.<key>} (the key may be double-quoted) for blobs; {@code ref} for ingests. Values
 * may be double-quoted with {@code \"} and {@code \\} escapes.
 *
 * <p>Immutable and thread-safe.
 */
public final class ContentFilter {
  /** The filter every blob and ingest passes. */
  public static final ContentFilter ALL = new ContentFilter(List.of());

  private final List<List<Clause>> alternatives;

  private ContentFilter(List<List<Clause>> alternatives) {
    this.alternatives = alternatives;
  }

  /**
   * Parses filter strings; none (or only empty ones) gives {@link #ALL}.
   *
   * @throws InvalidRequestException saying where a string is malformed
   */
  public static ContentFilter parse(List<String> filters) {
    List<List<Clause>> alternatives = new ArrayList<>();
    for (String f : filters) {
      if (!f.isBlank()) {
        alternatives.add(new Parser(f).clauses());
      }
    }
    return new ContentFilter(List.copyOf(alternatives));
  }

  /** {@link #parse(List)} of one string. */
  public static ContentFilter parse(String filter) {
    return parse(List.of(filter));
  }

  /**
   * Whether the object whose fields {@code fields} looks up (empty for a field it lacks) passes.
   */
  public boolean matches(Function<String, Optional<String>> fields) {
    if (alternatives.isEmpty()) {
      return true;
    }
    for (List<Clause> all : alternatives) {
      if (all.stream().allMatch(c -> c.test(fields.apply(c.field)))) {
        return true;
      }
    }
    return false;
  }

  /** Whether a blob passes. */
  public boolean matches(ContentInfo info) {
    return matches(field -> {
      if (field.equals("digest")) {
        return Optional.of(info.digest().toString());
      }
      if (field.equals("size")) {
        return Optional.of(Long.toString(info.size()));
      }
      if (field.startsWith("labels.")) {
        return Optional.ofNullable(info.labels().get(field.substring("labels.".length())));
      }
      return Optional.empty();
    });
  }

  /** Whether an ingest passes. */
  public boolean matches(IngestStatus status) {
    return matches(field -> field.equals("ref") ? Optional.of(status.ref()) : Optional.empty());
  }

  private record Clause(String field, String op, String value, Pattern regex) {
    boolean test(Optional<String> actual) {
      return switch (op) {
        case "" -> actual.isPresent();
        case "==" -> actual.isPresent() && actual.get().equals(value);
        case "!=" -> actual.isEmpty() || !actual.get().equals(value);
        default -> actual.isPresent() && regex.matcher(actual.get()).find();
      };
    }
  }

  /** A small recursive-descent parser over one filter string. */
  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    List<Clause> clauses() {
      List<Clause> clauses = new ArrayList<>();
      do {
        clauses.add(clause());
      } while (accept(","));
      if (i != s.length()) {
        throw error("unexpected \"" + s.charAt(i) + "\"");
      }
      return List.copyOf(clauses);
    }

    private Clause clause() {
      skipSpaces();
      String field = field();
      skipSpaces();
      String op = "";
      for (String candidate : List.of("==", "!=", "~=")) {
        if (s.startsWith(candidate, i)) {
          op = candidate;
          i += 2;
          break;
        }
      }
      if (op.isEmpty()) {
        return new Clause(field, "", "", null);
      }
      skipSpaces();
      String value = value();
      skipSpaces();
      Pattern regex = null;
      if (op.equals("~=")) {
        try {
          regex = Pattern.compile(value);
        } catch (PatternSyntaxException e) {
          throw error("bad regular expression: " + e.getDescription());
        }
      }
      return new Clause(field, op, value, regex);
    }

    private String field() {
      StringBuilder field = new StringBuilder(identifier());
      while (accept(".")) {
        field.append('.').append(peek() == '"' ? quoted() : identifier());
      }
      return field.toString();
    }

    private String identifier() {
      int start = i;
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || "_-/".indexOf(s.charAt(i)) >= 0)) {
        i++;
      }
      if (start == i) {
        throw error("expected a field name");
      }
      return s.substring(start, i);
    }

    private String value() {
      if (peek() == '"') {
        return quoted();
      }
      int start = i;
      while (i < s.length() && s.charAt(i) != ',') {
        i++;
      }
      return s.substring(start, i).strip();
    }

    private String quoted() {
      StringBuilder out = new StringBuilder();
      i++;
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\' && i < s.length()) {
          c = s.charAt(i++);
        }
        out.append(c);
      }
      throw error("unterminated quoted string");
    }

    private boolean accept(String token) {
      skipSpaces();
      if (s.startsWith(token, i)) {
        i += token.length();
        return true;
      }
      return false;
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private void skipSpaces() {
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
    }

    private InvalidRequestException error(String what) {
      String shown = s.length() > 100 ? s.substring(0, 100) + "..." : s;
      return new InvalidRequestException(
          "filter \"" + shown.replaceAll("\\p{Cntrl}", "?") + "\" at " + i + ": " + what);
    }
  }
}
