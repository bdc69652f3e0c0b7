package io.stowage.api.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.SizeCapExceededException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What no store ever sees: requests the SPI refuses as they are built (formerly in store-tck). */
class AddRequestTest {
  static Stream<String> hostileIds() {
    return Stream.of("../x", "..", ".", "a/b", "/abs", "a\\b", "", "x".repeat(10 * 1024),
        "x".repeat(256), "é".repeat(128), "a\u0000b", "a\nb", "a\rb", ".hidden", "c:x", "\u2028");
  }

  @ParameterizedTest(name = "[{index}]")
  @MethodSource("hostileIds")
  void hostileIdsAreRefused(String id) {
    assertThatThrownBy(() -> AddRequest.of(id, InputStream.nullInputStream()))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void negativeSizesAndADeclaredSizeOverTheCapAreRefused() {
    AddRequest r = AddRequest.of("x", InputStream.nullInputStream());
    assertThatThrownBy(() -> r.withDeclaredSize(-1)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> r.withSizeCap(-1)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> r.withSizeCap(10).withDeclaredSize(11))
        .isInstanceOf(SizeCapExceededException.class);
  }
}
