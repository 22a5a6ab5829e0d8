package io.quiver.engine.snapshot;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code manifest.json}: the JSON form of a {@link SnapshotManifest}. Field names are snake_case
 * and stable; {@link #encode} writes them in this order, pretty-printed, UTF-8, with a final
 * newline:
 *
 * <pre>
 * {
 *   "format_version" : 1,
 *   "collection" : "products",
 *   "version" : 3,
 *   "watermark" : 0,
 *   "job_id" : "spark-20250601-0007",          (or null)
 *   "created_at" : "2025-06-01T12:00:00Z",      (ISO-8601, UTC)
 *   "config" : { ... },                         (the collection config, opaque here)
 *   "shards" : [ {
 *     "shard" : 0,
 *     "segments" : [ {
 *       "segment_id" : "0123456789abcdef0123456789abcdef",
 *       "dir" : "shard-0/0123456789abcdef0123456789abcdef",
 *       "point_count" : 1000,
 *       "files" : [ {
 *         "path" : "shard-0/0123456789abcdef0123456789abcdef/vectors.qvf",
 *         "size" : 4096,
 *         "sha256" : "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
 *       } ]
 *     } ],
 *     "versions" : {                             (only when the shard has a version table)
 *       "path" : "shard-0/versions.qv",
 *       "size" : 66,
 *       "sha256" : "..."
 *     }
 *   } ]
 * }
 * </pre>
 *
 * <p>{@link #decode} is strict: {@code format_version} is read first and any other version is
 * refused; every field is required ({@code job_id} may be null or absent, a shard's {@code
 * versions} absent), unknown fields, duplicate keys, duplicate shards, segment ids and file paths
 * are refused. Each error is an {@link InvalidSnapshotException} whose message starts with the JSON
 * path and ends with the value, e.g. {@code shards[0].segments[2].files[1].size: expected a
 * non-negative integer; got -4}.
 */
public final class ManifestCodec {

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private static final Set<String> MANIFEST_FIELDS =
      Set.of(
          "format_version",
          "collection",
          "version",
          "watermark",
          "job_id",
          "created_at",
          "config",
          "shards");
  private static final Set<String> SHARD_FIELDS = Set.of("shard", "segments", "versions");
  private static final Set<String> SEGMENT_FIELDS =
      Set.of("segment_id", "dir", "point_count", "files");
  private static final Set<String> FILE_FIELDS = Set.of("path", "size", "sha256");

  private ManifestCodec() {}

  /** The manifest as JSON bytes (UTF-8). The same manifest always gives the same bytes. */
  public static byte[] encode(SnapshotManifest manifest) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format_version", manifest.formatVersion());
    root.put("collection", manifest.collection());
    root.put("version", manifest.version());
    root.put("watermark", manifest.watermark());
    root.put("job_id", manifest.jobId());
    root.put("created_at", manifest.createdAt().toString());
    root.set("config", manifest.config());
    ArrayNode shards = root.putArray("shards");
    for (ShardEntry shard : manifest.shards()) {
      ObjectNode s = shards.addObject();
      s.put("shard", shard.shard());
      ArrayNode segments = s.putArray("segments");
      for (SegmentEntry segment : shard.segments()) {
        ObjectNode g = segments.addObject();
        g.put("segment_id", segment.segmentId());
        g.put("dir", segment.dir());
        g.put("point_count", segment.pointCount());
        ArrayNode files = g.putArray("files");
        for (FileEntry file : segment.files()) {
          file(files.addObject(), file);
        }
      }
      if (shard.versions() != null) {
        file(s.putObject("versions"), shard.versions());
      }
    }
    try {
      byte[] json = MAPPER.writeValueAsBytes(root);
      byte[] out = Arrays.copyOf(json, json.length + 1);
      out[json.length] = '\n';
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode manifest: " + e.getMessage(), e);
    }
  }

  private static void file(ObjectNode out, FileEntry file) {
    out.put("path", file.path()).put("size", file.size()).put("sha256", file.sha256());
  }

  /**
   * Parses and checks manifest JSON.
   *
   * @throws InvalidSnapshotException naming the JSON path and the value of the first problem
   */
  public static SnapshotManifest decode(byte[] json) throws InvalidSnapshotException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new InvalidSnapshotException(
          "manifest is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidSnapshotException("manifest is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidSnapshotException("manifest is empty");
    }
    if (!root.isObject()) {
      throw new InvalidSnapshotException(
          "manifest: expected a JSON object; got " + abbreviate(root));
    }
    long formatVersion = integer(root, "", "format_version", 0);
    if (formatVersion != SnapshotManifest.FORMAT_VERSION) {
      throw fail(
          "format_version",
          "unsupported format version; this reader supports " + SnapshotManifest.FORMAT_VERSION,
          root.get("format_version"));
    }
    knownFields(root, "", MANIFEST_FIELDS);
    String collection = text(root, "", "collection", false);
    long version = integer(root, "", "version", Long.MIN_VALUE);
    long watermark = integer(root, "", "watermark", Long.MIN_VALUE);
    String jobId = text(root, "", "job_id", true);
    String createdAtText = text(root, "", "created_at", false);
    Instant createdAt;
    try {
      createdAt = Instant.parse(createdAtText);
    } catch (DateTimeParseException e) {
      throw fail(
          "created_at",
          "expected an ISO-8601 instant like 2025-06-01T12:00:00Z",
          root.get("created_at"));
    }
    JsonNode config = field(root, "", "config");
    if (!config.isObject()) {
      throw fail("config", "expected a JSON object", config);
    }
    JsonNode shardsNode = array(root, "", "shards");
    List<ShardEntry> shards = new ArrayList<>(shardsNode.size());
    for (int i = 0; i < shardsNode.size(); i++) {
      shards.add(shard(shardsNode.get(i), "shards[" + i + "]"));
    }
    return build(
        "",
        () ->
            new SnapshotManifest(
                (int) formatVersion,
                collection,
                (ObjectNode) config,
                version,
                watermark,
                jobId,
                createdAt,
                shards));
  }

  private static ShardEntry shard(JsonNode node, String at) throws InvalidSnapshotException {
    object(node, at);
    knownFields(node, at, SHARD_FIELDS);
    long shard = integer(node, at, "shard", 0);
    if (shard > Integer.MAX_VALUE) {
      throw fail(
          at + ".shard",
          "expected an integer in [0, " + Integer.MAX_VALUE + "]",
          node.get("shard"));
    }
    JsonNode segmentsNode = array(node, at, "segments");
    List<SegmentEntry> segments = new ArrayList<>(segmentsNode.size());
    for (int j = 0; j < segmentsNode.size(); j++) {
      segments.add(segment(segmentsNode.get(j), at + ".segments[" + j + "]"));
    }
    FileEntry versions = node.has("versions") ? file(node.get("versions"), at + ".versions") : null;
    return build(at, () -> new ShardEntry((int) shard, segments, versions));
  }

  private static SegmentEntry segment(JsonNode node, String at) throws InvalidSnapshotException {
    object(node, at);
    knownFields(node, at, SEGMENT_FIELDS);
    String segmentId = text(node, at, "segment_id", false);
    String dir = text(node, at, "dir", false);
    long pointCount = integer(node, at, "point_count", 0);
    JsonNode filesNode = array(node, at, "files");
    List<FileEntry> files = new ArrayList<>(filesNode.size());
    for (int k = 0; k < filesNode.size(); k++) {
      files.add(file(filesNode.get(k), at + ".files[" + k + "]"));
    }
    return build(at, () -> new SegmentEntry(segmentId, dir, pointCount, files));
  }

  private static FileEntry file(JsonNode f, String at) throws InvalidSnapshotException {
    object(f, at);
    knownFields(f, at, FILE_FIELDS);
    String path = text(f, at, "path", false);
    long size = integer(f, at, "size", 0);
    String sha256 = text(f, at, "sha256", false);
    return build(at, () -> new FileEntry(path, size, sha256));
  }

  private interface Constructor<T> {
    T get();
  }

  /** Runs a value class's constructor, putting {@code at} in front of its field-named message. */
  private static <T> T build(String at, Constructor<T> constructor)
      throws InvalidSnapshotException {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidSnapshotException(join(at, e.getMessage()), e);
    }
  }

  private static JsonNode field(JsonNode node, String at, String name)
      throws InvalidSnapshotException {
    JsonNode value = node.get(name);
    if (value == null) {
      throw new InvalidSnapshotException(join(at, name) + ": required field is missing");
    }
    return value;
  }

  private static void object(JsonNode node, String at) throws InvalidSnapshotException {
    if (!node.isObject()) {
      throw fail(at, "expected a JSON object", node);
    }
  }

  private static JsonNode array(JsonNode node, String at, String name)
      throws InvalidSnapshotException {
    JsonNode value = field(node, at, name);
    if (!value.isArray()) {
      throw fail(join(at, name), "expected a JSON array", value);
    }
    return value;
  }

  private static String text(JsonNode node, String at, String name, boolean nullable)
      throws InvalidSnapshotException {
    JsonNode value = nullable ? node.get(name) : field(node, at, name);
    if (value == null || (nullable && value.isNull())) {
      return null;
    }
    if (!value.isTextual()) {
      throw fail(
          join(at, name), nullable ? "expected a string or null" : "expected a string", value);
    }
    return value.textValue();
  }

  /** An integer field that fits a long and is at least {@code min}. */
  private static long integer(JsonNode node, String at, String name, long min)
      throws InvalidSnapshotException {
    JsonNode value = field(node, at, name);
    String expected = min == 0 ? "expected a non-negative integer" : "expected an integer";
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min) {
      throw fail(join(at, name), expected, value);
    }
    return value.longValue();
  }

  private static void knownFields(JsonNode node, String at, Set<String> known)
      throws InvalidSnapshotException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw new InvalidSnapshotException(
            join(at, name) + ": unknown field; expected one of " + new TreeSet<>(known));
      }
    }
  }

  private static InvalidSnapshotException fail(String path, String expected, JsonNode got) {
    return new InvalidSnapshotException(path + ": " + expected + "; got " + abbreviate(got));
  }

  private static String join(String at, String rest) {
    return at.isEmpty() ? rest : at + "." + rest;
  }

  private static String abbreviate(JsonNode node) {
    String s = node.toString();
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
