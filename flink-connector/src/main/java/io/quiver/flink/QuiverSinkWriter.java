package io.quiver.flink;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quiver.client.grpc.VersionedWriteResponse;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subtask of {@link QuiverSink}: converts each element to a write, keeps the pending writes
 * ({@link PendingWrites}, one per id) and sends them as {@code quiver.QuiverPoints} requests when
 * {@code maxBatchSize} writes or {@code maxBatchBytes} are pending, when the first pending write
 * has waited {@code linger}, and on {@link #flush}.
 *
 * <p>Everything here runs on the task thread. A request's answer arrives on a gRPC thread, which
 * only puts a mail into the task's mailbox; the mail updates the counts, retries, or throws and so
 * fails the task. A retry waits on a timer thread that likewise only mails the task. Where the
 * writer has to wait (all {@code maxInFlightRequests} taken and a full batch ready; a flush waiting
 * for acknowledgements), it yields to the mailbox, so that those mails run meanwhile.
 */
final class QuiverSinkWriter<IN> implements SinkWriter<IN> {

  private static final Logger LOG = LoggerFactory.getLogger(QuiverSinkWriter.class);

  /** Codes a retry may fix: the node is down, slow, overloaded or asked to be asked again. */
  static final Set<Status.Code> RETRYABLE =
      EnumSet.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.ABORTED);

  private final SinkOptions options;
  private final SerializableFunction<IN, QuiverRecord> converter;
  private final MailboxExecutor mailbox;
  private final NodeChannels nodes;
  private final ScheduledExecutorService timer;
  private final WriterMetrics metrics;
  private final PendingWrites pending = new PendingWrites();

  /** Drained batches waiting for a free request slot. */
  private final ArrayDeque<NodeRequest> queued = new ArrayDeque<>();

  /** Requests sent and not yet acknowledged, including those waiting to be retried. */
  private int inFlight;

  /** Counts drained batches, so that a linger timer knows whether its batch is still pending. */
  private long batch;

  /** The pending batch has waited {@code linger}: send it as soon as nothing is queued. */
  private boolean lingerDue;

  private boolean closed;

  /** Told of each acknowledged request, or null. */
  private final AcknowledgementListener listener;

  QuiverSinkWriter(
      SinkOptions options,
      SerializableFunction<IN, QuiverRecord> converter,
      AcknowledgementListener listener,
      WriterInitContext context)
      throws IOException {
    this.options = options;
    this.converter = converter;
    this.listener = listener;
    this.mailbox = context.getMailboxExecutor();
    this.nodes = new NodeChannels(options);
    int subtask = context.getTaskInfo().getIndexOfThisSubtask();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "quiver-sink-timer-" + subtask);
              t.setDaemon(true);
              return t;
            });
    this.metrics = new WriterMetrics(context.metricGroup(), () -> inFlight);
  }

  @Override
  public void write(IN element, Context context) throws IOException, InterruptedException {
    QuiverRecord record = converter.apply(element);
    if (record == null) {
      throw new IllegalArgumentException(
          "quiver sink: the record converter returned null for " + shorten(element));
    }
    RecordConverter.Write write = RecordConverter.convert(record);
    if (!pending.isEmpty() && pending.requestBytesWith(write) > options.maxBatchBytes()) {
      sendFullBatch();
    }
    boolean first = pending.isEmpty();
    if (pending.add(write)) {
      metrics.collapsed();
    }
    if (first) {
      startLinger();
    }
    if (pending.size() >= options.maxBatchSize()
        || pending.requestBytes() >= options.maxBatchBytes()) {
      sendFullBatch();
    } else {
      sendIfLingerDue();
    }
  }

  /**
   * AT_LEAST_ONCE: sends everything pending and returns once the node has acknowledged every
   * request, so the checkpoint completes only after that. NONE: the same at the end of the input,
   * nothing on a checkpoint.
   */
  @Override
  public void flush(boolean endOfInput) throws IOException, InterruptedException {
    if (!endOfInput && options.deliveryGuarantee() == DeliveryGuarantee.NONE) {
      return;
    }
    drainPending();
    while (inFlight > 0 || !queued.isEmpty()) {
      mailbox.yield();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (inFlight > 0 || !queued.isEmpty() || !pending.isEmpty()) {
      LOG.info(
          "closing with {} requests in flight, {} queued and {} writes not sent (the task failed"
              + " or was cancelled; a restore resends them from the source)",
          inFlight,
          queued.size(),
          pending.size());
    }
    timer.shutdownNow();
    nodes.close();
  }

  // ------------------------------------------------------------------ batching

  private void startLinger() {
    if (options.linger().isZero()) {
      lingerDue = true;
      return;
    }
    long current = batch;
    timer.schedule(
        () -> mail(() -> lingerExpired(current), "quiver sink linger"),
        options.linger().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void lingerExpired(long expiredBatch) {
    if (expiredBatch == batch && !pending.isEmpty()) {
      lingerDue = true;
      sendIfLingerDue();
    }
  }

  /** Sends a batch that waited long enough, unless earlier batches are still waiting for a slot. */
  private void sendIfLingerDue() {
    if (lingerDue && queued.isEmpty() && !pending.isEmpty()) {
      drainPending();
    }
  }

  /** Sends the pending batch and, while the node is behind, waits (backpressure). */
  private void sendFullBatch() throws InterruptedException {
    drainPending();
    while (!queued.isEmpty()) {
      mailbox.yield();
    }
  }

  private void drainPending() {
    if (pending.isEmpty()) {
      return;
    }
    batch++;
    lingerDue = false;
    PendingWrites.Requests requests = pending.drain(options.collection(), options.waitForDurable());
    if (requests.delete() != null) {
      queued.add(NodeRequest.delete(requests.delete()));
    }
    if (requests.upsert() != null) {
      queued.add(NodeRequest.upsert(requests.upsert()));
    }
    dispatch();
  }

  private void dispatch() {
    while (!queued.isEmpty() && inFlight < options.maxInFlightRequests()) {
      inFlight++;
      attempt(queued.poll());
    }
  }

  // ------------------------------------------------------------------ requests

  private void attempt(NodeRequest request) {
    if (closed) {
      return;
    }
    int node = nodes.current();
    request.attempts++;
    request.node = node;
    request.tried.add(nodes.address(node));
    request.startNanos = System.nanoTime();
    request.send(
        nodes.stub(node, options.requestTimeout().toMillis()),
        new StreamObserver<>() {
          private VersionedWriteResponse response;

          @Override
          public void onNext(VersionedWriteResponse value) {
            response = value;
          }

          @Override
          public void onError(Throwable t) {
            mail(() -> failed(request, t), "quiver sink request failed");
          }

          @Override
          public void onCompleted() {
            VersionedWriteResponse r = response;
            long ackNanos = System.nanoTime();
            mail(() -> acknowledged(request, r, ackNanos), "quiver sink request acknowledged");
          }
        });
  }

  private void acknowledged(NodeRequest request, VersionedWriteResponse response, long ackNanos) {
    inFlight--;
    metrics.acknowledged(
        request.writes(),
        request.bytes(),
        ackNanos - request.startNanos,
        response == null ? 0 : response.getStale());
    if (listener != null) {
      listener.acknowledged(
          new AcknowledgementListener.Acknowledgement(
              request.collection(),
              request.isDelete() ? QuiverRecord.Operation.DELETE : QuiverRecord.Operation.UPSERT,
              request.ids(),
              ackNanos,
              ackNanos - request.startNanos));
    }
    dispatch();
    sendIfLingerDue();
  }

  private void failed(NodeRequest request, Throwable t) throws QuiverSinkException {
    Status status = Status.fromThrowable(t);
    NodeAddress address = nodes.address(request.node);
    metrics.attemptFailed(request.writes());
    if (!RETRYABLE.contains(status.getCode())) {
      inFlight--;
      metrics.gaveUp(request.writes());
      throw new QuiverSinkException(
          "quiver sink: node "
              + address
              + " refused the "
              + request.describe()
              + ": "
              + text(status)
              + hint(status.getCode()),
          status.getCode().name(),
          t);
    }
    int retry = request.attempts;
    if (retry > options.backoff().maxRetries()) {
      inFlight--;
      metrics.gaveUp(request.writes());
      throw new QuiverSinkException(
          "quiver sink: no node took the "
              + request.describe()
              + " in "
              + request.attempts
              + (request.attempts == 1 ? " attempt" : " attempts")
              + " (maxRetries "
              + options.backoff().maxRetries()
              + ") to "
              + request.tried
              + "; the last failure, from "
              + address
              + ": "
              + text(status),
          status.getCode().name(),
          t);
    }
    nodes.failed(request.node);
    long delay = options.backoff().delayMillis(retry, ThreadLocalRandom.current().nextDouble());
    metrics.retried();
    LOG.warn(
        "quiver sink: the {} to {} failed ({}); retry {} of {} in {} ms, to {}",
        request.describe(),
        address,
        text(status),
        retry,
        options.backoff().maxRetries(),
        delay,
        nodes.address(nodes.current()));
    timer.schedule(
        () -> mail(() -> attempt(request), "quiver sink retry"), delay, TimeUnit.MILLISECONDS);
  }

  /** Runs {@code action} on the task thread; dropped once the task is closing. */
  private void mail(ThrowingRunnable<? extends Exception> action, String description) {
    try {
      mailbox.execute(action, description);
    } catch (RejectedExecutionException closing) {
      LOG.debug("quiver sink: dropped '{}', the task is closing", description);
    }
  }

  private static String text(Status status) {
    StringBuilder s = new StringBuilder(status.getCode().name());
    if (status.getDescription() != null) {
      s.append(": ").append(status.getDescription());
    }
    if (status.getCause() != null && status.getCause().getMessage() != null) {
      s.append(" (").append(status.getCause().getMessage()).append(')');
    }
    return s.toString();
  }

  private static String hint(Status.Code code) {
    switch (code) {
      case UNAUTHENTICATED:
        return " (the sink's api key is missing or unknown to the node: setApiKey)";
      case PERMISSION_DENIED:
        return " (writes need the node's read-write api key: setApiKey)";
      default:
        return "";
    }
  }

  private static String shorten(Object element) {
    String s = String.valueOf(element);
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
