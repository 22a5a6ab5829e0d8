package io.quiver.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark session of the test JVM: {@code local[2,3]} (two cores, a failed task is
 * tried up to three times), no UI, small shuffles, the failure-injection options honoured and
 * {@link TestFileSystem} registered. Shared by every test class, since starting Spark costs
 * seconds.
 */
public final class TestSpark {

  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2,3]")
              .appName("quiver-spark-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.sql.session.timeZone", "UTC")
              .config(QuiverDataSource.TESTING_CONF, "true")
              .config(
                  "spark.hadoop.fs." + TestFileSystem.SCHEME + ".impl",
                  TestFileSystem.class.getName())
              .config("spark.hadoop.fs." + TestFileSystem.SCHEME + ".impl.disable.cache", "true")
              .getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
    }
    return session;
  }
}
