package io.quiver.serving.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.annotation.Get;
import io.quiver.serving.ServerInfo;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;

/** Service info and health probes, shaped as Qdrant's: {@code GET /}, {@code /healthz}, ... */
public final class ServiceApi {
  private final ServerInfo info;
  private final BooleanSupplier ready;

  /**
   * @param ready whether the node can serve queries (every local shard loaded); {@code /readyz}
   *     answers 503 until it is
   */
  public ServiceApi(ServerInfo info, BooleanSupplier ready) {
    this.info = info;
    this.ready = ready;
  }

  /** {@code {"title": "quiver", "version": "1.18.0", "commit": null, "quiver_version": ...}} */
  @Get("/")
  public HttpResponse info() {
    try {
      return HttpResponse.of(
          HttpStatus.OK, MediaType.JSON_UTF_8, RestJson.MAPPER.writeValueAsBytes(info));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Get("/healthz")
  public HttpResponse healthz() {
    return text(HttpStatus.OK, "healthz check passed");
  }

  @Get("/livez")
  public HttpResponse livez() {
    return text(HttpStatus.OK, "livez check passed");
  }

  @Get("/readyz")
  public HttpResponse readyz() {
    return ready.getAsBoolean()
        ? text(HttpStatus.OK, "all shards are ready")
        : text(HttpStatus.SERVICE_UNAVAILABLE, "some shards are not ready");
  }

  private static HttpResponse text(HttpStatus status, String body) {
    return HttpResponse.of(status, MediaType.PLAIN_TEXT_UTF_8, body);
  }
}
