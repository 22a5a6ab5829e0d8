package io.quiver.engine.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DateTimesTest {

  @ParameterizedTest
  @CsvSource({
    "2014-01-01T00:00:00Z, 2014-01-01T00:00:00Z",
    "2014-01-01t00:00:00z, 2014-01-01T00:00:00Z",
    "2014-01-01, 2014-01-01T00:00:00Z",
    "2014-01-01 00:00:00, 2014-01-01T00:00:00Z",
    "2014-01-01T00:00:00, 2014-01-01T00:00:00Z",
    "2014-01-01 10:30, 2014-01-01T10:30:00Z",
    "2014-01-01T01:00:00+01:00, 2014-01-01T00:00:00Z",
    "2014-01-01T01:00:00+0100, 2014-01-01T00:00:00Z",
    "2013-12-31T19:00:00-05, 2014-01-01T00:00:00Z",
    "2014-01-01 00:00:00.123456789Z, 2014-01-01T00:00:00.123456Z",
    "2020-02-29T23:59:59.5Z, 2020-02-29T23:59:59.500Z",
  })
  void acceptsQdrantForms(String text, String instant) {
    Instant expected = Instant.parse(instant);
    long micros = expected.getEpochSecond() * 1_000_000L + expected.getNano() / 1000;
    assertEquals(micros, DateTimes.parseMicros(text));
    assertEquals(micros, DateTimes.parseMicros(DateTimes.format(micros)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "2014",
        "2014-1-01",
        "2014-13-01",
        "2014-02-30",
        "2014-01-01T",
        "2014-01-01T25:00",
        "2014-01-01Z",
        "2014-01-01T00:00:00+25:00",
        "2014-01-01T00:00:00.Z",
        "yesterday",
        "2014-01-01T00:00:00 Z"
      })
  void refusesOthers(String text) {
    assertEquals(DateTimes.INVALID, DateTimes.parseMicros(text));
  }
}
