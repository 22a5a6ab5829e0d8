package io.quiver.serving.rest;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.ResponseConverterFunction;

/**
 * Wraps what a REST handler returns in Qdrant's envelope, {@code {"result": ..., "status": "ok",
 * "time": 0.002}}, written with {@link RestJson#MAPPER}. Handlers return the result object; one
 * that must answer differently (plain text, a file) returns an {@code HttpResponse}, which Armeria
 * sends as it is.
 */
public final class QdrantResponseConverter implements ResponseConverterFunction {

  private record Envelope(Object result, String status, double time) {}

  @Override
  public HttpResponse convertResponse(
      ServiceRequestContext ctx, ResponseHeaders headers, Object result, HttpHeaders trailers)
      throws Exception {
    byte[] body =
        RestJson.MAPPER.writeValueAsBytes(new Envelope(result, "ok", Elapsed.seconds(ctx)));
    return HttpResponse.of(
        headers.toBuilder().contentType(MediaType.JSON_UTF_8).build(),
        HttpData.wrap(body),
        trailers);
  }
}
