package io.quiver.engine.hnsw;

import io.quiver.engine.store.CorruptFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The finished, immutable graph in its compact form: the same bytes whether it sits on the heap
 * after a build or is memory-mapped from a file, so search never needs to load it.
 *
 * <p>Each neighbour list is sorted and delta-encoded with a fixed bit width chosen per list, which
 * keeps level 0 near {@code log2(n / degree)} bits per link instead of 32, and decodes with one
 * unaligned 64-bit load and a shift per neighbour.
 *
 * <p>Byte layout (little-endian), the body of an {@code quiver.hnsw} file after the index's own
 * fields:
 *
 * <pre>
 * size         int32   number of nodes
 * m            int32
 * m0           int32
 * efConstruct  int32   (informational)
 * levels       int32   maxLevel + 1, 0 for an empty graph
 * entryNode    int32   -1 for an empty graph
 * per level l in [0, levels):
 *   members    int32   nodes on the level (= size on level 0)
 *   nodes      members x int32, ascending (absent on level 0, where member i is node i)
 *   blockShift int32   lists are grouped in blocks of 2^blockShift (at most 64)
 *   blocks     ceil(members / 2^blockShift) x int32, byte offset of each block's first list
 *   offsets    members x uint16, offset of each list from its block's first list
 *   dataLength int32
 *   data       dataLength bytes; each list is
 *                header uint16  count << 5 | bits, bits = width of every delta (0..31)
 *                deltas ceil(count * bits / 8) bytes, LSB-first; the first delta is from 0
 *              followed by 8 zero bytes so every list can be read with 64-bit loads
 * </pre>
 *
 * <p>Two-level offsets (an int per block, a short per list) cost a little over 2 bytes a node
 * instead of 4; the block size is chosen so a block's lists always fit in 64 KiB.
 */
final class PackedHnswGraph implements HnswGraph {

  private static final int LIST_HEADER = 2;
  private static final int PADDING = 8;
  private static final int MAX_BLOCK_SHIFT = 6;

  private final ByteBuffer buf;
  private final int size;
  private final int m;
  private final int m0;
  private final int efConstruct;
  private final int levels;
  private final int entryNode;
  private final int[] blocksPos;
  private final int[] blockShift;
  private final int[] offsetsPos;
  private final int[] dataPos;
  private final int[][] members;

