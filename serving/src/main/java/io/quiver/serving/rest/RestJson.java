package io.quiver.serving.rest;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

/**
 * The JSON mapper of the REST API, for request bodies and results alike.
 *
 * <ul>
 *   <li>Java names become Qdrant's snake_case ({@code pointsCount} is {@code points_count}), so
 *       request and result records need no annotations.
 *   <li>Unknown request fields are ignored, as Qdrant does, so newer clients that send fields
 *       Quiver does not know keep working; a handler that must refuse one checks for it.
 *   <li>{@code Optional} fields are written as their value or null.
 *   <li>Numbers are read and written with Jackson's fast float parser and writer: a 768-d vector is
 *       768 of them per request.
 * </ul>
 */
public final class RestJson {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .build();

  private RestJson() {}
}
