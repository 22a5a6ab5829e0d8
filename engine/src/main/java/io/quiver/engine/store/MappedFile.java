package io.quiver.engine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens a Quiver file read-only, memory-mapped, after checking its header and checksum footer. The
 * body is exposed as a little-endian buffer positioned between the header and the footer.
 *
 * <p>One mapping holds at most 2 GiB; files larger than that are refused here and are mapped in
 * chunks by the formats that need it (vector data).
 */
public final class MappedFile {

  private final Path path;
  private final FileFormat.Header header;
  private final ByteBuffer body;

  private MappedFile(Path path, FileFormat.Header header, ByteBuffer body) {
    this.path = path;
    this.header = header;
    this.body = body;
  }

  /**
   * Maps and verifies {@code path}; {@code onHeap} reads it into heap memory instead of mapping.
   */
  public static MappedFile open(
      Path path, String formatName, int minVersion, int maxVersion, boolean onHeap)
      throws IOException {
    ByteBuffer whole;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new CorruptFileException(
            path, "file of " + size + " bytes exceeds the 2 GiB limit of format " + formatName);
      }
      if (onHeap) {
        whole = ByteBuffer.allocate((int) size);
        while (whole.hasRemaining()) {
          if (ch.read(whole) < 0) {
            throw new CorruptFileException(path, "file shrank while it was being read");
          }
        }
        whole.flip();
      } else {
        MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        whole = mapped;
      }
    }
    whole.order(ByteOrder.LITTLE_ENDIAN);
    FileFormat.Header header =
        FileFormat.checkHeader(whole, path, formatName, minVersion, maxVersion, null);
    FileFormat.checkFooter(whole, path);
    ByteBuffer body = whole.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    body.position(header.length).limit(whole.limit() - FileFormat.FOOTER_LENGTH);
    return new MappedFile(path, header, body.slice().order(ByteOrder.LITTLE_ENDIAN));
  }

  public Path path() {
    return path;
  }

  public FileFormat.Header header() {
    return header;
  }

  /** The body, position 0, little-endian; callers duplicate it before moving its position. */
  public ByteBuffer body() {
    return body;
  }
}
