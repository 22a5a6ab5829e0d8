package io.quiver.flink.build;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.ShardRouter;
import io.quiver.engine.segment.SegmentId;
import io.quiver.engine.snapshot.FileEntry;
import io.quiver.engine.snapshot.store.CollectionLayout;
import io.quiver.engine.snapshot.store.HadoopFiles;
import io.quiver.engine.snapshot.store.SegmentStager;
import io.quiver.engine.snapshot.store.ShardedBuild;
import io.quiver.engine.snapshot.store.StagedSegment;
import io.quiver.flink.QuiverRecord;
import io.quiver.flink.RecordAccess;
import io.quiver.flink.build.WriterState.SpillFile;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer subtask of a bounded build. It owns the shards {@code s} with {@code s % parallelism
 * == subtask} (the sink routes records so), and:
 *
 * <ul>
 *   <li>appends each record, checked against the collection config, to a local spill file of its
 *       shard;
 *   <li>at each checkpoint, uploads those files into the build's staging folder and keeps their
 *       names, sizes and sha256 in its state, so a restore finds every record taken before the
 *       checkpoint without the source replaying it;
 *   <li>at the end of its input, resolves each id to its newest write (the highest version; the
 *       first of equal ones, as a node applies them), builds one segment per shard with the
 *       engine's {@link ShardedBuild}, uploads it ({@link SegmentStager}) and hands the staged
 *       segments to the committer.
 * </ul>
 *
 * Deleted ids are left out of the segments; the version a build writes is a whole new state of the
 * collection, so no tombstone is kept.
 */
