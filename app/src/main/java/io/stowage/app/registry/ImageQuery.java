package io.stowage.app.registry;

import io.stowage.api.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A page request for {@link ImageRegistry#list}: who asks, filters (all must match), sort order
 * and limit/marker pagination. Build one with {@link #builder(Scope)}.
 *
 * <p>Visibility: with no {@code visibility} filter the caller sees public images and its
 * project's own images of any visibility (admins: everything); {@code community} lists every
 * community image; {@code private} and {@code shared} list the caller's own (admins: all).
 *
 * @param tags images carrying every one of these tags
 * @param properties images whose extra property equals each given value
 * @param sizeMin images at least this many bytes (images without data never match)
 * @param sizeMax images at most this many bytes (images without data never match)
 * @param osHidden only images with this {@code os_hidden} value (Glance lists {@code false} by
 *     default); empty: both
 * @param sort sort keys, most significant first; the id is always appended as the last key so
 *     the order is total
 * @param limit the most images on the page, at least 1
 * @param marker the id of the last image of the previous page; the page starts after it
 */
public record ImageQuery(
    Scope scope,
    Optional<String> name,
    Optional<ImageStatus> status,
    Optional<Visibility> visibility,
    Optional<String> owner,
    Set<String> tags,
    Optional<String> diskFormat,
    Optional<String> containerFormat,
    OptionalLong sizeMin,
    OptionalLong sizeMax,
    Optional<Boolean> osHidden,
    Optional<Boolean> isProtected,
    Map<String, String> properties,
    List<Sort> sort,
    int limit,
    Optional<String> marker) {

  /** Glance's default page size. */
  public static final int DEFAULT_LIMIT = 25;

  public ImageQuery {
    Objects.requireNonNull(scope, "scope");
    tags = Set.copyOf(tags);
    properties = Map.copyOf(properties);
    sort = List.copyOf(sort);
    if (limit < 1) {
      throw new InvalidRequestException("limit must be at least 1, not " + limit);
    }
  }

  /** The sort keys {@link ImageRegistry#list} accepts. */
  public enum SortKey {
    NAME, STATUS, CONTAINER_FORMAT, DISK_FORMAT, SIZE, VIRTUAL_SIZE, ID, CREATED_AT, UPDATED_AT,
    OWNER, VISIBILITY, MIN_DISK, MIN_RAM;

    /** The column / API name ({@code created_at}). */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an API sort key.
     *
     * @throws InvalidRequestException for a key that cannot be sorted on
     */
    public static SortKey of(String wireName) {
      for (SortKey k : values()) {
        if (k.wireName().equals(wireName)) {
          return k;
        }
      }
      throw new InvalidRequestException("cannot sort on \"" + wireName + "\"");
    }
  }

  /** One sort key and its direction. Absent values sort before every value, ascending. */
  public record Sort(SortKey key, boolean ascending) {
    public Sort {
      Objects.requireNonNull(key, "key");
    }

    public static Sort asc(SortKey key) {
      return new Sort(key, true);
    }

    public static Sort desc(SortKey key) {
      return new Sort(key, false);
    }
  }

  /** A query for {@code scope}: no filters, newest first (Glance's default), 25 a page. */
  public static Builder builder(Scope scope) {
    return new Builder(scope);
  }

  /** Collects an {@link ImageQuery}. Not thread-safe. */
  public static final class Builder {
    private final Scope scope;
    private Optional<String> name = Optional.empty();
    private Optional<ImageStatus> status = Optional.empty();
    private Optional<Visibility> visibility = Optional.empty();
    private Optional<String> owner = Optional.empty();
    private Set<String> tags = Set.of();
    private Optional<String> diskFormat = Optional.empty();
    private Optional<String> containerFormat = Optional.empty();
    private OptionalLong sizeMin = OptionalLong.empty();
    private OptionalLong sizeMax = OptionalLong.empty();
    private Optional<Boolean> osHidden = Optional.empty();
    private Optional<Boolean> isProtected = Optional.empty();
    private Map<String, String> properties = Map.of();
    private List<Sort> sort = List.of(Sort.desc(SortKey.CREATED_AT));
    private int limit = DEFAULT_LIMIT;
    private Optional<String> marker = Optional.empty();

    private Builder(Scope scope) {
      this.scope = scope;
    }

    public Builder name(String name) {
      this.name = Optional.of(name);
      return this;
    }

    public Builder status(ImageStatus status) {
      this.status = Optional.of(status);
      return this;
    }

    public Builder visibility(Visibility visibility) {
      this.visibility = Optional.of(visibility);
      return this;
    }

    public Builder owner(String owner) {
      this.owner = Optional.of(owner);
      return this;
    }

    public Builder tags(Set<String> tags) {
      this.tags = tags;
      return this;
    }

    public Builder diskFormat(String diskFormat) {
      this.diskFormat = Optional.of(diskFormat);
      return this;
    }

    public Builder containerFormat(String containerFormat) {
      this.containerFormat = Optional.of(containerFormat);
      return this;
    }

    public Builder sizeMin(long sizeMin) {
      this.sizeMin = OptionalLong.of(sizeMin);
      return this;
    }

    public Builder sizeMax(long sizeMax) {
      this.sizeMax = OptionalLong.of(sizeMax);
      return this;
    }

    public Builder osHidden(boolean osHidden) {
      this.osHidden = Optional.of(osHidden);
      return this;
    }

    public Builder isProtected(boolean isProtected) {
      this.isProtected = Optional.of(isProtected);
      return this;
    }

    public Builder properties(Map<String, String> properties) {
      this.properties = properties;
      return this;
    }

    /** Replaces the sort order (empty: by id only). */
    public Builder sort(List<Sort> sort) {
      this.sort = new ArrayList<>(sort);
      return this;
    }

    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    public Builder marker(String marker) {
      this.marker = Optional.of(marker);
      return this;
    }

    public ImageQuery build() {
      return new ImageQuery(scope, name, status, visibility, owner, tags, diskFormat,
          containerFormat, sizeMin, sizeMax, osHidden, isProtected, properties, sort, limit,
          marker);
    }
  }
}
