package io.quiver.spark;

import io.quiver.spark.read.QuiverScanBuilder;
import io.quiver.spark.read.ReadOptions;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The {@code quiver} data source:
 *
 * <pre>{@code
 * df.write().format("quiver").option("path", "s3a://bucket/quiver").option("collection", "docs")
 *     .option("dimension", "768").mode("append").save();
 * spark.read().format("quiver").option("path", ...).option("collection", "docs").load();
 * }</pre>
 *
 * A write builds the collection's segments on the executors and publishes them as a new version
 * ({@link io.quiver.spark.write.QuiverWriteBuilder}); a read gives one DataFrame partition per
 * segment of the latest version. Use {@code mode("append")} or {@code mode("overwrite")}: Spark
 * refuses its default mode (error if exists) for path-less V2 sources.
 */
public final class QuiverDataSource implements TableProvider, DataSourceRegister {

  public static final String SHORT_NAME = "quiver";

  /** Set to true in a session's conf to honour the {@code test.*} failure injection options. */
  public static final String TESTING_CONF = "spark.quiver.testing";

  @Override
  public String shortName() {
    return SHORT_NAME;
  }

  /** Reads without a schema take it from the collection's manifest. */
  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return QuiverScanBuilder.open(ReadOptions.parse(options), new HadoopConf(hadoopConf()))
        .fullSchema();
  }

  /**
   * True so that a write hands over the DataFrame's schema instead of having one inferred from a
   * collection that may not exist yet.
   */
  @Override
  public boolean supportsExternalMetadata() {
    return true;
  }

  @Override
  public Table getTable(
      StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new QuiverTable(schema, properties);
  }

  static Configuration hadoopConf() {
    return new Configuration(SparkSession.active().sparkContext().hadoopConfiguration());
  }

  static boolean testing() {
    return Boolean.parseBoolean(SparkSession.active().conf().get(TESTING_CONF, "false"));
  }
}
