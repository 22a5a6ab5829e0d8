package io.quiver.benchmarks.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionsTest {

  @Test
  void oversamplingIsEmptyUnlessGiven() {
    assertEquals(List.of(), Options.parse(new String[0]).doubles("oversampling", 1, 1000));
  }

  @Test
  void oversamplingTakesACommaListInBothSpellings() {
    assertEquals(
        List.of(1.0, 2.5, 10.0),
        Options.parse(new String[] {"--oversampling", "1, 2.5,10"})
            .doubles("oversampling", 1, 1000));
    assertEquals(
        List.of(3.0),
        Options.parse(new String[] {"--oversampling=3"}).doubles("oversampling", 1, 1000));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {"0.5;[1.0, 1000.0]; got 0.5", "1,x;must hold numbers; got 'x'", "2000;got 2000"})
  void badOversamplingIsNamed(String value, String expected) {
    Options o = Options.parse(new String[] {"--oversampling", value});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> o.doubles("oversampling", 1, 1000));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().startsWith("--oversampling"), e.getMessage());
  }

  @Test
  void unknownOptionIsNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Options.parse(new String[] {"--oversample", "2"}));
    assertTrue(e.getMessage().contains("--oversample;"), e.getMessage());
    assertTrue(e.getMessage().contains("--oversampling"), e.getMessage());
  }

  @Test
  void quantizedLibraryNamesPassThrough() {
    Options o = Options.parse(new String[] {"--libs", "quiver,quiver-int8,lucene-bbq"});
    assertEquals(List.of("quiver", "quiver-int8", "lucene-bbq"), o.list("libs"));
  }
}
