package io.quiver.engine.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.operation.PointSelector;
import io.quiver.engine.payload.FieldIndexKind;
import io.quiver.engine.payload.JsonPath;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.segment.SegmentMeta;
import io.quiver.engine.shard.LocalShard;
import io.quiver.engine.shard.OptimizationProgress;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.engine.shard.VersionedWrite;
import io.quiver.engine.snapshot.SnapshotManifest;
import io.quiver.engine.snapshot.SnapshotReader;
import io.quiver.engine.snapshot.SnapshotWriter;
import io.quiver.engine.store.FileFormat;
import io.quiver.engine.store.FileTrees;
import io.quiver.engine.store.JsonFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An embedded collection: Quiver without a server, in a directory of its own. Thread-safe. Writes
 * go through the collection's WAL; with {@code wait = true} a call returns once the write is
 * durable, and a crash after that never loses it. A background optimizer indexes new points and
 * checkpoints.
 *
 * <pre>{@code
 * CollectionConfig config = CollectionConfig.of(VectorParams.of(768, VectorSimilarity.COSINE));
 * try (QuiverCollection c = QuiverCollection.create(Path.of("/data/docs"), config)) {
 *   c.upsert(List.of(Point.of(PointId.of(1), vector, payload)), true);
 *   List<ScoredPoint> hits = c.search(SearchRequest.of(query, 10));
 * }
 * }</pre>
 *
 * <p>Layout: {@code collection.qv} (the configuration: {@code FileFormat}'s header, {@code length
 * int32}, the config JSON, CRC footer) and {@code shard/} (the local shard).
 */
public final class QuiverCollection implements Closeable {

  static final String CONFIG_FILE = "collection.qv";
  static final String CONFIG_FORMAT = "quiver.collection";
  static final int CONFIG_VERSION = 1;
  static final String SHARD_DIR = "shard";
  static final String PAYLOAD_SCHEMA = "payload_schema";

  private final Path path;
  private final CollectionConfig config;
  private final LocalShard shard;

  private QuiverCollection(Path path, CollectionConfig config, LocalShard shard) {
    this.path = path;
    this.config = config;
    this.shard = shard;
  }

  /** Creates a collection in {@code path}, which must not hold one already. */
  public static QuiverCollection create(Path path, CollectionConfig config) throws IOException {
    if (Files.exists(path.resolve(CONFIG_FILE))) {
      throw new IllegalStateException("a collection already exists in " + path);
    }
    Files.createDirectories(path);
    writeConfig(path, config);
    return open(path);
  }

