package io.quiver.serving.rest;

import com.linecorp.armeria.common.logging.RequestLogProperty;
import com.linecorp.armeria.server.ServiceRequestContext;

/** Seconds since a request arrived: the {@code time} field of Qdrant's responses. */
final class Elapsed {
  private Elapsed() {}

  static double seconds(ServiceRequestContext ctx) {
    if (ctx == null || !ctx.log().isAvailable(RequestLogProperty.REQUEST_START_TIME)) {
      return 0.0;
    }
    long start = ctx.log().partial().requestStartTimeNanos();
    return Math.max(0L, System.nanoTime() - start) / 1e9;
  }
}
