package io.quiver.spark.stream;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The streaming write's metrics, summed over a micro-batch's tasks and shown on its query in
 * Spark's SQL UI. Spark creates the metric classes by name on the driver: they stay public with a
 * no-argument constructor.
 */
public final class StreamMetrics {

  public static final String UPSERTED = "pointsUpserted";
  public static final String DELETED = "pointsDeleted";
  public static final String REQUESTS = "nodeRequests";
  public static final String RETRIES = "nodeRetries";

  private StreamMetrics() {}

  /** Points in upsert requests the node acknowledged. */
  public static final class Upserted extends CustomSumMetric {
    @Override
    public String name() {
      return UPSERTED;
    }

    @Override
    public String description() {
      return "points upserted to the quiver node";
    }
  }

  /** Ids in delete requests the node acknowledged. */
  public static final class Deleted extends CustomSumMetric {
    @Override
    public String name() {
      return DELETED;
    }

    @Override
    public String description() {
      return "points deleted from the quiver node";
    }
  }

  /** HTTP requests sent to the node, retries included. */
  public static final class Requests extends CustomSumMetric {
    @Override
    public String name() {
      return REQUESTS;
    }

    @Override
    public String description() {
      return "requests to the quiver node";
    }
  }

  /** Requests sent again after a transport error, 5xx, 429 or 408. */
  public static final class Retries extends CustomSumMetric {
    @Override
    public String name() {
      return RETRIES;
    }

    @Override
    public String description() {
      return "requests to the quiver node retried";
    }
  }

  static CustomMetric[] supported() {
    return new CustomMetric[] {new Upserted(), new Deleted(), new Requests(), new Retries()};
  }

  static CustomTaskMetric[] values(long upserted, long deleted, long requests, long retries) {
    return new CustomTaskMetric[] {
      new Value(UPSERTED, upserted),
      new Value(DELETED, deleted),
      new Value(REQUESTS, requests),
      new Value(RETRIES, retries)
    };
  }

  private record Value(String name, long value) implements CustomTaskMetric {}
}
