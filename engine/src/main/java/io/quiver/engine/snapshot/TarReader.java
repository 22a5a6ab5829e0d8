package io.quiver.engine.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a ustar stream entry by entry, as {@link TarWriter} writes it (and GNU tar or bsdtar do):
 * PAX extended headers ({@code x}) are folded into the entry that follows ({@code path} and {@code
 * size}; other keys are ignored), base-256 sizes are read. It refuses, with an {@link
 * InvalidSnapshotException} naming the entry: a bad header checksum or magic, a stream that ends
 * before the end-of-archive marker or inside an entry, and a malformed PAX header. What entry types
 * are acceptable is the caller's decision.
 */
final class TarReader {

  /** PAX headers are a few records; anything larger is not ours. */
  private static final int MAX_PAX_SIZE = 1 << 20;

  /** One entry; {@code index} counts entries from 1, PAX headers not included. */
  record Entry(int index, String name, char type, long size, String linkName) {
    String describe() {
      return "archive entry " + index + " '" + SnapshotPaths.printable(name) + "'";
    }
  }

  private final InputStream in;
  private final byte[] block = new byte[TarHeader.BLOCK];
  private final byte[] scratch = new byte[8192];
  private int index;
  private Entry current;
  private long bodyLeft;
  private boolean ended;

  TarReader(InputStream in) {
    this.in = in;
  }

  /** The next entry, or null at the end-of-archive marker. Skips what is left of the last body. */
  Entry next() throws IOException {
    if (ended) {
      return null;
    }
    if (current != null) {
      skip(bodyLeft + padding(current.size()), current);
      current = null;
    }
    String paxPath = null;
    long paxSize = -1;
    while (true) {
      String where = "archive entry " + (index + 1);
      int n = readBlock();
      if (n == 0) {
        throw new InvalidSnapshotException(
            "archive is truncated: it ends after "
                + index
                + " entries without an end-of-archive marker");
      }
      if (n < TarHeader.BLOCK) {
        throw new InvalidSnapshotException(
            "archive is truncated: " + where + " has a partial header (" + n + " bytes)");
      }
      if (TarHeader.isZero(block)) {
        // The end-of-archive marker is two zero blocks; accept a stream that stops after one.
        int m = readBlock();
        if (m > 0 && (m < TarHeader.BLOCK || !TarHeader.isZero(block))) {
          throw new InvalidSnapshotException(
              "archive has a zero block followed by data after " + index + " entries");
        }
        ended = true;
        if (paxPath != null || paxSize >= 0) {
          throw new InvalidSnapshotException(where + ": PAX header is not followed by an entry");
        }
        return null;
      }
      TarHeader h;
      try {
        h = TarHeader.parse(block, where);
      } catch (IllegalArgumentException e) {
        throw new InvalidSnapshotException(e.getMessage(), e);
      }
      if (h.type() == TarHeader.PAX) {
        if (h.size() > MAX_PAX_SIZE) {
          throw new InvalidSnapshotException(
              where + ": PAX header of " + h.size() + " bytes is larger than " + MAX_PAX_SIZE);
        }
        byte[] body = readBody((int) h.size(), where + " (PAX header)");
        skip(padding(h.size()), null);
        String records = new String(body, StandardCharsets.UTF_8);
        for (String[] kv : parsePax(records, where)) {
          if (kv[0].equals("path")) {
            paxPath = kv[1];
          } else if (kv[0].equals("size")) {
            try {
              paxSize = Long.parseLong(kv[1]);
            } catch (NumberFormatException e) {
              paxSize = -1;
            }
            if (paxSize < 0) {
              throw new InvalidSnapshotException(
                  where + ": PAX size is not a non-negative integer: " + kv[1]);
            }
          }
        }
        continue;
      }
      index++;
      current =
          new Entry(
              index,
              paxPath != null ? paxPath : h.name(),
              h.type(),
              paxSize >= 0 ? paxSize : h.size(),
              h.linkName());
      bodyLeft = current.size();
      return current;
    }
  }

  /** Reads up to {@code len} bytes of the current entry's body; -1 at its end. */
  int read(byte[] b, int off, int len) throws IOException {
    if (bodyLeft == 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, bodyLeft));
    if (n < 0) {
      throw truncated(current, current.size() - bodyLeft);
    }
    bodyLeft -= n;
    return n;
  }

  private static InvalidSnapshotException truncated(Entry entry, long got) {
    return new InvalidSnapshotException(
        "archive is truncated: "
            + entry.describe()
            + " declares "
            + entry.size()
            + " bytes, the archive ends after "
            + got);
  }

  private static List<String[]> parsePax(String records, String where)
      throws InvalidSnapshotException {
    List<String[]> out = new ArrayList<>();
    byte[] bytes = records.getBytes(StandardCharsets.UTF_8);
    int pos = 0;
    while (pos < bytes.length) {
      int space = pos;
      while (space < bytes.length && bytes[space] >= '0' && bytes[space] <= '9') {
        space++;
      }
      int length;
      try {
        length = Integer.parseInt(new String(bytes, pos, space - pos, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        length = -1;
      }
      if (length <= 0
          || space >= bytes.length
          || bytes[space] != ' '
          || pos + length > bytes.length
          || bytes[pos + length - 1] != '\n') {
        throw new InvalidSnapshotException(where + ": malformed PAX record at byte " + pos);
      }
      String record =
          new String(bytes, space + 1, pos + length - 1 - (space + 1), StandardCharsets.UTF_8);
      int eq = record.indexOf('=');
      if (eq <= 0) {
        throw new InvalidSnapshotException(where + ": malformed PAX record at byte " + pos);
      }
      out.add(new String[] {record.substring(0, eq), record.substring(eq + 1)});
      pos += length;
    }
    return out;
  }

  private byte[] readBody(int size, String where) throws IOException {
    byte[] body = new byte[size];
    int got = in.readNBytes(body, 0, size);
    if (got < size) {
      throw new InvalidSnapshotException(
          "archive is truncated: " + where + " declares " + size + " bytes, got " + got);
    }
    return body;
  }

  private int readBlock() throws IOException {
    return in.readNBytes(block, 0, TarHeader.BLOCK);
  }

  /** Reads and drops {@code n} bytes (not {@code InputStream.skip}, which may pass the end). */
  private void skip(long n, Entry entry) throws IOException {
    long left = n;
    while (left > 0) {
      int got = in.read(scratch, 0, (int) Math.min(scratch.length, left));
      if (got < 0) {
        throw new InvalidSnapshotException(
            "archive is truncated inside "
                + (entry == null ? "archive entry " + (index + 1) : entry.describe()));
      }
      left -= got;
    }
    bodyLeft = 0;
  }

  private static long padding(long size) {
    int rem = (int) (size % TarHeader.BLOCK);
    return rem == 0 ? 0 : TarHeader.BLOCK - rem;
  }
}
