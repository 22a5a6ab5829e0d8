package io.quiver.benchmarks.flink;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.Points;
import io.quiver.client.grpc.QuiverPointsGrpc;
import io.quiver.client.grpc.VersionedPoint;
import io.quiver.client.grpc.VersionedUpsert;
import io.quiver.client.grpc.VersionedWriteResponse;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * A plain gRPC client of {@code quiver.QuiverPoints/Upsert}: the same request the sink sends
 * (version 1 for every point, unnamed dense vector, no payload), built from the same vectors, with
 * the generated async stub and a bounded number of requests in flight.
 */
final class PlainUpserts implements AutoCloseable {

  private final ManagedChannel channel;
  private final QuiverPointsGrpc.QuiverPointsStub stub;
  private final String collection;

  PlainUpserts(int port, String collection) {
    this.channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .maxInboundMessageSize(64 << 20)
            .build();
    this.stub = QuiverPointsGrpc.newStub(channel);
    this.collection = collection;
  }

  /** One request of points {@code [from, to)}. */
  VersionedUpsert request(float[][] vectors, int from, int to, boolean wait) {
    VersionedUpsert.Builder b =
        VersionedUpsert.newBuilder().setCollectionName(collection).setWait(wait);
    for (int i = from; i < to; i++) {
      Points.DenseVector.Builder dense = Points.DenseVector.newBuilder();
      for (float f : vectors[i]) {
        dense.addData(f);
      }
      b.addPoints(
          VersionedPoint.newBuilder()
              .setVersion(1L)
              .setPoint(
                  Points.PointStruct.newBuilder()
                      .setId(Common.PointId.newBuilder().setNum(i))
                      .setVectors(
                          Points.Vectors.newBuilder()
                              .setVector(Points.Vector.newBuilder().setDense(dense)))));
    }
    return b.build();
  }

  /**
   * Sends every point in batches of {@code batch}, wait=true, from {@code senders} threads with
   * {@code inFlightPerSender} requests in flight each (the sink's subtasks and their limit); sender
   * t takes batches t, t + senders, ... Returns when every request has been acknowledged.
   */
  void upsertAll(float[][] vectors, int batch, int senders, int inFlightPerSender)
      throws InterruptedException {
    int batches = (vectors.length + batch - 1) / batch;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread[] threads = new Thread[senders];
    for (int t = 0; t < senders; t++) {
      int first = t;
      threads[t] =
          new Thread(
              () -> {
                Semaphore slots = new Semaphore(inFlightPerSender);
                try {
                  for (int b = first; b < batches && failure.get() == null; b += senders) {
                    VersionedUpsert r =
                        request(
                            vectors, b * batch, Math.min(vectors.length, (b + 1) * batch), true);
                    slots.acquire();
                    send(r, ack -> slots.release(), failure);
                  }
                  slots.acquire(inFlightPerSender);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "plain-upserts-" + t);
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("plain upsert failed", failure.get());
    }
  }

  /**
   * Sends {@code r}; {@code onAck} gets the {@link System#nanoTime} of the acknowledgement (on the
   * transport's thread). A failure is kept in {@code failure} and still releases through onAck.
   */
  void send(VersionedUpsert r, LongConsumer onAck, AtomicReference<Throwable> failure) {
    stub.upsert(
        r,
        new StreamObserver<VersionedWriteResponse>() {
          @Override
          public void onNext(VersionedWriteResponse value) {}

          @Override
          public void onError(Throwable t) {
            failure.compareAndSet(null, t);
            onAck.accept(System.nanoTime());
          }

          @Override
          public void onCompleted() {
            onAck.accept(System.nanoTime());
          }
        });
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdown().awaitTermination(10, TimeUnit.SECONDS);
  }
}
