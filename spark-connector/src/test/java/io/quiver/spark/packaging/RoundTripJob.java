package io.quiver.spark.packaging;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * A Spark application that {@link SparkSubmitIT} submits with {@code spark-submit --jars
 * quiver-spark-*-shaded.jar}: it writes a collection with {@code format("quiver")}, reads it back
 * and checks it, and throws (so that spark-submit exits non-zero) on any difference.
 *
 * <p>It uses only Spark's and the JDK's API: its application jar holds nothing but this package's
 * two main classes, and the child JVM's classpath is Spark's own, so every Quiver class it reaches
 * comes from the shaded jar. It prints {@code quiver-packaging: key=value} lines that the test
 * checks: where Spark's own lz4, RoaringBitmap and Jackson come from, and which lz4 implementation
 * each copy of lz4-java chose.
 *
 * <p>Arguments: the directory to write the collection under.
 */
public final class RoundTripJob {

  static final int POINTS = 300;
  static final int DIMENSION = 8;
  static final String REPORT = "quiver-packaging: ";

  private RoundTripJob() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: RoundTripJob <directory>; got " + args.length);
    }
    SparkSession spark = SparkSession.builder().appName("quiver-packaging").getOrCreate();
    try {
      reportClassOrigins();
      roundTrip(spark, args[0]);
    } finally {
      spark.stop();
    }
  }

  private static void roundTrip(SparkSession spark, String path) {
    // Integer-valued floats: exact in float, so the vector read back must equal expected() exactly.
    Dataset<Row> points =
        spark
            .range(POINTS)
            .selectExpr(
                "id",
                "transform(sequence(0, "
                    + (DIMENSION - 1)
                    + "),"
                    + " j -> cast((id * 31 + j * 7) % 97 - 48 as float)) as vector",
                "concat('city-', id % 5) as city",
                "cast(id % 10 as int) as rank");
    points
        .write()
        .format("quiver")
        .option("path", path)
        .option("collection", "points")
        .option("shards", "2")
        .option("distance", "Euclid")
        .option("payload_indexes", "city:keyword")
        .mode("overwrite")
        .save();

    Dataset<Row> back =
        spark.read().format("quiver").option("path", path).option("collection", "points").load();
    check("partitions (one segment per shard)", 2, back.rdd().getNumPartitions());
    check("rows", (long) POINTS, back.count());
    check("distinct ids", (long) POINTS, back.select("id").distinct().count());

    List<Row> seven =
        back.where("id = 7")
            .select(
                functions.col("vector"),
                functions.get_json_object(functions.col("payload"), "$.city"),
                functions.get_json_object(functions.col("payload"), "$.rank"))
            .collectAsList();
    check("rows with id 7", 1, seven.size());
    Row row = seven.get(0);
    check("vector of id 7", Arrays.toString(expected(7)), row.getList(0).toString());
    check("city of id 7", "city-2", row.getString(1));
    check("rank of id 7", "7", row.getString(2));
    System.out.println(REPORT + "round-trip=ok");
  }

  static float[] expected(long id) {
    float[] vector = new float[DIMENSION];
    for (int j = 0; j < DIMENSION; j++) {
      vector[j] = (id * 31 + j * 7) % 97 - 48;
    }
    return vector;
  }

  private static void reportClassOrigins() throws ReflectiveOperationException, URISyntaxException {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    report("spark-lz4", origin(loader, "net.jpountz.lz4.LZ4Factory"));
    report("spark-roaringbitmap", origin(loader, "org.roaringbitmap.RoaringBitmap"));
    report("spark-jackson", origin(loader, "com.fasterxml.jackson.databind.ObjectMapper"));
    report("quiver-connector", origin(loader, "io.quiver.spark.QuiverDataSource"));
    report("spark-lz4-instance", fastestLz4(loader, "net.jpountz.lz4.LZ4Factory"));
    report("quiver-lz4", fastestLz4(loader, "io.quiver.shaded.net.jpountz.lz4.LZ4Factory"));
  }

  /** {@code LZ4Factory.fastestInstance()} of the given copy of lz4-java: JNI, JavaSafe, ... */
  private static String fastestLz4(ClassLoader loader, String factory)
      throws ReflectiveOperationException {
    return Class.forName(factory, true, loader)
        .getMethod("fastestInstance")
        .invoke(null)
        .toString();
  }

  static String origin(ClassLoader loader, String className)
      throws ClassNotFoundException, URISyntaxException {
    CodeSource source =
        Class.forName(className, false, loader).getProtectionDomain().getCodeSource();
    return source == null ? "(bootstrap)" : Path.of(source.getLocation().toURI()).toString();
  }

  static void report(String key, String value) {
    System.out.println(REPORT + key + "=" + value);
  }

  private static void check(String what, Object expected, Object actual) {
    if (!expected.equals(actual)) {
      throw new IllegalStateException(what + ": expected " + expected + "; got " + actual);
    }
  }
}
