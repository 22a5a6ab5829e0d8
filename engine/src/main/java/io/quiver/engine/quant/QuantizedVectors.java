package io.quiver.engine.quant;

import io.quiver.engine.concurrent.Workers;
import io.quiver.engine.store.AtomicFileWriter;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.StreamingFileReader;
import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The codes of a set of vectors under one {@link VectorQuantizer}, held on the heap (the point of
 * quantization is that the codes fit in memory while the originals stay on disk). Code {@code ord}
 * lives at {@link #offsetOf}{@code (ord)} in {@link #chunkOf}{@code (ord)}; chunks hold a power of
 * two codes, so no array passes 1 GiB whatever the count.
 *
 * <p>File format {@value #FORMAT} version {@value #VERSION}, after the {@code FileFormat} header:
 *
 * <pre>
 * kind id          int32   {@link QuantizationKind#id()}
 * similarity id    int32   {@link VectorSimilarity#id()}
 * dimension        int32
 * count            int32   number of codes
 * codeBytes        int32   bytes per code
 * parametersLength int32
 * parameters       parametersLength bytes, the quantizer's own layout (see each quantizer)
 * codes            count * codeBytes bytes, code 0 first
 * </pre>
 *
 * The whole file is checksummed before any of it is used.
 */
public final class QuantizedVectors {

  public static final String FORMAT = "quiver.quant";
  public static final int VERSION = 1;
  private static final int MAX_CHUNK_BYTES = 1 << 30;
  private static final int ENCODE_BLOCK = 1024;

  private final VectorQuantizer quantizer;
  private final int count;
  private final int codeBytes;
  private final int chunkShift;
  private final int chunkMask;
  private final byte[][] chunks;

  private QuantizedVectors(VectorQuantizer quantizer, int count) {
    this.quantizer = quantizer;
    this.count = count;
    this.codeBytes = quantizer.codeBytes();
    int shift = 31 - Integer.numberOfLeadingZeros(Math.max(1, MAX_CHUNK_BYTES / codeBytes));
    this.chunkShift = Math.min(shift, 30);
    this.chunkMask = (1 << chunkShift) - 1;
    int chunkCount = count == 0 ? 0 : ((count - 1) >>> chunkShift) + 1;
    this.chunks = new byte[chunkCount][];
    for (int c = 0; c < chunkCount; c++) {
      int codes = Math.min(1 << chunkShift, count - (c << chunkShift));
      chunks[c] = new byte[codes * codeBytes];
    }
  }

  /** Encodes every vector of {@code vectors} with {@code threads} threads. */
  public static QuantizedVectors encode(
      VectorQuantizer quantizer, VectorValues vectors, int threads) {
    if (vectors.dimension() != quantizer.dimension()) {
      throw new IllegalArgumentException(
          "quantizer has dimension "
              + quantizer.dimension()
              + " but the vectors have dimension "
              + vectors.dimension());
    }
    QuantizedVectors codes = new QuantizedVectors(quantizer, vectors.size());
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          float[] v = new float[vectors.dimension()];
          for (int start; (start = next.getAndAdd(ENCODE_BLOCK)) < codes.count; ) {
            for (int ord = start, end = Math.min(codes.count, start + ENCODE_BLOCK);
                ord < end;
                ord++) {
              quantizer.encode(vectors.vector(ord, v), codes.chunkOf(ord), codes.offsetOf(ord));
            }
          }
        };
    runAll(worker, threads);
    return codes;
  }

  static void runAll(Runnable worker, int threads) {
    Throwable failure = Workers.run("quiver-quantize", threads, worker);
    if (failure != null) {
      throw Workers.unchecked("quantizing", failure);
    }
  }

  public VectorQuantizer quantizer() {
    return quantizer;
  }

  public int size() {
    return count;
  }

  public int codeBytes() {
    return codeBytes;
  }

  /** The array holding code {@code ord}. */
  public byte[] chunkOf(int ord) {
    return chunks[ord >>> chunkShift];
  }

  /** Where code {@code ord} starts in {@link #chunkOf}{@code (ord)}. */
  public int offsetOf(int ord) {
    return (ord & chunkMask) * codeBytes;
  }

  /** A scorer of a prepared {@code query} against these codes; confined to the calling thread. */
  public RandomVectorScorer scorer(float[] query) {
    return quantizer.scorer(query, this);
  }

  /** Decodes code {@code ord} (approximately the original vector). */
  public float[] decode(int ord, float[] dst) {
    return quantizer.decode(chunkOf(ord), offsetOf(ord), dst);
  }

  /** Heap bytes of codes and parameters. */
  public long heapBytes() {
    return (long) count * codeBytes + 16L * chunks.length + quantizer.parametersHeapBytes();
  }

  /** Writes parameters and codes to {@code file} atomically. */
  public void write(Path file, byte[] segmentId) throws IOException {
    try (AtomicFileWriter out = new AtomicFileWriter(file, FORMAT, VERSION, segmentId)) {
      ByteBuffer params =
          ByteBuffer.allocate(quantizer.parametersLength()).order(ByteOrder.LITTLE_ENDIAN);
      quantizer.writeParameters(params);
      if (params.hasRemaining()) {
        throw new IllegalStateException(
            quantizer.kind() + " wrote fewer parameter bytes than it announced");
      }
      params.flip();
      out.writeInt(quantizer.kind().id())
          .writeInt(quantizer.similarity().id())
          .writeInt(quantizer.dimension())
          .writeInt(count)
          .writeInt(codeBytes)
          .writeInt(params.remaining());
      out.writeBytes(params);
      for (byte[] chunk : chunks) {
        out.writeBytes(ByteBuffer.wrap(chunk));
      }
      out.commit();
    }
  }

  /** Reads a file written by {@link #write} onto the heap, verifying it entirely first. */
  public static QuantizedVectors read(Path file) throws IOException {
    try (StreamingFileReader in = StreamingFileReader.open(file, FORMAT, VERSION, VERSION)) {
      int kindId = in.readInt();
      int similarityId = in.readInt();
      int dimension = in.readInt();
      int count = in.readInt();
      int codeBytes = in.readInt();
      int parametersLength = in.readInt();
      QuantizationKind kind;
      VectorSimilarity similarity;
      try {
        kind = QuantizationKind.fromId(kindId);
        similarity = VectorSimilarity.fromId(similarityId);
      } catch (IllegalArgumentException e) {
        throw new CorruptFileException(file, e.getMessage());
      }
      if (dimension < 1 || count < 0 || codeBytes < 1 || parametersLength < 0) {
        throw new CorruptFileException(
            file,
            "bad sizes: dimension="
                + dimension
                + " count="
                + count
                + " codeBytes="
                + codeBytes
                + " parametersLength="
                + parametersLength);
      }
      if (in.remaining() != parametersLength + (long) count * codeBytes) {
        throw new CorruptFileException(
            file,
            "body holds "
                + in.remaining()
                + " bytes after its sizes; expected "
                + (parametersLength + (long) count * codeBytes));
      }
      byte[] params = new byte[parametersLength];
      in.readBytes(params, 0, parametersLength);
      VectorQuantizer quantizer =
          Quantizers.readParameters(
              kind,
              similarity,
              dimension,
              ByteBuffer.wrap(params).order(ByteOrder.LITTLE_ENDIAN),
              file);
      if (quantizer.codeBytes() != codeBytes) {
        throw new CorruptFileException(
            file,
            "codes are " + codeBytes + " bytes but the parameters give " + quantizer.codeBytes());
      }
      QuantizedVectors codes = new QuantizedVectors(quantizer, count);
      for (byte[] chunk : codes.chunks) {
        in.readBytes(chunk, 0, chunk.length);
      }
      in.finish();
      return codes;
    }
  }
}
