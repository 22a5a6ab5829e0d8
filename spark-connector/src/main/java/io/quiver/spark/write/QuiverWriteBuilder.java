package io.quiver.spark.write;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;

/**
 * {@code mode("append")} adds a version holding the current points plus the new ones (new points
 * replace current ones with the same id); {@code mode("overwrite")} (truncate) adds a version
 * holding only the new points. Either way the earlier versions stay as they are.
 */
public final class QuiverWriteBuilder implements SupportsTruncate {

  private final LogicalWriteInfo info;
  private final WriteOptions options;
  private final Configuration hadoopConf;
  private boolean overwrite;

  public QuiverWriteBuilder(LogicalWriteInfo info, WriteOptions options, Configuration hadoopConf) {
    this.info = info;
    this.options = options;
    this.hadoopConf = hadoopConf;
  }

  @Override
  public WriteBuilder truncate() {
    overwrite = true;
    return this;
  }

  @Override
  public Write build() {
    return QuiverWrite.plan(options, info.schema(), info.queryId(), overwrite, hadoopConf);
  }
}