  /**
   * Replaces the configuration of the closed collection in {@code path}; it takes effect when the
   * collection is opened again, for segments built from then on. The vectors' names, sizes and
   * distances cannot change (existing segments hold them).
   */
  public static void updateConfig(Path path, CollectionConfig config) throws IOException {
    Path file = path.resolve(CONFIG_FILE);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(
          "no collection in " + path + ": " + CONFIG_FILE + " is missing");
    }
    CollectionConfig current =
        CollectionConfig.fromJson(JsonFile.read(file, CONFIG_FORMAT, CONFIG_VERSION).json());
    if (!current.vectors().keySet().equals(config.vectors().keySet())) {
      throw new IllegalArgumentException(
          "vectors cannot be added or removed: the collection has "
              + current.vectors().keySet()
              + ", the update has "
              + config.vectors().keySet());
    }
    for (String name : current.vectors().keySet()) {
      VectorParams was = current.vectors().get(name);
      VectorParams now = config.vectors().get(name);
      if (was.size() != now.size() || was.distance() != now.distance()) {
        throw new IllegalArgumentException(
            "vector '"
                + name
                + "': size and distance cannot change ("
                + was.size()
                + ", "
                + was.distance()
                + ")");
      }
    }
    writeConfig(path, config);
  }

  private static void writeConfig(Path path, CollectionConfig config) throws IOException {
    byte[] json = config.toJson().toString().getBytes(StandardCharsets.UTF_8);
    JsonFile.write(
        path.resolve(CONFIG_FILE),
        CONFIG_FORMAT,
        CONFIG_VERSION,
        new byte[FileFormat.SEGMENT_ID_LENGTH],
        json);
  }

  /** Opens the collection in {@code path}, replaying its WAL after the last checkpoint. */
  public static QuiverCollection open(Path path) throws IOException {
    Path file = path.resolve(CONFIG_FILE);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(
          "no collection in " + path + ": " + CONFIG_FILE + " is missing");
    }
    byte[] json = JsonFile.read(file, CONFIG_FORMAT, CONFIG_VERSION).json();
    CollectionConfig config = CollectionConfig.fromJson(json);
    LocalShard shard = LocalShard.open(path.resolve(SHARD_DIR), config, true);
    shard.optimizer().start();
    return new QuiverCollection(path, config, shard);
  }

  public Path path() {
    return path;
  }

  public CollectionConfig config() {
    return config;
  }

  /** Inserts or replaces {@code points}; returns the operation's sequence. */
  public long upsert(List<Point> points, boolean wait) throws IOException {
    return shard.submit(new Operation.Upsert(points), wait);
  }

  public long delete(List<PointId> ids, boolean wait) throws IOException {
    return shard.submit(new Operation.DeletePoints(PointSelector.ids(ids)), wait);
  }

  /**
   * Inserts or replaces each point whose stored external version is older than {@code versions[i]}
   * (unsigned) and stores that version; a point whose stored version is the same or newer is left
   * alone and counted stale. See {@link LocalShard} for the rules.
   */
  public VersionedWrite upsertVersioned(List<Point> points, long[] versions, boolean wait)
      throws IOException {
    return shard.submitVersioned(new Operation.VersionedUpsert(points, versions), wait);
  }

  /**
   * Deletes each id whose stored external version is older than {@code versions[i]} (unsigned) and
   * stores that version as the id's tombstone, so that older upserts of it are stale.
   */
  public VersionedWrite deleteVersioned(List<PointId> ids, long[] versions, boolean wait)
      throws IOException {
    return shard.submitVersioned(new Operation.VersionedDelete(ids, versions), wait);
  }

  /**
   * Drops the tombstones of versioned deletes at or below {@code upToVersion} (unsigned): call it
   * only once no write of those ids at or below that version can arrive any more, or a late one
   * would bring a deleted point back.
   */
  public long purgeTombstones(long upToVersion, boolean wait) throws IOException {
    return shard.submit(new Operation.PurgeTombstones(upToVersion), wait);
  }

  /** Merges {@code payload}'s keys into the points' payloads (Qdrant's set-payload). */
  public long setPayload(List<PointId> ids, ObjectNode payload, boolean wait) throws IOException {
    return shard.submit(new Operation.SetPayload(PointSelector.ids(ids), payload, null), wait);
  }

  public long overwritePayload(List<PointId> ids, ObjectNode payload, boolean wait)
      throws IOException {
    return shard.submit(new Operation.OverwritePayload(PointSelector.ids(ids), payload), wait);
  }

  public long deletePayload(List<PointId> ids, List<String> keys, boolean wait) throws IOException {
    return shard.submit(new Operation.DeletePayload(PointSelector.ids(ids), keys), wait);
  }

  public long clearPayload(List<PointId> ids, boolean wait) throws IOException {
    return shard.submit(new Operation.ClearPayload(PointSelector.ids(ids)), wait);
  }

  /** Creates a payload index on {@code key} with Qdrant's {@code field_schema} name. */
  public long createFieldIndex(String key, String schema, boolean wait) throws IOException {
    return shard.submit(new Operation.CreateFieldIndex(key, schema), wait);
  }

  public long deleteFieldIndex(String key, boolean wait) throws IOException {
    return shard.submit(new Operation.DeleteFieldIndex(key), wait);
  }

  public List<PointRecord> retrieve(List<PointId> ids, boolean withPayload, boolean withVectors) {
    return shard.retrieve(ids, withPayload, withVectors);
  }

  public List<ScoredPoint> search(SearchRequest request) {
    return shard.search(request);
  }

  /** Live points in ascending id order from {@code from} (null = the start). */
  public LocalShard.ScrollPage scroll(
      PointId from, int limit, boolean withPayload, boolean withVectors) {
    return shard.scroll(from, limit, withPayload, withVectors);
  }

  public long count() {
    return shard.count();
  }

  public int segmentCount() {
    return shard.segmentCount();
  }

  /** The optimization running now, or null. */
  public OptimizationProgress runningOptimization() {
    return shard.optimizer().running();
  }

  /** Indexes everything written so far and checkpoints; returns when done. */
  public void optimize() throws IOException {
    shard.optimizer().optimizeFully();
  }

  /**
   * Writes a snapshot of this collection into {@code target}, a folder that must not hold one
   * already: everything applied up to now, and nothing after. Writes wait only while segment files
   * are hard-linked; searches go on. The snapshot carries the external version table (tombstones
   * included), so a restored collection refuses the same stale versioned writes. The manifest's
   * {@code config} is this collection's config plus {@code payload_schema} (field key to index
   * schema); its version and watermark are the sequence of the last operation it holds (at least
   * 1). {@link #restore} opens it as a collection again.
   */
  public SnapshotManifest snapshot(Path target) throws IOException {
    return snapshot(target, name());
  }

  /** As {@link #snapshot(Path)}, recording {@code collectionName} in the manifest. */
  public SnapshotManifest snapshot(Path target, String collectionName) throws IOException {
    try (SnapshotWriter writer = SnapshotWriter.begin(target)) {
      long watermark = shard.snapshot(writer, 0);
      ObjectNode json = config.toJson();
      ObjectNode schema = json.putObject(PAYLOAD_SCHEMA);
      for (SegmentMeta.IndexedField f : shard.indexes()) {
        schema.put(f.key(), f.schema());
      }
      return writer.commit(collectionName, json, Math.max(1, watermark), watermark, null);
    }
  }

  /**
   * Creates a collection in {@code path} (which must not hold one) from the snapshot in {@code
   * snapshotDir}, verifying every file's sha256 first, and opens it. The segments of every shard in
   * the snapshot go into the one local shard (a snapshot's shards hold disjoint ids); their files
   * are hard-linked where the filesystem allows, and their version tables merged (a snapshot
   * without one, such as a batch build, gives a collection without stored versions). Writes
   * continue after the snapshot's watermark.
   */
  public static QuiverCollection restore(Path snapshotDir, Path path) throws IOException {
    SnapshotReader snapshot = SnapshotReader.open(snapshotDir, true);
    SnapshotManifest manifest = snapshot.manifest();
    CollectionConfig config = configOf(manifest);
    List<SegmentMeta.IndexedField> indexes = payloadSchema(manifest.config().get(PAYLOAD_SCHEMA));
    if (Files.exists(path.resolve(CONFIG_FILE))) {
      throw new IllegalStateException("a collection already exists in " + path);
    }
    boolean created = !Files.exists(path);
    boolean success = false;
    try {
      Files.createDirectories(path);
      List<Path> segments = new ArrayList<>();
      snapshot.segmentDirs().values().forEach(segments::addAll);
      List<Path> versionTables = new ArrayList<>(snapshot.versionTables().values());
      LocalShard.restore(
          path.resolve(SHARD_DIR), segments, versionTables, manifest.watermark(), indexes);
      writeConfig(path, config);
      QuiverCollection restored = open(path);
      success = true;
      return restored;
    } finally {
      if (!success) {
        FileTrees.delete(path.resolve(SHARD_DIR));
        Files.deleteIfExists(path.resolve(CONFIG_FILE));
        if (created) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  /**
   * The collection configuration a snapshot's manifest carries (its config without {@code
   * payload_schema}).
   */
  public static CollectionConfig configOf(SnapshotManifest manifest) {
    ObjectNode json = manifest.config();
    json.remove(PAYLOAD_SCHEMA);
    return CollectionConfig.fromJson(json);
  }

  private static List<SegmentMeta.IndexedField> payloadSchema(JsonNode schema) {
    List<SegmentMeta.IndexedField> indexes = new ArrayList<>();
    if (schema == null || schema.isNull()) {
      return indexes;
    }
    if (!schema.isObject()) {
      throw new IllegalArgumentException(
          "manifest config." + PAYLOAD_SCHEMA + " must be an object; got " + schema);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = "manifest config." + PAYLOAD_SCHEMA + "." + e.getKey();
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException(at + " must be a schema name; got " + e.getValue());
      }
      try {
        JsonPath.parse(e.getKey());
        FieldIndexKind.fromSchema(e.getValue().asText());
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException(at + ": " + bad.getMessage(), bad);
      }
      indexes.add(new SegmentMeta.IndexedField(e.getKey(), e.getValue().asText()));
    }
    return indexes;
  }

  /** The collection's name: its folder's name. */
  public String name() {
    return path.toAbsolutePath().normalize().getFileName().toString();
  }

  /** The shard underneath, for servers and tests. */
  public LocalShard shard() {
    return shard;
  }

  @Override
  public void close() throws IOException {
    shard.close();
  }
}
