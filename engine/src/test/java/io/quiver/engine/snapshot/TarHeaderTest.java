package io.quiver.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TarHeaderTest {

  private static final long TEN_GIB = 10L << 30;

  @Test
  void octalRoundTrip() {
    TarHeader h = new TarHeader("shard-0/x/vectors.qvf", '0', 12345, 0644, 1_750_000_000L, "");
    byte[] b = h.encode();
    assertEquals("00000030071", new String(b, 124, 11, StandardCharsets.US_ASCII));
    assertEquals(h, TarHeader.parse(b, "test"));
  }

  @Test
  void sizesAbove8GiBUseBase256() {
    TarHeader h = new TarHeader("big.qvf", '0', TEN_GIB, 0644, 0, "");
    byte[] b = h.encode();
    assertEquals((byte) 0x80, b[124]);
    byte[] expected = {0, 0, 0, 0x02, (byte) 0x80, 0, 0, 0};
    assertArrayEquals(expected, java.util.Arrays.copyOfRange(b, 128, 136));
    assertEquals(TEN_GIB, TarHeader.parse(b, "test").size());
    assertEquals(
        TarHeader.MAX_OCTAL_SIZE,
        TarHeader.parse(new TarHeader("x", '0', TarHeader.MAX_OCTAL_SIZE, 0, 0, "").encode(), "t")
            .size());
  }

  @Test
  void aLargeFileGetsAPaxSizeRecordToo() throws Exception {
    // The writer declares 10 GiB; the body is cut short, so the reader must see the size from the
    // headers and then report the truncation.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarWriter w = new TarWriter(out);
    InputStreamOfZeros zeros = new InputStreamOfZeros(1000);
    assertThrows(java.io.IOException.class, () -> w.file("big.qvf", TEN_GIB, 0, zeros));
    w.finish(); // flushes what was written
    byte[] tar = out.toByteArray();
    assertEquals('x', (char) tar[156], "a PAX header comes first");
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    TarReader.Entry e = r.next();
    assertEquals("big.qvf", e.name());
    assertEquals(TEN_GIB, e.size());
    byte[] buf = new byte[1 << 16];
    InvalidSnapshotException ex =
        assertThrows(
            InvalidSnapshotException.class,
            () -> {
              while (r.read(buf, 0, buf.length) >= 0) {}
            });
    assertTrue(
        ex.getMessage().startsWith("archive is truncated: archive entry 1 'big.qvf' declares"));
  }

  @Test
  void longNamesSplitIntoPrefixOrNeedPax() {
    String seg = "shard-0/0123456789abcdef0123456789abcdef";
    String[] split = TarHeader.split(seg + "/" + "n".repeat(99));
    assertEquals(seg, split[0]);
    TarHeader h = new TarHeader(seg + "/" + "n".repeat(99), '0', 1, 0644, 0, "");
    assertEquals(h.name(), TarHeader.parse(h.encode(), "t").name());
    assertNull(TarHeader.split(seg + "/" + "n".repeat(101)));
  }

  @Test
  void paxRecordLengthCountsItself() {
    assertEquals("12 path=abc\n", TarWriter.paxRecord("path", "abc"));
    String r = TarWriter.paxRecord("path", "a".repeat(90)); // crosses 99 -> 100
    assertEquals(Integer.parseInt(r.substring(0, r.indexOf(' '))), r.length());
  }

  @Test
  void headersProducedByGnuTarAreRead() {
    // GNU magic "ustar  \0": no prefix field, base-256 size.
    byte[] b = new TarHeader("x", '0', 5, 0644, 0, "").encode();
    byte[] gnu = "ustar  \0".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(gnu, 0, b, 257, 8);
    java.util.Arrays.fill(b, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte x : b) {
      sum += x & 0xff;
    }
    byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, b, 148, 8);
    assertEquals(5, TarHeader.parse(b, "t").size());
  }

  /** {@code n} zero bytes, then the end. */
  private static final class InputStreamOfZeros extends java.io.InputStream {
    private long left;

    InputStreamOfZeros(long n) {
      left = n;
    }

    @Override
    public int read() {
      return left-- > 0 ? 0 : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
