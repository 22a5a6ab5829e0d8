package io.quiver.serving.rest;

import io.quiver.cluster.CollectionService;
import io.quiver.serving.config.StrictMode;
import java.util.List;

/**
 * Every REST endpoint service over one collection service: Qdrant's collections, points, search and
 * snapshots APIs, Quiver's admin API and its versioned writes. {@code QuiverNode} registers them
 * all: {@link #search} on the server's search pool, {@link #general} on its blocking executor.
 *
 * @param general the services that write, transfer files or answer metadata
 * @param search the services that only read points (search, query, retrieve, scroll, count), the
 *     node's hot path
 */
public record RestServices(List<Object> general, List<Object> search) {

  public static RestServices of(CollectionService collections, StrictMode strictMode) {
    RestRequests requests = new RestRequests(strictMode);
    return new RestServices(
        List.of(
            new CollectionsRestApi(collections),
            new PointsRestApi(collections, requests),
            new SnapshotsRestApi(collections),
            new QuiverAdminRestApi(collections),
            new VersionedPointsRestApi(collections, requests)),
        List.of(
            new SearchRestApi(collections, requests),
            new PointReadsRestApi(collections, requests)));
  }
}
