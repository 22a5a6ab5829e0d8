package io.quiver.serving.auth;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.ServiceRequestContext;

/**
 * Checks the API key of every REST request against {@link AccessTable} before the handler runs. A
 * refusal is thrown, so the REST error handler answers it (401 / 403, Qdrant's error shape).
 * Requests for unknown paths pass through to Armeria's 404.
 */
public final class RestAuthDecorator implements DecoratingHttpServiceFunction {
  private final AccessTable table;
  private final ApiKeyAuthorizer authorizer;

  public RestAuthDecorator(AccessTable table, ApiKeyAuthorizer authorizer) {
    this.table = table;
    this.authorizer = authorizer;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    Route route = ctx.config().route();
    if (route.isFallback()) {
      return delegate.serve(ctx, req);
    }
    String endpoint = AccessTable.restEndpoint(ctx.method(), route.patternString());
    // Every served route was checked against the table when the server was built.
    Access access =
        table
            .rest(ctx.method(), route.patternString())
            .orElseThrow(() -> new IllegalStateException("Unclassified endpoint " + endpoint));
    authorizer.authorize(
        access,
        req.headers().get("api-key"),
        req.headers().get(HttpHeaderNames.AUTHORIZATION),
        endpoint);
    return delegate.serve(ctx, req);
  }
}
