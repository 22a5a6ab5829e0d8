package io.quiver.flink;

import java.util.function.IntSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * A writer's metrics, on its {@link SinkWriterMetricGroup}: Flink's standard sink metrics ({@code
 * numRecordsSend} and {@code numBytesSend} for writes the node acknowledged, {@code
 * numRecordsSendErrors} for writes in failed attempts, {@code numRecordsOutErrors} for writes that
 * failed the job, {@code currentSendTime} for the last acknowledged request's round trip in
 * milliseconds) and Quiver's: {@code inFlightRequests}, {@code retries}, {@code failedRequests}
 * (attempts that failed, retried or not), {@code staleWrites} (writes the node left alone because
 * it held the same or a newer version: replays after a restore) and {@code collapsedWrites} (writes
 * dropped before sending because a newer write of the same id was pending).
 */
final class WriterMetrics {

  private final Counter recordsSent;
  private final Counter bytesSent;
  private final Counter sendErrors;
  private final Counter outErrors;
  private final Counter retries;
  private final Counter failedRequests;
  private final Counter staleWrites;
  private final Counter collapsedWrites;
  private volatile long lastSendMillis;

  WriterMetrics(SinkWriterMetricGroup group, IntSupplier inFlightRequests) {
    recordsSent = group.getNumRecordsSendCounter();
    bytesSent = group.getNumBytesSendCounter();
    sendErrors = group.getNumRecordsSendErrorsCounter();
    outErrors = group.getNumRecordsOutErrorsCounter();
    group.setCurrentSendTimeGauge(() -> lastSendMillis);
    group.gauge("inFlightRequests", inFlightRequests::getAsInt);
    retries = group.counter("retries");
    failedRequests = group.counter("failedRequests");
    staleWrites = group.counter("staleWrites");
    collapsedWrites = group.counter("collapsedWrites");
  }

  void acknowledged(int writes, long bytes, long sendNanos, long stale) {
    recordsSent.inc(writes);
    bytesSent.inc(bytes);
    staleWrites.inc(stale);
    lastSendMillis = sendNanos / 1_000_000;
  }

  void attemptFailed(int writes) {
    failedRequests.inc();
    sendErrors.inc(writes);
  }

  void retried() {
    retries.inc();
  }

  void gaveUp(int writes) {
    outErrors.inc(writes);
  }

  void collapsed() {
    collapsedWrites.inc();
  }
}
