package io.stowage.app.registry;

import io.stowage.api.Multihash;
import io.stowage.api.store.Location;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a finished upload records on its image in one step with {@code saving → active}.
 *
 * @param size bytes stored
 * @param virtualSize the disk's virtual size, when the format tells one
 * @param checksum md5 of the data, lowercase hex
 * @param multihash the multihash ({@code os_hash_algo}, {@code os_hash_value})
 * @param location where the data was stored; appended to the image's locations
 */
public record Activation(
    long size, OptionalLong virtualSize, String checksum, Multihash multihash, Location location) {
  public Activation {
    Objects.requireNonNull(virtualSize, "virtualSize");
    Objects.requireNonNull(checksum, "checksum");
    Objects.requireNonNull(multihash, "multihash");
    Objects.requireNonNull(location, "location");
    if (size < 0) {
      throw new IllegalArgumentException("size " + size + " is negative");
    }
  }
}
