package io.quiver.benchmarks.spark;

import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The benchmark's source inside Spark: turns a partition of {@code spark.range} ids into rows
 * {@code (id, vector)} whose vector is the harness's generated point of that ordinal, read from a
 * broadcast of the base vectors. On {@code local[T]} the executors share the driver's JVM, so the
 * broadcast value is the driver's own array and producing a row costs a lookup and the row
 * encoding: the input is as cheap as a source can be, which keeps it out of the comparison (its
 * cost is also measured alone, by writing the same DataFrame to Spark's {@code noop} sink).
 */
final class PointRows implements MapPartitionsFunction<Long, Row> {

  private static final long serialVersionUID = 1L;

  /** {@code id: bigint not null, vector: array<float not null> not null}; no payload columns. */
  static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType, false)
          .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  private final Broadcast<float[][]> vectors;

  PointRows(Broadcast<float[][]> vectors) {
    this.vectors = vectors;
  }

  @Override
  public Iterator<Row> call(Iterator<Long> ids) {
    float[][] base = vectors.value();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return ids.hasNext();
      }

      @Override
      public Row next() {
        long id = ids.next();
        return RowFactory.create(id, base[(int) id]);
      }
    };
  }
}
