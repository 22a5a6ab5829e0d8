package io.quiver.engine.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.point.PointId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reference evaluator on hand-written cases taken from Qdrant's filtering documentation and its
 * condition-checker tests. Each row: payload, filter, expected.
 */
class FilterSemanticsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0} | {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // match: scalar, array (any element), type-strict, missing
        "{'color':'red'}                | {'must':[{'key':'color','match':{'value':'red'}}]}   | true",
        "{'color':['blue','red']}       | {'must':[{'key':'color','match':{'value':'red'}}]}   | true",
        "{'color':'Red'}                | {'must':[{'key':'color','match':{'value':'red'}}]}   | false",
        "{}                             | {'must':[{'key':'color','match':{'value':'red'}}]}   | false",
        "{'count':1}                    | {'must':[{'key':'count','match':{'value':1}}]}       | true",
        "{'count':1.0}                  | {'must':[{'key':'count','match':{'value':1}}]}       | false",
        "{'count':'1'}                  | {'must':[{'key':'count','match':{'value':1}}]}       | false",
        "{'ok':true}                    | {'must':[{'key':'ok','match':{'value':true}}]}       | true",
        "{'ok':[false,true]}            | {'must':[{'key':'ok','match':{'value':true}}]}       | true",
        "{'color':[['red']]}            | {'must':[{'key':'color','match':{'value':'red'}}]}   | false",
        // must_not of a field condition holds when the field is missing or null
        "{}                             | {'must_not':[{'key':'color','match':{'value':'red'}}]} | true",
        "{'color':null}                 | {'must_not':[{'key':'color','match':{'value':'red'}}]} | true",
        "{'color':['red','blue']}       | {'must_not':[{'key':'color','match':{'value':'red'}}]} | false",
        // any / except
        "{'color':'black'}              | {'must':[{'key':'color','match':{'any':['black','yellow']}}]} | true",
        "{'color':'black'}              | {'must':[{'key':'color','match':{'except':['black','yellow']}}]} | false",
        "{'color':['black','red']}      | {'must':[{'key':'color','match':{'except':['black','yellow']}}]} | true",
        "{'color':5}                    | {'must':[{'key':'color','match':{'except':['black']}}]} | true",
        "{}                             | {'must':[{'key':'color','match':{'except':['black']}}]} | false",
        "{'color':null}                 | {'must':[{'key':'color','match':{'except':['black']}}]} | false",
        "{'color':[]}                   | {'must':[{'key':'color','match':{'except':['black']}}]} | false",
        "{'n':2.5}                      | {'must':[{'key':'n','match':{'except':[1,2]}}]}      | true",
        "{'n':[1,2]}                    | {'must':[{'key':'n','match':{'except':[1,2]}}]}      | false",
        // text is a substring match
        "{'d':'good cheap food'}        | {'must':[{'key':'d','match':{'text':'cheap'}}]}      | true",
        "{'d':'good food'}              | {'must':[{'key':'d','match':{'text':'cheap'}}]}      | false",
        // range over numbers, any element, ints and floats alike
        "{'price':499.9}                | {'must':[{'key':'price','range':{'gte':100,'lt':500}}]} | true",
        "{'price':500}                  | {'must':[{'key':'price','range':{'gte':100,'lt':500}}]} | false",
        "{'rating':[3,7,9,9]}           | {'must_not':[{'key':'rating','range':{'lte':5}}]}    | false",
        "{'rating':[7,9]}               | {'must_not':[{'key':'rating','range':{'lte':5}}]}    | true",
        "{'price':'400'}                | {'must':[{'key':'price','range':{'gte':100}}]}       | false",
        // datetime range, with Qdrant's accepted forms
        "{'at':'2020-02-15T00:00:00Z'}  | {'must':[{'key':'at','range':{'gte':'2020-02-01T00:00:00Z','lt':'2020-03-01T00:00:00Z'}}]} | true",
        "{'at':'2020-02-15'}            | {'must':[{'key':'at','range':{'gte':'2020-02-01','lt':'2020-03-01'}}]} | true",
        "{'at':'2020-02-01 00:30:00+01:00'} | {'must':[{'key':'at','range':{'lt':'2020-02-01T00:00:00Z'}}]} | true",
        "{'at':'2020-03-15T00:00:00Z'}  | {'must':[{'key':'at','range':{'lt':'2020-03-01T00:00:00Z'}}]} | false",
        "{'at':'yesterday'}             | {'must':[{'key':'at','range':{'lt':'2020-03-01T00:00:00Z'}}]} | false",
        // values_count counts array elements; null and missing count 0
        "{'comments':['a','b']}         | {'must':[{'key':'comments','values_count':{'gt':1}}]} | true",
        "{'comments':'a'}               | {'must':[{'key':'comments','values_count':{'gt':1}}]} | false",
        "{}                             | {'must':[{'key':'comments','values_count':{'lt':1}}]} | true",
        "{'comments':null}              | {'must':[{'key':'comments','values_count':{'lte':0}}]} | true",
        // is_empty: missing, null, [] ; not [null]
        "{}                             | {'must':[{'is_empty':{'key':'reports'}}]}            | true",
        "{'reports':null}               | {'must':[{'is_empty':{'key':'reports'}}]}            | true",
        "{'reports':[]}                 | {'must':[{'is_empty':{'key':'reports'}}]}            | true",
        "{'reports':[null]}             | {'must':[{'is_empty':{'key':'reports'}}]}            | false",
        "{'reports':'x'}                | {'must':[{'is_empty':{'key':'reports'}}]}            | false",
        // is_null: only an explicit null
        "{'reports':null}               | {'must':[{'is_null':{'key':'reports'}}]}             | true",
        "{'reports':[null]}             | {'must':[{'is_null':{'key':'reports'}}]}             | false",
        "{'reports':[]}                 | {'must':[{'is_null':{'key':'reports'}}]}             | false",
        "{}                             | {'must':[{'is_null':{'key':'reports'}}]}             | false",
        "{'a':[{'b':1},{'b':null}]}     | {'must':[{'is_null':{'key':'a[].b'}}]}               | true",
        // nested keys and array projection
        "{'country':{'cities':[{'population':9.0},{'population':1.2}]}} | {'must':[{'key':'country.cities[].population','range':{'gte':9}}]} | true",
        "{'country':{'cities':[{'population':9.0}]}} | {'must':[{'key':'country.cities.population','range':{'gte':9}}]} | false",
        "{'tags':['x','y']}             | {'must':[{'key':'tags[1]','match':{'value':'y'}}]}    | true",
        // nested: one element must satisfy the whole inner filter
        "{'diet':[{'food':'meat','likes':false},{'food':'veg','likes':true}]} | {'must':[{'nested':{'key':'diet','filter':{'must':[{'key':'food','match':{'value':'meat'}},{'key':'likes','match':{'value':true}}]}}}]} | false",
        "{'diet':[{'food':'meat','likes':false},{'food':'veg','likes':true}]} | {'must':[{'key':'diet[].food','match':{'value':'meat'}},{'key':'diet[].likes','match':{'value':true}}]} | true",
        "{'diet':[{'food':'meat','likes':true}]} | {'must':[{'nested':{'key':'diet[]','filter':{'must':[{'key':'food','match':{'value':'meat'}},{'key':'likes','match':{'value':true}}]}}}]} | true",
        "{'diet':{'food':'meat'}}       | {'must':[{'nested':{'key':'diet','filter':{'must':[{'key':'food','match':{'value':'meat'}}]}}}]} | false",
        "{'diet':[{'food':'meat'}]}     | {'must':[{'nested':{'key':'diet','filter':{'must':[{'has_id':[7]}]}}}]} | false",
        // should, min_should, nesting
        "{'city':'London','color':'red'} | {'should':[{'key':'city','match':{'value':'London'}},{'key':'color','match':{'value':'blue'}}]} | true",
        "{'city':'Berlin'}              | {'should':[{'key':'city','match':{'value':'London'}},{'key':'color','match':{'value':'blue'}}]} | false",
        "{'city':'Berlin'}              | {'should':[]}                                        | true",
        "{'city':'London','color':'red'} | {'min_should':{'conditions':[{'key':'city','match':{'value':'London'}},{'key':'color','match':{'value':'red'}},{'key':'x','match':{'value':1}}],'min_count':2}} | true",
        "{'city':'London'}              | {'min_should':{'conditions':[{'key':'city','match':{'value':'London'}},{'key':'color','match':{'value':'red'}}],'min_count':2}} | false",
        "{}                             | {'min_should':{'conditions':[],'min_count':0}}       | true",
        "{'city':'London','color':'red'} | {'must_not':[{'must':[{'key':'city','match':{'value':'London'}},{'key':'color','match':{'value':'red'}}]}]} | false",
        "{'city':'London','color':'blue'} | {'must_not':[{'must':[{'key':'city','match':{'value':'London'}},{'key':'color','match':{'value':'red'}}]}]} | true",
        // has_id
        "{}                             | {'must':[{'has_id':[1,7,9]}]}                         | true",
        "{}                             | {'must_not':[{'has_id':[1,9]}]}                       | true",
        "{}                             | {}                                                    | true",
      })
  void evaluatesLikeQdrant(String payload, String filter, boolean expected) throws Exception {
    ObjectNode p = (ObjectNode) JSON.readTree(payload.replace('\'', '"'));
    Filter f = FilterParser.parse(JSON.readTree(filter.replace('\'', '"')));
    assertEquals(expected, FilterEvaluator.matches(f, PointId.of(7), p));
    assertEquals(f, FilterParser.parse(f.toJson()));
  }
}
