package io.quiver.cluster.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.cluster.CollectionSettings;
import io.quiver.cluster.NotFoundException;
import io.quiver.cluster.SnapshotVersion;
import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.store.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One collection on this node: its folder, its settings, its versions and the embedded collection
 * of the version serving now.
 *
 * <p>Folder: {@value #STATE_FILE} (settings and versions, replaced atomically) and one embedded
 * collection per kept version, {@code v<k>/}. The state file is written last when a collection is
 * created, so a folder without one is a create that did not finish.
 *
 * <p>Every use of the serving collection holds the read lock; replacing it (publish, recovery,
 * rollback, config update) and closing it hold the write lock. So a request sees one version from
 * start to end, and a cut-over waits for the requests already running, never failing one.
 *
 * <p>A new version is prepared (a snapshot restored, a folder opened and checksummed: seconds to
 * minutes for a large collection) before the write lock is taken, so reads go on against the
 * serving version meanwhile. Writes wait for the change to finish ({@link #write}, {@link
 * #versionChange}): what they would change is about to be replaced.
 */
final class HostedCollection {

  static final String STATE_FILE = "collection.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String name;
  private final Path dir;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  /** Shared by writes, exclusive while a version change is prepared; taken before {@link #lock}. */
  private final ReentrantReadWriteLock changes = new ReentrantReadWriteLock();

  private CollectionSettings settings;
  private volatile List<SnapshotVersion> versions;
  private QuiverCollection current;
  private boolean closed;

  private HostedCollection(
      String name,
      Path dir,
      CollectionSettings settings,
      List<SnapshotVersion> versions,
      QuiverCollection current) {
    this.name = name;
    this.dir = dir;
    this.settings = settings;
    this.versions = List.copyOf(versions);
    this.current = current;
  }

  static HostedCollection create(
      String name,
      Path dir,
      QuiverCollection collection,
      CollectionSettings settings,
      SnapshotVersion version)
      throws IOException {
    HostedCollection hosted =
        new HostedCollection(name, dir, settings, List.of(version), collection);
    hosted.writeState();
    return hosted;
  }

  /** Opens the collection in {@code dir}; deletes version folders its state does not list. */
  static HostedCollection open(String name, Path dir) throws IOException {
    JsonNode json = MAPPER.readTree(Files.readAllBytes(dir.resolve(STATE_FILE)));
    CollectionSettings settings =
        CollectionSettings.fromJson(json.get("settings"), CollectionSettings.DEFAULT);
    long currentVersion = json.get("current").asLong();
    List<SnapshotVersion> versions = new ArrayList<>();
    for (JsonNode v : json.get("versions")) {
      long number = v.get("version").asLong();
      versions.add(
          new SnapshotVersion(
              number,
              v.get("source").isNull() ? null : v.get("source").asText(),
              v.get("watermark").asLong(),
              Instant.parse(v.get("published_at").asText()),
              number == currentVersion));
    }
    try (var children = Files.list(dir)) {
      for (Path child : children.toList()) {
        String n = child.getFileName().toString();
        if (n.matches("v[0-9]+") && versions.stream().noneMatch(v -> n.equals(folder(v)))) {
          FileTrees.delete(child); // a recovery that did not finish
        }
      }
    }
    QuiverCollection collection = QuiverCollection.open(dir.resolve("v" + currentVersion));
    return new HostedCollection(name, dir, settings, versions, collection);
  }

  static String folder(SnapshotVersion v) {
    return "v" + v.version();
  }

  String name() {
    return name;
  }

  Path dir() {
    return dir;
  }

  /** Runs {@code action} on the serving collection under the read lock. */
  <T> T read(IoFunction<QuiverCollection, T> action) throws IOException {
    // The serving collection is read under the lock: a cut-over replaces it.
    return whileOpen(lock.readLock(), hosted -> action.apply(hosted.current));
  }

  /**
   * Runs a write on the serving collection under the read lock, after any version change being
   * prepared has finished.
   */
  <T> T write(IoFunction<QuiverCollection, T> action) throws IOException {
    changes.readLock().lock();
    try {
      return read(action);
    } finally {
      changes.readLock().unlock();
    }
  }

  /**
   * Runs {@code action}, which prepares a new serving collection and then swaps it in with {@link
   * #exclusive}, with writes and other version changes excluded but reads going on.
   */
  <T> T versionChange(IoFunction<HostedCollection, T> action) throws IOException {
    return whileOpen(changes.writeLock(), action);
  }

  /** Runs {@code action} with every request excluded. */
  <T> T exclusive(IoFunction<HostedCollection, T> action) throws IOException {
    return whileOpen(lock.writeLock(), action);
  }

  /** Runs {@code action} holding {@code held}; refused once the collection is closed. */
  private <T> T whileOpen(Lock held, IoFunction<HostedCollection, T> action) throws IOException {
    held.lock();
    try {
      if (closed) {
        throw new NotFoundException("collection '" + name + "' does not exist");
      }
      return action.apply(this);
    } finally {
      held.unlock();
    }
  }

  CollectionSettings settings() {
    return settings;
  }

  List<SnapshotVersion> versions() {
    return versions;
  }

  QuiverCollection current() {
    return current;
  }

  long nextVersion() {
    return versions.stream().mapToLong(SnapshotVersion::version).max().orElse(0) + 1;
  }

  Path versionDir(long version) {
    return dir.resolve("v" + version);
  }

  /** Under the write lock: settings changed; persist them. */
  void setSettings(CollectionSettings newSettings) throws IOException {
    settings = newSettings;
    writeState();
  }

  /**
   * Under the write lock: makes {@code collection} (version {@code version}) the serving one, keeps
   * at most {@code keep} versions (deleting the oldest folders), persists, and closes the one it
   * replaced.
   */
  void serve(QuiverCollection collection, SnapshotVersion version, int keep) throws IOException {
    List<SnapshotVersion> next = new ArrayList<>();
    for (SnapshotVersion v : versions) {
      if (v.version() != version.version()) {
        next.add(
            new SnapshotVersion(v.version(), v.source(), v.watermark(), v.publishedAt(), false));
      }
    }
    next.add(version);
    next.sort(java.util.Comparator.comparingLong(SnapshotVersion::version));
    List<SnapshotVersion> dropped = new ArrayList<>();
    while (next.size() > keep) {
      SnapshotVersion oldest = next.get(0);
      if (oldest.current()) {
        break;
      }
      dropped.add(next.remove(0));
    }
    QuiverCollection previous = current;
    current = collection;
    versions = List.copyOf(next);
    writeState();
    if (previous != collection) {
      previous.close();
    }
    for (SnapshotVersion v : dropped) {
      FileTrees.delete(versionDir(v.version()));
    }
  }

  /** Under the write lock: reopen the serving collection (after its config file changed). */
  void reopen() throws IOException {
    Path path = current.path();
    current.close();
    current = QuiverCollection.open(path);
  }

  /** Closes the serving collection; later requests get {@link NotFoundException}. */
  void close() throws IOException {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        current.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void writeState() throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    json.set("settings", settings.toJson());
    long currentVersion =
        versions.stream().filter(SnapshotVersion::current).findFirst().orElseThrow().version();
    json.put("current", currentVersion);
    ArrayNode list = json.putArray("versions");
    for (SnapshotVersion v : versions) {
      list.addObject()
          .put("version", v.version())
          .put("source", v.source())
          .put("watermark", v.watermark())
          .put("published_at", v.publishedAt().toString());
    }
    LocalCollectionService.writeAtomically(dir.resolve(STATE_FILE), MAPPER.writeValueAsBytes(json));
  }

  @FunctionalInterface
  interface IoFunction<A, B> {
    B apply(A a) throws IOException;
  }
}
