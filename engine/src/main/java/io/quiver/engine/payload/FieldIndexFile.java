package io.quiver.engine.payload;

import io.quiver.engine.store.AtomicFileWriter;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.MappedFile;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.roaringbitmap.RoaringBitmap;

/**
 * The file of one field index, format {@value #FORMAT} version {@value #VERSION}: the {@code
 * FileFormat} header, this body, the CRC32 footer. Little-endian.
 *
 * <pre>
 * kind          int32    {@link FieldIndexKind#code()}
 * pathLength    int32
 * path          pathLength UTF-8 bytes, the canonical {@link JsonPath}
 * nonEmpty      bitmap   points with a value that is not null and not []
 * hasNull       bitmap   points where the path holds null
 * other         bitmap   points with a non-null value not of the index's type
 * otherNumbers  bitmap   integer index: points with a number that is not an int64; else empty
 * keyCount      int32
 * keyCount x    key, then bitmap of the points holding it; keys ascending
 *   keyword     int32 length + UTF-8 bytes
 *   integer     int64
 *   float       int64, the order-preserving encoding of the double
 *   datetime    int64 epoch microseconds
 *   bool        int32 0 or 1
 *   uuid        int64 most significant bits, int64 least significant bits
 * bitmap:       int32 length, then RoaringBitmap's portable serialization of that length
 * </pre>
 */
public final class FieldIndexFile {

  public static final String FORMAT = "quiver.field-index";
  public static final int VERSION = 1;

  private FieldIndexFile() {}

  public static void write(FieldIndex<?> index, Path file, byte[] segmentId) throws IOException {
    try (AtomicFileWriter out = new AtomicFileWriter(file, FORMAT, VERSION, segmentId)) {
      out.writeInt(index.kind().code());
      writeString(out, index.path().toString());
      writeBitmap(out, index.nonEmpty);
      writeBitmap(out, index.hasNull);
      writeBitmap(out, index.other);
      writeBitmap(out, index instanceof NumericIndex n ? n.otherNumbers : new RoaringBitmap());
      List<Object> keys = new ArrayList<>(index.postings.keySet());
      keys.sort(null);
      out.writeInt(keys.size());
      for (Object key : keys) {
        writeKey(out, index.kind(), key);
        writeBitmap(out, index.postings.get(key));
      }
      out.commit();
    }
  }

  /**
   * Reads and verifies an index file.
   *
   * @param segmentId the segment the file must belong to, or null to accept any
   */
  public static FieldIndex<?> read(Path file, byte[] segmentId) throws IOException {
    MappedFile mapped = MappedFile.open(file, FORMAT, VERSION, VERSION, true);
    if (segmentId != null && !java.util.Arrays.equals(mapped.header().segmentId, segmentId)) {
      throw new CorruptFileException(file, "file belongs to another segment");
    }
    ByteBuffer in = mapped.body().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    try {
      int code = in.getInt();
      FieldIndexKind kind;
      try {
        kind = FieldIndexKind.fromCode(code);
      } catch (IllegalArgumentException e) {
        throw new CorruptFileException(file, e.getMessage());
      }
      String pathText = readString(in, file);
      JsonPath path;
      try {
        path = JsonPath.parse(pathText);
      } catch (IllegalArgumentException e) {
        throw new CorruptFileException(file, e.getMessage());
      }
      FieldIndex<?> index = PayloadIndexes.newIndex(path, kind);
      index.nonEmpty.or(readBitmap(in, file));
      index.hasNull.or(readBitmap(in, file));
      index.other.or(readBitmap(in, file));
      RoaringBitmap otherNumbers = readBitmap(in, file);
      if (index instanceof NumericIndex n) {
        n.otherNumbers.or(otherNumbers);
      }
      int keyCount = in.getInt();
      if (keyCount < 0) {
        throw new CorruptFileException(file, "negative key count " + keyCount);
      }
      @SuppressWarnings("unchecked")
      FieldIndex<Object> target = (FieldIndex<Object>) index;
      for (int i = 0; i < keyCount; i++) {
        Object key = readKey(in, kind, file);
        RoaringBitmap points = readBitmap(in, file);
        if (points.isEmpty() || target.postings.put(key, points) != null) {
          throw new CorruptFileException(file, "key " + i + " is empty or repeated");
        }
      }
      if (in.hasRemaining()) {
        throw new CorruptFileException(file, in.remaining() + " bytes after the last key");
      }
      index.restoreKeysByOffset();
      return index;
    } catch (BufferUnderflowException e) {
      throw new CorruptFileException(file, "body ends early");
    }
  }

  private static void writeKey(AtomicFileWriter out, FieldIndexKind kind, Object key)
      throws IOException {
    switch (kind) {
      case KEYWORD -> writeString(out, (String) key);
      case BOOL -> out.writeInt((Boolean) key ? 1 : 0);
      case UUID -> {
        UUID uuid = (UUID) key;
        out.writeLong(uuid.getMostSignificantBits()).writeLong(uuid.getLeastSignificantBits());
      }
      default -> out.writeLong((Long) key);
    }
  }

  private static Object readKey(ByteBuffer in, FieldIndexKind kind, Path file)
      throws CorruptFileException {
    return switch (kind) {
      case KEYWORD -> readString(in, file);
      case BOOL -> {
        int b = in.getInt();
        if (b != 0 && b != 1) {
          throw new CorruptFileException(file, "bool key must be 0 or 1; got " + b);
        }
        yield b == 1;
      }
      case UUID -> new UUID(in.getLong(), in.getLong());
      default -> in.getLong();
    };
  }

  private static void writeString(AtomicFileWriter out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length).writeBytes(ByteBuffer.wrap(bytes));
  }

  private static String readString(ByteBuffer in, Path file) throws CorruptFileException {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new CorruptFileException(file, "string length " + length + " is out of bounds");
    }
    ByteBuffer bytes = in.slice();
    bytes.limit(length);
    in.position(in.position() + length);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new CorruptFileException(file, "string is not UTF-8");
    }
  }

  private static void writeBitmap(AtomicFileWriter out, RoaringBitmap bitmap) throws IOException {
    bitmap.runOptimize();
    ByteBuffer bytes = ByteBuffer.allocate(bitmap.serializedSizeInBytes());
    bitmap.serialize(bytes);
    bytes.flip();
    out.writeInt(bytes.remaining()).writeBytes(bytes);
  }

  private static RoaringBitmap readBitmap(ByteBuffer in, Path file) throws CorruptFileException {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new CorruptFileException(file, "bitmap length " + length + " is out of bounds");
    }
    ByteBuffer bytes = in.slice().order(ByteOrder.LITTLE_ENDIAN);
    bytes.limit(length);
    in.position(in.position() + length);
    RoaringBitmap bitmap = new RoaringBitmap();
    try {
      bitmap.deserialize(bytes);
    } catch (IOException | RuntimeException e) {
      throw new CorruptFileException(file, "bitmap does not decode: " + e.getMessage());
    }
    if (bitmap.serializedSizeInBytes() != length) {
      throw new CorruptFileException(file, "bitmap length " + length + " does not match its data");
    }
    return bitmap;
  }
}
