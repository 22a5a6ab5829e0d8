package io.quiver.spark.read;

import io.quiver.spark.HadoopConf;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructType;

/** Plans a read of one version; only the columns a query uses are read. */
public final class QuiverScanBuilder implements SupportsPushDownRequiredColumns {

  private final CollectionVersion version;
  private final ReadOptions options;
  private final HadoopConf conf;
  private StructType required;

  QuiverScanBuilder(CollectionVersion version, ReadOptions options, HadoopConf conf) {
    this.version = version;
    this.options = options;
    this.conf = conf;
    this.required = version.schema(options.stringIds);
  }

  /** Opens the version the options ask for. */
  public static QuiverScanBuilder open(ReadOptions options, HadoopConf conf) {
    try {
      return new QuiverScanBuilder(CollectionVersion.open(options, conf.get()), options, conf);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public StructType fullSchema() {
    return version.schema(options.stringIds);
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    this.required = requiredSchema;
  }

  @Override
  public Scan build() {
    return new QuiverScan(version, options, conf, required);
  }
}
