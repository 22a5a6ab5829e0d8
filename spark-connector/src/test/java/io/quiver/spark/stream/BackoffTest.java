package io.quiver.spark.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Exponential backoff: between half and all of base * 2^(n-1), capped; Retry-After respected. */
class BackoffTest {

  @Test
  void doublesWithJitterUpToTheCap() {
    Backoff b = new Backoff(20, 200, 30_000);
    assertEquals(100, b.delayMillis(1, 0, () -> 0.0));
    assertEquals(199, b.delayMillis(1, 0, () -> 0.999));
    assertEquals(400, b.delayMillis(3, 0, () -> 0.0));
    assertEquals(800, b.delayMillis(3, 0, () -> 1.0));
    assertEquals(25_600, b.delayMillis(8, 0, () -> 1.0));
    assertEquals(30_000, b.delayMillis(9, 0, () -> 1.0));
    assertEquals(15_000, b.delayMillis(9, 0, () -> 0.0));
    assertEquals(30_000, b.delayMillis(1000, 0, () -> 1.0), "no overflow on many retries");
  }

  @Test
  void retryAfterLengthensTheWaitUpToTheCap() {
    Backoff b = new Backoff(5, 100, 10_000);
    assertEquals(2_000, b.delayMillis(1, 2_000, () -> 0.5));
    assertEquals(10_000, b.delayMillis(1, 60_000, () -> 0.5));
  }

  @Test
  void refusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(-1, 100, 1000));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(1, 0, 1000));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(1, 2000, 1000));
  }
}
