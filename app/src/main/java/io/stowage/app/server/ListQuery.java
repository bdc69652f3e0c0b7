package io.stowage.app.server;

import io.stowage.api.InvalidRequestException;
import io.stowage.app.registry.ImageQuery;
import io.stowage.app.registry.ImageStatus;
import io.stowage.app.registry.MemberStatus;
import io.stowage.app.registry.Scope;
import io.stowage.app.registry.Visibility;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /v2/images} parameters as Glance takes them: {@code limit} (1-1000, default 25),
 * {@code marker}, filters {@code id name status visibility owner tag disk_format
 * container_format size_min size_max os_hidden protected created_at updated_at member_status}
 * (any other name filters on that extra property), sort as {@code sort=key:dir,...} or
 * {@code sort_key}/{@code sort_dir} pairs. {@code id name status disk_format container_format}
 * take {@code in:a,b} lists, the times {@code gt: gte: lt: lte: eq: neq:} and ISO 8601
 * ({@link FilterSyntax}).
 *
 * @param params the decoded parameters in request order, for the next/first links
 */
record ListQuery(ImageQuery query, List<Map.Entry<String, String>> params) {
  static final int MAX_LIMIT = 1000;

  static ListQuery parse(String rawQuery, Scope scope) {
    List<Map.Entry<String, String>> params = decode(rawQuery);
    ImageQuery.Builder b = ImageQuery.builder(scope);
    Set<String> tags = new LinkedHashSet<>();
    Map<String, String> properties = new HashMap<>();
    List<ImageQuery.Sort> sort = new ArrayList<>();
    List<String> sortKeys = new ArrayList<>();
    List<String> sortDirs = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (Map.Entry<String, String> p : params) {
      String k = p.getKey();
      String v = p.getValue();
      if (!k.equals("tag") && !k.equals("sort_key") && !k.equals("sort_dir") && !seen.add(k)) {
        throw new InvalidRequestException("parameter " + k + " is given more than once");
      }
      switch (k) {
        case "limit" -> b.limit((int) Math.min(MAX_LIMIT, number(k, v, 1)));
        case "marker" -> b.marker(v);
        case "id" -> b.ids(FilterSyntax.values(v));
        case "name" -> b.names(FilterSyntax.values(v));
        case "status" -> b.statuses(
            FilterSyntax.values(v).stream().map(ImageStatus::of).toList());
        case "visibility" -> {
          if (!v.equals("all")) {
            b.visibility(visibility(v));
          }
        }
        case "owner" -> b.owner(v);
        case "tag" -> tags.add(v);
        case "disk_format" -> b.diskFormats(FilterSyntax.values(v));
        case "container_format" -> b.containerFormats(FilterSyntax.values(v));
        case "created_at" -> b.time(FilterSyntax.time(ImageQuery.TimeField.CREATED_AT, v));
        case "updated_at" -> b.time(FilterSyntax.time(ImageQuery.TimeField.UPDATED_AT, v));
        case "member_status" -> b.memberStatus(memberStatus(v));
        case "changes-since" -> throw new InvalidRequestException(
            "The \"changes-since\" filter is no longer available on v2.");
        case "size_min" -> b.sizeMin(number(k, v, 0));
        case "size_max" -> b.sizeMax(number(k, v, 0));
        case "os_hidden" -> b.osHidden(bool(k, v));
        case "protected" -> b.isProtected(bool(k, v));
        case "sort" -> {
          for (String part : v.split(",")) {
            String[] kd = part.strip().split(":", 2);
            sort.add(new ImageQuery.Sort(ImageQuery.SortKey.of(kd[0]),
                kd.length == 1 || direction(kd[1])));
          }
        }
        case "sort_key" -> sortKeys.add(v);
        case "sort_dir" -> sortDirs.add(v);
        default -> properties.put(k, v);
      }
    }
    if (!sort.isEmpty() && !sortKeys.isEmpty()) {
      throw new InvalidRequestException("use either sort or sort_key/sort_dir, not both");
    }
    if (sortDirs.size() > sortKeys.size() && !sortKeys.isEmpty() || sortDirs.size() > 1 && sortKeys.isEmpty()) {
      throw new InvalidRequestException("there are more sort_dir than sort_key parameters");
    }
    for (int i = 0; i < sortKeys.size(); i++) {
      String dir = i < sortDirs.size() ? sortDirs.get(i) : sortDirs.isEmpty() ? "desc" : sortDirs.get(0);
      sort.add(new ImageQuery.Sort(ImageQuery.SortKey.of(sortKeys.get(i)), direction(dir)));
    }
    if (!sort.isEmpty()) {
      b.sort(sort);
    }
    if (!seen.contains("os_hidden")) {
      b.osHidden(false);
    }
    b.tags(tags).properties(properties);
    return new ListQuery(b.build(), params);
  }

  /** {@code ?...} with every parameter but the marker, then {@code marker} if given. */
  String linkQuery(Optional<String> marker) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> p : params) {
      if (!p.getKey().equals("marker")) {
        sb.append(sb.length() == 0 ? '?' : '&').append(encode(p.getKey())).append('=')
            .append(encode(p.getValue()));
      }
    }
    marker.ifPresent(m -> sb.append(sb.length() == 0 ? '?' : '&').append("marker=").append(encode(m)));
    return sb.toString();
  }

  private static List<Map.Entry<String, String>> decode(String raw) {
    List<Map.Entry<String, String>> params = new ArrayList<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.add(Map.entry(k, v));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("the query string is not properly encoded");
      }
    }
    return params;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static long number(String k, String v, long min) {
    try {
      long n = Long.parseLong(v);
      if (n < min) {
        throw new InvalidRequestException(k + " must be at least " + min + ", not " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(k + " must be a whole number, not \"" + v + "\"");
    }
  }

  private static Visibility visibility(String v) {
    try {
      return Visibility.of(v);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException("Invalid visibility value: " + v);
    }
  }

  /** Glance's {@code member_status}: one status, or {@code all} (empty). */
  private static Optional<MemberStatus> memberStatus(String v) {
    if (v.equals("all")) {
      return Optional.empty();
    }
    try {
      return Optional.of(MemberStatus.of(v));
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException("Invalid status: " + v);
    }
  }

  private static boolean bool(String k, String v) {
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new InvalidRequestException(k + " must be true or false, not \"" + v + "\"");
    };
  }

  private static boolean direction(String d) {
    return switch (d) {
      case "asc" -> true;
      case "desc" -> false;
      default -> throw new InvalidRequestException("sort direction must be asc or desc, not \"" + d + "\"");
    };
  }
}
