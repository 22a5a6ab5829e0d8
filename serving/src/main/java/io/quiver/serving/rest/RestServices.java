package io.quiver.serving.rest;

import io.quiver.cluster.CollectionService;
import io.quiver.serving.config.StrictMode;
import java.util.List;

/**
 * Every REST endpoint service over one collection service: Qdrant's collections, points, search and
 * snapshots APIs, Quiver's admin API and its versioned writes. {@code QuiverNode} registers them
 * all with one call.
 */
public final class RestServices {
  private RestServices() {}

  public static List<Object> of(CollectionService collections, StrictMode strictMode) {
    RestRequests requests = new RestRequests(strictMode);
    return List.of(
        new CollectionsRestApi(collections),
        new PointsRestApi(collections, requests),
        new SearchRestApi(collections, requests),
        new SnapshotsRestApi(collections),
        new QuiverAdminRestApi(collections),
        new VersionedPointsRestApi(collections, requests));
  }
}
