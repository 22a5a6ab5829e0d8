package io.quiver.engine.shard;

import io.quiver.engine.collection.OptimizerParams;
import io.quiver.engine.payload.FieldIndexKind;
import io.quiver.engine.payload.JsonPath;
import io.quiver.engine.point.Point;
import io.quiver.engine.segment.DeletedPoints;
import io.quiver.engine.segment.ImmutableSegment;
import io.quiver.engine.segment.MutableSegment;
import io.quiver.engine.segment.Segment;
import io.quiver.engine.segment.SegmentBuilder;
import io.quiver.engine.segment.SegmentId;
import io.quiver.engine.segment.SegmentMeta;
import io.quiver.engine.store.FileTrees;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard's background optimizer. One optimization at a time:
 *
 * <ol>
 *   <li><b>indexing</b>: once the mutable segment's vectors pass {@code indexing_threshold}, it is
 *       frozen at sequence F (a new mutable segment takes writes), built into an indexed immutable
 *       segment from its points live as of F, swapped in with the deletes that arrived since, and
 *       the shard checkpoints at F;
 *   <li><b>vacuum</b>: a segment with more than {@code deleted_threshold} of its points deleted is
 *       rebuilt from its live points;
 *   <li><b>merge</b>: while there are more than {@code default_segment_number} immutable segments,
 *       the two smallest are merged.
 * </ol>
 *
 * Vacuum and merge build from points live as of the current checkpoint sequence C and carry the
 * deletes after C into the new segment, so the state on disk is always "as of C" and replaying the
 * log after C is exact. Swaps happen under the shard's write mutex and its segments write lock:
 * searches see the old segments or the new, never a mix.
 */
