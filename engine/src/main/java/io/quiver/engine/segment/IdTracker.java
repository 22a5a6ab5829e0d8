package io.quiver.engine.segment;

import io.quiver.engine.point.PointId;
import io.quiver.engine.store.AtomicFileWriter;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.StreamingFileReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An immutable segment's map between external point ids and internal offsets, with each point's
 * version (the sequence of the operation that wrote it). Held on the heap in parallel arrays: 17
 * bytes per numeric id, 25 per UUID, plus 4 for the sorted lookup permutation.
 *
 * <p>File layout (format {@value #FORMAT}, version 1, little-endian), inside {@code FileFormat}'s
 * header and CRC footer:
 *
 * <pre>
 * count      int32
 * hasUuids   int32   0 or 1
 * low        count x int64   the numeric id, or a UUID's low 64 bits
 * high       count x int64   a UUID's high 64 bits (only when hasUuids)
 * kinds      count x int8    0 = numeric, 1 = UUID (only when hasUuids)
 * versions   count x int64
 * sorted     count x int32   offsets in ascending PointId order
 * </pre>
 */
public final class IdTracker {

  public static final String FORMAT = "quiver.ids";
  public static final int VERSION = 1;

  private final long[] low;
  private final long[] high; // null when every id is numeric
  private final byte[] kinds; // null when every id is numeric
  private final long[] versions;
  private final int[] sorted;

  private IdTracker(long[] low, long[] high, byte[] kinds, long[] versions, int[] sorted) {
    this.low = low;
    this.high = high;
    this.kinds = kinds;
    this.versions = versions;
    this.sorted = sorted;
  }

  /** Builds a tracker over {@code ids} (no duplicates) with their versions. */
  public static IdTracker of(PointId[] ids, long[] versions) {
    int n = ids.length;
    boolean hasUuids = false;
    for (PointId id : ids) {
      hasUuids |= id.isUuid();
    }
    long[] low = new long[n];
    long[] high = hasUuids ? new long[n] : null;
    byte[] kinds = hasUuids ? new byte[n] : null;
    for (int i = 0; i < n; i++) {
      low[i] = ids[i].low();
      if (hasUuids) {
        high[i] = ids[i].high();
        kinds[i] = (byte) (ids[i].isUuid() ? 1 : 0);
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> ids[a].compareTo(ids[b]));
    int[] sorted = new int[n];
    for (int i = 0; i < n; i++) {
      sorted[i] = order[i];
      if (i > 0 && ids[order[i]].equals(ids[order[i - 1]])) {
        throw new IllegalArgumentException("duplicate point id " + ids[order[i]]);
      }
    }
    return new IdTracker(low, high, kinds, versions.clone(), sorted);
  }

  public int size() {
    return low.length;
  }

  public PointId id(int offset) {
    if (kinds == null || kinds[offset] == 0) {
      return PointId.of(low[offset]);
    }
    return PointId.fromParts(true, high[offset], low[offset]);
  }

  public long version(int offset) {
    return versions[offset];
  }

  /** The offset of {@code id}, or -1 when this segment does not hold it. */
  public int offsetOf(PointId id) {
    int lo = 0;
    int hi = sorted.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareAt(sorted[mid], id);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return sorted[mid];
      }
    }
    return -1;
  }

  /** The offset at rank {@code rank} in ascending id order. */
  public int offsetAtRank(int rank) {
    return sorted[rank];
  }

  /** The rank of the first id >= {@code id} in ascending order (size() if none). */
  public int lowerBoundRank(PointId id) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compareAt(sorted[mid], id) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private int compareAt(int offset, PointId id) {
    boolean uuid = kinds != null && kinds[offset] != 0;
    if (uuid != id.isUuid()) {
      return uuid ? 1 : -1;
    }
    if (uuid) {
      int c = Long.compareUnsigned(high[offset], id.high());
      if (c != 0) {
        return c;
      }
    }
    return Long.compareUnsigned(low[offset], id.low());
  }

  public long heapBytes() {
    long n = low.length;
    return n * (8 + 8 + 4) + (high == null ? 0 : n * 9);
  }

  public void write(Path file, byte[] segmentId) throws IOException {
    int n = low.length;
    try (AtomicFileWriter out = new AtomicFileWriter(file, FORMAT, VERSION, segmentId)) {
      out.writeInt(n).writeInt(high == null ? 0 : 1);
      for (long v : low) {
        out.writeLong(v);
      }
      if (high != null) {
        for (long v : high) {
          out.writeLong(v);
        }
        out.writeBytes(ByteBuffer.wrap(kinds));
      }
      for (long v : versions) {
        out.writeLong(v);
      }
      out.writeInts(sorted, 0, n);
      out.commit();
    }
  }

  public static IdTracker read(Path file) throws IOException {
    try (StreamingFileReader in = StreamingFileReader.open(file, FORMAT, VERSION, VERSION)) {
      int n = in.readInt();
      int hasUuids = in.readInt();
      long need = (long) n * (hasUuids == 1 ? 29 : 20);
      if (n < 0 || (hasUuids != 0 && hasUuids != 1) || in.remaining() != need) {
        throw new CorruptFileException(
            file, "bad id table: count " + n + ", uuid flag " + hasUuids);
      }
      long[] low = readLongs(in, n);
      long[] high = null;
      byte[] kinds = null;
      if (hasUuids == 1) {
        high = readLongs(in, n);
        kinds = new byte[n];
        in.readBytes(kinds, 0, n);
      }
      long[] versions = readLongs(in, n);
      int[] sorted = new int[n];
      for (int i = 0; i < n; i++) {
        sorted[i] = in.readInt();
        if (sorted[i] < 0 || sorted[i] >= n) {
          throw new CorruptFileException(file, "sorted offset " + sorted[i] + " out of range");
        }
      }
      in.finish();
      return new IdTracker(low, high, kinds, versions, sorted);
    }
  }

  private static long[] readLongs(StreamingFileReader in, int n) throws IOException {
    long[] out = new long[n];
    byte[] buf = new byte[8 * 4096];
    ByteBuffer view = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    for (int start = 0; start < n; start += 4096) {
      int count = Math.min(4096, n - start);
      in.readBytes(buf, 0, count * 8);
      for (int i = 0; i < count; i++) {
        out[start + i] = view.getLong(i * 8);
      }
    }
    return out;
  }
}