final class BuildWriter<IN>
    implements CommittingSinkWriter<IN, BuiltShards>, StatefulSinkWriter<IN, WriterState> {

  private static final Logger LOG = LoggerFactory.getLogger(BuildWriter.class);
  private static final TypeSerializer<QuiverRecord> RECORDS = RecordAccess.serializer();
  private static final ObjectNode NO_PAYLOAD = JsonNodeFactory.instance.objectNode();

  private final BuildSpec spec;
  private final SerializableFunction<IN, QuiverRecord> converter;
  private final CollectionConfig config;
  private final int subtask;
  private final int parallelism;
  private final int attempt;
  private final FileSystem fs;
  private final CollectionLayout layout;
  private final java.nio.file.Path work;
  private final Map<Integer, LocalSpill> open = new TreeMap<>();
  private final List<SpillFile> spilled = new ArrayList<>();
  private long records;
  private boolean ended;
  private boolean built;

  BuildWriter(
      BuildSpec spec,
      SerializableFunction<IN, QuiverRecord> converter,
      WriterInitContext context,
      Collection<WriterState> restored)
      throws IOException {
    this.spec = spec;
    this.converter = converter;
    this.config = spec.config();
    this.subtask = context.getTaskInfo().getIndexOfThisSubtask();
    this.parallelism = context.getTaskInfo().getNumberOfParallelSubtasks();
    this.attempt = context.getTaskInfo().getAttemptNumber();
    this.fs = spec.fileSystem();
    this.layout = spec.layout();
    String dir = spec.localDir() != null ? spec.localDir() : System.getProperty("java.io.tmpdir");
    this.work =
        java.nio.file.Path.of(dir)
            .resolve("quiver-build-" + spec.buildId() + "-" + subtask + "-" + attempt);
    for (WriterState state : restored) {
      built |= state.built();
      for (SpillFile f : state.spills()) {
        if (ShardPartitioner.owner(f.shard(), parallelism) != subtask) {
          throw new IllegalStateException(
              "quiver build: writer "
                  + subtask
                  + " of "
                  + parallelism
                  + " restored the spill file of shard "
                  + f.shard()
                  + " written by writer "
                  + state.subtask()
                  + "; a bounded build restores only with the parallelism it started with");
        }
        spilled.add(f);
      }
    }
    spilled.sort(Comparator.comparingLong(SpillFile::checkpoint));
    ended = built;
  }

  @Override
  public void write(IN element, Context context) throws IOException {
    QuiverRecord r = converter.apply(element);
    if (r == null) {
      throw new IllegalArgumentException(
          "quiver build: the record converter returned null for " + element);
    }
    if (ended) {
      throw new IllegalStateException(
          "quiver build: writer "
              + subtask
              + " got "
              + RecordAccess.describe(r)
              + " after its end");
    }
    PointId id = RecordAccess.id(r);
    if (r.operation() == QuiverRecord.Operation.UPSERT) {
      try {
        // Vectors only: the payload is converted once, when the segment is built.
        config.checkPoint(new Point(id, RecordAccess.vectors(r), NO_PAYLOAD));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "quiver build of '"
                + spec.collection()
                + "': "
                + e.getMessage()
                + " (version "
                + Long.toUnsignedString(r.version())
                + ")",
            e);
      }
    }
    int shard = ShardRouter.shardOf(id, spec.shards());
    LocalSpill spill = open.get(shard);
    if (spill == null) {
      spill = new LocalSpill(shard);
      open.put(shard, spill);
    }
    spill.append(r);
    records++;
  }

  @Override
  public void flush(boolean endOfInput) {
    ended |= endOfInput;
  }

  /** Uploads what was spilled since the last checkpoint; after the build, only that it is done. */
  @Override
  public List<WriterState> snapshotState(long checkpointId) throws IOException {
    if (!built) {
      for (LocalSpill s : open.values()) {
        s.close();
        if (s.records == 0) {
          Files.deleteIfExists(s.file);
          continue;
        }
        String rel =
            "spill/" + subtask + "-" + attempt + "-" + checkpointId + "-shard-" + s.shard + ".rec";
        FileEntry e = HadoopFiles.upload(s.file, fs, stagingPath(rel), rel);
        spilled.add(new SpillFile(s.shard, checkpointId, rel, e.size(), e.sha256(), s.records));
        Files.delete(s.file);
      }
      open.clear();
    }
    return List.of(new WriterState(subtask, built, built ? List.of() : spilled));
  }

  /** Nothing before the end of the input; then the staged segments, once. */
  @Override
  public Collection<BuiltShards> prepareCommit() throws IOException {
    if (!ended || built) {
      return List.of();
    }
    List<StagedSegment> staged = buildAndStage();
    built = true;
    return List.of(new BuiltShards(subtask, parallelism, staged));
  }

  private List<StagedSegment> buildAndStage() throws IOException {
    long start = System.nanoTime();
    Map<Integer, List<java.nio.file.Path>> sources = new TreeMap<>();
    for (SpillFile f : spilled) {
      java.nio.file.Path local = work.resolve("restored").resolve(f.path());
      HadoopFiles.download(
          fs, stagingPath(f.path()), local, new FileEntry(f.path(), f.size(), f.sha256()));
      sources.computeIfAbsent(f.shard(), k -> new ArrayList<>()).add(local);
    }
    for (LocalSpill s : open.values()) {
      s.close();
      sources.computeIfAbsent(s.shard, k -> new ArrayList<>()).add(s.file);
    }
    open.clear();
    Map<String, Integer> dimensions = new LinkedHashMap<>();
    for (Map.Entry<String, VectorParams> e : config.vectors().entrySet()) {
      dimensions.put(e.getKey(), e.getValue().size());
    }
    try (ShardedBuild build =
        new ShardedBuild(
            work.resolve("segments"),
            config,
            spec.indexedFields(),
            spec.threads(),
            shard -> SegmentId.random())) {
      long points = 0;
      for (Map.Entry<Integer, List<java.nio.file.Path>> e : sources.entrySet()) {
        points += addNewest(build, e.getKey(), e.getValue());
      }
      List<ShardedBuild.BuiltSegment> segments = build.finish();
      List<StagedSegment> staged =
          new SegmentStager(fs, layout, spec.version(), spec.buildId(), subtask + "-" + attempt)
              .stage(segments, dimensions, uploaded -> {});
      LOG.info(
          "quiver build of {} version {}: writer {} of {} built {} segments of {} points from {}"
              + " records (shards {}) in {} ms",
          spec.collection(),
          spec.version(),
          subtask,
          parallelism,
          segments.size(),
          points,
          records,
          new TreeSet<>(sources.keySet()),
          (System.nanoTime() - start) / 1_000_000);
      return staged;
    } finally {
      deleteLocal(work);
    }
  }

  /**
   * Reads a shard's records twice: first to find each id's newest write, then to add the upserts
   * that are one; returns the points added.
   */
  private long addNewest(ShardedBuild build, int shard, List<java.nio.file.Path> files)
      throws IOException {
    Map<PointId, long[]> newest = new HashMap<>(); // id -> {version, ordinal}
    long ordinal = 0;
    for (java.nio.file.Path file : files) {
      try (RecordReader in = new RecordReader(file)) {
        for (QuiverRecord r = in.next(); r != null; r = in.next(), ordinal++) {
          PointId id = RecordAccess.id(r);
          long[] seen = newest.get(id);
          if (seen == null) {
            newest.put(id, new long[] {r.version(), ordinal});
          } else if (Long.compareUnsigned(r.version(), seen[0]) > 0) {
            seen[0] = r.version();
            seen[1] = ordinal;
          }
        }
      }
    }
    long added = 0;
    ordinal = 0;
    for (java.nio.file.Path file : files) {
      try (RecordReader in = new RecordReader(file)) {
        for (QuiverRecord r = in.next(); r != null; r = in.next(), ordinal++) {
          if (r.operation() == QuiverRecord.Operation.UPSERT
              && newest.get(RecordAccess.id(r))[1] == ordinal) {
            build.add(shard, RecordAccess.point(r), r.version());
            added++;
          }
        }
      }
    }
    return added;
  }

  private Path stagingPath(String rel) {
    return new Path(layout.stagingDir(spec.version(), spec.buildId()), rel);
  }

  @Override
  public void close() throws IOException {
    for (LocalSpill s : open.values()) {
      s.close();
    }
    open.clear();
    deleteLocal(work);
  }

  private static void deleteLocal(java.nio.file.Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (java.nio.file.Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The records of one shard taken since the last checkpoint, on the local disk. */
  private final class LocalSpill {
    final int shard;
    final java.nio.file.Path file;
    final DataOutputViewStreamWrapper out;
    long records;
    boolean closed;

    LocalSpill(int shard) throws IOException {
      this.shard = shard;
      Files.createDirectories(work.resolve("open"));
      this.file = Files.createTempFile(work.resolve("open"), "shard-" + shard + "-", ".rec");
      this.out =
          new DataOutputViewStreamWrapper(
              new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }

    void append(QuiverRecord r) throws IOException {
      RECORDS.serialize(r, out);
      records++;
    }

    void close() throws IOException {
      if (!closed) {
        closed = true;
        out.close();
      }
    }
  }

  /** Reads a spill file back, record by record. */
  private static final class RecordReader implements AutoCloseable {
    private final InputStream stream;
    private final DataInputViewStreamWrapper in;

    RecordReader(java.nio.file.Path file) throws IOException {
      this.stream = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      this.in = new DataInputViewStreamWrapper(stream);
    }

    /** The next record, or null at the end of the file. */
    QuiverRecord next() throws IOException {
      stream.mark(1);
      if (stream.read() < 0) {
        return null;
      }
      stream.reset();
      return RECORDS.deserialize(in);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
