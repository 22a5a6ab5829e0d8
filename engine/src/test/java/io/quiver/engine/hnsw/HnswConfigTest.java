package io.quiver.engine.hnsw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HnswConfigTest {

  @Test
  void m0DefaultsToTwiceM() {
    HnswConfig c = HnswConfig.builder().m(12).build();
    assertEquals(24, c.m0());
    assertEquals(24, c.maxConn(0));
    assertEquals(12, c.maxConn(3));
  }

  @Test
  void badParametersNameTheValue() {
    assertMessage(() -> HnswConfig.builder().m(1).build(), "m must be in [2, 512]; got 1");
    assertMessage(() -> HnswConfig.builder().m(600).build(), "got 600");
    assertMessage(() -> HnswConfig.builder().m(16).m0(8).build(), "got 8");
    assertMessage(() -> HnswConfig.builder().efConstruct(2).build(), "ef_construct");
    assertMessage(() -> HnswConfig.builder().fullScanThreshold(-5).build(), "got -5");
  }

  private static void assertMessage(Runnable r, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
