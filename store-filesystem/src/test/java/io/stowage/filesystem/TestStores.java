package io.stowage.filesystem;


import io.stowage.api.store.AddRequest;
import io.stowage.api.store.AddResult;
import io.stowage.api.ByteRange;
import io.stowage.api.ImageData;
import io.stowage.api.InstanceContext;
import io.stowage.api.store.Location;
import io.stowage.api.store.Store;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Helpers shared by the tests: stores on real folders, data, and independent digests. */
final class TestStores {
  private TestStores() {}

  static Store open(FilesystemConfig config, Path base) {
    return new FilesystemStoreProvider().create(config, new InstanceContext("fs", base));
  }

  static Store open(Path datadir) {
    return open(FilesystemConfig.ofDatadir(datadir.toString()), datadir.getParent());
  }

  static byte[] random(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  static AddResult add(Store store, String id, byte[] data) {
    return store.add(AddRequest.of(id, new ByteArrayInputStream(data)));
  }

  static byte[] read(Store store, Location location, ByteRange range) {
    try (ImageData data = store.get(location, range)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      data.transferTo(Channels.newChannel(out));
      return out.toByteArray();
    }
  }

  static String hex(String jdkAlgorithm, byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(jdkAlgorithm).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Every entry of a folder, hidden ones included, by name. */
  static List<String> entries(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
