package io.quiver.serving.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StrictModeTest {
  private final StrictMode limits = new StrictMode(100, 1000, 512, 8, Duration.ofSeconds(30));

  @Test
  void checksNameTheFieldTheValueAndTheSetting() {
    assertEquals(10, limits.checkLimit("limit", 10));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> limits.checkLimit("limit", 0));
    assertEquals("limit must be in [1, 100] (strict_mode.max_query_limit); got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> limits.checkLimit("limit", 101));
    assertThrows(IllegalArgumentException.class, () -> limits.checkBatchSize("points", 1001));
    assertThrows(IllegalArgumentException.class, () -> limits.checkHnswEf("params.hnsw_ef", 513));
    assertThrows(IllegalArgumentException.class, () -> limits.checkFilterConditions("filter", 9));
  }

  @Test
  void timeoutIsCappedByMaxTimeout() {
    assertEquals(Duration.ofSeconds(30), limits.effectiveTimeout("timeout", null));
    assertEquals(Duration.ofSeconds(5), limits.effectiveTimeout("timeout", 5L));
    assertThrows(IllegalArgumentException.class, () -> limits.effectiveTimeout("timeout", 31L));
  }
}
