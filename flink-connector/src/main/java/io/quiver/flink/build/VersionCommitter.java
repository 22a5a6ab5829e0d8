package io.quiver.flink.build;

import io.quiver.engine.snapshot.InvalidSnapshotException;
import io.quiver.engine.snapshot.ManifestCodec;
import io.quiver.engine.snapshot.SnapshotManifest;
import io.quiver.engine.snapshot.store.CollectionLayout;
import io.quiver.engine.snapshot.store.HadoopFiles;
import io.quiver.engine.snapshot.store.NodePublisher;
import io.quiver.engine.snapshot.store.StagedSegment;
import io.quiver.engine.snapshot.store.VersionCommit;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the version: publishes its manifest with {@link VersionCommit} (the Spark build's commit:
 * every staged segment checked, files of failed attempts deleted), then, if asked, has a node serve
 * it. Only one committer subtask gets the build's one committable.
 *
 * <p>Idempotent: after a restore Flink commits the committable again, and a version this build
 * already committed is left as it is (the publish is repeated, and the node serves the version it
 * already serves).
 */
final class VersionCommitter implements Committer<AllBuilt> {

  private static final Logger LOG = LoggerFactory.getLogger(VersionCommitter.class);

  private final BuildSpec spec;

  VersionCommitter(BuildSpec spec) {
    this.spec = spec;
  }

  @Override
  public void commit(Collection<CommitRequest<AllBuilt>> requests) throws IOException {
    for (CommitRequest<AllBuilt> request : requests) {
      commit(request.getCommittable());
    }
  }

  private void commit(AllBuilt all) throws IOException {
    FileSystem fs = spec.fileSystem();
    CollectionLayout layout = spec.layout();
    if (!committedByThisBuild(fs, layout)) {
      List<StagedSegment> segments = new ArrayList<>();
      all.writers().forEach(b -> segments.addAll(b.segments()));
      new VersionCommit(fs, layout, spec.version(), spec.buildId())
          .commit(spec.collection(), spec.manifestConfig(), spec.shards(), segments, null);
    }
    if (spec.publish() != null) {
      URI version = fs.makeQualified(layout.versionDir(spec.version())).toUri();
      NodePublisher.Published served =
          new NodePublisher(spec.publish(), spec.apiKey(), spec.publishTimeout())
              .publish(spec.collection(), version);
      LOG.info(
          "{} version {} published to {}: the node serves its version {} with {} points",
          layout,
          spec.version(),
          spec.publish(),
          served.version(),
          served.points());
    }
  }

  /** Whether this build's version is already committed; fails if another job committed it. */
  private boolean committedByThisBuild(FileSystem fs, CollectionLayout layout) throws IOException {
    Path file = layout.manifest(spec.version());
    if (!fs.exists(file)) {
      return false;
    }
    SnapshotManifest manifest;
    try {
      manifest = ManifestCodec.decode(HadoopFiles.readAll(fs, file));
    } catch (InvalidSnapshotException e) {
      throw new IOException(file + " is not a valid manifest: " + e.getMessage(), e);
    }
    if (!spec.buildId().equals(manifest.jobId())) {
      throw new IllegalStateException(
          "version "
              + spec.version()
              + " of "
              + layout
              + " was committed meanwhile by another job ("
              + manifest.jobId()
              + "); this build ("
              + spec.buildId()
              + ") published nothing. Builds of one collection must not run concurrently.");
    }
    LOG.info(
        "{} version {} was already committed by build {}", layout, spec.version(), spec.buildId());
    return true;
  }

  @Override
  public void close() {}
}
