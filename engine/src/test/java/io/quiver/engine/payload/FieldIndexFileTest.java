package io.quiver.engine.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.store.CorruptFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

class FieldIndexFileTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] PAYLOADS = {
    "{'k':'red','n':3,'f':true,'u':'3f2504e0-4f89-11d3-9a0c-0305e82c3301','t':'2014-01-01'}",
    "{'k':['red','blue'],'n':[1,2.5],'f':[false],'u':'3F2504E0-4F89-11D3-9A0C-0305E82C3301','t':['2014-01-01T12:00:00Z','x']}",
    "{'k':null,'n':null,'f':null,'u':null,'t':null}",
    "{'k':[],'n':[],'f':[],'u':[],'t':[]}",
    "{'k':5,'n':'five','f':'yes','u':7,'t':20140101}",
    "{}",
    "{'k':'ключ','n':-9223372036854775808,'f':true,'u':'00000000-0000-0000-0000-000000000000','t':'1999-12-31 23:00:00-01:00'}",
  };

  @TempDir Path dir;

  private static ObjectNode payload(int i) {
    try {
      return (ObjectNode) JSON.readTree(PAYLOADS[i].replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static PayloadIndexes build() {
    PayloadIndexes indexes = new PayloadIndexes();
    Object[][] specs = {
      {"k", FieldIndexKind.KEYWORD}, {"n", FieldIndexKind.INTEGER}, {"n", FieldIndexKind.FLOAT},
      {"f", FieldIndexKind.BOOL}, {"u", FieldIndexKind.UUID}, {"t", FieldIndexKind.DATETIME},
    };
    for (Object[] spec : specs) {
      indexes.create(
          JsonPath.parse((String) spec[0]),
          (FieldIndexKind) spec[1],
          PAYLOADS.length,
          FieldIndexFileTest::payload);
    }
    return indexes;
  }

  /** Every query an index answers, as text, to compare two indexes. */
  private static String answers(FieldIndex<?> index) {
    List<Object> out = new ArrayList<>();
    out.add(index.nonEmptyPoints());
    out.add(index.nullPoints());
    out.add(index.otherPoints());
    out.add(index.keyCount());
    out.add(index.matchKeyword("red"));
    out.add(index.matchAnyKeyword(List.of("blue", "ключ", "3f2504e0-4f89-11d3-9a0c-0305e82c3301")));
    out.add(index.exceptKeywords(List.of("red")));
    out.add(index.matchInteger(3));
    out.add(index.exceptIntegers(List.of(3L)));
    out.add(index.matchBool(true));
    out.add(index.range(0, true, 3, true));
    out.add(index.rangeMicros(Long.MIN_VALUE, DateTimes.parseMicros("2014-01-01T06:00:00Z")));
    return out.toString();
  }

  @Test
  void indexesAnswerExactly() {
    PayloadIndexes indexes = build();
    FieldIndex<?> keyword = indexes.get(JsonPath.parse("k"), FieldIndexKind.KEYWORD);
    assertEquals(RoaringBitmap.bitmapOf(0, 1), keyword.matchKeyword("red"));
    assertEquals(RoaringBitmap.bitmapOf(1, 4, 6), keyword.exceptKeywords(List.of("red")));
    assertEquals(RoaringBitmap.bitmapOf(2), keyword.nullPoints());
    assertEquals(RoaringBitmap.bitmapOf(0, 1, 4, 6), keyword.nonEmptyPoints());
    FieldIndex<?> integer = indexes.get(JsonPath.parse("n"), FieldIndexKind.INTEGER);
    assertNull(integer.range(0, true, 3, true), "2.5 at offset 1 is not an integer key");
    assertEquals(RoaringBitmap.bitmapOf(0), integer.matchInteger(3));
    FieldIndex<?> floats = indexes.get(JsonPath.parse("n"), FieldIndexKind.FLOAT);
    assertEquals(RoaringBitmap.bitmapOf(0, 1), floats.range(0, true, 3, true));
    assertNull(floats.matchInteger(3));
    FieldIndex<?> uuid = indexes.get(JsonPath.parse("u"), FieldIndexKind.UUID);
    assertEquals(
        RoaringBitmap.bitmapOf(0), uuid.matchKeyword("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
    assertNull(uuid.matchKeyword("3F2504E0-4F89-11D3-9A0C-0305E82C3301"));
    FieldIndex<?> datetime = indexes.get(JsonPath.parse("t"), FieldIndexKind.DATETIME);
    assertEquals(
        RoaringBitmap.bitmapOf(0, 6),
        datetime.rangeMicros(Long.MIN_VALUE, DateTimes.parseMicros("2014-01-01T06:00:00Z")));
    // remove and re-add
    keyword.remove(0);
    assertEquals(RoaringBitmap.bitmapOf(1), keyword.matchKeyword("red"));
    keyword.add(0, payload(0));
    keyword.add(1, payload(5));
    assertEquals(RoaringBitmap.bitmapOf(0), keyword.matchKeyword("red"));
    assertEquals(RoaringBitmap.bitmapOf(), keyword.matchKeyword("blue"));
  }

  @Test
  void filesRoundTrip() throws Exception {
    PayloadIndexes indexes = build();
    byte[] segmentId = new byte[16];
    segmentId[3] = 7;
    indexes.writeAll(dir, segmentId);
    PayloadIndexes read = PayloadIndexes.readAll(dir, segmentId);
    assertEquals(indexes.all().size(), read.all().size());
    for (FieldIndex<?> index : indexes.all()) {
      FieldIndex<?> copy = read.get(index.path(), index.kind());
      assertEquals(answers(index), answers(copy), index.toString());
    }
    // A second write replaces the files of the first.
    read.drop(JsonPath.parse("n"));
    read.writeAll(dir, segmentId);
    assertEquals(4, PayloadIndexes.readAll(dir, segmentId).all().size());
    try (var files = Files.list(dir)) {
      assertEquals(5, files.count(), "4 index files and the manifest");
    }
    assertThrows(CorruptFileException.class, () -> PayloadIndexes.readAll(dir, new byte[16]));
    assertTrue(PayloadIndexes.readAll(dir.resolve("none"), null).isEmpty());
  }

  @Test
  void corruptOrTruncatedFilesAreRefused() throws Exception {
    FieldIndex<?> index = build().get(JsonPath.parse("k"), FieldIndexKind.KEYWORD);
    Path file = dir.resolve("k.qfi");
    FieldIndexFile.write(index, file, new byte[16]);
    byte[] good = Files.readAllBytes(file);
    for (int at : new int[] {0, 10, good.length / 2, good.length - 20, good.length - 1}) {
      byte[] bad = good.clone();
      bad[at] ^= 0x10;
      Files.write(file, bad);
      CorruptFileException e =
          assertThrows(CorruptFileException.class, () -> FieldIndexFile.read(file, null));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
    for (int length : new int[] {0, 5, good.length / 2, good.length - 1}) {
      Files.write(file, Arrays.copyOf(good, length));
      CorruptFileException e =
          assertThrows(CorruptFileException.class, () -> FieldIndexFile.read(file, null));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
    Files.write(file, good);
    assertEquals(answers(index), answers(FieldIndexFile.read(file, null)));
  }

  @Test
  void kindsParseFromQdrantNames() {
    for (FieldIndexKind kind : FieldIndexKind.values()) {
      assertEquals(kind, FieldIndexKind.fromSchema(kind.schemaName()));
      assertEquals(kind, FieldIndexKind.fromCode(kind.code()));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FieldIndexKind.fromSchema("geo"));
    assertTrue(e.getMessage().endsWith("got 'geo'"), e.getMessage());
  }
}
