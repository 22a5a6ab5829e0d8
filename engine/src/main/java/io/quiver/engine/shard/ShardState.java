package io.quiver.engine.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.segment.SegmentMeta;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.FileFormat;
import io.quiver.engine.store.JsonFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A shard's checkpoint: the sequence up to which its segments (with their deleted-points files) and
 * its version table hold every applied operation, and which segments and payload indexes it has.
 * Replacing this file (write, fsync, rename) is the moment a checkpoint happens; recovery opens
 * what it lists and replays the log after {@code checkpointSequence}.
 *
 * <p>File {@value #FILE} (format {@value #FORMAT}): {@code FileFormat}'s header (segment id all
 * zero), {@code length int32}, UTF-8 JSON, CRC footer:
 *
 * <pre>
 * {"checkpoint_sequence": 1234,
 *  "segments": [{"dir": "segments/0a1b...", "deleted": "deleted-1234.qv" | null}, ...],
 *  "payload_indexes": [{"key": "a.b", "schema": "keyword"}, ...],
 *  "versions": "versions-1200.qv"}
 * </pre>
 *
 * {@code versions} names the shard's version table file ({@code VersionTable}); it is there, and
 * the file's format version is 2, only when the shard has one, so that code older than versioned
 * writes refuses such a shard instead of opening it without its versions. Version 1 files (no
 * table) are read as before.
 */
record ShardState(
    long checkpointSequence,
    List<SegmentRef> segments,
    List<SegmentMeta.IndexedField> indexes,
    String versions) {

  static final String FILE = "shard.qv";
  static final String FORMAT = "quiver.shard";
  static final int VERSION = 1;
  static final int VERSION_WITH_VERSIONS = 2;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A segment directory relative to the shard, and its deleted-points file inside it (or null). */
  record SegmentRef(String dir, String deleted) {}

  ShardState {
    segments = List.copyOf(segments);
    indexes = List.copyOf(indexes);
  }

  static ShardState empty() {
    return new ShardState(0, List.of(), List.of(), null);
  }

  void write(Path shardDir) throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("checkpoint_sequence", checkpointSequence);
    ArrayNode segs = json.putArray("segments");
    for (SegmentRef s : segments) {
      ObjectNode o = segs.addObject().put("dir", s.dir());
      if (s.deleted() == null) {
        o.putNull("deleted");
      } else {
        o.put("deleted", s.deleted());
      }
    }
    ArrayNode idx = json.putArray("payload_indexes");
    indexes.forEach(f -> idx.addObject().put("key", f.key()).put("schema", f.schema()));
    if (versions != null) {
      json.put("versions", versions);
    }
    byte[] bytes = MAPPER.writeValueAsBytes(json);
    JsonFile.write(
        shardDir.resolve(FILE),
        FORMAT,
        versions == null ? VERSION : VERSION_WITH_VERSIONS,
        new byte[FileFormat.SEGMENT_ID_LENGTH],
        bytes);
  }

  /** Reads the state of {@code shardDir}, or an empty state when the shard is new. */
  static ShardState read(Path shardDir) throws IOException {
    Path file = shardDir.resolve(FILE);
    if (!Files.exists(file)) {
      return empty();
    }
    JsonFile.Contents contents = JsonFile.read(file, FORMAT, VERSION, VERSION_WITH_VERSIONS);
    byte[] bytes = contents.json();
    try {
      JsonNode json = MAPPER.readTree(bytes);
      List<SegmentRef> segments = new ArrayList<>();
      for (JsonNode s : json.get("segments")) {
        JsonNode deleted = s.get("deleted");
        segments.add(
            new SegmentRef(s.get("dir").asText(), deleted.isNull() ? null : deleted.asText()));
      }
      List<SegmentMeta.IndexedField> indexes = new ArrayList<>();
      for (JsonNode f : json.get("payload_indexes")) {
        indexes.add(new SegmentMeta.IndexedField(f.get("key").asText(), f.get("schema").asText()));
      }
      JsonNode versions = json.get("versions");
      if ((versions != null) != (contents.header().version == VERSION_WITH_VERSIONS)
          || (versions != null && !versions.isTextual())) {
        throw new IllegalArgumentException(
            "format version " + contents.header().version + " with versions " + versions);
      }
      return new ShardState(
          json.get("checkpoint_sequence").asLong(),
          segments,
          indexes,
          versions == null ? null : versions.asText());
    } catch (RuntimeException e) {
      throw new CorruptFileException(file, "shard state is not valid: " + e.getMessage());
    }
  }
}
