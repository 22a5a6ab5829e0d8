package io.quiver.spark.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.serving.cli.QuiverCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code quiver quickstart --exit} as README's first command runs it (minus the launcher's build):
 * a node in this JVM, the Spark job in a child JVM on this module's test classpath (Spark and the
 * connector), and the printed report, whose recall must be what the bundled data gives.
 */
class QuickstartTest {

  /** A report row: collection, points, dim, distance, build, recall at ef 100 | 200 | exact. */
  private static final Pattern ROW =
      Pattern.compile(
          "(?m)^(\\w+)\\s+([\\d,]+)\\s+(\\d+)\\s+(\\w+)\\s+[\\d.]+ s\\s+([\\d.]+) \\| ([\\d.]+) \\|"
              + " ([\\d.]+)");

  @TempDir Path tmp;

  @Test
  void buildsPublishesAndReportsRecallOnTheBundledData() {
    StringWriter printed = new StringWriter();
    CommandLine command = QuiverCommand.commandLine();
    command.setOut(new PrintWriter(printed, true));
    int exit =
        command.execute(
            "quickstart",
            "--exit",
            "--http-port=0",
            "--grpc-port=0",
            "--rounds=1",
            "--dir=" + tmp.resolve("work"),
            "--data=" + Path.of("src/quickstart/data").toAbsolutePath(),
            "--spark-classpath=" + testClasspath());
    String report = printed.toString();
    System.out.println(report);
    assertEquals(0, exit, report);

    Matcher row = ROW.matcher(report);
    assertTrue(row.find(), report);
    assertEquals("sift5k", row.group(1));
    assertEquals("5,000", row.group(2));
    assertEquals("128", row.group(3));
    // SIFT's queries lie far from these 5,000 points: ~0.93 at ef 100 for every HNSW library.
    assertTrue(Double.parseDouble(row.group(5)) >= 0.90, row.group());
    assertTrue(Double.parseDouble(row.group(6)) >= Double.parseDouble(row.group(5)), row.group());
    assertEquals("1.000", row.group(7), row.group());

    assertTrue(row.find(), report);
    assertEquals("cohere1k", row.group(1));
    assertEquals("900", row.group(2));
    assertEquals("768", row.group(3));
    assertTrue(Double.parseDouble(row.group(5)) >= 0.95, row.group());
    assertEquals("1.000", row.group(7), row.group());

    assertTrue(Files.isRegularFile(tmp.resolve("work/lake/sift5k/v1/manifest.json")));
  }

  /** The test JVM's classpath: Surefire's full one (java.class.path may be its booter jar). */
  private static String testClasspath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }
}
