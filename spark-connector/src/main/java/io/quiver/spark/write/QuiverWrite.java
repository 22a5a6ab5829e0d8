package io.quiver.spark.write;

import io.quiver.engine.snapshot.ManifestCodec;
import io.quiver.engine.snapshot.SnapshotManifest;
import io.quiver.engine.snapshot.store.CollectionLayout;
import io.quiver.engine.snapshot.store.HadoopFiles;
import io.quiver.spark.HadoopConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.connector.distributions.Distribution;
import org.apache.spark.sql.connector.distributions.Distributions;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.SortOrder;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.RequiresDistributionAndOrdering;
import org.apache.spark.sql.types.StructType;

/**
 * A batch write of one new version: the DataFrame is clustered by the id column into {@code shards
 * x slices_per_shard} partitions, so all rows of an id meet in one task (which deduplicates them),
 * and each task builds the segment of one shard.
 *
 * <p>Why clustering by the id column and not by {@code pmod(hash(id), shards)}: a DataSource V2
 * write can only ask for a distribution over columns and transforms, and Spark resolves transforms
 * other than identity only through a catalog's function catalog, which a path-based source does not
 * have. Spark hash-partitions the id column with {@code pmod(murmur3(id, 42), n)} — exactly the
 * engine's {@link io.quiver.engine.point.ShardRouter} for long ids and canonical UUID strings — so
 * partition {@code p} holds shard {@code p mod shards}. The tasks still route every row through
 * {@code ShardRouter} themselves; where the two disagree (an int id column, UUIDs in another
 * spelling) a task builds one segment per shard it sees, which is correct, only less compact.
 */
final class QuiverWrite implements RequiresDistributionAndOrdering {

  private final WriteJob job;
  private final SnapshotManifest previous;

  private QuiverWrite(WriteJob job, SnapshotManifest previous) {
    this.job = job;
    this.previous = previous;
  }

  /**
   * Plans the write on the driver: reads the current version, picks the new version's number,
   * checks the options against the schema (and, on append, against the collection).
   */
  static QuiverWrite plan(
      WriteOptions options,
      StructType schema,
      String jobId,
      boolean overwrite,
      Configuration hadoopConf) {
    CollectionLayout layout = new CollectionLayout(options.path, options.collection);
    try {
      FileSystem fs = HadoopFiles.fileSystem(options.path, hadoopConf);
      OptionalLong current = layout.latestCommitted(fs);
      SnapshotManifest previous = null;
      if (!overwrite && current.isPresent()) {
        previous =
            ManifestCodec.decode(HadoopFiles.readAll(fs, layout.manifest(current.getAsLong())));
      }
      CollectionSpec spec;
      int shards;
      if (previous != null) {
        spec = CollectionSpec.fromManifest(previous.config(), options);
        shards = previous.shards().size();
        if (options.shards != null && options.shards != shards) {
          throw new IllegalArgumentException(
              "option 'shards' is "
                  + options.shards
                  + ", but version "
                  + previous.version()
                  + " of "
                  + layout
                  + " has "
                  + shards
                  + " shards; an append keeps the shard count (leave 'shards' out, or overwrite)");
        }
      } else {
        spec = CollectionSpec.fromOptions(options);
        shards = options.shards == null ? 1 : options.shards;
      }
      RowConverter converter = new RowConverter(schema, options);
      if (options.skipBadRows && !spec.knownDimensions().keySet().containsAll(spec.vectorNames())) {
        throw new IllegalArgumentException(
            "on_error=skip needs the vector sizes up front (option 'dimension' or 'dimensions'),"
                + " so that a bad first row cannot decide them");
      }
      long version = Math.max(layout.highestVersionDir(fs), current.orElse(0)) + 1;
      WriteJob job =
          new WriteJob(
              options,
              layout,
              new HadoopConf(hadoopConf),
              spec,
              converter,
              version,
              jobId,
              shards,
              previous != null);
      return new QuiverWrite(job, previous);
    } catch (IOException e) {
      throw new UncheckedIOException("planning the write to " + layout + " failed", e);
    }
  }

  @Override
  public Distribution requiredDistribution() {
    String quoted = "`" + job.options().idColumn.replace("`", "``") + "`";
    return Distributions.clustered(new Expression[] {Expressions.column(quoted)});
  }

  @Override
  public boolean distributionStrictlyRequired() {
    return true;
  }

  @Override
  public int requiredNumPartitions() {
    return job.partitions();
  }

  @Override
  public SortOrder[] requiredOrdering() {
    return new SortOrder[0];
  }

  @Override
  public String description() {
    return "quiver "
        + (job.append() ? "append" : "write")
        + " of "
        + job.layout()
        + " version "
        + job.version()
        + " ("
        + job.shards()
        + " shards)";
  }

  @Override
  public BatchWrite toBatch() {
    return new QuiverBatchWrite(job, previous);
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return WriteMetrics.supported();
  }
}
