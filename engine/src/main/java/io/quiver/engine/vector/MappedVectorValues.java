package io.quiver.engine.vector;

import io.quiver.engine.store.AtomicFileWriter;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.FileFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Vectors read from a memory-mapped file, with no 2 GiB limit: the file is mapped in chunks that
 * each hold a whole number of vectors. A scorer copies each stored vector into scratch space and
 * scores it with the same kernels as {@link ArrayVectorValues}.
 *
 * <p>File layout (format {@value #FORMAT}, version 1, little-endian), framed by {@link
 * FileFormat}'s header and checksum footer:
 *
 * <pre>
 * dimension  int32
 * count      int32
 * padding    zero bytes up to the next multiple of 64 from the file start
 * vectors    count x dimension float32, vector-major
 * </pre>
 */
public final class MappedVectorValues extends VectorValues {

  public static final String FORMAT = "quiver.vectors";
  public static final int VERSION = 1;
  private static final long MAX_CHUNK_BYTES = 1L << 30;

  private final int dimension;
  private final int size;
  private final int chunkShift;
  private final int chunkMask;
  private final FloatBuffer[] chunks;
  private final long mappedBytes;
  private final ThreadLocal<float[]> pairScratch;

  private MappedVectorValues(
      int dimension, int size, int chunkShift, FloatBuffer[] chunks, long mappedBytes) {
    this.dimension = dimension;
    this.size = size;
    this.chunkShift = chunkShift;
    this.chunkMask = (1 << chunkShift) - 1;
    this.chunks = chunks;
    this.mappedBytes = mappedBytes;
    this.pairScratch = ThreadLocal.withInitial(() -> new float[2 * dimension]);
  }

  /** Writes {@code values} to {@code file} atomically. */
  public static void write(Path file, VectorValues values, byte[] segmentId) throws IOException {
    int dim = values.dimension();
    try (AtomicFileWriter out = new AtomicFileWriter(file, FORMAT, VERSION, segmentId)) {
      out.writeInt(dim).writeInt(values.size());
      while (out.position() % 64 != 0) {
        out.writeBytes(ByteBuffer.wrap(new byte[] {0}));
      }
      float[] scratch = new float[dim];
      for (int ord = 0; ord < values.size(); ord++) {
        out.writeFloats(values.vector(ord, scratch), 0, dim);
      }
      out.commit();
    }
  }

  /** Maps {@code file} after verifying its header and checksum. */
  public static MappedVectorValues open(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long fileSize = ch.size();
      int headerLength = FileFormat.headerLength(FORMAT);
      if (fileSize < headerLength + 8 + FileFormat.FOOTER_LENGTH) {
        throw new CorruptFileException(file, "file is truncated: only " + fileSize + " bytes");
      }
      ByteBuffer head =
          ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(fileSize, 4096))
              .order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer footer =
          ch.map(
                  FileChannel.MapMode.READ_ONLY,
                  fileSize - FileFormat.FOOTER_LENGTH,
                  FileFormat.FOOTER_LENGTH)
              .order(ByteOrder.LITTLE_ENDIAN);
      checkHeaderOnly(head, file);
      int dimension = head.getInt(headerLength);
      int count = head.getInt(headerLength + 4);
      if (dimension < 1 || count < 0) {
        throw new CorruptFileException(
            file, "bad vector file shape: dimension " + dimension + ", count " + count);
      }
      long dataStart = align64(headerLength + 8L);
      long expectedSize = dataStart + (long) count * dimension * 4 + FileFormat.FOOTER_LENGTH;
      if (fileSize != expectedSize) {
        throw new CorruptFileException(
            file,
            "file is "
                + fileSize
                + " bytes; "
                + count
                + " vectors of dimension "
                + dimension
                + " need "
                + expectedSize);
      }
      verifyChecksum(ch, fileSize, footer, file);

      int perChunk = Integer.highestOneBit((int) Math.max(1, MAX_CHUNK_BYTES / (4L * dimension)));
      int chunkShift = Integer.numberOfTrailingZeros(perChunk);
      int chunkCount = count == 0 ? 0 : ((count - 1) >>> chunkShift) + 1;
      FloatBuffer[] chunks = new FloatBuffer[chunkCount];
      for (int c = 0; c < chunkCount; c++) {
        long firstOrd = (long) c << chunkShift;
        long vectors = Math.min(perChunk, count - firstOrd);
        chunks[c] =
            ch.map(
                    FileChannel.MapMode.READ_ONLY,
                    dataStart + firstOrd * dimension * 4,
                    vectors * dimension * 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
      }
      return new MappedVectorValues(dimension, count, chunkShift, chunks, fileSize);
    }
  }

  private static void checkHeaderOnly(ByteBuffer head, Path file) throws CorruptFileException {
    // FileFormat.checkHeader wants room for a footer after the header; the head mapping has it.
    FileFormat.checkHeader(head, file, FORMAT, VERSION, VERSION, null);
  }

  private static void verifyChecksum(FileChannel ch, long fileSize, ByteBuffer footer, Path file)
      throws IOException {
    if (footer.getInt(0) != FileFormat.FOOTER_MAGIC || footer.getInt(4) != 0) {
      throw new CorruptFileException(file, "footer is missing or damaged (file truncated?)");
    }
    CRC32 crc = new CRC32();
    long covered = fileSize - 8;
    for (long pos = 0; pos < covered; pos += MAX_CHUNK_BYTES) {
      long len = Math.min(MAX_CHUNK_BYTES, covered - pos);
      crc.update(ch.map(FileChannel.MapMode.READ_ONLY, pos, len));
    }
    long expected = footer.getLong(8);
    if (crc.getValue() != expected) {
      throw new CorruptFileException(
          file,
          String.format(
              "checksum mismatch: footer says 0x%08x, content is 0x%08x",
              expected, crc.getValue()));
    }
  }

  private static long align64(long v) {
    return (v + 63) & ~63L;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public float[] vector(int ord, float[] dst) {
    if (ord < 0 || ord >= size) {
      throw new IndexOutOfBoundsException("ordinal " + ord + " outside [0, " + size + ")");
    }
    chunks[ord >>> chunkShift].get((ord & chunkMask) * dimension, dst, 0, dimension);
    return dst;
  }

  @Override
  public RandomVectorScorer scorer(VectorSimilarity similarity, float[] query) {
    Vectors.checkValid(query, dimension, "query vector");
    return new Scorer(similarity, query);
  }

  @Override
  public RandomVectorScorer scorer(VectorSimilarity similarity, int ord) {
    return new Scorer(similarity, vector(ord, new float[dimension]));
  }

  @Override
  public float score(VectorSimilarity similarity, int a, int b) {
    float[] pair = pairScratch.get();
    chunks[a >>> chunkShift].get((a & chunkMask) * dimension, pair, 0, dimension);
    chunks[b >>> chunkShift].get((b & chunkMask) * dimension, pair, dimension, dimension);
    return similarity.score(VectorOpsProvider.get(), pair, 0, pair, dimension, dimension);
  }

  @Override
  public long heapBytes() {
    return 64L + 16L * chunks.length;
  }

  @Override
  public long offHeapBytes() {
    return mappedBytes;
  }

  private final class Scorer implements RandomVectorScorer {
    private final VectorOps ops = VectorOpsProvider.get();
    private final VectorSimilarity similarity;
    private final float[] query;
    private final float[] scratch = new float[VectorOps.MAX_MANY * dimension];
    private final float[][] batch = new float[VectorOps.MAX_MANY][];
    private final int[] batchOffsets = new int[VectorOps.MAX_MANY];
    private final float[] batchScores = new float[VectorOps.MAX_MANY];

    Scorer(VectorSimilarity similarity, float[] query) {
      this.similarity = similarity;
      this.query = query;
      Arrays.fill(batch, scratch);
      for (int i = 0; i < VectorOps.MAX_MANY; i++) {
        batchOffsets[i] = i * dimension;
      }
    }

    private void load(int ord, int slot) {
      chunks[ord >>> chunkShift].get(
          (ord & chunkMask) * dimension, scratch, slot * dimension, dimension);
    }

    @Override
    public float score(int ord) {
      load(ord, 0);
      return similarity.score(ops, query, 0, scratch, 0, dimension);
    }

    /** Copied into scratch slots, then scored with the heap's kernels, as many per call. */
    @Override
    public void bulkScore(int[] ords, float[] scores, int count) {
      for (int from = 0; from < count; from += VectorOps.MAX_MANY) {
        int n = Math.min(VectorOps.MAX_MANY, count - from);
        for (int i = 0; i < n; i++) {
          load(ords[from + i], i);
        }
        similarity.scoreMany(ops, query, 0, batch, batchOffsets, n, dimension, batchScores);
        System.arraycopy(batchScores, 0, scores, from, n);
      }
    }
  }
}
