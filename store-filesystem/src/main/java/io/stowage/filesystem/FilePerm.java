package io.stowage.filesystem;


import io.stowage.api.BadStoreConfigurationException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code file_perm} setting: the permissions every image gets, or none to leave modes as the
 * umask made them.
 */
record FilePerm(int mode) {
  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ
  };

  /**
   * Reads octal digits written as a decimal number ({@code 640} means {@code rw-r-----}).
   *
   * @throws BadStoreConfigurationException the digits are not octal, grant more than
   *     {@code 777}, or leave out owner read (the store could not read its own images)
   */
  static FilePerm parse(int digits) {
    if (digits == 0) {
      return new FilePerm(0);
    }
    String text = Integer.toString(digits);
    if (digits < 0 || text.length() > 3 || !text.chars().allMatch(c -> c >= '0' && c <= '7')) {
      throw new BadStoreConfigurationException(
          "file_perm", digits + " is not a mode of up to three octal digits (such as 640)");
    }
    int mode = Integer.parseInt(text, 8);
    if ((mode & 0400) == 0) {
      throw new BadStoreConfigurationException(
          "file_perm", text + " leaves out owner read, so the store could not read its images");
    }
    return new FilePerm(mode);
  }

  /** The permissions to set on each image, if any are configured. */
  Optional<Set<PosixFilePermission>> filePermissions() {
    return mode == 0 ? Optional.empty() : Optional.of(toSet(mode));
  }

  /**
   * The execute bits a data folder needs so that the group or others granted access to images
   * can reach them.
   */
  Set<PosixFilePermission> folderExecuteBits() {
    Set<PosixFilePermission> bits = EnumSet.noneOf(PosixFilePermission.class);
    if ((mode & 070) != 0) {
      bits.add(PosixFilePermission.GROUP_EXECUTE);
    }
    if ((mode & 07) != 0) {
      bits.add(PosixFilePermission.OTHERS_EXECUTE);
    }
    return bits;
  }

  private static Set<PosixFilePermission> toSet(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (1 << i)) != 0) {
        set.add(BITS[i]);
      }
    }
    return set;
  }
}
