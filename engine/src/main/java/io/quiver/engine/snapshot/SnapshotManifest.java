package io.quiver.engine.snapshot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a snapshot holds: the contents of its {@code manifest.json} ({@link ManifestCodec} gives the
 * JSON form). A snapshot is published only by writing its manifest, which lists every segment file
 * with its size and sha256; readers trust nothing that is not listed.
 *
 * <p>The constructor checks everything a reader relies on: the format version, {@code version >=
 * 1}, {@code watermark >= 0}, no shard listed twice, no segment id twice in the whole snapshot, and
 * (through {@link ShardEntry} and {@link SegmentEntry}) that every segment lives in {@code
 * shard-<k>/<segment-id>} and every file directly inside its segment's folder. Errors name the
 * field with its JSON name and the value.
 *
 * @param formatVersion the manifest format, {@link #FORMAT_VERSION}
 * @param collection the collection's name
 * @param config the collection's configuration; opaque to the snapshot format (a copy is kept)
 * @param version the snapshot's version number, {@code >= 1}
 * @param watermark the last applied operation sequence the snapshot covers; 0 for a batch build
 * @param jobId the id of the job that built the snapshot, or null
 * @param createdAt when the snapshot was committed
 * @param shards the shards with their segments
 */
public record SnapshotManifest(
    int formatVersion,
    String collection,
    ObjectNode config,
    long version,
    long watermark,
    String jobId,
    Instant createdAt,
    List<ShardEntry> shards) {

  /** The only manifest format this code reads and writes. */
  public static final int FORMAT_VERSION = 1;

  /** The manifest's file name in the snapshot root. */
  public static final String MANIFEST_FILE = "manifest.json";

  public SnapshotManifest {
    if (formatVersion != FORMAT_VERSION) {
      throw Fields.invalid(
          "format_version",
          "unsupported format version; this code supports " + FORMAT_VERSION,
          formatVersion);
    }
    Fields.nonEmpty(collection, "collection");
    config = Fields.required(config, "config").deepCopy();
    if (version < 1) {
      throw Fields.invalid("version", "expected an integer >= 1", version);
    }
    Fields.nonNegative(watermark, "watermark");
    if (jobId != null && jobId.isEmpty()) {
      throw Fields.invalid("job_id", "expected a non-empty string or null", jobId);
    }
    Fields.required(createdAt, "created_at");
    shards = List.copyOf(Fields.required(shards, "shards"));
    Set<Integer> shardIds = new HashSet<>();
    Map<String, String> segmentIds = new HashMap<>();
    for (int i = 0; i < shards.size(); i++) {
      ShardEntry shard = shards.get(i);
      if (!shardIds.add(shard.shard())) {
        throw Fields.invalid("shards[" + i + "].shard", "duplicate shard", shard.shard());
      }
      List<SegmentEntry> segments = shard.segments();
      for (int j = 0; j < segments.size(); j++) {
        String at = "shards[" + i + "].segments[" + j + "]";
        String earlier = segmentIds.putIfAbsent(segments.get(j).segmentId(), at);
        if (earlier != null) {
          throw Fields.invalid(
              at + ".segment_id",
              "duplicate segment id (also at " + earlier + ")",
              segments.get(j).segmentId());
        }
      }
    }
  }

  /** A copy of the collection's configuration. */
  @Override
  public ObjectNode config() {
    return config.deepCopy();
  }

  /** The folder of a segment relative to the snapshot root: {@code shard-<k>/<segment-id>}. */
  public static String segmentDir(int shard, String segmentId) {
    return "shard-" + shard + "/" + segmentId;
  }

  /** This manifest with another {@code createdAt}. */
  public SnapshotManifest withCreatedAt(Instant createdAt) {
    return new SnapshotManifest(
        formatVersion, collection, config, version, watermark, jobId, createdAt, shards);
  }

  /** Whether {@code other} describes the same snapshot, whenever it was committed. */
  public boolean sameContentAs(SnapshotManifest other) {
    return equals(other.withCreatedAt(createdAt));
  }

  /** The number of points over all segments. */
  public long pointCount() {
    long total = 0;
    for (ShardEntry shard : shards) {
      for (SegmentEntry segment : shard.segments()) {
        total += segment.pointCount();
      }
    }
    return total;
  }
}
