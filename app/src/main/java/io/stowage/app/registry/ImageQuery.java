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
 * <p>Visibility: with no {@code visibility} filter the caller sees public images, its
 * project's own images of any visibility and the shared images it is a member of with
 * {@code memberStatus} (admins: everything); {@code community} lists every community image;
 * {@code private} lists the caller's own, {@code shared} its own shared images and those it is a
 * member of with {@code memberStatus} (admins: all of that visibility).
 *
 * <p>Filters with a set ({@code ids}, {@code names}, ...) match images whose value is one of its
 * members (Glance's {@code in:}; one value is plain equality); an empty set matches nothing.
 *
 * @param ids images with one of these ids
 * @param names images with one of these names
 * @param statuses images in one of these statuses
 * @param tags images carrying every one of these tags
 * @param properties images whose extra property equals each given value
 * @param diskFormats images with one of these disk formats
 * @param containerFormats images with one of these container formats
 * @param sizeMin images at least this many bytes (images without data never match)
 * @param sizeMax images at most this many bytes (images without data never match)
 * @param osHidden only images with this {@code os_hidden} value (Glance lists {@code false} by
 *     default); empty: both
 * @param times comparisons of {@code created_at}/{@code updated_at}, all of which must hold
 * @param memberStatus which memberships make another project's shared image listed: only those
 *     in this status (Glance's default: accepted); empty: any
 * @param sort sort keys, most significant first; the id is always appended as the last key so
 *     the order is total
 * @param limit the most images on the page, at least 1
 * @param marker the id of the last image of the previous page; the page starts after it
 */
public record ImageQuery(
    Scope scope,
    Optional<Set<String>> ids,
    Optional<Set<String>> names,
    Optional<Set<ImageStatus>> statuses,
    Optional<Visibility> visibility,
    Optional<String> owner,
    Set<String> tags,
    Optional<Set<String>> diskFormats,
    Optional<Set<String>> containerFormats,
    OptionalLong sizeMin,
    OptionalLong sizeMax,
    Optional<Boolean> osHidden,
    Optional<Boolean> isProtected,
    Map<String, String> properties,
    List<TimeFilter> times,
    Optional<MemberStatus> memberStatus,
    List<Sort> sort,
    int limit,
    Optional<String> marker) {

  /** Glance's default page size. */
  public static final int DEFAULT_LIMIT = 25;

  public ImageQuery {
    Objects.requireNonNull(scope, "scope");
    ids = ids.map(Set::copyOf);
    names = names.map(Set::copyOf);
    statuses = statuses.map(Set::copyOf);
    diskFormats = diskFormats.map(Set::copyOf);
    containerFormats = containerFormats.map(Set::copyOf);
    tags = Set.copyOf(tags);
    properties = Map.copyOf(properties);
    times = List.copyOf(times);
    Objects.requireNonNull(memberStatus, "memberStatus");
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

  /** The times an image can be filtered on. */
  public enum TimeField {
    CREATED_AT, UPDATED_AT;

    /** The column / API name ({@code created_at}). */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Glance's comparison operators for times. */
  public enum Comparison {
    EQ, NEQ, GT, GTE, LT, LTE;

    /** The API name ({@code gte}). */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A time filter: images whose {@code field}, as the API shows it (whole seconds), compares
   * with {@code operand} as {@code comparison} says ({@code created_at gte 2024-05-01T00:00Z}).
   */
  public record TimeFilter(TimeField field, Comparison comparison, java.time.Instant operand) {
    public TimeFilter {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(comparison, "comparison");
      Objects.requireNonNull(operand, "operand");
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
    private Optional<Set<String>> ids = Optional.empty();
    private Optional<Set<String>> names = Optional.empty();
    private Optional<Set<ImageStatus>> statuses = Optional.empty();
    private Optional<Visibility> visibility = Optional.empty();
    private Optional<String> owner = Optional.empty();
    private Set<String> tags = Set.of();
    private Optional<Set<String>> diskFormats = Optional.empty();
    private Optional<Set<String>> containerFormats = Optional.empty();
    private OptionalLong sizeMin = OptionalLong.empty();
    private OptionalLong sizeMax = OptionalLong.empty();
    private Optional<Boolean> osHidden = Optional.empty();
    private Optional<Boolean> isProtected = Optional.empty();
    private Map<String, String> properties = Map.of();
    private List<TimeFilter> times = new ArrayList<>();
    private Optional<MemberStatus> memberStatus = Optional.of(MemberStatus.ACCEPTED);
    private List<Sort> sort = List.of(Sort.desc(SortKey.CREATED_AT));
    private int limit = DEFAULT_LIMIT;
    private Optional<String> marker = Optional.empty();

    private Builder(Scope scope) {
      this.scope = scope;
    }

    public Builder ids(java.util.Collection<String> ids) {
      this.ids = Optional.of(Set.copyOf(ids));
      return this;
    }

    public Builder name(String name) {
      return names(Set.of(name));
    }

    public Builder names(java.util.Collection<String> names) {
      this.names = Optional.of(Set.copyOf(names));
      return this;
    }

    public Builder status(ImageStatus status) {
      return statuses(Set.of(status));
    }

    public Builder statuses(java.util.Collection<ImageStatus> statuses) {
      this.statuses = Optional.of(Set.copyOf(statuses));
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
      return diskFormats(Set.of(diskFormat));
    }

    public Builder diskFormats(java.util.Collection<String> diskFormats) {
      this.diskFormats = Optional.of(Set.copyOf(diskFormats));
      return this;
    }

    public Builder containerFormat(String containerFormat) {
      return containerFormats(Set.of(containerFormat));
    }

    public Builder containerFormats(java.util.Collection<String> containerFormats) {
      this.containerFormats = Optional.of(Set.copyOf(containerFormats));
      return this;
    }

    /** Adds a time filter (all must hold). */
    public Builder time(TimeFilter filter) {
      this.times.add(filter);
      return this;
    }

    /** Lists others' shared images by memberships in this status; empty: any (Glance's "all"). */
    public Builder memberStatus(Optional<MemberStatus> status) {
      this.memberStatus = status;
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
      return new ImageQuery(scope, ids, names, statuses, visibility, owner, tags, diskFormats,
          containerFormats, sizeMin, sizeMax, osHidden, isProtected, properties, times,
          memberStatus, sort, limit, marker);
    }
  }
}
