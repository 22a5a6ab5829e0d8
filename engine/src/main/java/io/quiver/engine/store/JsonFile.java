package io.quiver.engine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A small Quiver file whose body is one UTF-8 JSON document: {@code FileFormat}'s header, {@code
 * length int32}, the JSON bytes, CRC footer. Used for metadata (segment meta, shard state,
 * collection config) that is read whole.
 */
public final class JsonFile {

  private JsonFile() {}

  /** Writes {@code json} to {@code file} atomically. */
  public static void write(Path file, String format, int version, byte[] segmentId, byte[] json)
      throws IOException {
    try (AtomicFileWriter out = new AtomicFileWriter(file, format, version, segmentId)) {
      out.writeInt(json.length).writeBytes(ByteBuffer.wrap(json));
      out.commit();
    }
  }

  /** The checked file's header and JSON bytes. */
  public record Contents(FileFormat.Header header, byte[] json) {}

  /** Reads {@code file} after checking its header and checksum. */
  public static Contents read(Path file, String format, int version) throws IOException {
    return read(file, format, version, version);
  }

  /** Reads {@code file}, accepting format versions {@code minVersion..maxVersion}. */
  public static Contents read(Path file, String format, int minVersion, int maxVersion)
      throws IOException {
    MappedFile mapped = MappedFile.open(file, format, minVersion, maxVersion, true);
    ByteBuffer body = mapped.body();
    int length = body.limit() >= 4 ? body.getInt(0) : -1;
    if (length != body.limit() - 4) {
      throw new CorruptFileException(file, "JSON length " + length + " does not match the body");
    }
    byte[] json = new byte[length];
    body.get(4, json);
    return new Contents(mapped.header(), json);
  }
}
