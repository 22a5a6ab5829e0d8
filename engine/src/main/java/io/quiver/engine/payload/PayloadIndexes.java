package io.quiver.engine.payload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.store.AtomicFileWriter;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.MappedFile;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The field indexes of one segment, at most one per (path, kind), created and dropped on demand and
 * kept up to date through {@link #add} and {@link #remove}.
 *
 * <p>On disk, under one directory: one {@link FieldIndexFile} per index, named {@code
 * field-index-<generation>-<n>.qfi}, and the manifest {@value #MANIFEST} that lists them, format
 * {@value #MANIFEST_FORMAT} version 1, body:
 *
 * <pre>
 * generation  int64   increases with every write; index files carry it in their names
 * count       int32
 * count x     int32 length + UTF-8 file name
 * </pre>
 *
 * The manifest is written last, so a reader sees either the previous set of files or the new one;
 * files of older generations are deleted after the manifest is in place.
 */
public final class PayloadIndexes {

  public static final String MANIFEST = "field-indexes.qfm";
  public static final String MANIFEST_FORMAT = "quiver.field-indexes";
  private static final int MANIFEST_VERSION = 1;

  private final Map<JsonPath, EnumMap<FieldIndexKind, FieldIndex<?>>> byPath =
      new LinkedHashMap<>();

  static FieldIndex<?> newIndex(JsonPath path, FieldIndexKind kind) {
    return switch (kind) {
      case KEYWORD -> new KeywordIndex(path);
      case BOOL -> new BoolIndex(path);
      case UUID -> new UuidIndex(path);
      case INTEGER, FLOAT, DATETIME -> new NumericIndex(path, kind);
    };
  }

  /**
   * Creates the index of {@code kind} on {@code path} and fills it from the segment's {@code size}
   * points; returns the existing one if there is one.
   *
   * @param payloads the payload of each offset, or null for a point without one
   */
  public FieldIndex<?> create(
      JsonPath path, FieldIndexKind kind, int size, IntFunction<ObjectNode> payloads) {
    FieldIndex<?> existing = get(path, kind);
    if (existing != null) {
      return existing;
    }
    FieldIndex<?> index = newIndex(path, kind);
    for (int offset = 0; offset < size; offset++) {
      ObjectNode payload = payloads.apply(offset);
      if (payload != null) {
        index.add(offset, payload);
      }
    }
    put(index);
    return index;
  }

  private void put(FieldIndex<?> index) {
    byPath
        .computeIfAbsent(index.path(), p -> new EnumMap<>(FieldIndexKind.class))
        .put(index.kind(), index);
  }

  /** Drops the index of {@code kind} on {@code path}; false if there was none. */
  public boolean drop(JsonPath path, FieldIndexKind kind) {
    EnumMap<FieldIndexKind, FieldIndex<?>> kinds = byPath.get(path);
    if (kinds == null || kinds.remove(kind) == null) {
      return false;
    }
    if (kinds.isEmpty()) {
      byPath.remove(path);
    }
    return true;
  }

  /** Drops every index on {@code path}; returns how many there were. */
  public int drop(JsonPath path) {
    EnumMap<FieldIndexKind, FieldIndex<?>> kinds = byPath.remove(path);
    return kinds == null ? 0 : kinds.size();
  }

  public FieldIndex<?> get(JsonPath path, FieldIndexKind kind) {
    EnumMap<FieldIndexKind, FieldIndex<?>> kinds = byPath.get(path);
    return kinds == null ? null : kinds.get(kind);
  }

  /** The indexes on {@code path}, empty if none. */
  public Collection<FieldIndex<?>> indexes(JsonPath path) {
    EnumMap<FieldIndexKind, FieldIndex<?>> kinds = byPath.get(path);
    return kinds == null ? List.of() : kinds.values();
  }

  public List<FieldIndex<?>> all() {
    List<FieldIndex<?>> all = new ArrayList<>();
    byPath.values().forEach(kinds -> all.addAll(kinds.values()));
    return all;
  }

  public boolean isEmpty() {
    return byPath.isEmpty();
  }

  /** Indexes {@code payload} for {@code offset} in every index, replacing what it had. */
  public void add(int offset, ObjectNode payload) {
    for (EnumMap<FieldIndexKind, FieldIndex<?>> kinds : byPath.values()) {
      for (FieldIndex<?> index : kinds.values()) {
        index.add(offset, payload);
      }
    }
  }

  /** Forgets {@code offset} in every index. */
  public void remove(int offset) {
    for (EnumMap<FieldIndexKind, FieldIndex<?>> kinds : byPath.values()) {
      for (FieldIndex<?> index : kinds.values()) {
        index.remove(offset);
      }
    }
  }

  /** Writes every index and then the manifest under {@code dir}. */
  public void writeAll(Path dir, byte[] segmentId) throws IOException {
    Files.createDirectories(dir);
    long generation = readGeneration(dir.resolve(MANIFEST)) + 1;
    List<String> names = new ArrayList<>();
    for (FieldIndex<?> index : all()) {
      String name = "field-index-" + generation + "-" + names.size() + ".qfi";
      FieldIndexFile.write(index, dir.resolve(name), segmentId);
      names.add(name);
    }
    try (AtomicFileWriter out =
        new AtomicFileWriter(dir.resolve(MANIFEST), MANIFEST_FORMAT, MANIFEST_VERSION, segmentId)) {
      out.writeLong(generation).writeInt(names.size());
      for (String name : names) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length).writeBytes(ByteBuffer.wrap(bytes));
      }
      out.commit();
    }
    Set<String> keep = new HashSet<>(names);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "field-index-*.qfi")) {
      for (Path file : files) {
        if (!keep.contains(file.getFileName().toString())) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /**
   * Reads the indexes written under {@code dir}; an empty container if there is no manifest.
   *
   * @param segmentId the segment the files must belong to, or null to accept any
   */
  public static PayloadIndexes readAll(Path dir, byte[] segmentId) throws IOException {
    PayloadIndexes indexes = new PayloadIndexes();
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.exists(manifest)) {
      return indexes;
    }
    for (String name : readManifest(manifest, segmentId)) {
      FieldIndex<?> index = FieldIndexFile.read(dir.resolve(name), segmentId);
      if (indexes.get(index.path(), index.kind()) != null) {
        throw new CorruptFileException(dir.resolve(name), "a second " + index + " in the manifest");
      }
      indexes.put(index);
    }
    return indexes;
  }

  private static long readGeneration(Path manifest) throws IOException {
    if (!Files.exists(manifest)) {
      return 0;
    }
    MappedFile file = MappedFile.open(manifest, MANIFEST_FORMAT, 1, MANIFEST_VERSION, true);
    ByteBuffer in = file.body().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    try {
      return in.getLong();
    } catch (BufferUnderflowException e) {
      throw new CorruptFileException(manifest, "body ends early");
    }
  }

  private static List<String> readManifest(Path manifest, byte[] segmentId) throws IOException {
    MappedFile file = MappedFile.open(manifest, MANIFEST_FORMAT, 1, MANIFEST_VERSION, true);
    if (segmentId != null && !java.util.Arrays.equals(file.header().segmentId, segmentId)) {
      throw new CorruptFileException(manifest, "file belongs to another segment");
    }
    ByteBuffer in = file.body().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    try {
      in.getLong();
      int count = in.getInt();
      if (count < 0) {
        throw new CorruptFileException(manifest, "negative index count " + count);
      }
      List<String> names = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int length = in.getInt();
        if (length <= 0 || length > in.remaining()) {
          throw new CorruptFileException(manifest, "file name length " + length + " is invalid");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        String name = new String(bytes, StandardCharsets.UTF_8);
        if (!name.startsWith("field-index-") || name.contains("/") || name.contains("\\")) {
          throw new CorruptFileException(manifest, "unexpected file name '" + name + "'");
        }
        names.add(name);
      }
      if (in.hasRemaining()) {
        throw new CorruptFileException(manifest, in.remaining() + " bytes after the last name");
      }
      return names;
    } catch (BufferUnderflowException e) {
      throw new CorruptFileException(manifest, "body ends early");
    }
  }
}
