package io.stowage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashAlgorithmTest {
  @Test
  void everyAlgorithmIsOneInstanceFoundByItsHashlibNameAndComputable() {
    assertThat(HashAlgorithm.all()).hasSize(12);
    for (HashAlgorithm a : HashAlgorithm.all()) {
      assertThat(HashAlgorithm.of(a.name())).isSameAs(a);
      assertThat(HashAlgorithm.of(a.name().toUpperCase().replace('_', '-'))).isSameAs(a);
      assertThat(a.newDigest().getAlgorithm()).isEqualTo(a.jdkName());
      assertThat(a).hasToString(a.name());
    }
    assertThat(HashAlgorithm.supported()).contains("md5", "sha512", "sha3_256").isSorted();
  }

  @ParameterizedTest
  @ValueSource(strings = {"nope", "", "sha-3", "crc32", "md4", "sha 512", "blake2b"})
  void anUnknownNameIsAnInvalidRequest(String name) {
    assertThatThrownBy(() -> HashAlgorithm.of(name)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("unknown hash algorithm").hasMessageContaining("sha512");
  }
}
