package io.quiver.spark.stream;

import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of one micro-batch (epoch). The tasks have sent everything by the time Spark
 * commits, each batch acknowledged by the node, so commit only reports; abort cannot take back what
 * the node applied, and Spark re-runs the epoch, whose upserts and deletes by id give the same
 * state again. No commit coordination either: there is nothing for it to arbitrate, a speculative
 * duplicate of a task sends the same writes.
 */
final class QuiverStreamingWrite implements StreamingWrite {

  private static final Logger LOG = LoggerFactory.getLogger(QuiverStreamingWrite.class);

  private final NodeWriterFactory factory;

  QuiverStreamingWrite(NodeWriterFactory factory) {
    this.factory = factory;
  }

  @Override
  public StreamingDataWriterFactory createStreamingWriterFactory(PhysicalWriteInfo info) {
    return factory;
  }

  @Override
  public boolean useCommitCoordinator() {
    return false;
  }

  @Override
  public void commit(long epochId, WriterCommitMessage[] messages) {
    long upserted = 0;
    long deleted = 0;
    long requests = 0;
    long retries = 0;
    for (WriterCommitMessage m : messages) {
      if (m instanceof StreamCommitMessage c) {
        upserted += c.upserted();
        deleted += c.deleted();
        requests += c.requests();
        retries += c.retries();
      }
    }
    LOG.info(
        "quiver: micro-batch {} committed to collection '{}' at {}: {} upserted, {} deleted in {}"
            + " requests ({} retried) from {} tasks",
        epochId,
        factory.options().collection,
        factory.options().node,
        upserted,
        deleted,
        requests,
        retries,
        messages.length);
  }

  @Override
  public void abort(long epochId, WriterCommitMessage[] messages) {
    LOG.warn(
        "quiver: micro-batch {} to collection '{}' at {} aborted; what its tasks sent stays"
            + " applied, and the next run of the micro-batch applies it again",
        epochId,
        factory.options().collection,
        factory.options().node);
  }
}
