package io.stowage.diskformats;

import static io.stowage.diskformats.Findings.damaged;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.api.disk.DiskInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.Map;
import org.pf4j.Extension;

/**
 * LUKS encrypted volumes, versions 1 and 2. The virtual size is the encrypted payload's: for
 * LUKS1 the file after the payload offset, as {@code qemu-img info} reports it; for LUKS2
 * (which qemu 7.2 cannot open, and takes for raw) the first data segment's, as cryptsetup
 * reports it. LUKS1's header is validated as qemu's {@code qcrypto_block_luks_check_header}
 * does (key slots inside the file, clear of the header, the payload and each other); LUKS2's
 * binary header by its checksum and its JSON metadata's segments and key-slot areas.
 *
 * <p>Safe: a LUKS volume is self-contained — it names no other file — and is opaque without
 * its key, which the service never has; compute nodes open it with a key from the key manager
 * (Cinder's encrypted volumes uploaded as images are exactly this). Stateless and thread-safe.
 */
@Extension
public final class LuksFormat extends HeaderFormat {
  private static final String NAME = "luks";
  private static final byte[] MAGIC = {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe};
  private static final int V1_HEADER = 592;
  private static final int STRIPES = 4000;
  private static final int ENABLED = 0x00AC71F3;
  private static final int DISABLED = 0x0000DEAD;
  private static final long MAX_V2_HEADER = 4L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int probeLength() {
    return MAGIC.length;
  }

  /** The magic alone: a version this code does not know is claimed, and refused. */
  @Override
  public boolean probe(ByteBuffer head) {
    return Findings.startsWith(head, 0, MAGIC);
  }

  @Override
  int prefixLength() {
    return 4096;
  }

  @Override
  long headLength(ByteBuffer prefix) {
    ByteBuffer b = prefix.duplicate().order(ByteOrder.BIG_ENDIAN);
    if (b.limit() >= 16 && b.getShort(6) == 2) {
      long size = b.getLong(8);
      return size > 4096 && size <= MAX_V2_HEADER ? size : 4096;
    }
    return 4096;
  }

  @Override
  DiskInfo parse(ImageBytes image) {
    ByteBuffer h = image.readUpTo(0, 8, ByteOrder.BIG_ENDIAN);
    if (h.limit() < 8 || !probe(h)) {
      throw damaged(NAME, "the header is truncated");
    }
    int version = h.getShort(6) & 0xffff;
    return switch (version) {
      case 1 -> v1(image);
      case 2 -> v2(image);
      default -> throw damaged(NAME, "unsupported version " + version);
    };
  }

  private static DiskInfo v1(ImageBytes image) {
    ByteBuffer h = image.read(0, V1_HEADER, ByteOrder.BIG_ENDIAN, "LUKS1 header");
    long payload = (h.getInt(104) & 0xFFFFFFFFL) * 512;
    long keyBytes = h.getInt(108) & 0xFFFFFFFFL;
    if (keyBytes == 0 || keyBytes > 512) {
      throw damaged(NAME, "invalid master key length " + keyBytes);
    }
    long splitSectors = (keyBytes * STRIPES + 511) / 512;
    long headerSectors = (V1_HEADER + 511) / 512;
    long[][] slots = new long[8][];
    int active = 0;
    for (int i = 0; i < 8; i++) {
      int at = 208 + 48 * i;
      int state = h.getInt(at);
      long keyOffset = h.getInt(at + 40) & 0xFFFFFFFFL;
      int stripes = h.getInt(at + 44);
      if (state != ENABLED && state != DISABLED) {
        throw damaged(NAME, "key slot " + i + " has an invalid state 0x"
            + Integer.toHexString(state));
      }
      if (stripes != STRIPES) {
        throw damaged(NAME, "key slot " + i + " is corrupted (stripes " + stripes + ")");
      }
      if (keyOffset < headerSectors) {
        throw damaged(NAME, "key slot " + i + " overlaps the header");
      }
      if (payload < (keyOffset + splitSectors) * 512) {
        throw damaged(NAME, "key slot " + i + " overlaps the encrypted payload");
      }
      for (int j = 0; j < i; j++) {
        if (keyOffset < slots[j][1] && slots[j][0] < keyOffset + splitSectors) {
          throw damaged(NAME, "key slots " + j + " and " + i + " overlap");
        }
      }
      slots[i] = new long[] {keyOffset, keyOffset + splitSectors};
      active += state == ENABLED ? 1 : 0;
    }
    image.require(0, payload, "the LUKS1 payload offset");
    return new Findings()
        .detail("version", 1)
        .detail("cipher", Findings.cString(h.slice(8, 32)) + "-"
            + Findings.cString(h.slice(40, 32)))
        .detail("hash", Findings.cString(h.slice(72, 32)))
        .detail("key_bytes", keyBytes)
        .detail("uuid", Findings.cString(h.slice(168, 40)))
        .detail("active_key_slots", active)
        .detail("payload_offset", payload)
        .detail("file_size", image.size())
        .info(NAME, image.size() - payload);
  }

