package io.quiver.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance scenario with the official Qdrant REST client for JavaScript, the npm package
 * {@code @qdrant/js-client-rest} pinned in {@code src/test/js/package.json}: a real node on
 * loopback, and {@code src/test/js/scenario.mjs} driving it (create a collection, upsert 10k points
 * in batches, search with and without filters, query, scroll, count, retrieve, payload updates,
 * field indexes, deletes, aliases, snapshot create + recover), checking every answer against a
 * brute-force computation in the script.
 *
 * <p>The client is installed with {@code npm ci} into {@code target/js-scenario} (again only when
 * the lock file changes). Without Node.js on the machine the test is skipped, saying so; {@code
 * .ci/run} installs Node.js first.
 */
class RestJsClientScenarioTest {
  private static final Path SOURCE = Path.of("src/test/js");
  private static final Path WORK = Path.of("target/js-scenario");
  private static final String NEEDS_NODE_18_17 =
      "const [a, b] = process.versions.node.split('.').map(Number);"
          + " process.exit(a > 18 || (a === 18 && b >= 17) ? 0 : 1)";
  private static final List<String> FILES =
      List.of("package.json", "package-lock.json", "scenario.mjs");

  @Test
  void officialJsClientScenarioPasses(@TempDir Path storage) throws Exception {
    Assumptions.assumeTrue(
        works("node", "--version"),
        "Node.js (node) is not on the PATH: the @qdrant/js-client-rest scenario is skipped");
    if (!works("node", "-e", NEEDS_NODE_18_17)) {
      fail("@qdrant/js-client-rest needs Node.js 18.17 or newer; `node --version` is older");
    }
    install();
    try (QuiverNode node =
        QuiverNode.start(TestServers.config("storage.storage_path=" + storage))) {
      Result run = run(List.of("node", "scenario.mjs", Integer.toString(node.httpPort())), 300);
      assertEquals(0, run.exitCode, "node scenario.mjs failed:\n" + run.output);
    }
  }

  /** Copies the scenario into target/ and installs the client there unless it is up to date. */
  private static void install() throws IOException, InterruptedException {
    Files.createDirectories(WORK);
    for (String file : FILES) {
      Files.copy(SOURCE.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    Path marker = WORK.resolve("node_modules/.quiver-lock-sha256");
    String lock = sha256(WORK.resolve("package-lock.json"));
    if (Files.exists(marker) && Files.readString(marker).equals(lock)) {
      return;
    }
    if (!works("npm", "--version")) {
      fail("Node.js is installed but npm is not: install npm to run the js-client-rest scenario");
    }
    Result npm = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), 300);
    assertEquals(0, npm.exitCode, "npm ci failed:\n" + npm.output);
    Files.writeString(marker, lock);
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(WORK, "run-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(WORK.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("NO_UPDATE_NOTIFIER", "1");
    Process process = builder.start();
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        fail(
            String.join(" ", command)
                + " did not finish in "
                + timeoutSeconds
                + " s:\n"
                + Files.readString(log, StandardCharsets.UTF_8));
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      System.out.println("$ " + String.join(" ", command) + "\n" + output);
      return new Result(process.exitValue(), output);
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }

  private static boolean works(String... command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