public final class Optimizer implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(Optimizer.class);

  private final LocalShard shard;
  private final OptimizerParams params;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Object running = new Object();
  private final AtomicReference<OptimizationProgress> current = new AtomicReference<>();
  private final List<OptimizationProgress> finished = new ArrayList<>();
  private Thread thread;
  private boolean nudged;
  private volatile boolean closed;
  private volatile Throwable lastFailure;

  Optimizer(LocalShard shard) {
    this.shard = shard;
    this.params = shard.config().optimizer();
  }

  /** Starts the background thread (embedded collections and servers; tests may drive it). */
  public synchronized void start() {
    if (thread == null) {
      thread = new Thread(this::loop, "quiver-optimizer-" + shard.dir().getFileName());
      thread.setDaemon(true);
      thread.start();
    }
  }

  void nudge() {
    if (thread == null) {
      return;
    }
    lock.lock();
    try {
      nudged = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    long flushNanos = TimeUnit.SECONDS.toNanos(Math.max(1, params.flushIntervalSec()));
    long lastCheckpoint = System.nanoTime();
    while (!closed) {
      try {
        boolean flushDue = System.nanoTime() - lastCheckpoint > flushNanos;
        if (runOnce(flushDue)) {
          lastCheckpoint = System.nanoTime();
          continue;
        }
        lock.lock();
        try {
          if (!nudged && !closed) {
            wake.await(1, TimeUnit.SECONDS);
          }
          nudged = false;
        } finally {
          lock.unlock();
        }
      } catch (InterruptedException e) {
        return;
      } catch (Throwable t) {
        lastFailure = t;
        LOG.error("Optimization of shard {} failed; will retry", shard.dir(), t);
        try {
          Thread.sleep(1000); // back off before retrying a failing optimization
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * Runs the first optimization that is due, if any; with {@code flush}, a mutable segment holding
   * operations past the checkpoint is indexed even below the threshold. Returns whether it did
   * anything.
   */
  public boolean runOnce(boolean flush) throws IOException {
    synchronized (running) {
      if (indexMutable(flush)) {
        return true;
      }
      List<Segment> plan = planVacuumOrMerge();
      if (plan != null) {
        rebuild(plan, plan.size() == 1 ? "vacuum" : "merge");
        return true;
      }
      return false;
    }
  }

  /** Runs optimizations until none is due, indexing the mutable segment whatever its size. */
  public void optimizeFully() throws IOException {
    runOnce(true);
    while (runOnce(false)) {
      // keep going until nothing is due
    }
  }

  private boolean indexMutable(boolean flush) throws IOException {
    MutableSegment frozen;
    long freezeSequence;
    synchronized (shard.writeMutex()) {
      MutableSegment m = shard.mutable();
      long threshold = params.indexingThresholdKb() * 1024;
      boolean due = threshold > 0 && m.vectorBytes() >= threshold;
      boolean flushDue = flush && shard.lastApplied() > shard.checkpointSequenceLocked();
      if (!due && !flushDue) {
        return false;
      }
      freezeSequence = shard.lastApplied();
      if (m.size() == 0) {
        // Nothing to index: checkpoint the deletes and drop the log they came from.
        shard.checkpoint(freezeSequence);
        return true;
      }
      m.freeze();
      frozen = m;
      shard.segmentsLock().writeLock().lock();
      try {
        List<Segment> with = new ArrayList<>(shard.segments());
        with.add(frozen);
        shard.setSegments(with);
        shard.setMutable(new MutableSegment(shard.config()));
      } finally {
        shard.segmentsLock().writeLock().unlock();
      }
    }
    ImmutableSegment built = build(List.of(frozen), freezeSequence, "indexing");
    swap(List.of(frozen), built, freezeSequence, true);
    return true;
  }

  private List<Segment> planVacuumOrMerge() {
    synchronized (shard.writeMutex()) {
      List<Segment> immutables = new ArrayList<>(shard.segments());
      for (Segment s : immutables) {
        int size = s.size();
        if (size >= params.vacuumMinVectorNumber()
            && size > 0
            && (double) s.deleted().count() / size > params.deletedThreshold()) {
          return List.of(s);
        }
      }
      if (immutables.size() > params.defaultSegmentNumber()) {
        immutables.sort(Comparator.comparingInt(Segment::liveCount));
        Segment a = immutables.get(0);
        Segment b = immutables.get(1);
        return List.of(a, b);
      }
      return null;
    }
  }

  private void rebuild(List<Segment> sources, String kind) throws IOException {
    long asOf;
    synchronized (shard.writeMutex()) {
      asOf = shard.checkpointSequenceLocked();
    }
    ImmutableSegment built = build(sources, asOf, kind);
    swap(sources, built, asOf, false);
  }

  /** Builds one immutable segment from the points of {@code sources} live as of {@code asOf}. */
  private ImmutableSegment build(List<Segment> sources, long asOf, String kind) throws IOException {
    long started = System.currentTimeMillis();
    List<int[]> live = new ArrayList<>();
    long total = 0;
    for (Segment s : sources) {
      int[] offsets = liveOffsets(s, asOf);
      live.add(offsets);
      total += offsets.length;
    }
    SegmentId id = SegmentId.random();
    SegmentBuilder builder =
        new SegmentBuilder(
            shard.newSegmentDir(id.toString()),
            shard.config(),
            shard.indexes(),
            params.maxOptimizationThreads(),
            id);
    long done = 0;
    current.set(new OptimizationProgress(kind, total, 0, "collecting", started, 0));
    for (int i = 0; i < sources.size(); i++) {
      Segment s = sources.get(i);
      for (int off : live.get(i)) {
        Point p = new Point(s.pointId(off), vectorsOf(s, off), s.payload(off));
        builder.add(p, s.version(off));
        if (++done % 1024 == 0) {
          current.set(new OptimizationProgress(kind, total, done, "collecting", started, 0));
        }
      }
    }
    current.set(new OptimizationProgress(kind, total, total, "building", started, 0));
    builder.finish();
    return ImmutableSegment.open(shard.newSegmentDir(id.toString()), null);
  }

  private Map<String, float[]> vectorsOf(Segment s, int offset) {
    Map<String, float[]> v = new java.util.LinkedHashMap<>();
    for (String name : shard.config().vectors().keySet()) {
      v.put(name, s.vector(name, offset));
    }
    return v;
  }

  /**
   * Brings the payload indexes of a segment built in the background to the shard's list: field
   * indexes created or deleted while it was built reached only the segments listed then.
   */
  private static void matchIndexes(ImmutableSegment built, List<SegmentMeta.IndexedField> wanted)
      throws IOException {
    java.util.Set<JsonPath> keep = new java.util.HashSet<>();
    for (SegmentMeta.IndexedField f : wanted) {
      JsonPath path = JsonPath.parse(f.key());
      keep.add(path);
      FieldIndexKind kind = FieldIndexKind.fromSchema(f.schema());
      if (built.payloadIndexes().get(path, kind) == null) {
        built.dropIndex(path); // another kind on the same key was replaced meanwhile
        built.createIndex(path, kind);
      }
    }
    for (var index : built.payloadIndexes().all()) {
      if (!keep.contains(index.path())) {
        built.dropIndex(index.path());
      }
    }
  }

  private static int[] liveOffsets(Segment s, long asOf) {
    DeletedPoints deleted = s.deleted();
    int n = s.size();
    int[] out = new int[n];
    int count = 0;
    for (int off = 0; off < n; off++) {
      if (deleted.liveAsOf(off, asOf)) {
        out[count++] = off;
      }
    }
    return java.util.Arrays.copyOf(out, count);
  }

  /**
   * Replaces {@code sources} with {@code built}, carrying the deletes the sources received after
   * {@code asOf}; then checkpoints (indexing) or rewrites the shard state (vacuum, merge).
   */
  private void swap(List<Segment> sources, ImmutableSegment built, long asOf, boolean checkpoint)
      throws IOException {
    OptimizationProgress p = current.get();
    synchronized (shard.writeMutex()) {
      matchIndexes(built, shard.indexes());
      shard.segmentsLock().writeLock().lock();
      try {
        for (Segment s : sources) {
          for (Map.Entry<Integer, Long> e : s.deleted().deletesAfter(asOf).entrySet()) {
            int off = built.offsetOf(s.pointId(e.getKey()));
            if (off >= 0 && s.version(e.getKey()) == built.version(off)) {
              built.deleted().delete(off, e.getValue());
            }
          }
        }
        List<Segment> next = new ArrayList<>();
        boolean placed = false;
        for (Segment s : shard.segments()) {
          if (sources.contains(s)) {
            if (!placed) {
              next.add(built);
              placed = true;
            }
          } else {
            next.add(s);
          }
        }
        shard.setSegments(next);
      } finally {
        shard.segmentsLock().writeLock().unlock();
      }
      if (checkpoint) {
        shard.checkpoint(asOf);
      } else {
        shard.rewriteState();
      }
    }
    for (Segment s : sources) {
      s.close();
      if (s instanceof ImmutableSegment imm) {
        FileTrees.delete(imm.dir());
      }
    }
    OptimizationProgress done =
        new OptimizationProgress(
            p.kind(),
            p.points(),
            p.points(),
            "done",
            p.startedAtMillis(),
            System.currentTimeMillis());
    current.set(null);
    synchronized (finished) {
      finished.add(done);
      if (finished.size() > 16) {
        finished.remove(0);
      }
    }
    LOG.info(
        "Shard {}: {} of {} segment(s) into {} ({} points) in {} ms",
        shard.dir(),
        done.kind(),
        sources.size(),
        built.id(),
        done.points(),
        done.finishedAtMillis() - done.startedAtMillis());
  }

  /** The running optimization, or null. */
  public OptimizationProgress running() {
    return current.get();
  }

  /** The most recent finished optimizations, oldest first. */
  public List<OptimizationProgress> finished() {
    synchronized (finished) {
      return List.copyOf(finished);
    }
  }

  /** The last failure of the background thread, or null. */
  public Throwable lastFailure() {
    return lastFailure;
  }

  @Override
  public void close() {
    closed = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      // No interrupt: it would close the file channels the build is reading.
      nudge();
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (running) {
      // wait for an optimization in flight on another thread to finish its swap
    }
  }
}