  private static DiskInfo v2(ImageBytes image) {
    ByteBuffer b = image.read(0, 4096, ByteOrder.BIG_ENDIAN, "LUKS2 binary header");
    long headerSize = b.getLong(8);
    if (headerSize < 16384 || headerSize > MAX_V2_HEADER || Long.bitCount(headerSize) != 1) {
      throw damaged(NAME, "invalid LUKS2 header size " + headerSize);
    }
    if (b.getLong(256) != 0) {
      throw damaged(NAME, "the primary LUKS2 header claims offset " + b.getLong(256));
    }
    ByteBuffer all = image.read(0, (int) headerSize, ByteOrder.BIG_ENDIAN, "LUKS2 header");
    String algorithm = Findings.cString(b.slice(72, 32));
    verifyChecksum(all, algorithm);
    JsonNode json;
    try {
      json = JSON.readTree(Findings.cString(all.slice(4096, (int) headerSize - 4096)));
    } catch (JsonProcessingException e) {
      throw damaged(NAME, "the LUKS2 metadata is not JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.path("segments").isObject() || !json.path("config").isObject()) {
      throw damaged(NAME, "the LUKS2 metadata has no segments or config");
    }
    long jsonSize = number(json.path("config").path("json_size"), "config.json_size");
    long keyslotsSize = number(json.path("config").path("keyslots_size"), "config.keyslots_size");
    if (jsonSize != headerSize - 4096) {
      throw damaged(NAME, "config.json_size " + jsonSize + " disagrees with the header size");
    }
    long areasEnd = 2 * headerSize + keyslotsSize;
    if (keyslotsSize < 0 || areasEnd < 0) {
      throw damaged(NAME, "invalid config.keyslots_size");
    }
    int active = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = json.path("keyslots").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> slot = it.next();
      JsonNode area = slot.getValue().path("area");
      long offset = number(area.path("offset"), "keyslot " + slot.getKey() + " area offset");
      long size = number(area.path("size"), "keyslot " + slot.getKey() + " area size");
      if (offset < 2 * headerSize || size < 0 || offset > areasEnd || size > areasEnd - offset) {
        throw damaged(NAME, "key slot " + slot.getKey() + "'s area lies outside the key-slot"
            + " area");
      }
      active++;
    }
    JsonNode first = null;
    long firstKey = Long.MAX_VALUE;
    for (Iterator<Map.Entry<String, JsonNode>> it = json.path("segments").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> s = it.next();
      long key = parseKey(s.getKey());
      if (key < firstKey) {
        firstKey = key;
        first = s.getValue();
      }
    }
    if (first == null) {
      throw damaged(NAME, "the LUKS2 metadata has no data segment");
    }
    long offset = number(first.path("offset"), "segment offset");
    if (offset < areasEnd) {
      throw damaged(NAME, "the data segment overlaps the metadata and key-slot areas");
    }
    image.require(0, offset, "the LUKS2 data segment");
    long size;
    if (first.path("size").asText().equals("dynamic")) {
      size = image.size() - offset;
    } else {
      size = number(first.path("size"), "segment size");
      image.require(offset, size, "the LUKS2 data segment");
    }
    return new Findings()
        .detail("version", 2)
        .detail("cipher", first.path("encryption").asText())
        .detail("uuid", Findings.cString(b.slice(168, 40)))
        .detail("label", Findings.cString(b.slice(24, 48)))
        .detail("header_size", headerSize)
        .detail("active_key_slots", active)
        .detail("payload_offset", offset)
        .detail("file_size", image.size())
        .info(NAME, size);
  }

  private static void verifyChecksum(ByteBuffer all, String algorithm) {
    String jdk = switch (algorithm) {
      case "sha256" -> "SHA-256";
      case "sha512" -> "SHA-512";
      case "sha1" -> "SHA-1";
      default -> throw damaged(NAME, "unsupported LUKS2 checksum algorithm \"" + algorithm + "\"");
    };
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance(jdk);
    } catch (NoSuchAlgorithmException e) {
      throw damaged(NAME, "checksum algorithm " + jdk + " is not available");
    }
    byte[] bytes = new byte[all.limit()];
    all.duplicate().clear().get(bytes);
    byte[] stored = java.util.Arrays.copyOfRange(bytes, 448, 448 + 64);
    java.util.Arrays.fill(bytes, 448, 448 + 64, (byte) 0);
    byte[] sum = digest.digest(bytes);
    byte[] expected = java.util.Arrays.copyOf(sum, 64);
    if (!MessageDigest.isEqual(stored, expected)) {
      throw damaged(NAME, "the LUKS2 header fails its " + algorithm + " checksum");
    }
  }

  private static long number(JsonNode n, String what) {
    String text = n.isTextual() ? n.asText() : n.isIntegralNumber() ? n.asText() : "";
    try {
      long v = Long.parseLong(text);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw damaged(NAME, "the LUKS2 metadata's " + what + " is not a valid number");
    }
  }

  private static long parseKey(String key) {
    try {
      return Long.parseLong(key);
    } catch (NumberFormatException e) {
      throw damaged(NAME, "the LUKS2 segment key \"" + key + "\" is not a number");
    }
  }
}
