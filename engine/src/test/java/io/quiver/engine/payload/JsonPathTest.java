package io.quiver.engine.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonPathTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode payload(String text) throws Exception {
    return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
  }

  private static String values(List<JsonNode> values) {
    return JSON.createArrayNode().addAll(values).toString();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"a", "a.b", "a[].b", "a[0].b", "a[12][]", "bar-baz_1", "\"k.e y[]\".x", "ключ.b"})
  void canonicalTextReadsBack(String text) {
    JsonPath path = JsonPath.parse(text);
    assertEquals(text, path.toString());
    assertEquals(path, JsonPath.parse(path.toString()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", ".a", "a.", "a..b", "a[", "a[x]", "a[-1]", "a b", "\"a", "a.\"b\\c\"", "[]"})
  void malformedPathsNameThemselves(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JsonPath.parse(text));
    assertTrue(
        e.getMessage().startsWith("payload key '" + text + "' is malformed"), e.getMessage());
  }

  @Test
  void valuesFollowQdrant() throws Exception {
    ObjectNode p =
        payload(
            "{'tags':['x','y'],'n':null,'e':[],'a':{'b':[{'c':1},{'c':[2,3]},{'d':4},5]},"
                + "'arr':[{'x':1}]}");
    assertEquals("[\"x\",\"y\"]", values(JsonPath.parse("tags").values(p)));
    assertEquals("[[\"x\",\"y\"]]", values(JsonPath.parse("tags").rawValues(p)));
    assertEquals("[null]", values(JsonPath.parse("n").values(p)));
    assertEquals("[]", values(JsonPath.parse("e").values(p)));
    assertEquals("[[]]", values(JsonPath.parse("e").rawValues(p)));
    assertEquals("[1,[2,3]]", values(JsonPath.parse("a.b[].c").rawValues(p)));
    assertEquals("[1,2,3]", values(JsonPath.parse("a.b[].c").values(p)));
    assertEquals("[{\"d\":4}]", values(JsonPath.parse("a.b[2]").rawValues(p)));
    assertEquals("[]", values(JsonPath.parse("a.b[9]").rawValues(p)));
    assertEquals("[]", values(JsonPath.parse("arr.x").rawValues(p)), "a key does not enter arrays");
    assertEquals("[]", values(JsonPath.parse("missing.x").rawValues(p)));
    assertEquals(JsonPath.parse("a.b[]"), JsonPath.parse("a.b").arrayKey());
    assertEquals(JsonPath.parse("a.b[]"), JsonPath.parse("a.b[]").arrayKey());
  }
}
