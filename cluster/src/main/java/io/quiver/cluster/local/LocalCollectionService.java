package io.quiver.cluster.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.cluster.AliasOperation;
import io.quiver.cluster.CollectionInfo;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.CollectionSettings;
import io.quiver.cluster.ConfigPatch;
import io.quiver.cluster.ConflictException;
import io.quiver.cluster.NotFoundException;
import io.quiver.cluster.SnapshotDescription;
import io.quiver.cluster.SnapshotFetcher;
import io.quiver.cluster.SnapshotVersion;
import io.quiver.cluster.UpdateResult;
import io.quiver.cluster.VersionedUpdateResult;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.segment.SegmentId;
import io.quiver.engine.shard.LocalShard;
import io.quiver.engine.shard.OptimizationProgress;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.engine.shard.VersionedWrite;
import io.quiver.engine.snapshot.FileDigests;
import io.quiver.engine.snapshot.SnapshotArchive;
import io.quiver.engine.snapshot.SnapshotManifest;
import io.quiver.engine.snapshot.SnapshotReader;
import io.quiver.engine.store.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collection service of a single node: every collection is an embedded {@link QuiverCollection}
 * (one local shard) under the storage folder.
 *
 * <pre>
 * storage/
 *   collections/&lt;name&gt;/collection.json   settings and versions (HostedCollection)
 *   collections/&lt;name&gt;/v&lt;k&gt;/             the embedded collection of version k
 *   aliases.json                          alias to collection, replaced atomically
 *   snapshots/&lt;name&gt;/&lt;file&gt;.snapshot     snapshot files (tar), with &lt;file&gt;.snapshot.checksum
 *   tmp/                                  staging, emptied at start
 * </pre>
 *
 * Creating, deleting and aliasing collections take one service-wide lock; everything else works on
 * one collection under its own lock ({@link HostedCollection}).
 */
public final class LocalCollectionService implements CollectionService {

  private static final Logger LOG = LoggerFactory.getLogger(LocalCollectionService.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SNAPSHOT_SUFFIX = ".snapshot";
  private static final String CHECKSUM_SUFFIX = ".checksum";
  private static final DateTimeFormatter SNAPSHOT_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);

  /** Versions kept per collection: the serving one and the one a rollback returns to. */
  static final int KEPT_VERSIONS = 2;

  private final Path collectionsDir;
  private final Path snapshotsDir;
  private final Path tmpDir;
  private final Path aliasesFile;
  private final List<SnapshotFetcher> fetchers;
  private final Object catalogLock = new Object();
  private final Map<String, HostedCollection> collections = new ConcurrentHashMap<>();
  private volatile Map<String, String> aliases = Map.of();

  private LocalCollectionService(Path storage, List<SnapshotFetcher> fetchers) {
    this.collectionsDir = storage.resolve("collections");
    this.snapshotsDir = storage.resolve("snapshots");
    this.tmpDir = storage.resolve("tmp");
    this.aliasesFile = storage.resolve("aliases.json");
    this.fetchers = List.copyOf(fetchers);
  }

  /** Opens (or creates) the node's storage and every collection in it. */
  public static LocalCollectionService open(Path storage, List<SnapshotFetcher> fetchers)
      throws IOException {
    LocalCollectionService service = new LocalCollectionService(storage, fetchers);
    service.load();
    return service;
  }

  private void load() throws IOException {
    Files.createDirectories(collectionsDir);
    Files.createDirectories(snapshotsDir);
    FileTrees.delete(tmpDir);
    Files.createDirectories(tmpDir);
    try (var children = Files.list(collectionsDir)) {
      for (Path dir : children.sorted().toList()) {
        String name = dir.getFileName().toString();
        if (!Files.exists(dir.resolve(HostedCollection.STATE_FILE))) {
          LOG.warn("Removing {}: its creation did not finish", dir);
          FileTrees.delete(dir);
          continue;
        }
        collections.put(name, HostedCollection.open(name, dir));
      }
    }
    Map<String, String> loaded = new TreeMap<>();
    if (Files.exists(aliasesFile)) {
      JsonNode json = MAPPER.readTree(Files.readAllBytes(aliasesFile));
      json.fields()
          .forEachRemaining(
              e -> {
                if (collections.containsKey(e.getValue().asText())) {
                  loaded.put(e.getKey(), e.getValue().asText());
                }
              });
    }
    aliases = Map.copyOf(loaded);
    LOG.info("Opened {} collection(s) and {} alias(es)", collections.size(), aliases.size());
  }

