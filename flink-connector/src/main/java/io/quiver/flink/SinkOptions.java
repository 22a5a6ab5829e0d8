package io.quiver.flink;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;

/** What {@link QuiverSinkBuilder} checked, as the writers on the task managers receive it. */
record SinkOptions(
    List<NodeAddress> addresses,
    String collection,
    String apiKey,
    boolean tls,
    String trustedCertificates,
    int maxBatchSize,
    long maxBatchBytes,
    Duration linger,
    int maxInFlightRequests,
    Backoff backoff,
    Duration requestTimeout,
    DeliveryGuarantee deliveryGuarantee)
    implements Serializable {

  /** AT_LEAST_ONCE waits for durable writes; see {@link QuiverSink}. */
  boolean waitForDurable() {
    return deliveryGuarantee == DeliveryGuarantee.AT_LEAST_ONCE;
  }

  @Override
  public String toString() {
    // Without the api key.
    return "QuiverSink{addresses="
        + addresses
        + ", collection='"
        + collection
        + "', apiKey="
        + (apiKey == null ? "none" : "(set)")
        + ", tls="
        + tls
        + ", maxBatchSize="
        + maxBatchSize
        + ", maxBatchBytes="
        + maxBatchBytes
        + ", linger="
        + linger
        + ", maxInFlightRequests="
        + maxInFlightRequests
        + ", backoff="
        + backoff
        + ", requestTimeout="
        + requestTimeout
        + ", deliveryGuarantee="
        + deliveryGuarantee
        + "}";
  }
}
