package io.quiver.engine.payload;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * Datetimes as Qdrant accepts them in payloads and filters, held as epoch microseconds (UTC).
 *
 * <p>Accepted: {@code YYYY-MM-DD}, optionally followed by {@code T}, {@code t} or a space and
 * {@code HH:MM[:SS[.fraction]]}, optionally followed by {@code Z}, {@code z}, {@code ±HH}, {@code
 * ±HHMM} or {@code ±HH:MM}. A time without a zone is UTC, a date alone is midnight UTC. Fractions
 * beyond microseconds are truncated. This is a superset of RFC 3339 and of the zone-less forms
 * Qdrant added (qdrant#3529); the same parser serves filters, the reference evaluator and the
 * datetime index, so they always agree.
 */
public final class DateTimes {

  /** Returned by {@link #parseMicros} for text that is not a datetime. */
  public static final long INVALID = Long.MIN_VALUE;

  private DateTimes() {}

  /** Epoch microseconds of {@code text}, or {@link #INVALID}. */
  public static long parseMicros(String text) {
    int n = text.length();
    if (n < 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
      return INVALID;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    if ((year | month | day) < 0) {
      return INVALID;
    }
    int hour = 0;
    int minute = 0;
    int second = 0;
    int nanos = 0;
    int offsetSeconds = 0;
    int pos = 10;
    if (pos < n) {
      char sep = text.charAt(pos);
      if ((sep != 'T' && sep != 't' && sep != ' ') || pos + 6 > n || text.charAt(pos + 3) != ':') {
        return INVALID;
      }
      hour = digits(text, pos + 1, 2);
      minute = digits(text, pos + 4, 2);
      pos += 6;
      if (pos < n && text.charAt(pos) == ':') {
        second = digits(text, pos + 1, 2);
        pos += 3;
        if (pos < n && text.charAt(pos) == '.') {
          int start = ++pos;
          while (pos < n && pos - start < 9 && isDigit(text.charAt(pos))) {
            nanos = nanos * 10 + (text.charAt(pos++) - '0');
          }
          if (pos == start) {
            return INVALID;
          }
          for (int i = pos - start; i < 9; i++) {
            nanos *= 10;
          }
        }
      }
      if ((hour | minute | second) < 0) {
        return INVALID;
      }
      if (pos < n) {
        offsetSeconds = parseOffset(text, pos);
        if (offsetSeconds == Integer.MIN_VALUE) {
          return INVALID;
        }
      }
    }
    try {
      LocalDateTime local =
          LocalDateTime.of(
              LocalDate.of(year, month, day), LocalTime.of(hour, minute, second, nanos));
      long epochSecond = local.toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds));
      return epochSecond * 1_000_000L + nanos / 1000;
    } catch (DateTimeException e) {
      return INVALID;
    }
  }

  /** Parses {@code text} or throws naming {@code field}. */
  public static long parseMicros(String text, String field) {
    long micros = parseMicros(text);
    if (micros == INVALID) {
      throw new IllegalArgumentException(
          field + " must be an RFC 3339 datetime such as 2014-01-01T00:00:00Z; got '" + text + "'");
    }
    return micros;
  }

  /** RFC 3339 in UTC, e.g. {@code 2014-01-01T00:00:00.123456Z}; {@link #parseMicros} reads it. */
  public static String format(long micros) {
    return Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
        .toString();
  }

  /** Seconds east of UTC for a zone suffix at {@code pos}, or {@code Integer.MIN_VALUE}. */
  private static int parseOffset(String text, int pos) {
    int n = text.length();
    char c = text.charAt(pos);
    if (c == 'Z' || c == 'z') {
      return pos + 1 == n ? 0 : Integer.MIN_VALUE;
    }
    if ((c != '+' && c != '-') || pos + 3 > n) {
      return Integer.MIN_VALUE;
    }
    int hours = digits(text, pos + 1, 2);
    int minutes = 0;
    int rest = pos + 3;
    if (rest < n) {
      if (text.charAt(rest) == ':') {
        rest++;
      }
      if (rest + 2 != n) {
        return Integer.MIN_VALUE;
      }
      minutes = digits(text, rest, 2);
    }
    if (hours < 0 || minutes < 0 || hours > 18 || minutes > 59) {
      return Integer.MIN_VALUE;
    }
    int seconds = hours * 3600 + minutes * 60;
    if (seconds > 18 * 3600) {
      return Integer.MIN_VALUE;
    }
    return c == '-' ? -seconds : seconds;
  }

  private static int digits(String text, int from, int count) {
    if (from + count > text.length()) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
