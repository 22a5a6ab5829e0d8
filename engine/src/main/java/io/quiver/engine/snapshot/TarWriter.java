package io.quiver.engine.snapshot;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a POSIX ustar stream: a header block per entry, the body padded to 512 bytes, and two zero
 * blocks at the end. A path that does not fit the ustar name fields, or a size above 8 GiB - 1, is
 * also given in a PAX extended header ({@code path}, {@code size} records) before the entry; the
 * size field then holds the GNU base-256 form, so readers of either extension get it right.
 */
final class TarWriter {

  private static final byte[] ZERO = new byte[TarHeader.BLOCK];

  private final OutputStream out;
  private final byte[] buffer = new byte[1 << 16];

  /** Writes to {@code out}, which {@link #finish} flushes but does not close. */
  TarWriter(OutputStream out) {
    this.out = new BufferedOutputStream(out, 1 << 16);
  }

  void directory(String path, long mtime) throws IOException {
    header(path + "/", TarHeader.DIRECTORY, 0, 0755, mtime);
  }

  /**
   * Writes a file entry with exactly {@code size} bytes from {@code in}.
   *
   * @throws IOException if {@code in} ends before {@code size} bytes
   */
  void file(String path, long size, long mtime, InputStream in) throws IOException {
    header(path, TarHeader.REGULAR, size, 0644, mtime);
    long left = size;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException(
            path + " ended after " + (size - left) + " of " + size + " bytes while archiving");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
    pad(size);
  }

  /** Writes the end-of-archive marker and flushes. */
  void finish() throws IOException {
    out.write(ZERO);
    out.write(ZERO);
    out.flush();
  }

  private void header(String path, char type, long size, long mode, long mtime) throws IOException {
    boolean fits = TarHeader.split(path) != null;
    String name = path;
    if (!fits || size > TarHeader.MAX_OCTAL_SIZE) {
      StringBuilder records = new StringBuilder();
      if (!fits) {
        records.append(paxRecord("path", path));
        name = shortName(path);
      }
      if (size > TarHeader.MAX_OCTAL_SIZE) {
        records.append(paxRecord("size", Long.toString(size)));
      }
      byte[] body = records.toString().getBytes(StandardCharsets.UTF_8);
      out.write(
          new TarHeader(
                  "PaxHeaders/" + shortName(path), TarHeader.PAX, body.length, 0644, mtime, "")
              .encode());
      out.write(body);
      pad(body.length);
    }
    out.write(new TarHeader(name, type, size, mode, mtime, "").encode());
  }

  /** A stand-in name that fits the name field, for readers that do not know PAX. */
  private static String shortName(String path) {
    String last = path.substring(path.lastIndexOf('/', path.length() - 2) + 1);
    while (last.getBytes(StandardCharsets.UTF_8).length > 80) {
      last = last.substring(0, last.length() - 1);
    }
    return last;
  }

  /** A PAX record {@code "<length> <key>=<value>\n"}, the length counting itself. */
  static String paxRecord(String key, String value) {
    int rest = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
    int length = rest + 1;
    while (Integer.toString(length).length() + rest != length) {
      length = Integer.toString(length).length() + rest;
    }
    return length + " " + key + "=" + value + "\n";
  }

  private void pad(long size) throws IOException {
    int rem = (int) (size % TarHeader.BLOCK);
    if (rem != 0) {
      out.write(ZERO, 0, TarHeader.BLOCK - rem);
    }
  }
}
