package io.quiver.serving.rest;

import static io.quiver.serving.rest.JsonFields.abbreviate;
import static io.quiver.serving.rest.JsonFields.get;
import static io.quiver.serving.rest.JsonFields.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.quiver.engine.filter.Condition;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.filter.FilterParser;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.operation.PointSelector;
import io.quiver.serving.api.PayloadSelector;
import io.quiver.serving.config.StrictMode;
import java.util.List;
import java.util.Optional;

/**
 * The parts of request bodies that many endpoints share (filters, limits, search params, point
 * selectors, {@code with_payload} / {@code with_vector}), read with the node's strict-mode limits
 * applied. Nothing here touches data: a request is read whole, and refused whole, before the
 * collection service sees it.
 */
final class RestRequests {
  private final StrictMode strict;

  RestRequests(StrictMode strict) {
    this.strict = strict;
  }

  StrictMode strict() {
    return strict;
  }

  /** The {@code filter} field; null when there is none. */
  Filter filter(JsonNode body, String at) {
    JsonNode json = get(body, "filter");
    if (json == null) {
      return null;
    }
    String field = path(at, "filter");
    Filter filter = FilterParser.parseFilter(json, field);
    strict.checkFilterConditions(field + " (conditions)", conditions(filter));
    return filter;
  }

  /** Conditions in a filter, nested ones included (a nested filter counts as one more). */
  static long conditions(Filter filter) {
    long n = 0;
    for (List<Condition> clause : List.of(filter.must(), filter.should(), filter.mustNot())) {
      n += conditions(clause);
    }
    if (filter.minShould() != null) {
      n += conditions(filter.minShould().conditions());
    }
    return n;
  }

  private static long conditions(List<Condition> clause) {
    long n = 0;
    for (Condition c : clause) {
      n += 1;
      if (c instanceof Filter nested) {
        n += conditions(nested);
      } else if (c instanceof Condition.Nested nested) {
        n += conditions(nested.filter());
      }
    }
    return n;
  }

  /** {@code limit}, at least 1 and at most the node's {@code max_query_limit}. */
  int limit(JsonNode body, String at, int fallback) {
    String field = path(at, "limit");
    JsonNode value = get(body, "limit");
    if (value != null && !value.isIntegralNumber()) {
      throw new IllegalArgumentException(field + " must be an integer; got " + abbreviate(value));
    }
    long limit = value == null ? fallback : saturated(value);
    return strict.checkLimit(field, limit);
  }

  /**
   * {@code offset} (results to skip); {@code offset + limit} stays within {@code max_query_limit}.
   */
  int offset(JsonNode body, String at, int limit) {
    long offset = JsonFields.nonNegative(body, at, "offset", 0);
    if (offset > 0) {
      strict.checkLimit(path(at, "offset") + " + " + path(at, "limit"), offset + limit);
    }
    return (int) offset;
  }

  private static long saturated(JsonNode integral) {
    return integral.canConvertToLong()
        ? integral.longValue()
        : integral.bigIntegerValue().signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
  }

  /**
   * Qdrant's search {@code params}: {@code hnsw_ef}, {@code exact} and {@code quantization {ignore,
   * rescore, oversampling}}. {@code indexed_only} and {@code acorn} are hints about speed, accepted
   * and ignored.
   */
  SearchParams params(JsonNode body, String at) {
    JsonNode params = JsonFields.optionalObject(body, at, "params");
    if (params == null) {
      return SearchParams.DEFAULT;
    }
    String p = path(at, "params");
    int ef = 0;
    if (JsonFields.has(params, "hnsw_ef")) {
      JsonNode value = params.get("hnsw_ef");
      if (!value.isIntegralNumber()) {
        throw new IllegalArgumentException(
            path(p, "hnsw_ef") + " must be an integer; got " + abbreviate(value));
      }
      ef = strict.checkHnswEf(path(p, "hnsw_ef"), saturated(value));
    }
    boolean exact = JsonFields.bool(params, p, "exact", false);
    SearchParams out = SearchParams.DEFAULT.withEf(ef).withExact(exact);
    JsonNode quantization = JsonFields.optionalObject(params, p, "quantization");
    if (quantization != null) {
      String q = path(p, "quantization");
      Double oversampling = JsonFields.number(quantization, q, "oversampling");
      if (oversampling != null && !(oversampling >= 1.0 && oversampling <= 1000.0)) {
        throw new IllegalArgumentException(
            path(q, "oversampling") + " must be in [1, 1000]; got " + oversampling);
      }
      out =
          out.withQuantization(
              JsonFields.bool(quantization, q, "ignore", false),
              JsonFields.bool(quantization, q, "rescore", true),
              oversampling == null ? 1.0 : oversampling);
    }
    return out;
  }

  static PayloadSelector withPayload(JsonNode body, String at, PayloadSelector fallback) {
    return PayloadSelector.fromJson(get(body, "with_payload"), path(at, "with_payload"), fallback);
  }

  static VectorSelector withVector(JsonNode body, String at, VectorSelector fallback) {
    JsonNode json = get(body, "with_vector");
    if (json == null) {
      json = get(body, "with_vectors"); // the name in Qdrant's points/scroll docs of old
    }
    return VectorSelector.fromJson(json, path(at, "with_vector"), fallback);
  }

  /**
   * The points a write applies to: {@code "points": [ids]} or {@code "filter": {...}}, exactly one
   * of them.
   */
  PointSelector selector(JsonNode body) {
    JsonFields.unsupported(body, "", "shard_key", "custom sharding is not supported by Quiver");
    boolean byIds = JsonFields.has(body, "points");
    boolean byFilter = JsonFields.has(body, "filter");
    if (byIds == byFilter) {
      throw new IllegalArgumentException(
          byIds
              ? "give either \"points\" or \"filter\", not both"
              : "give the points to change: \"points\": [ids] or \"filter\": {...}");
    }
    if (byIds) {
      JsonNode ids = body.get("points");
      strict.checkBatchSize("points (count)", ids.isArray() ? ids.size() : 0);
      return PointSelector.ids(PointsJson.ids(ids, "points"));
    }
    return PointSelector.filter(filter(body, ""));
  }

  /**
   * Applies Qdrant's {@code ?timeout=} (seconds) to this request, capped at the node's {@code
   * max_timeout}.
   */
  void timeout(ServiceRequestContext ctx, Optional<String> seconds) {
    if (seconds.isPresent()) {
      long value = integer(seconds, "timeout");
      ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, strict.effectiveTimeout("timeout", value));
    }
  }

  /** A {@code true}/{@code false} query parameter such as {@code ?wait=}. */
  static boolean flag(Optional<String> value, String name, boolean fallback) {
    if (value.isEmpty() || value.get().isEmpty()) {
      return fallback;
    }
    return switch (value.get()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              name + " must be true or false; got '" + value.get() + "'");
    };
  }

  /** An integer query parameter; call only when present. */
  static long integer(Optional<String> value, String name) {
    try {
      return Long.parseLong(value.orElseThrow());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be an integer; got '" + value.orElseThrow() + "'");
    }
  }
}
