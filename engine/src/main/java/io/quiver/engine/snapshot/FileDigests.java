package io.quiver.engine.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Streaming sha256 of snapshot files, as the manifest records it (64 lowercase hex characters). */
public final class FileDigests {

  private static final int BUFFER_SIZE = 1 << 16;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private FileDigests() {}

  /** A fresh sha256 digest. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java runtime has SHA-256", e);
    }
  }

  /** Lowercase hex of {@code bytes}. */
  public static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /** The sha256 of everything left in {@code in} (not closed). */
  public static String sha256(InputStream in) throws IOException {
    return digest(in, newSha256(), new byte[BUFFER_SIZE]).sha256;
  }

  /** The sha256 of a file's bytes. */
  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in);
    }
  }

  /**
   * The manifest entry of {@code file}, which must be a regular file (not a link) inside {@code
   * root}. Size and digest come from the same read, so they agree even if the file is being
   * replaced.
   */
  public static FileEntry entry(Path root, Path file) throws IOException {
    String path = SnapshotPaths.relative(root, file);
    BasicFileAttributes attrs =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile()) {
      throw new IllegalArgumentException(file + " is not a regular file");
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      Digest d = digest(in, newSha256(), new byte[BUFFER_SIZE]);
      return new FileEntry(path, d.size, d.sha256);
    }
  }

  record Digest(long size, String sha256) {}

  static Digest digest(InputStream in, MessageDigest sha, byte[] buffer) throws IOException {
    long size = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      sha.update(buffer, 0, n);
      size += n;
    }
    return new Digest(size, hex(sha.digest()));
  }
}
