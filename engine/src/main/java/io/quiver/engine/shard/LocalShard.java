package io.quiver.engine.shard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.hnsw.SearchResults;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.operation.OperationCodec;
import io.quiver.engine.operation.PointSelector;
import io.quiver.engine.payload.FieldIndexKind;
import io.quiver.engine.payload.JsonPath;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.segment.ImmutableSegment;
import io.quiver.engine.segment.MutableSegment;
import io.quiver.engine.segment.Segment;
import io.quiver.engine.segment.SegmentFilter;
import io.quiver.engine.segment.SegmentId;
import io.quiver.engine.segment.SegmentMeta;
import io.quiver.engine.snapshot.SnapshotWriter;
import io.quiver.engine.store.FileTrees;
import io.quiver.engine.vector.Vectors;
import io.quiver.engine.wal.Wal;
import io.quiver.engine.wal.WalOptions;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard on one machine: immutable segments plus one mutable segment, changed only by operations
 * applied in sequence order through {@link #apply} — from the shard's own WAL ({@link #submit}) or
 * from an external log such as Raft (opened with the WAL off) — and searched across all segments at
 * once.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Applying is deterministic: the same operations give the same points, payloads and versions
 *       (a point's version is the sequence that last wrote it).
 *   <li>A point is live in at most one segment. Updating a point outside the mutable segment
 *       deletes it there and re-inserts it into the mutable segment (copy on write).
 *   <li>{@link #checkpointSequence()} only moves when the files on disk hold every operation up to
 *       it; recovery replays the log after it. An operation that cannot be applied halts the shard
 *       instead of being skipped.
 *   <li>Searches run concurrently with writes and never see a segment swap half done.
 * </ul>
 *
 * <p>Versioned writes ({@link Operation.Versioned}): the shard keeps the last external version it
 * applied per id ({@link VersionTable}). A versioned upsert or delete of an id whose stored version
 * is the same or newer (unsigned) is stale: skipped and counted; otherwise it is applied and its
 * version stored. A versioned delete stores its version whether or not the point was there; that
 * entry, the id's tombstone, makes older upserts of the id stale, so a replay cannot bring a
 * deleted point back. Tombstones stay until a {@link Operation.PurgeTombstones} drops them. Plain
 * (Qdrant) writes neither read nor change the stored versions: a plain upsert or delete of a
 * versioned id leaves its entry, which keeps refusing versioned writes that are not newer. The
 * table is checkpointed with the segments and rebuilt by replaying the log after the checkpoint.
 */
public final class LocalShard implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalShard.class);
  static final String SEGMENTS_DIR = "segments";
  static final String WAL_DIR = "wal";
  static final String SNAPSHOT_STAGING_DIR = "snapshot-staging";

  private final Path dir;
  private final CollectionConfig config;
  private final Wal wal;
  private final Object writeMutex = new Object();
  private final ReentrantReadWriteLock segmentsLock = new ReentrantReadWriteLock();
  private volatile List<Segment> segments;
  private volatile MutableSegment mutable;
  private volatile long lastApplied;
  private long checkpointSequence;
  private List<SegmentMeta.IndexedField> indexes;
  private final VersionTable versions;

  /** The version table file the shard state lists (null: none). */
  private String versionsFile;

  private volatile RuntimeException failure;
  private final Optimizer optimizer;

  private LocalShard(
      Path dir,
      CollectionConfig config,
      Wal wal,
      ShardState state,
      List<Segment> opened,
      VersionTable versions) {
    this.dir = dir;
    this.config = config;
    this.wal = wal;
    this.segments = List.copyOf(opened);
    this.mutable = new MutableSegment(config);
    this.checkpointSequence = state.checkpointSequence();
    this.lastApplied = state.checkpointSequence();
    this.indexes = new ArrayList<>(state.indexes());
    this.versions = versions;
    this.versionsFile = state.versions();
    this.optimizer = new Optimizer(this);
  }

  /**
   * Opens (or creates) the shard in {@code dir}: its checkpointed segments, then, with {@code
   * ownWal}, its WAL replayed after the checkpoint. Without {@code ownWal} the caller replays its
   * own log after {@link #checkpointSequence()} through {@link #apply}.
   */
  public static LocalShard open(Path dir, CollectionConfig config, boolean ownWal)
      throws IOException {
    Files.createDirectories(dir.resolve(SEGMENTS_DIR));
    ShardState state = ShardState.read(dir);
    VersionTable versions =
        state.versions() == null
            ? new VersionTable()
            : VersionTable.read(dir.resolve(state.versions()));
    List<Segment> opened = new ArrayList<>();
    Wal wal = null;
    boolean success = false;
    try {
      for (ShardState.SegmentRef ref : state.segments()) {
        Path segDir = dir.resolve(ref.dir());
        opened.add(
            ImmutableSegment.open(
                segDir, ref.deleted() == null ? null : segDir.resolve(ref.deleted())));
      }
      removeUnlisted(dir, state);
      FileTrees.delete(dir.resolve(SNAPSHOT_STAGING_DIR)); // left by a snapshot a crash interrupted
      if (ownWal) {
        WalOptions options =
            WalOptions.DEFAULT
                .withSegmentSize((long) config.walCapacityMb() << 20)
                .withStartSequence(state.checkpointSequence() + 1);
        wal = Wal.open(dir.resolve(WAL_DIR), options);
        if (wal.lastSequence() < state.checkpointSequence()) {
          throw new IllegalStateException(
              "WAL of "
                  + dir
                  + " ends at sequence "
                  + wal.lastSequence()
                  + " before the checkpoint at "
                  + state.checkpointSequence());
        }
      }
      LocalShard shard = new LocalShard(dir, config, wal, state, opened, versions);
      if (wal != null) {
        long[] replayed = new long[1];
        wal.replay(
            state.checkpointSequence(),
            (seq, record) -> {
              shard.applyLocked(seq, OperationCodec.decode(record));
              replayed[0]++;
            });
        LOG.info(
            "Shard {} opened: {} segments, checkpoint {}, {} operations replayed",
            dir,
            opened.size(),
            state.checkpointSequence(),
            replayed[0]);
      }
      success = true;
      return shard;
    } finally {
      if (!success) {
        for (Segment s : opened) {
          s.close();
        }
        if (wal != null) {
          wal.close();
        }
      }
    }
  }

  /**
   * Deletes segment directories and version table files a crash or a swap left behind that the
   * state does not list.
   */
  private static void removeUnlisted(Path dir, ShardState state) throws IOException {
    List<Path> listed = new ArrayList<>();
    for (ShardState.SegmentRef ref : state.segments()) {
      listed.add(dir.resolve(ref.dir()).normalize());
    }
    try (var children = Files.list(dir.resolve(SEGMENTS_DIR))) {
      for (Path child : children.toList()) {
        if (!listed.contains(child.normalize())) {
          FileTrees.delete(child);
        }
      }
    }
    removeStaleVersionFiles(dir, state.versions());
  }

  private static void removeStaleVersionFiles(Path dir, String keep) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.startsWith(VersionTable.FILE_PREFIX)
            && name.endsWith(".qv")
            && !name.equals(keep)) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  public CollectionConfig config() {
    return config;
  }

  public Path dir() {
    return dir;
  }

  /** The sequence of the last operation applied. */
  public long lastApplied() {
    return lastApplied;
  }

  /** The sequence up to which the shard's files hold every operation; replay the log after it. */
  public long checkpointSequence() {
    synchronized (writeMutex) {
      return checkpointSequence;
    }
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  /**
   * The last external version applied for {@code id} by a versioned write (unsigned), or empty if
   * none was; an id without a live point and with a version has a tombstone.
   */
  public OptionalLong externalVersion(PointId id) {
    synchronized (writeMutex) {
      int slot = versions.slotOf(id);
      return slot < 0 ? OptionalLong.empty() : OptionalLong.of(versions.versionAt(slot));
    }
  }

  /** How many ids have a stored external version, tombstones included. */
  public int externalVersionCount() {
    synchronized (writeMutex) {
      return versions.size();
    }
  }

  // ---------------------------------------------------------------- writes

  /**
   * Validates {@code op}, logs it in the shard's WAL, applies it, and with {@code wait} returns
   * only once it is durable. Returns its sequence. A rejected operation leaves no trace.
   */
  public long submit(Operation op, boolean wait) throws IOException {
    return write(op, wait).sequence();
  }

  /**
   * Submits a versioned write as {@link #submit} does; returns its sequence and how many of its
   * points were applied and how many were stale (a stored version the same or newer).
   */
  public VersionedWrite submitVersioned(Operation.Versioned op, boolean wait) throws IOException {
    return write(op, wait);
  }

  private VersionedWrite write(Operation op, boolean wait) throws IOException {
    if (wal == null) {
      throw new IllegalStateException("shard " + dir + " is driven by an external log");
    }
    check(op);
    byte[] record = OperationCodec.encode(op);
    long seq;
    int stale;
    synchronized (writeMutex) {
      checkHealthy();
      seq = wal.append(record);
      stale = applyLocked(seq, op);
    }
    if (wait) {
      wal.sync(seq);
    }
    optimizer.nudge();
    int size = op instanceof Operation.Versioned v ? v.size() : 0;
    return new VersionedWrite(seq, size - stale, stale);
  }

  /**
   * Applies {@code op} at {@code sequence} from an external log. Sequences at or below {@link
   * #lastApplied()} were applied already and are ignored, so a log may be replayed from any point
   * at or before the checkpoint.
   */
  public void apply(long sequence, Operation op) {
    synchronized (writeMutex) {
      checkHealthy();
      if (sequence <= lastApplied) {
        return;
      }
      applyLocked(sequence, op);
    }
    optimizer.nudge();
  }

  /** Checks an operation before it is logged; errors name the field and the value. */
  public void check(Operation op) {
    if (op instanceof Operation.Upsert u) {
      for (Point p : u.points()) {
        config.checkPoint(p);
      }
    } else if (op instanceof Operation.VersionedUpsert u) {
      for (int i = 0; i < u.size(); i++) {
        try {
          config.checkPoint(u.points().get(i));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("points[" + i + "]: " + e.getMessage(), e);
        }
      }
    } else if (op instanceof Operation.SetPayload s && s.key() != null) {
      Payloads.checkKey(s.key(), "key");
    } else if (op instanceof Operation.DeletePayload d) {
      for (int i = 0; i < d.keys().size(); i++) {
        Payloads.checkKey(d.keys().get(i), "keys[" + i + "]");
      }
    } else if (op instanceof Operation.CreateFieldIndex c) {
      Payloads.checkKey(c.key(), "field_name");
      JsonPath.parse(c.key());
      FieldIndexKind.fromSchema(c.schema());
    } else if (op instanceof Operation.DeleteFieldIndex d) {
      // Applying parses the key; a malformed one must be refused here, not halt the shard.
      Payloads.checkKey(d.key(), "field_name");
      JsonPath.parse(d.key());
    }
  }

  private void checkHealthy() {
    if (failure != null) {
      throw new IllegalStateException(
          "shard " + dir + " halted after an operation failed to apply: " + failure.getMessage(),
          failure);
    }
  }

  /** Applies {@code op}; returns how many of a versioned write's points were stale (else 0). */
  private int applyLocked(long seq, Operation op) {
    assert Thread.holdsLock(writeMutex) || failure == null;
    if (seq != lastApplied + 1 && wal != null) {
      halt(new IllegalStateException("sequence " + seq + " does not follow " + lastApplied));
    }
    int stale = 0;
    try {
      check(op);
      if (op instanceof Operation.Upsert u) {
        for (Point p : u.points()) {
          deleteLive(p.id(), seq);
          mutable.append(p, seq);
        }
      } else if (op instanceof Operation.VersionedUpsert u) {
        for (int i = 0; i < u.size(); i++) {
          Point p = u.points().get(i);
          if (isStale(p.id(), u.version(i))) {
            stale++;
            continue;
          }
          deleteLive(p.id(), seq);
          mutable.append(p, seq);
          versions.put(p.id(), u.version(i), seq);
        }
      } else if (op instanceof Operation.VersionedDelete d) {
        for (int i = 0; i < d.size(); i++) {
          PointId id = d.id(i);
          if (isStale(id, d.version(i))) {
            stale++;
            continue;
          }
          deleteLive(id, seq);
          versions.put(id, d.version(i), seq);
        }
      } else if (op instanceof Operation.PurgeTombstones p) {
        purgeTombstones(p.upToVersion(), seq);
      } else if (op instanceof Operation.DeletePoints d) {
        for (PointId id : ids(d.selector())) {
          deleteLive(id, seq);
        }
      } else if (op instanceof Operation.SetPayload s) {
        updatePayloads(s.selector(), seq, old -> Payloads.set(old, s.payload(), s.key()));
      } else if (op instanceof Operation.OverwritePayload o) {
        updatePayloads(o.selector(), seq, old -> o.payload().deepCopy());
      } else if (op instanceof Operation.DeletePayload d) {
        updatePayloads(d.selector(), seq, old -> Payloads.delete(old, d.keys()));
      } else if (op instanceof Operation.ClearPayload c) {
        updatePayloads(c.selector(), seq, old -> JsonNodeFactory.instance.objectNode());
      } else if (op instanceof Operation.CreateFieldIndex c) {
        indexes.removeIf(f -> f.key().equals(c.key()));
        indexes.add(new SegmentMeta.IndexedField(c.key(), c.schema()));
        for (Segment s : segments) {
          if (s instanceof ImmutableSegment imm) {
            imm.dropIndex(JsonPath.parse(c.key()));
            imm.createIndex(JsonPath.parse(c.key()), FieldIndexKind.fromSchema(c.schema()));
          }
        }
      } else if (op instanceof Operation.DeleteFieldIndex d) {
        indexes.removeIf(f -> f.key().equals(d.key()));
        for (Segment s : segments) {
          if (s instanceof ImmutableSegment imm) {
            imm.dropIndex(JsonPath.parse(d.key()));
          }
        }
      } else {
        throw new AssertionError(op);
      }
      lastApplied = seq;
    } catch (IOException e) {
      halt(new UncheckedIOException(e));
    } catch (RuntimeException e) {
      halt(e);
    }
    return stale;
  }

  /** Whether a versioned write of {@code id} at {@code version} is stale. */
  private boolean isStale(PointId id, long version) {
    int slot = versions.slotOf(id);
    return slot >= 0 && VersionTable.isStale(versions.versionAt(slot), version);
  }

  private void purgeTombstones(long upToVersion, long seq) {
    List<PointId> dropped = new ArrayList<>();
    versions.forEach(
        (id, version) -> {
          if (Long.compareUnsigned(version, upToVersion) <= 0 && locate(id) == null) {
            dropped.add(id);
          }
        });
    for (PointId id : dropped) {
      versions.remove(id, seq);
    }
  }

  private void halt(RuntimeException e) {
    failure = e;
    LOG.error("Shard {} halted: an operation failed to apply", dir, e);
    throw e;
  }

  private List<PointId> ids(PointSelector selector) {
    if (selector instanceof PointSelector.Ids ids) {
      return ids.ids();
    }
    Filter filter = ((PointSelector.ByFilter) selector).filter();
    List<PointId> out = new ArrayList<>();
    for (Segment s : readable()) {
      SegmentFilter f = SegmentFilter.of(s, filter);
      for (int off = 0, n = s.size(); off < n; off++) {
        if (!s.deleted().isDeleted(off) && f.accept().accept(off)) {
          out.add(s.pointId(off));
        }
      }
    }
    return out;
  }

  /** Where a live point is: its segment and offset. */
  record Location(Segment segment, int offset) {}

  Location locate(PointId id) {
    MutableSegment m = mutable;
    int off = m.offsetOf(id);
    if (off >= 0 && !m.deleted().isDeleted(off)) {
      return new Location(m, off);
    }
    List<Segment> segs = segments;
    for (int i = segs.size() - 1; i >= 0; i--) {
      Segment s = segs.get(i);
      off = s.offsetOf(id);
      if (off >= 0 && !s.deleted().isDeleted(off)) {
        return new Location(s, off);
      }
    }
    return null;
  }

  private void deleteLive(PointId id, long seq) {
    Location at = locate(id);
    if (at != null) {
      at.segment.deleted().delete(at.offset, seq);
    }
  }

  private void updatePayloads(
      PointSelector selector, long seq, java.util.function.UnaryOperator<ObjectNode> change) {
    for (PointId id : ids(selector)) {
      Location at = locate(id);
      if (at == null) {
        continue;
      }
      ObjectNode updated = change.apply(at.segment.payload(at.offset));
      if (at.segment == mutable) {
        mutable.setPayload(at.offset, updated, seq);
      } else {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (String name : config.vectors().keySet()) {
          vectors.put(name, at.segment.vector(name, at.offset));
        }
        at.segment.deleted().delete(at.offset, seq);
        mutable.append(new Point(id, vectors, updated), seq);
      }
    }
  }

  // ---------------------------------------------------------------- reads

  /** The segments a read sees, the mutable one last. Call under the read lock. */
  private List<Segment> readable() {
    List<Segment> all = new ArrayList<>(segments);
    all.add(mutable);
    return all;
  }

  public List<ScoredPoint> search(SearchRequest request) {
    VectorParams params = config.vector(request.vector());
    Vectors.checkValid(
        request.query(),
        params.size(),
        request.vector().isEmpty() ? "query vector" : "query vector '" + request.vector() + "'");
    int k = request.limit() + request.offset();
    segmentsLock.readLock().lock();
    try {
      List<Hit> hits = new ArrayList<>();
      for (Segment s : readable()) {
        SearchResults r =
            s.search(
                request.vector(),
                request.query(),
                k,
                request.params(),
                SegmentFilter.of(s, request.filter()));
        for (int i = 0; i < r.size(); i++) {
          hits.add(new Hit(s, r.ord(i), r.score(i)));
        }
      }
      hits.sort((a, b) -> Float.compare(b.score, a.score));
      List<ScoredPoint> out = new ArrayList<>();
      for (int i = request.offset(); i < Math.min(k, hits.size()); i++) {
        Hit h = hits.get(i);
        if (request.scoreThreshold() != null
            && !params.distance().passes(h.score, request.scoreThreshold())) {
          break;
        }
        out.add(
            new ScoredPoint(
                h.segment.pointId(h.offset),
                h.segment.version(h.offset),
                params.distance().apiScore(h.score),
                request.withPayload() ? h.segment.payload(h.offset) : null,
                request.withVectors() ? vectors(h.segment, h.offset) : null));
      }
      return out;
    } finally {
      segmentsLock.readLock().unlock();
    }
  }

  private record Hit(Segment segment, int offset, float score) {}

  private Map<String, float[]> vectors(Segment s, int offset) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (String name : config.vectors().keySet()) {
      out.put(name, s.vector(name, offset));
    }
    return out;
  }

  /** The live points among {@code ids}, in the order asked, skipping ids the shard lacks. */
  public List<PointRecord> retrieve(List<PointId> ids, boolean withPayload, boolean withVectors) {
    segmentsLock.readLock().lock();
    try {
      List<PointRecord> out = new ArrayList<>();
      for (PointId id : ids) {
        Location at = locate(id);
        if (at != null) {
          out.add(record(at.segment, at.offset, withPayload, withVectors));
        }
      }
      return out;
    } finally {
      segmentsLock.readLock().unlock();
    }
  }

  private PointRecord record(Segment s, int offset, boolean withPayload, boolean withVectors) {
    return new PointRecord(
        s.pointId(offset),
        s.version(offset),
        withPayload ? s.payload(offset) : null,
        withVectors ? vectors(s, offset) : null);
  }

  /** A page of a scroll: the points, and the id to continue from (null at the end). */
  public record ScrollPage(List<PointRecord> points, PointId nextOffset) {}

  /** Live points in ascending id order, from {@code from} (inclusive, null = start). */
  public ScrollPage scroll(PointId from, int limit, boolean withPayload, boolean withVectors) {
    return scroll(from, limit, null, withPayload, withVectors);
  }

  /** As above, only points that pass {@code filter} (null: all). */
  public ScrollPage scroll(
      PointId from, int limit, Filter filter, boolean withPayload, boolean withVectors) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1; got " + limit);
    }
    segmentsLock.readLock().lock();
    try {
      List<Located> found = new ArrayList<>();
      for (Segment s : readable()) {
        collectInOrder(s, from, limit + 1, SegmentFilter.of(s, filter), found);
      }
      found.sort(Comparator.comparing(Located::id));
      List<PointRecord> points = new ArrayList<>();
      for (int i = 0; i < Math.min(limit, found.size()); i++) {
        Located l = found.get(i);
        points.add(record(l.segment, l.offset, withPayload, withVectors));
      }
      PointId next = found.size() > limit ? found.get(limit).id : null;
      return new ScrollPage(points, next);
    } finally {
      segmentsLock.readLock().unlock();
    }
  }

  private record Located(PointId id, Segment segment, int offset) {}

  private static void collectInOrder(
      Segment s, PointId from, int max, SegmentFilter filter, List<Located> out) {
    if (s instanceof ImmutableSegment imm) {
      var ids = imm.ids();
      int taken = 0;
      for (int rank = from == null ? 0 : ids.lowerBoundRank(from);
          rank < ids.size() && taken < max;
          rank++) {
        int off = ids.offsetAtRank(rank);
        if (!s.deleted().isDeleted(off) && filter.accept().accept(off)) {
          out.add(new Located(ids.id(off), s, off));
          taken++;
        }
      }
      return;
    }
    List<Located> live = new ArrayList<>();
    for (int off = 0, n = s.size(); off < n; off++) {
      if (!s.deleted().isDeleted(off) && filter.accept().accept(off)) {
        PointId id = s.pointId(off);
        if (from == null || id.compareTo(from) >= 0) {
          live.add(new Located(id, s, off));
        }
      }
    }
    live.sort(Comparator.comparing(Located::id));
    out.addAll(live.subList(0, Math.min(max, live.size())));
  }

  /** The number of live points. */
  public long count() {
    return count(null);
  }

  /** The exact number of live points that pass {@code filter} (null: all). */
  public long count(Filter filter) {
    segmentsLock.readLock().lock();
    try {
      long n = 0;
      for (Segment s : readable()) {
        if (filter == null) {
          n += s.liveCount();
          continue;
        }
        SegmentFilter f = SegmentFilter.of(s, filter);
        if (f.candidates() != null) {
          for (var it = f.candidates().getIntIterator(); it.hasNext(); ) {
            int off = it.next();
            n += off < s.size() && !s.deleted().isDeleted(off) ? 1 : 0;
          }
        } else {
          for (int off = 0, size = s.size(); off < size; off++) {
            n += !s.deleted().isDeleted(off) && f.accept().accept(off) ? 1 : 0;
          }
        }
      }
      return n;
    } finally {
      segmentsLock.readLock().unlock();
    }
  }

  /** How many segments the shard has, the mutable one included. */
  /** Points in the mutable segment, waiting to be indexed. */
  public int mutableSize() {
    return mutable.size();
  }

  /** Live points in indexed (immutable) segments. */
  public long indexedPointCount() {
    segmentsLock.readLock().lock();
    try {
      long n = 0;
      for (Segment s : segments) {
        if (s instanceof ImmutableSegment) {
          n += s.liveCount();
        }
      }
      return n;
    } finally {
      segmentsLock.readLock().unlock();
    }
  }

  public int segmentCount() {
    return segments.size() + 1;
  }

  /**
   * Adds this shard as of the last applied operation to {@code writer} as shard {@code
   * shardNumber}: its immutable segments with their deletes up to then, and one segment built from
   * the points of the mutable segment. Writes wait only while the files are hard-linked; searches
   * do not wait. Returns the sequence the snapshot holds everything up to (its watermark).
   */
  public long snapshot(SnapshotWriter writer, int shardNumber) throws IOException {
    Path staging = dir.resolve(SNAPSHOT_STAGING_DIR).resolve(SegmentId.random().toString());
    return ShardSnapshot.write(this, writer, shardNumber, staging);
  }

  /**
   * Writes a new shard into {@code dir} from a snapshot's segment folders and version table files
   * (one per snapshot shard that has one, merged: the newest version of each id), checkpointed at
   * the snapshot's {@code watermark}; {@link #open} it afterwards. The segments' files are
   * hard-linked where the filesystem allows, copied otherwise.
   */
  public static void restore(
      Path dir,
      List<Path> segmentDirs,
      List<Path> versionTables,
      long watermark,
      List<SegmentMeta.IndexedField> indexes)
      throws IOException {
    ShardSnapshot.restore(dir, segmentDirs, versionTables, watermark, indexes);
  }

  // ---------------------------------------------------------------- optimizer hooks

  Object writeMutex() {
    return writeMutex;
  }

  ReentrantReadWriteLock segmentsLock() {
    return segmentsLock;
  }

  List<Segment> segments() {
    return segments;
  }

  void setSegments(List<Segment> newSegments) {
    assert segmentsLock.isWriteLockedByCurrentThread();
    segments = List.copyOf(newSegments);
  }

  MutableSegment mutable() {
    return mutable;
  }

  /** The external version table; under the write mutex only. */
  VersionTable versionTable() {
    assert Thread.holdsLock(writeMutex);
    return versions;
  }

  void setMutable(MutableSegment m) {
    mutable = m;
  }

  /** The payload field indexes this shard keeps (key and Qdrant schema name). */
  public List<SegmentMeta.IndexedField> indexes() {
    return List.copyOf(indexes);
  }

  long checkpointSequenceLocked() {
    return checkpointSequence;
  }

  /**
   * Writes a checkpoint at {@code sequence} (under the write mutex): each segment's deletes up to
   * it, then the shard state, then drops the log it covers. Every segment must hold all operations
   * up to {@code sequence} and none after it except deletes.
   */
  void checkpoint(long sequence) throws IOException {
    assert Thread.holdsLock(writeMutex);
    List<ShardState.SegmentRef> refs = new ArrayList<>();
    for (Segment s : segments) {
      ImmutableSegment imm = (ImmutableSegment) s;
      String deleted = null;
      if (imm.deleted().count() > 0) {
        deleted = ShardSnapshot.deletedFile(sequence);
        imm.deleted().checkpoint(imm.dir().resolve(deleted), imm.id().bytes(), sequence);
      }
      refs.add(
          new ShardState.SegmentRef(
              dir.relativize(imm.dir()).toString().replace('\\', '/'), deleted));
    }
    String versionsAt = versionsFile;
    if (versions.changedUpTo(sequence)) {
      // The file listed now holds the table as of the last checkpoint; a new one is needed.
      versionsAt = VersionTable.fileName(sequence);
      versions.writeAsOf(dir.resolve(versionsAt), sequence);
    }
    if (wal != null && sequence > 0) {
      // The log must hold what the state claims to cover, or it would restart below it.
      wal.sync(sequence);
    }
    new ShardState(sequence, refs, indexes, versionsAt).write(dir);
    checkpointSequence = sequence;
    versionsFile = versionsAt;
    versions.forgetChangesUpTo(sequence);
    if (wal != null) {
      wal.truncateUpTo(sequence);
    }
    for (int i = 0; i < refs.size(); i++) {
      removeStaleDeletedFiles(((ImmutableSegment) segments.get(i)).dir(), refs.get(i).deleted());
    }
    removeStaleVersionFiles(dir, versionsAt);
  }

  /** Rewrites the shard state after a merge or vacuum, keeping the checkpoint sequence. */
  void rewriteState() throws IOException {
    checkpoint(checkpointSequence);
  }

  private static void removeStaleDeletedFiles(Path segDir, String keep) throws IOException {
    try (var files = Files.list(segDir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.startsWith("deleted-") && !name.equals(keep)) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  Path newSegmentDir(String id) {
    return dir.resolve(SEGMENTS_DIR).resolve(id);
  }

  @Override
  public void close() throws IOException {
    optimizer.close();
    synchronized (writeMutex) {
      segmentsLock.writeLock().lock();
      try {
        for (Segment s : segments) {
          s.close();
        }
        if (wal != null) {
          wal.close();
        }
      } finally {
        segmentsLock.writeLock().unlock();
      }
    }
  }

  static UncheckedIOException unchecked(IOException e) {
    return new UncheckedIOException(e);
  }
}
