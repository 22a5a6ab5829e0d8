package io.quiver.spark.read;

import io.quiver.engine.filter.Filter;
import io.quiver.engine.point.PointId;
import io.quiver.engine.segment.DeletedPoints;
import io.quiver.engine.segment.ImmutableSegment;
import io.quiver.engine.segment.SegmentFilter;
import io.quiver.engine.snapshot.store.HadoopFiles;
import io.quiver.engine.snapshot.store.StagedSegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Reads the live points of one segment through the engine. On the local disk the segment is opened
 * where it is; from any other file system it is first copied to a local temporary folder, each file
 * checked against the manifest's size and sha256. Only the requested columns are read: a query
 * without vectors never touches the vector files' pages. Pushed-down id predicates and the {@code
 * filter} option choose the points: a set of ids is looked up, a range is tested on each id, and
 * the filter is resolved with the segment's payload indexes (only its candidates are visited when
 * the indexes list them).
 */
final class SegmentPartitionReader implements PartitionReader<InternalRow> {

  private static final int ID = -1;
  private static final int PAYLOAD = -2;

  private final SegmentInputPartition partition;
  private final ImmutableSegment segment;
  private final Path temp;
  private final int[] columns;
  private final String[] vectorOfColumn;
  private final boolean stringIds;
  private final PrimitiveIterator.OfInt offsets;
  private int offset = -1;

  SegmentPartitionReader(
      SegmentInputPartition partition,
      Configuration conf,
      StructType schema,
      List<String> vectorNames,
      boolean stringIds,
      IdPredicate ids,
      Filter filter)
      throws IOException {
    this.partition = partition;
    this.stringIds = stringIds;
    StructField[] fields = schema.fields();
    columns = new int[fields.length];
    vectorOfColumn = new String[fields.length];
    for (int i = 0; i < fields.length; i++) {
      String name = fields[i].name();
      if (name.equals(CollectionVersion.ID)) {
        columns[i] = ID;
      } else if (name.equals(CollectionVersion.PAYLOAD)) {
        columns[i] = PAYLOAD;
      } else {
        for (String v : vectorNames) {
          if (CollectionVersion.column(v).equals(name)) {
            vectorOfColumn[i] = v;
          }
        }
        if (vectorOfColumn[i] == null) {
          throw new IllegalArgumentException("no column '" + name + "' in a quiver collection");
        }
      }
    }
    FileSystem fs = HadoopFiles.fileSystem(partition.versionDir(), conf);
    org.apache.hadoop.fs.Path versionDir = new org.apache.hadoop.fs.Path(partition.versionDir());
    Path dir;
    if (HadoopFiles.isLocal(fs)) {
      temp = null;
      dir = HadoopFiles.localPath(fs, new org.apache.hadoop.fs.Path(versionDir, partition.dir()));
    } else {
      temp = Files.createTempDirectory("quiver-read-");
      dir = temp.resolve("segment");
      for (StagedSegment.StagedFile f : partition.files()) {
        String rel = f.path().substring(partition.dir().length() + 1);
        HadoopFiles.download(
            fs, new org.apache.hadoop.fs.Path(versionDir, f.path()), dir.resolve(rel), f.toEntry());
      }
    }
    Path deleted = null;
    for (StagedSegment.StagedFile f : partition.files()) {
      String name = f.path().substring(f.path().lastIndexOf('/') + 1);
      if (name.startsWith(DeletedPoints.FILE_PREFIX)) {
        deleted = dir.resolve(name);
      }
    }
    ImmutableSegment opened;
    try {
      opened = ImmutableSegment.open(dir, deleted);
    } catch (IOException | RuntimeException e) {
      deleteTemp();
      throw e;
    }
    segment = opened;
    offsets = selected(ids, filter);
  }

  /** The live offsets the id predicate and the filter select, ascending. */
  private PrimitiveIterator.OfInt selected(IdPredicate ids, Filter filter) {
    SegmentFilter matching = SegmentFilter.of(segment, filter);
    IntStream candidates;
    List<PointId> wanted = ids.ids();
    if (wanted != null) {
      candidates = wanted.stream().mapToInt(segment::offsetOf).filter(o -> o >= 0).sorted();
    } else if (matching.candidates() != null) {
      candidates = matching.candidates().stream();
    } else {
      candidates = IntStream.range(0, segment.size());
    }
    return candidates
        .filter(
            o ->
                !segment.deleted().isDeleted(o)
                    && ids.inRange(segment.pointId(o))
                    && matching.accept().accept(o))
        .iterator();
  }

  @Override
  public boolean next() {
    if (!offsets.hasNext()) {
      return false;
    }
    offset = offsets.nextInt();
    return true;
  }

  @Override
  public InternalRow get() {
    Object[] values = new Object[columns.length];
    for (int i = 0; i < columns.length; i++) {
      if (columns[i] == ID) {
        values[i] = id(segment.pointId(offset));
      } else if (columns[i] == PAYLOAD) {
        values[i] = UTF8String.fromString(segment.payload(offset).toString());
      } else {
        values[i] = UnsafeArrayData.fromPrimitiveArray(segment.vector(vectorOfColumn[i], offset));
      }
    }
    return new GenericInternalRow(values);
  }

  private Object id(PointId id) {
    if (stringIds) {
      return UTF8String.fromString(id.toString());
    }
    if (id.isUuid()) {
      throw new IllegalStateException(
          "point "
              + id
              + " in segment "
              + partition.dir()
              + " has a UUID id; read with option id_type=string");
    }
    return id.num();
  }

  @Override
  public void close() throws IOException {
    try {
      segment.close();
    } finally {
      deleteTemp();
    }
  }

  private void deleteTemp() throws IOException {
    if (temp == null) {
      return;
    }
    try (var walk = Files.walk(temp)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
