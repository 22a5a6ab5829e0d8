package io.quiver.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Small DataFrames of seeded vectors and the writer/reader setup the tests share. */
final class Writes {

  /** The seed of every generated vector; printed in failure messages where it matters. */
  static final long SEED = 0x5EED_0006L;

  static final StructType POINTS =
      new StructType()
          .add("id", DataTypes.LongType)
          .add("vector", DataTypes.createArrayType(DataTypes.FloatType))
          .add("name", DataTypes.StringType);

  private Writes() {}

  static float[] vector(long id, int salt, int dim) {
    SplittableRandom r = new SplittableRandom(SEED ^ (id * 31 + salt));
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    return v;
  }

  /** Points {@code from..to-1} with vectors and names that depend on {@code salt}. */
  static Dataset<Row> points(SparkSession spark, long from, long to, int salt, int dim) {
    List<Row> rows = new ArrayList<>();
    for (long id = from; id < to; id++) {
      rows.add(RowFactory.create(id, vector(id, salt, dim), "p" + id + "-s" + salt));
    }
    return spark.createDataFrame(rows, POINTS).repartition(3);
  }

  static DataFrameWriter<Row> writer(Dataset<Row> df, Path root, String collection) {
    return df.write()
        .format("quiver")
        .option("path", root.toUri().toString())
        .option("collection", collection)
        .option("distance", "Euclid");
  }

  static Dataset<Row> read(SparkSession spark, Path root, String collection) {
    return spark
        .read()
        .format("quiver")
        .option("path", root.toUri().toString())
        .option("collection", collection)
        .load();
  }

  /** Every message along a cause chain, for asserting on what a failed job reports. */
  static String messages(Throwable t) {
    StringBuilder out = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      out.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
    }
    return out.toString();
  }
}
