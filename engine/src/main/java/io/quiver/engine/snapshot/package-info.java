/**
 * The snapshot format: what a batch build publishes and what a serving node downloads and opens.
 *
 * <p>A snapshot is a directory holding {@code manifest.json} and one folder per segment, {@code
 * shard-<k>/<segment-id>/}, with that segment's files. The manifest ({@link
 * io.quiver.engine.snapshot.SnapshotManifest}, encoded by {@link
 * io.quiver.engine.snapshot.ManifestCodec}) lists every file with its size and sha256 and is
 * written last and atomically, so a directory without one is not a snapshot. The model and the
 * codec know nothing of {@code java.nio.file}, so the Spark connector writes the same manifest
 * through Hadoop's {@code FileSystem}; {@link io.quiver.engine.snapshot.SnapshotWriter}, {@link
 * io.quiver.engine.snapshot.SnapshotReader} and {@link io.quiver.engine.snapshot.SnapshotArchive}
 * are the local-filesystem side.
 */
package io.quiver.engine.snapshot;
