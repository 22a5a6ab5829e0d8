package io.quiver.engine.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VecFilesTest {

  @TempDir Path dir;

  @Test
  void fvecsRoundTrip() throws IOException {
    float[][] rows = {{1f, -2.5f, 3e-7f}, {Float.MAX_VALUE, 0f, -0f}};
    Path file = dir.resolve("a.fvecs");
    VecFiles.writeFvecs(file, rows);
    assertEquals(2 * (4 + 3 * 4), Files.size(file));
    float[][] back = VecFiles.readFvecs(file);
    assertEquals(rows.length, back.length);
    for (int i = 0; i < rows.length; i++) {
      assertArrayEquals(rows[i], back[i]);
    }
  }

  @Test
  void ivecsRoundTrip() throws IOException {
    int[][] rows = {{7, 0, -1, Integer.MAX_VALUE}, {1, 2, 3, 4}, {5, 6, 7, 8}};
    Path file = dir.resolve("a.ivecs");
    VecFiles.writeIvecs(file, rows);
    int[][] back = VecFiles.readIvecs(file);
    assertEquals(rows.length, back.length);
    for (int i = 0; i < rows.length; i++) {
      assertArrayEquals(rows[i], back[i]);
    }
  }

  @Test
  void readsLittleEndianAsWrittenByOtherTools() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(2).putFloat(1.5f).putFloat(-4f);
    Path file = dir.resolve("le.fvecs");
    Files.write(file, b.array());
    assertArrayEquals(new float[] {1.5f, -4f}, VecFiles.readFvecs(file)[0]);
  }

  @Test
  void rejectsTruncatedFileNamingIt() throws IOException {
    Path file = dir.resolve("bad.fvecs");
    VecFiles.writeFvecs(file, new float[][] {{1f, 2f}, {3f, 4f}});
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 2));
    IOException e = assertThrows(IOException.class, () -> VecFiles.readFvecs(file));
    assertTrue(e.getMessage().contains("bad.fvecs"), e.getMessage());
  }

  @Test
  void missingFileIsNamed() {
    Path file = dir.resolve("missing.fvecs");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> VecFiles.readFvecs(file));
    assertTrue(e.getMessage().contains("missing.fvecs"), e.getMessage());
  }
}
