package io.quiver.spark.write;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The write's metrics, summed over the committed task attempts and shown on the query in Spark's
 * SQL UI (and in the plan's metrics).
 */
public final class WriteMetrics {

  public static final String ROWS = "rowsWritten";
  public static final String SKIPPED = "skippedRows";

  private WriteMetrics() {}

  /** Rows taken into segments (before deduplication by id). */
  public static final class Rows extends CustomSumMetric {
    @Override
    public String name() {
      return ROWS;
    }

    @Override
    public String description() {
      return "rows written to quiver segments";
    }
  }

  /** Rows left out because of {@code on_error=skip}. */
  public static final class Skipped extends CustomSumMetric {
    @Override
    public String name() {
      return SKIPPED;
    }

    @Override
    public String description() {
      return "bad rows skipped (on_error=skip)";
    }
  }

  static CustomMetric[] supported() {
    return new CustomMetric[] {new Rows(), new Skipped()};
  }

  static CustomTaskMetric[] values(long rows, long skipped) {
    return new CustomTaskMetric[] {value(ROWS, rows), value(SKIPPED, skipped)};
  }

  private static CustomTaskMetric value(String name, long value) {
    return new CustomTaskMetric() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long value() {
        return value;
      }
    };
  }
}
