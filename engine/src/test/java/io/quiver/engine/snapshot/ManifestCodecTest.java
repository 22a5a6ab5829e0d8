package io.quiver.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestCodecTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SEG_A = "0123456789abcdef0123456789abcdef";
  static final String SEG_B = "fedcba9876543210fedcba9876543210";
  static final String SEG_C = "00000000000000000000000000000001";
  static final String SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  static SnapshotManifest sample() {
    ObjectNode config = JSON.createObjectNode();
    config.putObject("vectors").put("size", 768).put("distance", "Cosine");
    config.put("shard_number", 2);
    return new SnapshotManifest(
        1,
        "products",
        config,
        3,
        0,
        "spark-20250601-0007",
        Instant.parse("2025-06-01T12:00:00.123Z"),
        List.of(
            new ShardEntry(
                0,
                List.of(
                    segment(0, SEG_A, 1000, "vectors.qvf", "graph.qvf"),
                    segment(0, SEG_B, 10, "vectors.qvf"))),
            new ShardEntry(
                1, List.of(segment(1, SEG_C, 0, "vectors.qvf", "ids.qvf", "payload.qvf")))));
  }

  static SegmentEntry segment(int shard, String id, long points, String... names) {
    String dir = SnapshotManifest.segmentDir(shard, id);
    List<FileEntry> files =
        Stream.of(names).map(n -> new FileEntry(dir + "/" + n, n.length(), SHA)).toList();
    return new SegmentEntry(id, dir, points, files);
  }

  @Test
  void roundTrip() throws Exception {
    SnapshotManifest m = sample();
    byte[] json = ManifestCodec.encode(m);
    SnapshotManifest back = ManifestCodec.decode(json);
    assertEquals(m, back);
    assertArrayEquals(json, ManifestCodec.encode(back), "encoding is stable");
    assertEquals('\n', json[json.length - 1]);
  }

  @Test
  void nullJobIdRoundTrips() throws Exception {
    SnapshotManifest m =
        new SnapshotManifest(
            1, "c", JSON.createObjectNode(), 1, 42, null, Instant.EPOCH, List.of());
    SnapshotManifest back = ManifestCodec.decode(ManifestCodec.encode(m));
    assertEquals(m, back);
    ObjectNode tree = tree(m);
    tree.remove("job_id");
    assertEquals(m, ManifestCodec.decode(bytes(tree)), "job_id may be absent");
  }

  @Test
  void fieldNamesAreSnakeCaseInAStableOrder() throws Exception {
    JsonNode tree = JSON.readTree(ManifestCodec.encode(sample()));
    assertEquals(
        List.of(
            "format_version",
            "collection",
            "version",
            "watermark",
            "job_id",
            "created_at",
            "config",
            "shards"),
        fieldNames(tree));
    JsonNode segment = tree.get("shards").get(0).get("segments").get(0);
    assertEquals(List.of("shard", "segments"), fieldNames(tree.get("shards").get(0)));
    assertEquals(List.of("segment_id", "dir", "point_count", "files"), fieldNames(segment));
    assertEquals(List.of("path", "size", "sha256"), fieldNames(segment.get("files").get(0)));
    assertEquals("2025-06-01T12:00:00.123Z", tree.get("created_at").asText());
    assertEquals(
        "shard-0/" + SEG_A + "/vectors.qvf", segment.get("files").get(0).get("path").asText());
  }

  @Test
  void configIsCopied() {
    ObjectNode config = JSON.createObjectNode().put("a", 1);
    SnapshotManifest m = new SnapshotManifest(1, "c", config, 1, 0, null, Instant.EPOCH, List.of());
    config.put("a", 2);
    m.config().put("a", 3);
    assertEquals(1, m.config().get("a").asInt());
  }

  @Test
  void sameContentIgnoresCreatedAt() {
    SnapshotManifest m = sample();
    assertTrue(m.sameContentAs(m.withCreatedAt(Instant.now())));
  }

  static Stream<Arguments> parseErrors() {
    String seg = "shards[0].segments[1]";
    return Stream.of(
        error(
            "negative file size",
            t -> file(t, 0, 1, 0).put("size", -4),
            seg + ".files[0].size: expected a non-negative integer; got -4"),
        error(
            "size in a nested position",
            t -> file(t, 1, 0, 2).put("size", -4),
            "shards[1].segments[0].files[2].size: expected a non-negative integer; got -4"),
        error(
            "fractional size",
            t -> file(t, 0, 0, 1).put("size", 1.5),
            "shards[0].segments[0].files[1].size: expected a non-negative integer; got 1.5"),
        error(
            "size beyond a long",
            t -> file(t, 0, 0, 0).put("size", new java.math.BigInteger("99999999999999999999")),
            "shards[0].segments[0].files[0].size: expected a non-negative integer; got 99999999999999999999"),
        error(
            "string where an integer belongs",
            t -> t.put("version", "3"),
            "version: expected an integer; got \"3\""),
        error("version zero", t -> t.put("version", 0), "version: expected an integer >= 1; got 0"),
        error(
            "negative watermark",
            t -> t.put("watermark", -1),
            "watermark: expected a non-negative integer; got -1"),
        error(
            "unknown format version",
            t -> t.put("format_version", 2),
            "format_version: unsupported format version; this reader supports 1; got 2"),
        error(
            "missing format version",
            t -> t.remove("format_version"),
            "format_version: required field is missing"),
        error(
            "missing field",
            t -> file(t, 0, 1, 0).remove("sha256"),
            seg + ".files[0].sha256: required field is missing"),
        error(
            "missing collection",
            t -> t.remove("collection"),
            "collection: required field is missing"),
        error(
            "empty collection",
            t -> t.put("collection", ""),
            "collection: expected a non-empty string; got \"\""),
        error(
            "unknown field",
            t -> segment(t, 0, 0).put("points", 3),
            "shards[0].segments[0].points: unknown field; expected one of"
                + " [dir, files, point_count, segment_id]"),
        error(
            "config not an object",
            t -> t.put("config", "x"),
            "config: expected a JSON object; got \"x\""),
        error(
            "shards not an array",
            t -> t.putObject("shards"),
            "shards: expected a JSON array; got {}"),
        error(
            "shard not an object",
            t -> ((ArrayNode) t.get("shards")).set(1, 7),
            "shards[1]: expected a JSON object; got 7"),
        error(
            "bad created_at",
            t -> t.put("created_at", "yesterday"),
            "created_at: expected an ISO-8601 instant like 2025-06-01T12:00:00Z; got \"yesterday\""),
        error(
            "bad sha256",
            t -> file(t, 0, 1, 0).put("sha256", SHA.toUpperCase()),
            seg
                + ".files[0].sha256: expected 64 lowercase hex characters (a sha256 digest); got \""
                + SHA.toUpperCase()
                + "\""),
        error(
            "bad segment id",
            t -> segment(t, 0, 1).put("segment_id", "xyz"),
            seg
                + ".segment_id: expected 32 lowercase hex characters (a 16-byte segment id); got"
                + " \"xyz\""),
        error(
            "dir of another segment",
            t -> segment(t, 0, 1).put("dir", "shard-0/" + SEG_A),
            seg + ".dir: expected \"shard-<k>/" + SEG_B + "\"; got \"shard-0/" + SEG_A + "\""),
        error(
            "dir in another shard",
            t -> {
              ObjectNode s = segment(t, 0, 1);
              s.put("dir", "shard-1/" + SEG_B);
              for (JsonNode f : s.get("files")) {
                ((ObjectNode) f)
                    .put("path", "shard-1/" + SEG_B + "/" + f.get("path").asText().substring(41));
              }
            },
            seg + ".dir: expected \"shard-0/" + SEG_B + "\"; got \"shard-1/" + SEG_B + "\""),
        error(
            "path escaping the snapshot",
            t -> file(t, 0, 1, 0).put("path", "../etc/passwd"),
            seg
                + ".files[0].path: '../etc/passwd' is not a valid snapshot path: it has a '..'"
                + " component"),
        error(
            "absolute path",
            t -> file(t, 0, 1, 0).put("path", "/etc/passwd"),
            seg + ".files[0].path: '/etc/passwd' is not a valid snapshot path: it is absolute"),
        error(
            "file outside its segment folder",
            t -> file(t, 0, 1, 0).put("path", "shard-0/" + SEG_A + "/vectors.qvf"),
            seg
                + ".files[0].path: expected a file inside \"shard-0/"
                + SEG_B
                + "\"; got \"shard-0/"
                + SEG_A
                + "/vectors.qvf\""),
        error(
            "duplicate shard",
            t -> ((ArrayNode) t.get("shards")).addObject().put("shard", 0).putArray("segments"),
            "shards[2].shard: duplicate shard; got 0"),
        error(
            "duplicate segment id within a shard",
            t -> {
              ArrayNode segments = (ArrayNode) t.get("shards").get(0).get("segments");
              segments.add(segments.get(0).deepCopy());
            },
            "shards[0].segments[2].segment_id: duplicate segment id; got \"" + SEG_A + "\""),
        error(
            "duplicate file path",
            t -> {
              ArrayNode files = (ArrayNode) segment(t, 0, 0).get("files");
              files.add(files.get(1).deepCopy());
            },
            "shards[0].segments[0].files[2].path: duplicate file path; got \"shard-0/"
                + SEG_A
                + "/graph.qvf\""));
  }

  private static Arguments error(String name, Consumer<ObjectNode> mutation, String message) {
    return Arguments.of(name, mutation, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parseErrors")
  void parseErrorsNameThePathAndTheValue(String name, Consumer<ObjectNode> mutation, String message)
      throws Exception {
    ObjectNode tree = tree(sample());
    mutation.accept(tree);
    InvalidSnapshotException e =
        assertThrows(InvalidSnapshotException.class, () -> ManifestCodec.decode(bytes(tree)));
    assertEquals(message, e.getMessage());
  }

  @Test
  void duplicateSegmentIdAcrossShardsIsRefused() throws Exception {
    ObjectNode tree = tree(sample());
    ObjectNode moved = segment(tree, 0, 1).deepCopy();
    moved.put("dir", "shard-1/" + SEG_B);
    for (JsonNode f : moved.get("files")) {
      ((ObjectNode) f).put("path", "shard-1/" + SEG_B + "/vectors.qvf");
    }
    ((ArrayNode) tree.get("shards").get(1).get("segments")).add(moved);
    InvalidSnapshotException e =
        assertThrows(InvalidSnapshotException.class, () -> ManifestCodec.decode(bytes(tree)));
    assertEquals(
        "shards[1].segments[1].segment_id: duplicate segment id (also at shards[0].segments[1]);"
            + " got \""
            + SEG_B
            + "\"",
        e.getMessage());
  }

  @Test
  void aShardsVersionTableRoundTripsAndIsOptional() throws Exception {
    FileEntry table = new FileEntry("shard-1/versions.qv", 66, SHA);
    SnapshotManifest m =
        new SnapshotManifest(
            1,
            "c",
            JSON.createObjectNode(),
            4,
            9,
            null,
            Instant.EPOCH,
            List.of(
                new ShardEntry(0, List.of(segment(0, SEG_A, 3, "vectors.qvf"))),
                new ShardEntry(1, List.of(), table)));
    byte[] json = ManifestCodec.encode(m);
    assertEquals(m, ManifestCodec.decode(json));
    JsonNode tree = JSON.readTree(json);
    assertEquals(List.of("shard", "segments"), fieldNames(tree.get("shards").get(0)));
    assertEquals(List.of("shard", "segments", "versions"), fieldNames(tree.get("shards").get(1)));
    assertEquals(
        List.of("path", "size", "sha256"), fieldNames(tree.get("shards").get(1).get("versions")));

    ObjectNode elsewhere = (ObjectNode) JSON.readTree(json);
    ((ObjectNode) elsewhere.get("shards").get(1).get("versions"))
        .put("path", "shard-1/" + SEG_A + "/versions.qv");
    InvalidSnapshotException e =
        assertThrows(InvalidSnapshotException.class, () -> ManifestCodec.decode(bytes(elsewhere)));
    assertEquals(
        "shards[1].versions.path: expected \"shard-1/versions.qv\"; got \"shard-1/"
            + SEG_A
            + "/versions.qv\"",
        e.getMessage());
    ObjectNode nullTable = (ObjectNode) JSON.readTree(json);
    ((ObjectNode) nullTable.get("shards").get(1)).putNull("versions");
    e = assertThrows(InvalidSnapshotException.class, () -> ManifestCodec.decode(bytes(nullTable)));
    assertEquals("shards[1].versions: expected a JSON object; got null", e.getMessage());
  }

  @Test
  void malformedJsonIsRefused() {
    assertMessage("{\"format_version\": 1,", "manifest is not valid JSON at line 1");
    assertMessage("[1, 2]", "manifest: expected a JSON object; got [1,2]");
    assertMessage("", "manifest is empty");
    assertMessage(
        "{\"format_version\": 1, \"format_version\": 1}",
        "manifest is not valid JSON at line 1, column 39: Duplicate field 'format_version'");
    String json = new String(ManifestCodec.encode(sample()), StandardCharsets.UTF_8);
    assertMessage(json + "{}", "manifest is not valid JSON");
  }

  @Test
  void unknownFormatVersionIsReportedBeforeUnknownFields() {
    assertMessage(
        "{\"format_version\": 7, \"something_new\": true}",
        "format_version: unsupported format version; this reader supports 1; got 7");
  }

  @Test
  void valueClassesCheckTheirFields() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new FileEntry("shard-0/" + SEG_A + "/x", -4, SHA));
    assertEquals("size: expected a non-negative integer; got -4", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SnapshotManifest(
                    2, "c", JSON.createObjectNode(), 1, 0, null, Instant.EPOCH, List.of()));
    assertEquals(
        "format_version: unsupported format version; this code supports 1; got 2", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SnapshotManifest(
                1, "c", JSON.createObjectNode(), 1, 0, "", Instant.EPOCH, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new ShardEntry(-1, List.of()));
  }

  private static void assertMessage(String json, String expectedStart) {
    InvalidSnapshotException e =
        assertThrows(
            InvalidSnapshotException.class,
            () -> ManifestCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
  }

  private static ObjectNode segment(ObjectNode tree, int shard, int segment) {
    return (ObjectNode) tree.get("shards").get(shard).get("segments").get(segment);
  }

  private static ObjectNode file(ObjectNode tree, int shard, int segment, int file) {
    return (ObjectNode) segment(tree, shard, segment).get("files").get(file);
  }

  private static ObjectNode tree(SnapshotManifest m) throws Exception {
    return (ObjectNode) JSON.readTree(ManifestCodec.encode(m));
  }

  private static byte[] bytes(JsonNode tree) throws Exception {
    return JSON.writeValueAsBytes(tree);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
