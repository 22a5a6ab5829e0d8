package io.quiver.spark.read;

import io.quiver.spark.HadoopConf;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructType;

/**
 * Plans a read of one version. Only the columns a query uses are read, and predicates on {@code id}
 * (equality, {@code IN}, ranges) are answered by the segments: by id lookup, and for a set of ids
 * by reading only the shards they route to. Predicates on other columns are left to Spark; payload
 * conditions go to the segments through the {@code filter} option (a Qdrant filter).
 */
public final class QuiverScanBuilder
    implements SupportsPushDownRequiredColumns, SupportsPushDownFilters {

  private final CollectionVersion version;
  private final ReadOptions options;
  private final HadoopConf conf;
  private StructType required;
  private IdPredicate ids = IdPredicate.ALL;
  private Filter[] pushed = new Filter[0];

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
  public Filter[] pushFilters(Filter[] filters) {
    List<Filter> answered = new ArrayList<>();
    List<Filter> left = new ArrayList<>();
    for (Filter filter : filters) {
      IdPredicate narrowed = ids.and(filter, options.stringIds);
      if (narrowed == null) {
        left.add(filter);
      } else {
        ids = narrowed;
        answered.add(filter);
      }
    }
    pushed = answered.toArray(new Filter[0]);
    return left.toArray(new Filter[0]);
  }

  @Override
  public Filter[] pushedFilters() {
    return pushed.clone();
  }

  @Override
  public Scan build() {
    return new QuiverScan(version, options, conf, required, ids);
  }
}
