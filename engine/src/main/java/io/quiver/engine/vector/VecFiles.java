package io.quiver.engine.vector;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes the TEXMEX {@code .fvecs} / {@code .ivecs} formats: a sequence of records, each
 * a little-endian {@code int32} dimension {@code d} followed by {@code d} little-endian float32
 * (fvecs) or int32 (ivecs) values. Every record of one file must have the same dimension.
 */
public final class VecFiles {

  private VecFiles() {}

  /** The number of records and their dimension, of a file the readers would accept. */
  public record Shape(int rows, int dimension) {
    /** Bytes of one record: the dimension field and the values. */
    public int recordBytes() {
      return 4 + 4 * dimension;
    }
  }

  /** The shape of an {@code .fvecs} or {@code .ivecs} file, from its first record and its size. */
  public static Shape shape(Path file) throws IOException {
    ByteBuffer buf = map(file);
    int dim = dimensionOf(file, buf);
    return new Shape(rowCount(file, buf, dim), dim);
  }

  public static float[][] readFvecs(Path file) throws IOException {
    ByteBuffer buf = map(file);
    int dim = dimensionOf(file, buf);
    int rows = rowCount(file, buf, dim);
    float[][] out = new float[rows][dim];
    for (int r = 0; r < rows; r++) {
      checkRecordDimension(file, buf.getInt(), dim, r);
      buf.asFloatBuffer().get(out[r]);
      buf.position(buf.position() + 4 * dim);
    }
    return out;
  }

  public static int[][] readIvecs(Path file) throws IOException {
    ByteBuffer buf = map(file);
    int dim = dimensionOf(file, buf);
    int rows = rowCount(file, buf, dim);
    int[][] out = new int[rows][dim];
    for (int r = 0; r < rows; r++) {
      checkRecordDimension(file, buf.getInt(), dim, r);
      buf.asIntBuffer().get(out[r]);
      buf.position(buf.position() + 4 * dim);
    }
    return out;
  }

  /** Writes {@code rows} as fvecs, through a temporary file renamed into place when complete. */
  public static void writeFvecs(Path file, float[][] rows) throws IOException {
    write(
        file,
        rows.length,
        rows.length == 0 ? 0 : rows[0].length,
        (r, b) -> {
          for (float x : rows[r]) {
            b.putFloat(x);
          }
        });
  }

  /** Writes {@code rows} as ivecs, through a temporary file renamed into place when complete. */
  public static void writeIvecs(Path file, int[][] rows) throws IOException {
    write(
        file,
        rows.length,
        rows.length == 0 ? 0 : rows[0].length,
        (r, b) -> {
          for (int x : rows[r]) {
            b.putInt(x);
          }
        });
  }

  private interface RowWriter {
    void put(int row, ByteBuffer buffer);
  }

  private static void write(Path file, int rows, int dim, RowWriter writer) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    boolean success = false;
    try {
      ByteBuffer record = ByteBuffer.allocate(4 + 4 * dim).order(ByteOrder.LITTLE_ENDIAN);
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        for (int r = 0; r < rows; r++) {
          record.clear();
          record.putInt(dim);
          writer.put(r, record);
          if (record.position() != record.capacity()) {
            throw new IllegalArgumentException(
                "row " + r + " has " + (record.position() - 4) / 4 + " values; expected " + dim);
          }
          out.write(record.array());
        }
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      success = true;
    } finally {
      if (!success) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static ByteBuffer map(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toAbsolutePath().toString(), null, "file not found");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new IOException(file + ": " + size + " bytes; files over 2 GiB are not supported");
      }
      MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      buf.order(ByteOrder.LITTLE_ENDIAN);
      return buf;
    }
  }

  private static int dimensionOf(Path file, ByteBuffer buf) throws IOException {
    if (buf.remaining() < 4) {
      throw new IOException(file + ": empty or truncated (" + buf.remaining() + " bytes)");
    }
    int dim = buf.getInt(0);
    if (dim <= 0) {
      throw new IOException(file + ": first record has dimension " + dim + "; expected > 0");
    }
    return dim;
  }

  private static int rowCount(Path file, ByteBuffer buf, int dim) throws IOException {
    long recordBytes = 4L + 4L * dim;
    if (buf.remaining() % recordBytes != 0) {
      throw new IOException(
          file
              + ": size "
              + buf.remaining()
              + " is not a multiple of the record size "
              + recordBytes
              + " (dimension "
              + dim
              + "); truncated or not a vecs file");
    }
    return (int) (buf.remaining() / recordBytes);
  }

  private static void checkRecordDimension(Path file, int got, int dim, int row)
      throws IOException {
    if (got != dim) {
      throw new IOException(
          file + ": record " + row + " has dimension " + got + "; expected " + dim);
    }
  }
}
