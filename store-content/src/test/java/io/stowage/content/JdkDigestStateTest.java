package io.stowage.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.content.DigestAlgorithm;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The JDK digest's state round-trips at every split point of a few block sizes. */
class JdkDigestStateTest {
  @ParameterizedTest
  @EnumSource(DigestAlgorithm.class)
  void aSavedStateContinuesToTheSameDigest(DigestAlgorithm algorithm) {
    assertThat(JdkDigestState.support()).as("tests run with --add-opens (see the pom)")
        .isPresent();
    byte[] data = new byte[700];
    new Random(1).nextBytes(data);
    byte[] expected = algorithm.newDigest().digest(data);
    for (int cut = 0; cut <= data.length; cut += 7) {
      IngestHash.Jdk first = IngestHash.jdk(algorithm);
      first.update(ByteBuffer.wrap(data, 0, cut));
      IngestHash.Jdk second = IngestHash.restoreJdk(algorithm, first.state().orElseThrow())
          .orElseThrow();
      second.update(ByteBuffer.wrap(data, cut, data.length - cut));
      assertThat(second.peek().hex()).as("split at " + cut)
          .isEqualTo(java.util.HexFormat.of().formatHex(expected));
    }
  }
}
