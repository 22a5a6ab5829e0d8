package io.quiver.spark.stream;

import io.quiver.engine.point.PointId;
import io.quiver.spark.write.RowConverter;
import java.io.IOException;
import java.util.Locale;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task of a micro-batch: turns rows into upserts and deletes, keeps the last write of each id
 * ({@link PointBuffer}) and sends them to the node in batches, in order, each acknowledged ({@code
 * wait=true}) before the next. Commit returns once everything the task read is acknowledged. What
 * was sent stays sent: an aborted task leaves its acknowledged batches applied, and Spark runs the
 * task (or the micro-batch) again, which applies the same writes in the same order (at least once,
 * with the effect of exactly once for a given input).
 */
final class NodeDataWriter implements DataWriter<InternalRow>, PointBuffer.Sender {

  private static final Logger LOG = LoggerFactory.getLogger(NodeDataWriter.class);

  private final NodeWriterFactory job;
  private final int partition;
  private final long epoch;
  private final RowConverter converter;
  private final RowConverter.Dimensions dimensions;
  private final NodeClient client;
  private final PointBuffer buffer;
  private final String pointsPath;
  private final NodeClient.Counts counts = new NodeClient.Counts();
  private long rows;
  private long upserted;
  private long deleted;

  NodeDataWriter(NodeWriterFactory job, int partition, long epoch) {
    this.job = job;
    this.partition = partition;
    this.epoch = epoch;
    StreamWriteOptions o = job.options();
    this.converter = job.converter();
    this.dimensions = new RowConverter.Dimensions(job.sizes());
    this.client = new NodeClient(o.node, o.apiKey, o.requestTimeout, o.backoff);
    this.buffer = new PointBuffer(o.batchSize, o.batchBytes, this);
    this.pointsPath = NodeClient.collectionPath(o.collection) + "/points";
  }

  @Override
  public void write(InternalRow row) throws IOException {
    long rowNumber = rows++;
    if (isDelete(row, rowNumber)) {
      PointId id = converter.id(row, rowNumber);
      converter.version(row, id, 0); // checked as on an upsert: Spark ordered the rows by it
      buffer.delete(id, PointJson.id(id));
    } else {
      RowConverter.Converted c = converter.convert(row, rowNumber, dimensions, 0);
      buffer.upsert(c.point().id(), PointJson.point(c.point()));
    }
  }

  private boolean isDelete(InternalRow row, long rowNumber) {
    int ordinal = job.opOrdinal();
    if (ordinal < 0) {
      return false;
    }
    String op = row.isNullAt(ordinal) ? null : row.getUTF8String(ordinal).toString();
    if (op != null) {
      String lower = op.trim().toLowerCase(Locale.ROOT);
      if (lower.equals("upsert")) {
        return false;
      }
      if (lower.equals("delete")) {
        return true;
      }
    }
    throw RowConverter.bad(
        job.options().opColumn,
        converter.id(row, rowNumber),
        "the op must be 'upsert' or 'delete' (in any case)",
        op == null ? "null" : "'" + op + "'");
  }

  @Override
  public void send(byte[] body, int points, boolean delete) throws IOException {
    String what =
        (delete ? "delete of " : "upsert of ")
            + points
            + (points == 1 ? " point" : " points")
            + " in collection '"
            + job.options().collection
            + "' (micro-batch "
            + epoch
            + ", partition "
            + partition
            + ")";
    if (delete) {
      client.call("POST", pointsPath + "/delete?wait=true", body, what, counts);
      deleted += points;
    } else {
      client.call("PUT", pointsPath + "?wait=true", body, what, counts);
      upserted += points;
    }
  }

  @Override
  public WriterCommitMessage commit() throws IOException {
    buffer.flush();
    return new StreamCommitMessage(partition, upserted, deleted, counts.requests, counts.retries);
  }

  @Override
  public void abort() {
    if (upserted + deleted > 0) {
      LOG.warn(
          "micro-batch {} partition {} aborted after the node acknowledged {} upserts and {}"
              + " deletes; they stay applied, and Spark's retry applies them again",
          epoch,
          partition,
          upserted,
          deleted);
    }
    buffer.clear();
  }

  @Override
  public void close() {
    buffer.clear();
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return StreamMetrics.values(upserted, deleted, counts.requests, counts.retries);
  }
}