  // ---------------------------------------------------------------- collections

  @Override
  public void createCollection(String name, CollectionConfig config, CollectionSettings settings)
      throws IOException {
    checkName(name, "collection name");
    synchronized (catalogLock) {
      if (collections.containsKey(name)) {
        throw new ConflictException("collection '" + name + "' already exists");
      }
      if (aliases.containsKey(name)) {
        throw new ConflictException("'" + name + "' is already an alias");
      }
      Path dir = collectionsDir.resolve(name);
      FileTrees.delete(dir); // an unfinished create
      QuiverCollection collection = QuiverCollection.create(dir.resolve("v1"), config);
      try {
        SnapshotVersion empty = new SnapshotVersion(1, null, 0, Instant.now(), true);
        collections.put(name, HostedCollection.create(name, dir, collection, settings, empty));
      } catch (IOException | RuntimeException e) {
        collection.close();
        FileTrees.delete(dir);
        throw e;
      }
    }
    LOG.info("Created collection {}", name);
  }

  @Override
  public boolean deleteCollection(String name) throws IOException {
    HostedCollection hosted;
    synchronized (catalogLock) {
      hosted = collections.remove(name);
      if (hosted == null) {
        return false;
      }
      Map<String, String> kept = new TreeMap<>(aliases);
      kept.values().removeIf(name::equals);
      writeAliases(kept);
    }
    hosted.close();
    FileTrees.delete(hosted.dir());
    FileTrees.delete(snapshotsDir.resolve(name));
    LOG.info("Deleted collection {}", name);
    return true;
  }

  @Override
  public List<String> listCollections() {
    return collections.keySet().stream().sorted().toList();
  }

  @Override
  public boolean exists(String name) {
    return collections.containsKey(name) || aliases.containsKey(name);
  }

  @Override
  public CollectionInfo info(String name) {
    HostedCollection hosted = hosted(name);
    return unchecked(
        () ->
            hosted.read(
                c -> {
                  long points = c.count();
                  OptimizationProgress running = c.runningOptimization();
                  int mutable = c.shard().mutableSize();
                  String status = running != null ? "yellow" : mutable > 0 ? "grey" : "green";
                  long current =
                      hosted.versions().stream()
                          .filter(SnapshotVersion::current)
                          .findFirst()
                          .orElseThrow()
                          .version();
                  return new CollectionInfo(
                      hosted.name(),
                      status,
                      points,
                      c.shard().indexedPointCount() * c.config().vectors().size(),
                      c.segmentCount(),
                      current,
                      c.config(),
                      hosted.settings(),
                      c.shard().indexes());
                }));
  }

  @Override
  public void updateCollection(String name, JsonNode patch) throws IOException {
    HostedCollection hosted = hosted(name);
    hosted.versionChange(
        changing ->
            changing.exclusive(
                h -> {
                  ConfigPatch.Result result =
                      ConfigPatch.apply(h.current().config(), h.settings(), patch);
                  Path path = h.current().path();
                  if (!result.config().equals(h.current().config())) {
                    h.current().close();
                    try {
                      QuiverCollection.updateConfig(path, result.config());
                    } finally {
                      h.reopen();
                    }
                  }
                  h.setSettings(result.settings());
                  return null;
                }));
  }

  // ---------------------------------------------------------------- aliases

  @Override
  public void updateAliases(List<AliasOperation> operations) throws IOException {
    synchronized (catalogLock) {
      Map<String, String> next = new TreeMap<>(aliases);
      for (int i = 0; i < operations.size(); i++) {
        String at = "actions[" + i + "]";
        AliasOperation op = operations.get(i);
        if (op instanceof AliasOperation.Create c) {
          checkName(c.alias(), at + ".alias_name");
          if (!collections.containsKey(c.collection())) {
            throw new NotFoundException(
                at + ": collection '" + c.collection() + "' does not exist");
          }
          if (collections.containsKey(c.alias())) {
            throw new ConflictException(
                at + ": '" + c.alias() + "' is a collection's name, not available as an alias");
          }
          next.put(c.alias(), c.collection()); // Qdrant re-points an existing alias
        } else if (op instanceof AliasOperation.Delete d) {
          if (next.remove(d.alias()) == null) {
            throw new NotFoundException(at + ": alias '" + d.alias() + "' does not exist");
          }
        } else if (op instanceof AliasOperation.Rename r) {
          checkName(r.newAlias(), at + ".new_alias_name");
          String target = next.remove(r.oldAlias());
          if (target == null) {
            throw new NotFoundException(at + ": alias '" + r.oldAlias() + "' does not exist");
          }
          if (collections.containsKey(r.newAlias())) {
            throw new ConflictException(
                at + ": '" + r.newAlias() + "' is a collection's name, not available as an alias");
          }
          next.put(r.newAlias(), target);
        }
      }
      writeAliases(next);
    }
  }

