package io.stowage.api.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.InvalidRequestException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestAndFilterTest {
  private static final String HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void parsesAndPrintsDigests() {
    Digest d = Digest.parse("sha256:" + HEX);
    assertThat(d.algorithm()).isEqualTo(DigestAlgorithm.SHA256);
    assertThat(d.toString()).isEqualTo("sha256:" + HEX);
    assertThat(Digest.parse("sha512:" + "ab".repeat(64)).algorithm())
        .isEqualTo(DigestAlgorithm.SHA512);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sha256", "sha256:", "md5:" + HEX, "SHA256:" + HEX,
      "sha256:" + HEX + "0", "sha256:" + "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
      "sha256:../../../../etc/passwd", "sha512:" + HEX, "sha256:3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855g"})
  void refusesInvalidDigests(String text) {
    assertThatThrownBy(() -> Digest.parse(text)).isInstanceOf(InvalidRequestException.class)
        .message().doesNotContain("\n");
  }

  @Test
  void refsAreBounded() {
    assertThat(IngestRefs.requireValid("manifest-sha256:" + HEX)).startsWith("manifest");
    assertThatThrownBy(() -> IngestRefs.requireValid("")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> IngestRefs.requireValid("x".repeat(1025)))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> IngestRefs.requireValid("a\nb"))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(IngestRefs.requireValid("../../etc")).isEqualTo("../../etc");
  }

  @Test
  void filtersBlobsByDigestAndLabels() {
    ContentInfo info = new ContentInfo(Digest.parse("sha256:" + HEX), 0, Instant.EPOCH,
        Instant.EPOCH, Map.of("app", "web", "containerd.io/gc.root", "x"));
    assertThat(ContentFilter.ALL.matches(info)).isTrue();
    assertThat(ContentFilter.parse("labels.app==web").matches(info)).isTrue();
    assertThat(ContentFilter.parse("labels.app!=web").matches(info)).isFalse();
    assertThat(ContentFilter.parse("labels.\"containerd.io/gc.root\"").matches(info)).isTrue();
    assertThat(ContentFilter.parse("labels.missing").matches(info)).isFalse();
    assertThat(ContentFilter.parse("digest~=^sha256:e3b0").matches(info)).isTrue();
    assertThat(ContentFilter.parse("digest==\"sha256:" + HEX + "\",labels.app==db")
        .matches(info)).isFalse();
    assertThat(ContentFilter.parse(List.of("labels.app==db", "size==0")).matches(info)).isTrue();
  }

  @Test
  void filtersIngestsByRef() {
    IngestStatus s = new IngestStatus("layer-1", 5, OptionalLong.empty(), Instant.EPOCH,
        Instant.EPOCH);
    assertThat(ContentFilter.parse("ref==layer-1").matches(s)).isTrue();
    assertThat(ContentFilter.parse("ref~=^manifest").matches(s)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"==x", "labels.", "ref~=(", "labels.\"open", "ref==a b,,"})
  void refusesMalformedFilters(String text) {
    assertThatThrownBy(() -> ContentFilter.parse(text)).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void labelsAreChecked() {
    assertThatThrownBy(() -> Labels.copyOf(Map.of("", "x")))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> Labels.copyOf(Map.of("k", "v".repeat(4097))))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(Labels.copyOf(Map.of("b", "2", "a", "1")).keySet()).containsExactly("a", "b");
  }
}
