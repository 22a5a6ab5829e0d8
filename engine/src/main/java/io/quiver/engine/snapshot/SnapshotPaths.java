package io.quiver.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The rules for paths inside a snapshot. A path in a manifest or an archive is relative to the
 * snapshot root, {@code /}-separated, and can only name something inside the root: it is non-empty,
 * has no empty, {@code .} or {@code ..} components, no backslash, no NUL, and is not absolute (no
 * leading {@code /}, no drive letter). On disk, no component below the root may be a symbolic link
 * ({@link #resolveNoLinks}); the root itself is the caller's choice and may be one.
 */
public final class SnapshotPaths {

  private SnapshotPaths() {}

  /**
   * Returns {@code path} if it is a valid snapshot path.
   *
   * @throws IllegalArgumentException naming the path and what is wrong with it
   */
  public static String check(String path) {
    String problem = problem(path);
    if (problem != null) {
      throw new IllegalArgumentException(
          "'" + printable(path) + "' is not a valid snapshot path: " + problem);
    }
    return path;
  }

  /** Whether {@code path} passes {@link #check}. */
  public static boolean isValid(String path) {
    return problem(path) == null;
  }

  private static String problem(String path) {
    if (path == null) {
      return "it is null";
    }
    if (path.isEmpty()) {
      return "it is empty";
    }
    if (path.indexOf('\0') >= 0) {
      return "it contains a NUL character";
    }
    if (path.indexOf('\\') >= 0) {
      return "it contains a backslash";
    }
    if (path.startsWith("/")) {
      return "it is absolute";
    }
    if (path.length() >= 2 && path.charAt(1) == ':' && isAsciiLetter(path.charAt(0))) {
      return "it starts with a drive letter";
    }
    int start = 0;
    while (true) {
      int slash = path.indexOf('/', start);
      String component = slash < 0 ? path.substring(start) : path.substring(start, slash);
      if (component.isEmpty()) {
        return "it has an empty component";
      }
      if (component.equals(".") || component.equals("..")) {
        return "it has a '" + component + "' component";
      }
      if (slash < 0) {
        return null;
      }
      start = slash + 1;
    }
  }

  /**
   * Resolves a checked snapshot path against {@code root}, making sure that no component below the
   * root is a symbolic link.
   *
   * @throws InvalidSnapshotException if the path is invalid or a component is a symbolic link
   * @throws NoSuchFileException if a component does not exist
   */
  public static Path resolveNoLinks(Path root, String path) throws IOException {
    try {
      check(path);
    } catch (IllegalArgumentException e) {
      throw new InvalidSnapshotException(e.getMessage() + " (snapshot " + root + ")");
    }
    Path current = root;
    for (String component : path.split("/", -1)) {
      current = current.resolve(component);
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(
            current.toString(), null, path + " does not exist in snapshot " + root);
      }
      if (attrs.isSymbolicLink()) {
        throw new InvalidSnapshotException(
            root.relativize(current)
                + " is a symbolic link; a snapshot may not contain links (snapshot "
                + root
                + ")");
      }
    }
    return current;
  }

  /** The path of {@code file} relative to {@code root}, {@code /}-separated and checked. */
  static String relative(Path root, Path file) {
    Path rel = root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
    StringBuilder sb = new StringBuilder();
    for (Path component : rel) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(component);
    }
    String path = sb.toString();
    if (!isValid(path)) {
      throw new IllegalArgumentException(file + " is not inside " + root);
    }
    return path;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** The path with control characters escaped, for error messages. */
  static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (s.length() > 200) {
      sb.append("...");
    }
    return sb.toString();
  }
}
