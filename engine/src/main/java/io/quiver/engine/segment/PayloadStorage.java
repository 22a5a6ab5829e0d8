package io.quiver.engine.segment;

import io.quiver.engine.store.AtomicFileWriter;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.FileFormat;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * An immutable segment's payloads: each point's JSON (UTF-8) in offset order, packed into
 * LZ4-compressed blocks of about {@value #BLOCK_BYTES} bytes, read back one block at a time with
 * one positional read each (no mapping, so no size limit). Each reading thread keeps its last
 * decompressed block, so scanning offsets in order decompresses each block once; a search's hits
 * land in random blocks, so blocks are kept small (4 KiB: one read, a few microseconds to inflate)
 * and a block is only parsed as far as the point asked for.
 *
 * <p>File layout (format {@value #FORMAT}, version 1, little-endian), inside {@code FileFormat}'s
 * header and CRC footer:
 *
 * <pre>
 * blocks     per block: rawLength int32, compressedLength int32, LZ4 block bytes;
 *            the raw block is, per point: length varint, JSON bytes (length 0 = empty payload)
 * index      per block: fileOffset int64 (of its rawLength field), firstPoint int32
 * trailer    pointCount int32, blockCount int32, indexOffset int64 (file offset of index)
 * </pre>
 */
public final class PayloadStorage implements Closeable {

  public static final String FORMAT = "quiver.payload";
  public static final int VERSION = 1;
  static final int BLOCK_BYTES = 1 << 12;
  private static final int TRAILER_BYTES = 16;
  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

  private final Path file;
  private final FileChannel channel;
  private final int pointCount;
  private final long[] blockOffsets;
  private final int[] blockFirstPoints;
  private final long indexOffset;
  private final ThreadLocal<Block> cache = ThreadLocal.withInitial(Block::new);
  private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();

  private PayloadStorage(
      Path file,
      FileChannel channel,
      int pointCount,
      long[] offsets,
      int[] firstPoints,
      long indexOffset) {
    this.file = file;
    this.channel = channel;
    this.pointCount = pointCount;
    this.blockOffsets = offsets;
    this.blockFirstPoints = firstPoints;
    this.indexOffset = indexOffset;
  }

  /** Writes payloads in offset order; {@link #finish()} makes the file visible. */
  public static final class Writer implements Closeable {
    private final AtomicFileWriter out;
    private final LZ4Compressor compressor = LZ4.fastCompressor();
    private byte[] raw = new byte[BLOCK_BYTES + 1024];
    private int rawLength;
    private int points;
    private int blockFirstPoint;
    private long[] offsets = new long[16];
    private int[] firstPoints = new int[16];
    private int blocks;

    public Writer(Path file, byte[] segmentId) throws IOException {
      this.out = new AtomicFileWriter(file, FORMAT, VERSION, segmentId);
    }

    /** Appends the next point's payload JSON ({@code null} or empty = no payload). */
    public void add(byte[] json) throws IOException {
      int length = json == null ? 0 : json.length;
      ensure(5 + length);
      rawLength = putVarint(raw, rawLength, length);
      if (length > 0) {
        System.arraycopy(json, 0, raw, rawLength, length);
        rawLength += length;
      }
      points++;
      if (rawLength >= BLOCK_BYTES) {
        flushBlock();
      }
    }

    private void ensure(int extra) {
      if (rawLength + extra > raw.length) {
        raw = Arrays.copyOf(raw, Math.max(raw.length * 2, rawLength + extra));
      }
    }

    private void flushBlock() throws IOException {
      if (points == blockFirstPoint) {
        return;
      }
      if (blocks == offsets.length) {
        offsets = Arrays.copyOf(offsets, blocks * 2);
        firstPoints = Arrays.copyOf(firstPoints, blocks * 2);
      }
      offsets[blocks] = out.position();
      firstPoints[blocks] = blockFirstPoint;
      blocks++;
      byte[] compressed = compressor.compress(raw, 0, rawLength);
      out.writeInt(rawLength).writeInt(compressed.length);
      out.writeBytes(ByteBuffer.wrap(compressed));
      rawLength = 0;
      blockFirstPoint = points;
    }

    public int size() {
      return points;
    }

    public void finish() throws IOException {
      flushBlock();
      long indexOffset = out.position();
      for (int b = 0; b < blocks; b++) {
        out.writeLong(offsets[b]).writeInt(firstPoints[b]);
      }
      out.writeInt(points).writeInt(blocks).writeLong(indexOffset);
      out.commit();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** Opens {@code file} after checking its header and whole-file checksum. */
  public static PayloadStorage open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    boolean success = false;
    try {
      FileFormat.Header header = FileFormat.checkStreaming(ch, file, FORMAT, VERSION, VERSION);
      long bodyEnd = ch.size() - FileFormat.FOOTER_LENGTH;
      if (bodyEnd - header.length < TRAILER_BYTES) {
        throw new CorruptFileException(file, "payload file has no trailer");
      }
      ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      FileFormat.readFully(ch, trailer, bodyEnd - TRAILER_BYTES, file);
      int points = trailer.getInt(0);
      int blocks = trailer.getInt(4);
      long indexOffset = trailer.getLong(8);
      if (points < 0
          || blocks < 0
          || indexOffset < header.length
          || indexOffset + 12L * blocks != bodyEnd - TRAILER_BYTES) {
        throw new CorruptFileException(
            file, "bad payload trailer: " + points + " points, " + blocks + " blocks");
      }
      ByteBuffer index = ByteBuffer.allocate(12 * blocks).order(ByteOrder.LITTLE_ENDIAN);
      FileFormat.readFully(ch, index, indexOffset, file);
      long[] offsets = new long[blocks];
      int[] firstPoints = new int[blocks];
      for (int b = 0; b < blocks; b++) {
        offsets[b] = index.getLong(12 * b);
        firstPoints[b] = index.getInt(12 * b + 8);
        if (offsets[b] < header.length
            || offsets[b] >= indexOffset
            || firstPoints[b] >= points
            || (b > 0 && firstPoints[b] <= firstPoints[b - 1])) {
          throw new CorruptFileException(file, "bad payload block index entry " + b);
        }
      }
      success = true;
      return new PayloadStorage(file, ch, points, offsets, firstPoints, indexOffset);
    } finally {
      if (!success) {
        ch.close();
      }
    }
  }

  public int size() {
    return pointCount;
  }

  /** The JSON bytes of {@code offset}'s payload; an empty array when it has none. */
  public byte[] get(int offset) throws IOException {
    if (offset < 0 || offset >= pointCount) {
      throw new IndexOutOfBoundsException("payload offset " + offset + " of " + pointCount);
    }
    int block = Arrays.binarySearch(blockFirstPoints, offset);
    if (block < 0) {
      block = -block - 2;
    }
    Block b = cache.get();
    if (b.index != block) {
      load(block, b);
    }
    int i = offset - blockFirstPoints[block];
    if (i >= b.located) {
      locate(block, b, i);
    }
    return Arrays.copyOfRange(b.raw, b.starts[i], b.ends[i]);
  }

  /**
   * Reads block {@code block} (header and LZ4 bytes in one read) and inflates it into {@code b}.
   */
  private void load(int block, Block b) throws IOException {
    b.index = -1; // until the block is fully in place
    long start = blockOffsets[block];
    long end = block + 1 < blockOffsets.length ? blockOffsets[block + 1] : indexOffset;
    if (end - start < 8 || end - start > (1 << 30)) {
      throw new CorruptFileException(file, "bad payload block extent at block " + block);
    }
    int length = (int) (end - start);
    if (b.stored.length < length) {
      b.stored = new byte[length];
    }
    FileFormat.readFully(channel, ByteBuffer.wrap(b.stored, 0, length), start, file);
    ByteBuffer head = ByteBuffer.wrap(b.stored, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
    int rawLength = head.getInt(0);
    int compressedLength = head.getInt(4);
    if (rawLength < 0 || compressedLength != length - 8) {
      throw new CorruptFileException(file, "bad payload block header at block " + block);
    }
    if (b.raw.length < rawLength) {
      b.raw = new byte[rawLength];
    }
    int n = decompressor.decompress(b.stored, 8, compressedLength, b.raw, 0);
    if (n != rawLength) {
      throw new CorruptFileException(file, "payload block " + block + " decompressed short");
    }
    int first = blockFirstPoints[block];
    int last = block + 1 < blockFirstPoints.length ? blockFirstPoints[block + 1] : pointCount;
    int count = last - first;
    if (b.starts.length < count) {
      b.starts = new int[count];
      b.ends = new int[count];
    }
    b.count = count;
    b.rawLength = rawLength;
    b.located = 0;
    b.position = 0;
    b.index = block;
  }

  /**
   * Finds where the block's points up to {@code upTo} start and end, going on from where the last
   * call stopped, so that reading a point of a loaded block is one copy whether the reads come in
   * order (a scan) or at random (a search's hits); the last point checks that the block ends there.
   */
  private void locate(int block, Block b, int upTo) throws CorruptFileException {
    int pos = b.position;
    for (int i = b.located; i <= upTo; i++) {
      int length = 0;
      int shift = 0;
      byte next;
      do {
        if (pos >= b.rawLength || shift > 28) {
          throw new CorruptFileException(
              file,
              "payload block " + block + " ends inside point " + (blockFirstPoints[block] + i));
        }
        next = b.raw[pos++];
        length |= (next & 0x7f) << shift;
        shift += 7;
      } while (next < 0);
      if (length < 0 || length > b.rawLength - pos) {
        throw new CorruptFileException(
            file, "payload block " + block + " ends inside point " + (blockFirstPoints[block] + i));
      }
      b.starts[i] = pos;
      pos += length;
      b.ends[i] = pos;
    }
    b.located = upTo + 1;
    b.position = pos;
    if (b.located == b.count && pos != b.rawLength) {
      throw new CorruptFileException(
          file,
          "payload block " + block + " has " + (b.rawLength - pos) + " bytes after its points");
    }
  }

  private static int putVarint(byte[] dst, int pos, int value) {
    while ((value & ~0x7f) != 0) {
      dst[pos++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    dst[pos++] = (byte) value;
    return pos;
  }

  /** One thread's last block: as stored, inflated, and its points located so far. */
  private static final class Block {
    int index = -1;
    byte[] stored = new byte[0];
    byte[] raw = new byte[BLOCK_BYTES + 1024];
    int rawLength;
    int count;
    int located;
    int position;
    int[] starts = new int[0];
    int[] ends = new int[0];
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
