package io.quiver.benchmarks.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Results as JSON lines, one {@link LibraryResult} per line. Several JVMs (one per JDK) append to
 * the same file; the report reads it back whole.
 */
public final class ResultStore {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path file;

  public ResultStore(Path file) {
    this.file = file;
  }

  public void append(LibraryResult result) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    String line = JSON.writeValueAsString(result) + System.lineSeparator();
    Files.writeString(
        file,
        line,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
  }

  public List<LibraryResult> readAll() throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new java.nio.file.NoSuchFileException(file.toString(), null, "no results file");
    }
    List<LibraryResult> out = new ArrayList<>();
    int lineNo = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      try {
        out.add(JSON.readValue(line, LibraryResult.class));
      } catch (IOException e) {
        throw new IOException(file + ": line " + lineNo + " is not a result: " + e.getMessage(), e);
      }
    }
    return out;
  }
}
