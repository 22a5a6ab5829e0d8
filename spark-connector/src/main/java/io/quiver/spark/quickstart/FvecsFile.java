package io.quiver.spark.quickstart;

import io.quiver.engine.vector.VecFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * An {@code .fvecs} file read where the rows are needed: given a partition of row numbers, the task
 * reads those records itself (the driver ships only the path), and makes the quickstart's rows
 * {@code (id, vector, row, bucket)} with the row number as the id.
 */
final class FvecsFile implements MapPartitionsFunction<Long, Row> {

  private final String path;
  private final long rows;
  private final int dimension;

  private FvecsFile(String path, long rows, int dimension) {
    this.path = path;
    this.rows = rows;
    this.dimension = dimension;
  }

  /** Reads the dimension from the first record and checks the size is a whole number of rows. */
  static FvecsFile open(Path file) throws IOException {
    VecFiles.Shape shape = VecFiles.shape(file);
    return new FvecsFile(file.toString(), shape.rows(), shape.dimension());
  }

  long rows() {
    return rows;
  }

  int dimension() {
    return dimension;
  }

  @Override
  public Iterator<Row> call(Iterator<Long> rowNumbers) throws IOException {
    List<Row> out = new ArrayList<>();
    ByteBuffer record = ByteBuffer.allocate(4 + 4 * dimension).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel channel = FileChannel.open(Path.of(path), StandardOpenOption.READ)) {
      while (rowNumbers.hasNext()) {
        long row = rowNumbers.next();
        record.clear();
        long offset = row * record.capacity();
        while (record.hasRemaining()) {
          if (channel.read(record, offset + record.position()) < 0) {
            throw new UncheckedIOException(new IOException(path + ": ends inside record " + row));
          }
        }
        if (record.getInt(0) != dimension) {
          throw new IOException(
              path
                  + ": record "
                  + row
                  + " has dimension "
                  + record.getInt(0)
                  + "; expected "
                  + dimension);
        }
        Float[] vector = new Float[dimension];
        for (int j = 0; j < dimension; j++) {
          vector[j] = record.getFloat(4 + 4 * j);
        }
        out.add(RowFactory.create(row, vector, (int) row, (int) (row % 10)));
      }
    }
    return out.iterator();
  }
}