  private PackedHnswGraph(
      ByteBuffer buf,
      int size,
      int m,
      int m0,
      int efConstruct,
      int levels,
      int entryNode,
      int[] blocksPos,
      int[] blockShift,
      int[] offsetsPos,
      int[] dataPos,
      int[][] members) {
    this.buf = buf;
    this.size = size;
    this.m = m;
    this.m0 = m0;
    this.efConstruct = efConstruct;
    this.levels = levels;
    this.entryNode = entryNode;
    this.blocksPos = blocksPos;
    this.blockShift = blockShift;
    this.offsetsPos = offsetsPos;
    this.dataPos = dataPos;
    this.members = members;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int maxLevel() {
    return levels - 1;
  }

  @Override
  public int entryNode() {
    return entryNode;
  }

  @Override
  public int maxDegree() {
    return Math.max(m, m0);
  }

  int m() {
    return m;
  }

  int m0() {
    return m0;
  }

  int efConstruct() {
    return efConstruct;
  }

  /** Bytes of the encoded graph. */
  long bytes() {
    return buf.limit();
  }

  /** The encoded graph, position 0 (a duplicate: callers may move its position). */
  ByteBuffer buffer() {
    return buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Nodes on {@code level}, ascending. */
  int[] levelNodes(int level) {
    if (level == 0) {
      int[] all = new int[size];
      Arrays.setAll(all, i -> i);
      return all;
    }
    return members[level].clone();
  }

  @Override
  public int neighbors(int level, int node, int[] dst) {
    int index = level == 0 ? node : Arrays.binarySearch(members[level], node);
    if (index < 0) {
      return 0;
    }
    int pos = listPosition(level, index);
    int header = buf.getShort(pos) & 0xffff;
    int count = header >>> 5;
    int bits = header & 31;
    long mask = (1L << bits) - 1;
    int base = pos + LIST_HEADER;
    long bitPos = 0;
    int value = 0;
    for (int i = 0; i < count; i++) {
      long word = buf.getLong(base + (int) (bitPos >>> 3));
      value += (int) ((word >>> (bitPos & 7)) & mask);
      dst[i] = value;
      bitPos += bits;
    }
    return count;
  }

  private int listPosition(int level, int index) {
    return dataPos[level]
        + buf.getInt(blocksPos[level] + 4 * (index >>> blockShift[level]))
        + (buf.getShort(offsetsPos[level] + 2 * index) & 0xffff);
  }

  /** The number of lists per block that keeps a block within 64 KiB, as a shift. */
  static int blockShift(int maxConn) {
    int maxListBytes = LIST_HEADER + (maxConn * 31 + 7) / 8;
    int shift = MAX_BLOCK_SHIFT;
    while (shift > 0 && (maxListBytes << shift) > 0xffff) {
      shift--;
    }
    return shift;
  }

  private static int blocks(int count, int shift) {
    return (count + (1 << shift) - 1) >>> shift;
  }

  /** Encodes a finished build graph. */
  static PackedHnswGraph pack(OnHeapHnswGraph g, HnswConfig config) {
    int size = g.size();
    int levels = size == 0 ? 0 : g.maxLevel() + 1;
    int[] scratch = new int[g.maxDegree()];
    long total = 6 * 4L;
    long[] dataLengths = new long[levels];
    for (int level = 0; level < levels; level++) {
      int count = g.membersOnLevel(level);
      int shift = blockShift(config.maxConn(level));
      total += 4L + (level > 0 ? 4L * count : 0) + 4L + 4L * blocks(count, shift) + 2L * count + 4L;
      long data = PADDING;
      for (int slot = 0; slot < count; slot++) {
        int n = sortedList(g, level, slot, scratch);
        data += LIST_HEADER + (n * (long) bitWidth(scratch, n) + 7) / 8;
      }
      dataLengths[level] = data;
      total += data;
    }
    if (total > Integer.MAX_VALUE - 4096) {
      throw new IllegalArgumentException(
          "a graph of "
              + size
              + " nodes needs "
              + total
              + " bytes, more than the 2 GiB one graph file holds; build smaller segments");
    }
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(size)
        .putInt(config.m())
        .putInt(config.m0())
        .putInt(config.efConstruct())
        .putInt(levels)
        .putInt(size == 0 ? -1 : g.entryNode());
    for (int level = 0; level < levels; level++) {
      int count = g.membersOnLevel(level);
      out.putInt(count);
      if (level > 0) {
        for (int slot = 0; slot < count; slot++) {
          out.putInt(g.slotNode(level, slot));
        }
      }
      int shift = blockShift(config.maxConn(level));
      out.putInt(shift);
      int blocksStart = out.position();
      int offsetsStart = blocksStart + 4 * blocks(count, shift);
      out.position(offsetsStart + 2 * count);
      out.putInt((int) dataLengths[level]);
      int dataStart = out.position();
      int blockStart = 0;
      for (int slot = 0; slot < count; slot++) {
        int offset = out.position() - dataStart;
        if ((slot & ((1 << shift) - 1)) == 0) {
          blockStart = offset;
          out.putInt(blocksStart + 4 * (slot >>> shift), blockStart);
        }
        out.putShort(offsetsStart + 2 * slot, (short) (offset - blockStart));
        int n = sortedList(g, level, slot, scratch);
        writeList(out, scratch, n);
      }
      out.put(new byte[PADDING]);
      assert out.position() - dataStart == dataLengths[level]
          : "level " + level + " data length mismatch";
    }
    assert !out.hasRemaining() : out.remaining() + " bytes left unwritten";
    out.flip();
    try {
      return read(out, null);
    } catch (CorruptFileException e) {
      throw new AssertionError("a freshly packed graph failed validation", e);
    }
  }

  private static int sortedList(OnHeapHnswGraph g, int level, int slot, int[] dst) {
    int n = g.neighbors(level, g.slotNode(level, slot), dst);
    Arrays.sort(dst, 0, n);
    return n;
  }

  private static int bitWidth(int[] sorted, int n) {
    int or = 0;
    int prev = 0;
    for (int i = 0; i < n; i++) {
      or |= sorted[i] - prev;
      prev = sorted[i];
    }
    return 32 - Integer.numberOfLeadingZeros(or);
  }

  private static void writeList(ByteBuffer out, int[] sorted, int n) {
    int bits = bitWidth(sorted, n);
    out.putShort((short) (n << 5 | bits));
    long acc = 0;
    int accBits = 0;
    int prev = 0;
    for (int i = 0; i < n; i++) {
      acc |= (long) (sorted[i] - prev) << accBits;
      prev = sorted[i];
      accBits += bits;
      while (accBits >= 8) {
        out.put((byte) acc);
        acc >>>= 8;
        accBits -= 8;
      }
    }
    if (accBits > 0) {
      out.put((byte) acc);
    }
  }

  /**
   * Reads and validates the structure of an encoded graph: every count, offset and node id is
   * checked to lie in range, so a well-checksummed but inconsistent file fails here, not in search.
   *
   * @param file names the file in errors, or null for a graph built in memory
   */
  static PackedHnswGraph read(ByteBuffer in, Path file) throws CorruptFileException {
    ByteBuffer buf = in.slice().order(ByteOrder.LITTLE_ENDIAN);
    try {
      int size = buf.getInt(0);
      int m = buf.getInt(4);
      int m0 = buf.getInt(8);
      int efConstruct = buf.getInt(12);
      int levels = buf.getInt(16);
      int entry = buf.getInt(20);
      check(size >= 0, file, "negative node count " + size);
      check(m >= 2 && m0 >= m && m0 <= 1024, file, "bad degrees m=" + m + ", m0=" + m0);
      check(levels >= 0 && levels <= 64, file, "bad level count " + levels);
      check(
          size == 0 ? entry == -1 && levels == 0 : entry >= 0 && entry < size && levels > 0,
          file,
          "entry node " + entry + " does not fit " + size + " nodes");
      int pos = 24;
      int[] blocksPos = new int[levels];
      int[] blockShift = new int[levels];
      int[] offsetsPos = new int[levels];
      int[] dataPos = new int[levels];
      int[][] members = new int[levels][];
      for (int level = 0; level < levels; level++) {
        int count = buf.getInt(pos);
        pos += 4;
        check(
            level == 0 ? count == size : count >= 0 && count <= size,
            file,
            "level " + level + " claims " + count + " nodes of " + size);
        if (level > 0) {
          members[level] = new int[count];
          int prev = -1;
          for (int i = 0; i < count; i++) {
            int node = buf.getInt(pos + 4 * i);
            check(node > prev && node < size, file, "level " + level + " lists bad node " + node);
            members[level][i] = node;
            prev = node;
          }
          pos += 4 * count;
        }
        int shift = buf.getInt(pos);
        pos += 4;
        check(shift >= 0 && shift <= MAX_BLOCK_SHIFT, file, "bad block shift " + shift);
        blockShift[level] = shift;
        blocksPos[level] = pos;
        pos += 4 * blocks(count, shift);
        offsetsPos[level] = pos;
        pos += 2 * count;
        int dataLength = buf.getInt(pos);
        pos += 4;
        dataPos[level] = pos;
        check(
            dataLength >= PADDING && (long) pos + dataLength <= buf.limit(),
            file,
            "level " + level + " data of " + dataLength + " bytes overruns the file");
        int maxConn = level == 0 ? m0 : m;
        for (int i = 0; i < count; i++) {
          long offset =
              (long) buf.getInt(blocksPos[level] + 4 * (i >>> shift))
                  + (buf.getShort(offsetsPos[level] + 2 * i) & 0xffff);
          check(
              offset >= 0 && offset + LIST_HEADER <= dataLength - PADDING,
              file,
              "level " + level + " list " + i + " offset " + offset + " is out of range");
          int header = buf.getShort(pos + (int) offset) & 0xffff;
          int n = header >>> 5;
          int bits = header & 31;
          check(
              n <= maxConn,
              file,
              "level " + level + " list " + i + " has " + n + " links of " + bits + " bits");
          check(
              offset + LIST_HEADER + ((long) n * bits + 7) / 8 <= dataLength - PADDING,
              file,
              "level " + level + " list " + i + " overruns the level data");
        }
        pos += dataLength;
      }
      check(pos == buf.limit(), file, (buf.limit() - pos) + " unexpected trailing bytes");
      buf.limit(pos);
      PackedHnswGraph graph =
          new PackedHnswGraph(
              buf,
              size,
              m,
              m0,
              efConstruct,
              levels,
              entry,
              blocksPos,
              blockShift,
              offsetsPos,
              dataPos,
              members);
      graph.checkNodeIds(file);
      return graph;
    } catch (IndexOutOfBoundsException e) {
      throw new CorruptFileException(
          file == null ? Path.of("<memory>") : file, "graph structure is truncated");
    }
  }

  private void checkNodeIds(Path file) throws CorruptFileException {
    int[] dst = new int[maxDegree()];
    for (int level = 0; level < levels; level++) {
      int count = level == 0 ? size : members[level].length;
      for (int i = 0; i < count; i++) {
        int node = level == 0 ? i : members[level][i];
        int n = neighbors(level, node, dst);
        if (n > 0) {
          check(
              dst[n - 1] < size && dst[0] >= 0,
              file,
              "node " + node + " on level " + level + " links to node " + dst[n - 1]);
        }
      }
    }
  }

  private static void check(boolean ok, Path file, String problem) throws CorruptFileException {
    if (!ok) {
      throw new CorruptFileException(file == null ? Path.of("<memory>") : file, problem);
    }
  }
}
