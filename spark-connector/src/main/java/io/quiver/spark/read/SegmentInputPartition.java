package io.quiver.spark.read;

import io.quiver.engine.snapshot.store.StagedSegment;
import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One segment of a version.
 *
 * @param versionDir the version folder's URI
 * @param dir the segment folder relative to it
 * @param pointCount its live points
 * @param files its files as the manifest lists them (relative to the version folder)
 */
record SegmentInputPartition(
    String versionDir, String dir, long pointCount, List<StagedSegment.StagedFile> files)
    implements InputPartition {

  private static final long serialVersionUID = 1L;

  SegmentInputPartition {
    files = List.copyOf(files);
  }
}