  private void writeAliases(Map<String, String> next) throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    next.forEach(json::put);
    writeAtomically(aliasesFile, MAPPER.writeValueAsBytes(json));
    aliases = Map.copyOf(next);
  }

  @Override
  public Map<String, String> aliases() {
    return new TreeMap<>(aliases);
  }

  @Override
  public List<String> aliasesOf(String collection) {
    String name = hosted(collection).name(); // an alias lists its collection's aliases
    return aliases.entrySet().stream()
        .filter(e -> e.getValue().equals(name))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  // ---------------------------------------------------------------- points

  @Override
  public UpdateResult update(String collection, Operation operation, boolean wait)
      throws IOException {
    return hosted(collection).write(c -> new UpdateResult(c.shard().submit(operation, wait), wait));
  }

  @Override
  public List<UpdateResult> update(String collection, List<Operation> operations, boolean wait)
      throws IOException {
    return hosted(collection)
        .write(
            c -> {
              for (int i = 0; i < operations.size(); i++) {
                try {
                  c.shard().check(operations.get(i));
                } catch (IllegalArgumentException e) {
                  throw new IllegalArgumentException("operations[" + i + "]: " + e.getMessage(), e);
                }
              }
              List<UpdateResult> results = new ArrayList<>(operations.size());
              for (int i = 0; i < operations.size(); i++) {
                // One sync after the last covers the whole batch.
                boolean last = i == operations.size() - 1;
                results.add(
                    new UpdateResult(c.shard().submit(operations.get(i), wait && last), wait));
              }
              return results;
            });
  }

  @Override
  public VersionedUpdateResult upsertVersioned(
      String collection, List<Point> points, long[] versions, boolean wait) throws IOException {
    HostedCollection hosted = hosted(collection);
    Operation.VersionedUpsert op = new Operation.VersionedUpsert(points, versions);
    return hosted.write(c -> versioned(c.shard().submitVersioned(op, wait), wait));
  }

  @Override
  public VersionedUpdateResult deleteVersioned(
      String collection, List<PointId> ids, long[] versions, boolean wait) throws IOException {
    HostedCollection hosted = hosted(collection);
    Operation.VersionedDelete op = new Operation.VersionedDelete(ids, versions);
    return hosted.write(c -> versioned(c.shard().submitVersioned(op, wait), wait));
  }

  @Override
  public void purgeTombstones(String collection, long upToVersion, boolean wait)
      throws IOException {
    HostedCollection hosted = hosted(collection);
    hosted.write(c -> c.purgeTombstones(upToVersion, wait));
  }

  private static VersionedUpdateResult versioned(VersionedWrite write, boolean wait) {
    return new VersionedUpdateResult(write.sequence(), wait, write.applied(), write.stale());
  }

  @Override
  public List<PointRecord> retrieve(
      String collection, List<PointId> ids, boolean withPayload, boolean withVectors) {
    HostedCollection hosted = hosted(collection);
    return unchecked(() -> hosted.read(c -> c.retrieve(ids, withPayload, withVectors)));
  }

  @Override
  public List<ScoredPoint> search(String collection, SearchRequest request) {
    HostedCollection hosted = hosted(collection);
    return unchecked(() -> hosted.read(c -> c.search(request)));
  }

  @Override
  public LocalShard.ScrollPage scroll(
      String collection,
      PointId from,
      int limit,
      Filter filter,
      boolean withPayload,
      boolean withVectors) {
    HostedCollection hosted = hosted(collection);
    return unchecked(
        () -> hosted.read(c -> c.shard().scroll(from, limit, filter, withPayload, withVectors)));
  }

  @Override
  public long count(String collection, Filter filter) {
    HostedCollection hosted = hosted(collection);
    return unchecked(() -> hosted.read(c -> c.shard().count(filter)));
  }

  @Override
  public List<OptimizationProgress> optimizations(String collection) {
    HostedCollection hosted = hosted(collection);
    return unchecked(
        () ->
            hosted.read(
                c -> {
                  List<OptimizationProgress> out = new ArrayList<>();
                  OptimizationProgress running = c.runningOptimization();
                  if (running != null) {
                    out.add(running);
                  }
                  out.addAll(c.shard().optimizer().finished());
                  return out;
                }));
  }

  // ---------------------------------------------------------------- snapshots

  @Override
  public SnapshotDescription createSnapshot(String collection) throws IOException {
    HostedCollection hosted = hosted(collection);
    Path staging = tmpDir.resolve(SegmentId.random().toString());
    try {
      SnapshotManifest manifest = hosted.read(c -> c.snapshot(staging, hosted.name()));
      Path dir = Files.createDirectories(snapshotsDir.resolve(hosted.name()));
      String name =
          hosted.name()
              + "-"
              + manifest.watermark()
              + "-"
              + SNAPSHOT_TIME.format(manifest.createdAt())
              + SNAPSHOT_SUFFIX;
      Path file = dir.resolve(name);
      Path temp = dir.resolve("." + name + ".tmp");
      MessageDigest sha = FileDigests.newSha256();
      try (OutputStream out =
          new DigestOutputStream(Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW), sha)) {
        SnapshotArchive.pack(staging, out);
      }
      String checksum = FileDigests.hex(sha.digest());
      FileTrees.fsync(temp);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      writeAtomically(
          dir.resolve(name + CHECKSUM_SUFFIX), checksum.getBytes(StandardCharsets.US_ASCII));
      LOG.info("Snapshot {} of collection {} written", name, hosted.name());
      return new SnapshotDescription(name, manifest.createdAt(), Files.size(file), checksum);
    } finally {
      FileTrees.delete(staging);
    }
  }

  @Override
  public List<SnapshotDescription> listSnapshots(String collection) throws IOException {
    HostedCollection hosted = hosted(collection);
    Path dir = snapshotsDir.resolve(hosted.name());
    List<SnapshotDescription> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(SNAPSHOT_SUFFIX) && !name.startsWith(".")) {
          out.add(describe(f));
        }
      }
    }
    out.sort(Comparator.comparing(SnapshotDescription::creationTime));
    return out;
  }

  private static SnapshotDescription describe(Path file) throws IOException {
    Path checksumFile = file.resolveSibling(file.getFileName() + CHECKSUM_SUFFIX);
    String checksum =
        Files.exists(checksumFile)
            ? Files.readString(checksumFile, StandardCharsets.US_ASCII).trim()
            : null;
    return new SnapshotDescription(
        file.getFileName().toString(),
        Files.getLastModifiedTime(file).toInstant(),
        Files.size(file),
        checksum);
  }

  @Override
  public Path snapshotFile(String collection, String snapshotName) {
    HostedCollection hosted = hosted(collection);
    checkName(snapshotName, "snapshot name");
    Path file = snapshotsDir.resolve(hosted.name()).resolve(snapshotName);
    if (!snapshotName.endsWith(SNAPSHOT_SUFFIX) || !Files.isRegularFile(file)) {
      throw new NotFoundException(
          "snapshot '" + snapshotName + "' of collection '" + hosted.name() + "' does not exist");
    }
    return file;
  }

  @Override
  public boolean deleteSnapshot(String collection, String snapshotName) throws IOException {
    Path file;
    try {
      file = snapshotFile(collection, snapshotName);
    } catch (NotFoundException e) {
      hosted(collection); // an unknown collection is still an error
      return false;
    }
    Files.deleteIfExists(file.resolveSibling(snapshotName + CHECKSUM_SUFFIX));
    return Files.deleteIfExists(file);
  }

  @Override
  public SnapshotVersion recoverSnapshot(String collection, URI location, String checksum)
      throws IOException {
    String name = aliases.getOrDefault(collection, collection);
    checkName(name, "collection name");
    Path work = Files.createDirectories(tmpDir.resolve(SegmentId.random().toString()));
    try {
      Path source = localSnapshot(location, work.resolve("fetched"));
      Path snapshotDir = source;
      if (Files.isRegularFile(source)) {
        if (checksum != null) {
          String actual;
          try (InputStream in = Files.newInputStream(source)) {
            actual = FileDigests.sha256(in);
          }
          if (!actual.equalsIgnoreCase(checksum)) {
            throw new IllegalArgumentException(
                "checksum: the snapshot at "
                    + location
                    + " has sha256 "
                    + actual
                    + ", not "
                    + checksum);
          }
        }
        snapshotDir = work.resolve("unpacked");
        try (InputStream in = Files.newInputStream(source)) {
          SnapshotArchive.unpack(in, snapshotDir);
        }
      } else if (checksum != null) {
        throw new IllegalArgumentException(
            "checksum: applies to a snapshot file; " + location + " is a snapshot folder");
      }
      SnapshotManifest manifest = SnapshotReader.open(snapshotDir, false).manifest();
      SnapshotVersion created = createFromSnapshot(name, snapshotDir, manifest, location);
      if (created != null) {
        return created;
      }
      Path from = snapshotDir;
      return hosted(name)
          .versionChange(
              h -> {
                checkSameVectors(h.name(), h.current().config(), manifest, location);
                long version = h.nextVersion();
                // Restored before the cut-over, so that reads go on meanwhile.
                QuiverCollection restored = QuiverCollection.restore(from, h.versionDir(version));
                SnapshotVersion v =
                    new SnapshotVersion(
                        version, location.toString(), manifest.watermark(), Instant.now(), true);
                cutOver(h, restored, v, KEPT_VERSIONS, true);
                LOG.info(
                    "Collection {} serves version {} from {} ({} points)",
                    h.name(),
                    version,
                    location,
                    manifest.pointCount());
                return v;
              });
    } finally {
      FileTrees.delete(work);
    }
  }

  /**
   * Creates collection {@code name} from the snapshot (its version 1), so that a new collection
   * never serves empty; returns null if the collection exists already.
   */
  private SnapshotVersion createFromSnapshot(
      String name, Path snapshotDir, SnapshotManifest manifest, URI location) throws IOException {
    synchronized (catalogLock) {
      if (collections.containsKey(name)) {
        return null;
      }
      if (aliases.containsKey(name)) {
        throw new ConflictException("'" + name + "' is already an alias");
      }
      Path dir = collectionsDir.resolve(name);
      FileTrees.delete(dir);
      QuiverCollection restored = QuiverCollection.restore(snapshotDir, dir.resolve("v1"));
      CollectionSettings settings =
          new CollectionSettings(Math.max(1, manifest.shards().size()), 1, 1, true);
      SnapshotVersion version =
          new SnapshotVersion(1, location.toString(), manifest.watermark(), Instant.now(), true);
      try {
        collections.put(name, HostedCollection.create(name, dir, restored, settings, version));
      } catch (IOException | RuntimeException e) {
        restored.close();
        FileTrees.delete(dir);
        throw e;
      }
      LOG.info("Created collection {} from {} ({} points)", name, location, manifest.pointCount());
      return version;
    }
  }

  /**
   * A new version must keep the collection's vectors (names, sizes, distances): clients query it by
   * them. Changing them takes a new collection (or deleting this one first).
   */
  private static void checkSameVectors(
      String name, CollectionConfig current, SnapshotManifest manifest, URI location) {
    CollectionConfig incoming = QuiverCollection.configOf(manifest);
    for (var e : current.vectors().entrySet()) {
      var other = incoming.vectors().get(e.getKey());
      String vector = e.getKey().isEmpty() ? "the unnamed vector" : "vector '" + e.getKey() + "'";
      if (other == null
          || other.size() != e.getValue().size()
          || other.distance() != e.getValue().distance()) {
        throw new ConflictException(
            "collection '"
                + name
                + "' has "
                + vector
                + " of size "
                + e.getValue().size()
                + " ("
                + e.getValue().distance().apiName()
                + "); the snapshot at "
                + location
                + (other == null
                    ? " has no such vector"
                    : " has size " + other.size() + " (" + other.distance().apiName() + ")")
                + ". A new version must keep the collection's vectors; delete the collection to"
                + " change them");
      }
    }
    if (incoming.vectors().size() != current.vectors().size()) {
      throw new ConflictException(
          "collection '"
              + name
              + "' has vectors "
              + current.vectors().keySet()
              + "; the snapshot at "
              + location
              + " has "
              + incoming.vectors().keySet());
    }
  }

  /** The snapshot at {@code location} as a local file or folder, fetched into {@code work}. */
  private Path localSnapshot(URI location, Path work) throws IOException {
    String scheme = location.getScheme();
    if (scheme == null || scheme.equals("file")) {
      Path path = scheme == null ? Path.of(location.getPath()) : Path.of(location);
      if (!Files.exists(path)) {
        throw new IllegalArgumentException("location: " + location + " does not exist");
      }
      return path;
    }
    for (SnapshotFetcher f : fetchers) {
      if (f.handles(location)) {
        Files.createDirectories(work);
        return f.fetch(location, work);
      }
    }
    throw new IllegalArgumentException(
        "location: no way to read '" + scheme + "' URIs on this node (" + location + ")");
  }

  @Override
  public List<SnapshotVersion> versions(String collection) {
    return hosted(collection).versions();
  }

  @Override
  public SnapshotVersion rollback(String collection) throws IOException {
    return hosted(collection)
        .versionChange(
            h -> {
              List<SnapshotVersion> versions = h.versions();
              SnapshotVersion current =
                  versions.stream().filter(SnapshotVersion::current).findFirst().orElseThrow();
              SnapshotVersion previous = null;
              for (SnapshotVersion v : versions) {
                if (v.version() < current.version()) {
                  previous = v;
                }
              }
              if (previous == null) {
                throw new NotFoundException(
                    "collection '" + h.name() + "' has no version before " + current.version());
              }
              QuiverCollection reopened = QuiverCollection.open(h.versionDir(previous.version()));
              SnapshotVersion v =
                  new SnapshotVersion(
                      previous.version(),
                      previous.source(),
                      previous.watermark(),
                      previous.publishedAt(),
                      true);
              cutOver(h, reopened, v, KEPT_VERSIONS + 1, false);
              return v;
            });
  }

  /**
   * Makes {@code prepared} the serving collection with every request excluded; if that fails, it is
   * closed (and, for a version made for this change, its folder deleted).
   */
  private static void cutOver(
      HostedCollection hosted,
      QuiverCollection prepared,
      SnapshotVersion version,
      int keep,
      boolean newFolder)
      throws IOException {
    try {
      hosted.exclusive(
          h -> {
            h.serve(prepared, version, keep);
            return null;
          });
    } catch (IOException | RuntimeException e) {
      prepared.close();
      if (newFolder) {
        FileTrees.delete(hosted.versionDir(version.version()));
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- plumbing

  HostedCollection hosted(String nameOrAlias) {
    String name = aliases.getOrDefault(nameOrAlias, nameOrAlias);
    HostedCollection hosted = collections.get(name);
    if (hosted == null) {
      throw new NotFoundException("collection '" + nameOrAlias + "' does not exist");
    }
    return hosted;
  }

  /**
   * Names become folder and file names: non-empty, at most 255 bytes, no path separators, control
   * characters, or the names {@code .} and {@code ..}.
   */
  static void checkName(String name, String field) {
    String problem = null;
    if (name == null || name.isEmpty()) {
      problem = "it is empty";
    } else if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
      problem = "it is longer than 255 bytes";
    } else if (name.equals(".") || name.equals("..") || name.startsWith(".")) {
      problem = "it starts with '.'";
    } else if (name.chars().anyMatch(ch -> ch == '/' || ch == '\\' || ch < 0x20 || ch == 0x7f)) {
      problem = "it holds '/', '\\' or a control character";
    }
    if (problem != null) {
      throw new IllegalArgumentException(field + " '" + name + "' is not valid: " + problem);
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (catalogLock) {
      IOException first = null;
      for (HostedCollection h : collections.values()) {
        try {
          h.close();
        } catch (IOException e) {
          if (first == null) {
            first = e;
          }
        }
      }
      collections.clear();
      if (first != null) {
        throw first;
      }
    }
  }

  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    FileTrees.fsync(file.getParent());
  }

  @FunctionalInterface
  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  private static <T> T unchecked(IoSupplier<T> action) {
    try {
      return action.get();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
