package io.stowage.app.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of {@link ImageRegistry#list}.
 *
 * @param images the images, in the query's order
 * @param nextMarker the marker for the next page; empty on the last page
 */
public record ImagePage(List<ImageRecord> images, Optional<String> nextMarker) {
  public ImagePage {
    images = List.copyOf(images);
    Objects.requireNonNull(nextMarker, "nextMarker");
  }
}
