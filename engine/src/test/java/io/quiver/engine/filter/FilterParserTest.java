package io.quiver.engine.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.engine.filter.Condition.DatetimeRange;
import io.quiver.engine.filter.Condition.HasId;
import io.quiver.engine.filter.Condition.IsEmpty;
import io.quiver.engine.filter.Condition.IsNull;
import io.quiver.engine.filter.Condition.MatchAny;
import io.quiver.engine.filter.Condition.MatchBool;
import io.quiver.engine.filter.Condition.MatchExcept;
import io.quiver.engine.filter.Condition.MatchInteger;
import io.quiver.engine.filter.Condition.MatchKeyword;
import io.quiver.engine.filter.Condition.MatchText;
import io.quiver.engine.filter.Condition.Nested;
import io.quiver.engine.filter.Condition.Range;
import io.quiver.engine.filter.Condition.ValuesCount;
import io.quiver.engine.payload.DateTimes;
import io.quiver.engine.payload.JsonPath;
import io.quiver.engine.point.PointId;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterParserTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  private static Condition only(String filter) throws Exception {
    Filter f = FilterParser.parse(json(filter));
    assertEquals(f, FilterParser.parse(f.toJson()), "round trip of " + filter);
    return f.must().get(0);
  }

  @Test
  void parsesEveryConditionKind() throws Exception {
    JsonPath key = JsonPath.parse("a.b[].c");
    assertEquals(
        new MatchKeyword(key, "x"), only("{'must':[{'key':'a.b[].c','match':{'value':'x'}}]}"));
    assertEquals(
        new MatchInteger(key, -3), only("{'must':{'key':'a.b[].c','match':{'value':-3}}}"));
    assertEquals(
        new MatchBool(key, true), only("{'must':[{'key':'a.b[].c','match':{'value':true}}]}"));
    assertEquals(
        new MatchAny(key, AnyValues.ofStrings(List.of("y", "x"))),
        only("{'must':[{'key':'a.b[].c','match':{'any':['x','y','x']}}]}"));
    assertEquals(
        new MatchAny(key, AnyValues.ofIntegers(2, 1)),
        only("{'must':[{'key':'a.b[].c','match':{'any':[1,2]}}]}"));
    assertEquals(
        new MatchExcept(key, AnyValues.ofStrings(List.of())),
        only("{'must':[{'key':'a.b[].c','match':{'except':[]}}]}"));
    assertEquals(
        new MatchExcept(key, AnyValues.ofIntegers(5)),
        only("{'must':[{'key':'a.b[].c','match':{'except':[5]}}]}"));
    assertEquals(
        new MatchText(key, "ab"), only("{'must':[{'key':'a.b[].c','match':{'text':'ab'}}]}"));
    assertEquals(
        new Range(key, 1.0, null, null, 2.5),
        only("{'must':[{'key':'a.b[].c','range':{'gt':1,'lte':2.5,'lt':null}}]}"));
    assertEquals(
        new DatetimeRange(
            key,
            null,
            DateTimes.parseMicros("2014-01-01"),
            DateTimes.parseMicros("2014-01-01T10:00:00.25+02:00"),
            null),
        only(
            "{'must':[{'key':'a.b[].c','range':{'gte':'2014-01-01','lt':'2014-01-01T10:00:00.25+02:00'}}]}"));
    assertEquals(
        new ValuesCount(key, null, 2, 9, null),
        only("{'must':[{'key':'a.b[].c','values_count':{'gte':2,'lt':9}}]}"));
    assertEquals(new IsEmpty(key), only("{'must':[{'is_empty':{'key':'a.b[].c'}}]}"));
    assertEquals(new IsNull(key), only("{'must':[{'is_null':{'key':'a.b[].c'}}]}"));
    UUID uuid = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    assertEquals(
        new HasId(Set.of(PointId.of(1), PointId.of(uuid))),
        only("{'must':[{'has_id':[1,'" + uuid + "',1]}]}"));
    assertEquals(
        new Nested(
            JsonPath.parse("diet"), Filter.must(new MatchBool(JsonPath.parse("likes"), true))),
        only(
            "{'must':[{'nested':{'key':'diet','filter':{'must':[{'key':'likes','match':{'value':true}}]}}}]}"));
    assertEquals(
        Filter.should(Filter.all(), new IsNull(key)),
        only("{'must':[{'should':[{'must':[]},{'is_null':{'key':'a.b[].c'}}]}]}"));
    Filter full =
        FilterParser.parse(
            json(
                "{'must':[],'should':{'is_null':{'key':'x'}},'must_not':[{'has_id':[]}],"
                    + "'min_should':{'conditions':[{'is_empty':{'key':'y'}}],'min_count':1}}"));
    assertEquals(List.of(new IsNull(JsonPath.parse("x"))), full.should());
    assertEquals(1, full.minShould().minCount());
    assertEquals(full, FilterParser.parse(full.toJson()));
    assertEquals(Filter.all(), FilterParser.parse(json("{}")));
    assertEquals(Filter.all(), FilterParser.parse(Filter.all().toJson()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "5 | filter: expected an object; got 5",
        "{'must':[{'key':'a','range':{'gt':'abc'}}]} | filter.must[0].range.gt: expected an RFC 3339 datetime",
        "{'must':[{'key':'a','match':{'value':1}},{'key':'a','range':{'gt':'abc'}}]} | filter.must[1].range.gt: expected an RFC 3339",
        "{'must':[{'key':'a','range':{'gt':1,'lt':'2014-01-01'}}]} | filter.must[0].range.gt: expected an RFC 3339 datetime such as \"2014-01-01T00:00:00Z\" like the other bounds; got 1",
        "{'must':[{'key':'a','range':{'gt':true}}]} | filter.must[0].range.gt: expected a number; got true",
        "{'must':[{'key':'a','range':{}}]} | filter.must[0].range: expected at least one of gt, gte, lt, lte; got {}",
        "{'must':[{'key':'a','range':{'gt':1,'gtx':2}}]} | filter.must[0].range.gtx: unknown key; expected one of gt, gte, lt, lte; got 2",
        "{'must':[{'key':'a','match':{}}]} | filter.must[0].match: expected exactly one of value, any, except, text; got {}",
        "{'must':[{'key':'a','match':{'value':1.5}}]} | filter.must[0].match.value: expected a string, a 64-bit integer or a boolean; got 1.5",
        "{'must':[{'key':'a','match':{'any':['x',1]}}]} | filter.must[0].match.any[1]: expected a string like the first element; got 1",
        "{'must':[{'key':'a','match':{'except':[1,'x']}}]} | filter.must[0].match.except[1]: expected a 64-bit integer; got \"x\"",
        "{'must':[{'key':'a','match':{'any':'x'}}]} | filter.must[0].match.any: expected an array of strings or of integers; got \"x\"",
        "{'must':[{'key':'a','match':{'text':3}}]} | filter.must[0].match.text: expected a string; got 3",
        "{'must':[{'key':'a..b','match':{'value':'x'}}]} | filter.must[0].key: payload key 'a..b' is malformed at character 2: expected a key; got \"a..b\"",
        "{'must':[{'key':'a[x]','match':{'value':'x'}}]} | filter.must[0].key: payload key 'a[x]' is malformed",
        "{'must':[{'key':5,'match':{'value':'x'}}]} | filter.must[0].key: expected a payload key string; got 5",
        "{'must':[{'key':'a'}]} | filter.must[0]: a field condition needs exactly one of match, range, values_count",
        "{'must':[{'key':'a','match':{'value':1},'range':{'gt':1}}]} | filter.must[0]: a field condition needs exactly one of match, range, values_count",
        "{'must':[{'key':'a','geo_radius':{}}]} | filter.must[0].geo_radius: unknown key",
        "{'must':[{}]} | filter.must[0]: expected a condition; got {}",
        "{'must':[{'foo':1}]} | filter.must[0].foo: unknown condition; expected key, is_empty, is_null, has_id, nested or a filter; got 1",
        "{'must':5} | filter.must: expected a condition or an array of conditions; got 5",
        "{'should':[{'is_empty':{'key':'a','x':1}}]} | filter.should[0].is_empty.x: unknown key; expected one of key; got 1",
        "{'should':[{'is_null':'a'}]} | filter.should[0].is_null: expected an object; got \"a\"",
        "{'must_not':[{'has_id':[1,-1]}]} | filter.must_not[0].has_id[1]: expected an unsigned 64-bit integer or a UUID; got -1",
        "{'must_not':[{'has_id':['nope']}]} | filter.must_not[0].has_id[0]: expected an unsigned 64-bit integer or a UUID; got \"nope\"",
        "{'must':[{'nested':{'key':'a'}}]} | filter.must[0].nested.filter: is required; got null",
        "{'must':[{'nested':{'key':'a','filter':{'must':[{'key':'b','values_count':{'gt':-1}}]}}}]} | filter.must[0].nested.filter.must[0].values_count.gt: expected a non-negative integer; got -1",
        "{'min_should':{'conditions':[]}} | filter.min_should.min_count: is required; got null",
        "{'min_should':{'conditions':{},'min_count':1}} | filter.min_should.conditions: expected an array of conditions; got {}",
        "{'must':[],'filter':{}} | filter.filter: unknown key; expected one of min_should, must, must_not, should; got {}",
        "{'must':[{'key':'a','range':{'lt':'2014-02-30'}}]} | filter.must[0].range.lt: expected an RFC 3339 datetime",
      })
  void malformedFiltersNameThePathAndValue(String filter, String message) throws Exception {
    InvalidFilterException e =
        assertThrows(InvalidFilterException.class, () -> FilterParser.parse(json(filter)));
    assertTrue(
        e.getMessage().startsWith(message),
        "message was: " + e.getMessage() + "\nexpected: " + message);
  }
}
