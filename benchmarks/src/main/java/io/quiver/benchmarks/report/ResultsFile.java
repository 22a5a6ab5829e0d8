package io.quiver.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;

/**
 * Keeps report sections in {@code RESULTS.md}. Each section sits between a begin marker naming its
 * key (the datasets of the run) and an end marker; writing a section with a key already present
 * replaces it, any other key is appended. Everything outside the markers is left alone.
 */
public final class ResultsFile {

  private static final String BEGIN = "<!-- bench:begin ";
  private static final String BEGIN_CLOSE = " -->";
  private static final String END = "<!-- bench:end -->";

  private ResultsFile() {}

  /**
   * The key of a harness run's section: its datasets, followed by {@code quantized} when the run
   * has quantized rows, so that a quantized run and a float run over the same datasets keep
   * sections of their own.
   */
  public static String harnessKey(Collection<String> datasets, boolean quantized) {
    return String.join(",", datasets) + (quantized ? " quantized" : "");
  }

  /** The heading of the section {@link #harnessKey} names. */
  public static String harnessTitle(Collection<String> datasets, boolean quantized) {
    return "## " + String.join(", ", datasets) + (quantized ? ": quantized indexes" : "");
  }

  public static void write(Path file, String key, String section) throws IOException {
    String old = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    String updated = upsert(old, key, section);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, updated, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** {@code document} with the section for {@code key} replaced, or appended when absent. */
  static String upsert(String document, String key, String section) {
    if (key.contains("-->") || key.contains("\n")) {
      throw new IllegalArgumentException("section key must be one line without '-->'; got " + key);
    }
    String begin = BEGIN + key + BEGIN_CLOSE;
    String block = begin + "\n" + section.strip() + "\n" + END + "\n";
    int start = document.indexOf(begin);
    if (start >= 0) {
      int end = document.indexOf(END, start);
      if (end < 0) {
        throw new IllegalArgumentException(
            "RESULTS.md has '" + begin + "' without a matching '" + END + "'");
      }
      int after = end + END.length();
      if (after < document.length() && document.charAt(after) == '\n') {
        after++;
      }
      return document.substring(0, start) + block + document.substring(after);
    }
    String sep =
        document.isEmpty() || document.endsWith("\n\n")
            ? ""
            : document.endsWith("\n") ? "\n" : "\n\n";
    return document + sep + block;
  }
}
