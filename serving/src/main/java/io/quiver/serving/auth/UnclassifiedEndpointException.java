package io.quiver.serving.auth;

import java.util.List;

/**
 * The server was asked to serve endpoints that {@link AccessTable} does not classify. Thrown when
 * the server is built, so an endpoint can never be served without a decision about its key.
 */
public final class UnclassifiedEndpointException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final List<String> endpoints;

  public UnclassifiedEndpointException(List<String> endpoints) {
    super(
        "Endpoints missing from the access table: "
            + String.join(", ", endpoints)
            + ". Classify each as PUBLIC, READ or WRITE in "
            + AccessTable.class.getName()
            + ".standard().");
    this.endpoints = List.copyOf(endpoints);
  }

  /**
   * The endpoints, e.g. {@code REST POST /collections/{}/points/search}, {@code gRPC
   * qdrant.Points/Upsert}.
   */
  public List<String> endpoints() {
    return endpoints;
  }
}
