package io.quiver.spark;

import io.quiver.spark.read.QuiverScanBuilder;
import io.quiver.spark.read.ReadOptions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.Column;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A quiver collection as a Spark table. Its schema is the DataFrame's on a write (any schema is
 * accepted: the options say which columns are the id, vectors, version and payload) and the
 * collection's on a read. A DataFrame write builds a snapshot, a streaming write sends upserts and
 * deletes to a node.
 */
final class QuiverTable implements SupportsRead, SupportsWrite {

  private final StructType schema;
  private final Map<String, String> properties;

  QuiverTable(StructType schema, Map<String, String> properties) {
    this.schema = schema;
    this.properties = Map.copyOf(properties);
  }

  @Override
  public String name() {
    return "quiver:" + new CaseInsensitiveStringMap(properties).getOrDefault("collection", "?");
  }

  @Override
  public Column[] columns() {
    StructField[] fields = schema.fields();
    Column[] out = new Column[fields.length];
    for (int i = 0; i < fields.length; i++) {
      out[i] = Column.create(fields[i].name(), fields[i].dataType(), fields[i].nullable());
    }
    return out;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return EnumSet.of(
        TableCapability.BATCH_READ,
        TableCapability.BATCH_WRITE,
        TableCapability.STREAMING_WRITE,
        TableCapability.TRUNCATE,
        TableCapability.ACCEPT_ANY_SCHEMA);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    QuiverScanBuilder builder =
        QuiverScanBuilder.open(
            ReadOptions.parse(options), new HadoopConf(QuiverDataSource.hadoopConf()));
    if (!builder.fullSchema().equals(schema)) {
      throw new IllegalArgumentException(
          "a quiver read takes its schema from the collection ("
              + builder.fullSchema().simpleString()
              + "), not "
              + schema.simpleString()
              + "; leave out .schema(...), or read again if the collection just changed");
    }
    return builder;
  }

  /** A batch write (a snapshot build) or a streaming write (to a node), as Spark calls for. */
  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    return new BatchOrStreamingWriteBuilder(info);
  }
}
