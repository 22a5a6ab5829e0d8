package io.quiver.engine.snapshot.store;

import io.quiver.engine.snapshot.FileEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Uploads the segments of one task attempt into their final folders under the version folder
 * ({@code v<k>/shard-<s>/<segment-id>/}), computing each file's size and sha256 as it copies.
 *
 * <p>Before the first byte goes up, the attempt records the folders it is about to write in a
 * marker file, {@code v<k>/_staging/<job-id>/<attempt>.segments}. Segment ids are unique per
 * attempt, so two attempts of one task never write the same folder; whatever an attempt leaves
 * behind (it failed, lost its executor, or lost the race to a speculative copy) is found through
 * its marker and deleted by the driver's commit or abort, and is never listed in a manifest.
 */
public final class SegmentStager {

  /** The suffix of marker files in a job's staging folder. */
  public static final String MARKER_SUFFIX = ".segments";

  /** Called after each file is uploaded, with the count so far; tests inject failures here. */
  public interface UploadListener {
    void uploaded(int files) throws IOException;
  }

  private final FileSystem fs;
  private final CollectionLayout layout;
  private final long version;
  private final Path marker;
  private final List<Path> written = new ArrayList<>();

  public SegmentStager(
      FileSystem fs, CollectionLayout layout, long version, String jobId, String attempt) {
    this.fs = fs;
    this.layout = layout;
    this.version = version;
    this.marker = new Path(layout.stagingDir(version, jobId), attempt + MARKER_SUFFIX);
  }

  /** Uploads {@code segments}; returns what the driver needs to commit them. */
  public List<StagedSegment> stage(
      List<ShardedBuild.BuiltSegment> segments,
      Map<String, Integer> dimensions,
      UploadListener listener)
      throws IOException {
    StringBuilder dirs = new StringBuilder();
    for (ShardedBuild.BuiltSegment s : segments) {
      dirs.append("shard-").append(s.shard()).append('/').append(s.id()).append('\n');
    }
    HadoopFiles.write(fs, marker, dirs.toString().getBytes(StandardCharsets.UTF_8), true);
    int uploaded = 0;
    List<StagedSegment> out = new ArrayList<>(segments.size());
    for (ShardedBuild.BuiltSegment s : segments) {
      String relDir = "shard-" + s.shard() + "/" + s.id();
      Path target = layout.segmentDir(version, relDir);
      written.add(target);
      List<StagedSegment.StagedFile> files = new ArrayList<>();
      for (String rel : localFiles(s.dir())) {
        java.nio.file.Path source = s.dir().resolve(rel);
        FileEntry e = HadoopFiles.upload(source, fs, new Path(target, rel), relDir + "/" + rel);
        files.add(new StagedSegment.StagedFile(e.path(), e.size(), e.sha256()));
        listener.uploaded(++uploaded);
      }
      out.add(new StagedSegment(s.shard(), s.id().toString(), s.pointCount(), files, dimensions));
    }
    return out;
  }

  /** Deletes what this attempt uploaded, and its marker. */
  public void abort() {
    for (Path dir : written) {
      HadoopFiles.deleteQuietly(fs, dir);
    }
    HadoopFiles.deleteQuietly(fs, marker);
  }

  /** The regular files under a local segment folder, {@code /}-separated, sorted. */
  private static List<String> localFiles(java.nio.file.Path dir) throws IOException {
    try (Stream<java.nio.file.Path> walk = Files.walk(dir)) {
      List<String> out = new ArrayList<>();
      for (java.nio.file.Path p : walk.filter(Files::isRegularFile).toList()) {
        out.add(dir.relativize(p).toString().replace('\\', '/'));
      }
      out.sort(null);
      return out;
    }
  }
}
