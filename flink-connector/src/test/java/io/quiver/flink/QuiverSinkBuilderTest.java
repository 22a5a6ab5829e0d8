package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** The builder's defaults, and bad options refused naming the option and the value. */
class QuiverSinkBuilderTest {

  private static void refused(String expected, Runnable r) {
    String message = assertThrows(IllegalArgumentException.class, r::run).getMessage();
    assertTrue(message.contains(expected), message + " lacks: " + expected);
  }

  private static QuiverSinkBuilder<Doc> docs() {
    return QuiverSink.<Doc>builder()
        .setAddresses("localhost:6334")
        .setCollection("docs")
        .setIdExtractor(d -> d.id)
        .setVectorExtractor(d -> d.embedding)
        .setVersionExtractor(d -> d.version);
  }

  @Test
  void defaultsAndAddresses() throws Exception {
    QuiverSink<Doc> sink =
        docs().setAddresses("node-1:6334", "[::1]:7334").setApiKey("secret").build();
    SinkOptions o = sink.options();
    assertEquals(
        List.of(new NodeAddress("node-1", 6334), new NodeAddress("::1", 7334)), o.addresses());
    assertEquals("[::1]:7334", o.addresses().get(1).toString());
    assertEquals(256, o.maxBatchSize());
    assertEquals(8L << 20, o.maxBatchBytes());
    assertEquals(Duration.ofMillis(20), o.linger());
    assertEquals(4, o.maxInFlightRequests());
    assertEquals(new Backoff(10, Duration.ofMillis(100), Duration.ofSeconds(10)), o.backoff());
    assertEquals(Duration.ofSeconds(30), o.requestTimeout());
    assertEquals(DeliveryGuarantee.AT_LEAST_ONCE, o.deliveryGuarantee());
    assertTrue(o.waitForDurable());
    assertTrue(!sink.toString().contains("secret"), sink.toString());
    // The sink travels to the task managers by Java serialization.
    QuiverSink<Doc> copy = InstantiationUtil.clone(sink);
    assertEquals(o, copy.options());
  }

  @Test
  void badOptionsAreRefusedNamingTheOptionAndTheValue() {
    refused("host:port (the node's gRPC port", () -> docs().setAddresses("http://node:6334"));
    refused("got 'node'", () -> docs().setAddresses("node"));
    refused("got 'node:70000'", () -> docs().setAddresses("node:70000"));
    refused("got '::1:6334'", () -> docs().setAddresses("::1:6334"));
    refused("setAddresses is required", () -> docs().setAddresses().build());
    refused(
        "setCollection is required", () -> QuiverSink.<Doc>builder().setAddresses("a:1").build());
    refused("maxBatchSize must be in [1, 100000]; got 0", () -> docs().setMaxBatchSize(0));
    refused(
        "maxBatchBytes must be in [1024, 1073741824]; got 10", () -> docs().setMaxBatchBytes(10));
    refused(
        "maxInFlightRequests must be in [1, 1024]; got 0", () -> docs().setMaxInFlightRequests(0));
    refused("maxRetries must be in [0, 10000]; got -1", () -> docs().setMaxRetries(-1));
    refused(
        "linger must be in [PT0S, PT10M]; got PT-1S",
        () -> docs().setLinger(Duration.ofSeconds(-1)));
    refused(
        "max retry backoff must be in [PT1S, PT1H]; got PT0.5S",
        () -> docs().setRetryBackoff(Duration.ofSeconds(1), Duration.ofMillis(500)));
    refused(
        "EXACTLY_ONCE is not offered: use AT_LEAST_ONCE",
        () -> docs().setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE));
    refused("setVersionExtractor is required", () -> docs().setVersionExtractor(null).build());
    refused(
        "exactly one of setVectorExtractor and setNamedVectorsExtractor",
        () -> docs().setNamedVectorsExtractor(d -> null).build());
    refused(
        "either a record converter or extractors, not both",
        () -> docs().setRecordConverter(d -> null).build());
    refused(
        "set a record converter",
        () -> QuiverSink.<Doc>builder().setAddresses("a:1").setCollection("c").build());
  }

  @Test
  void backoffDoublesWithJitterUpToTheMaximum() {
    Backoff b = new Backoff(5, Duration.ofMillis(100), Duration.ofMillis(1000));
    assertEquals(50, b.delayMillis(1, 0));
    assertEquals(99, b.delayMillis(1, 0.999999));
    assertEquals(200, b.delayMillis(3, 0));
    assertEquals(500, b.delayMillis(5, 0), "capped at max, from half of it");
    assertEquals(999, b.delayMillis(64, 0.999999));
  }
}
