package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A filter's JSON is not a valid Qdrant filter. The message names the JSON path of the offending
 * part and its value, e.g. {@code filter.must[1].range.gt: expected a number; got "abc"}.
 */
public final class InvalidFilterException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String jsonPath;

  public InvalidFilterException(String jsonPath, String problem, JsonNode value) {
    super(jsonPath + ": " + problem + "; got " + value);
    this.jsonPath = jsonPath;
  }

  /** Where in the filter the problem is, e.g. {@code filter.must[1].range.gt}. */
  public String jsonPath() {
    return jsonPath;
  }
}
