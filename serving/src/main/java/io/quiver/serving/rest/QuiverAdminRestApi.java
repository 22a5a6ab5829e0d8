package io.quiver.serving.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.SnapshotVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Quiver's own admin API over REST, under {@code /quiver/}: the REST face of {@code
 * quiver.QuiverAdmin} (client/src/main/protobuf/quiver/quiver.proto), with the same fields.
 *
 * <ul>
 *   <li>{@code POST /quiver/collections/{name}/publish} {@code {"uri": ..., "checksum": ...,
 *       "wait": true}}: serve the snapshot at {@code uri} as the collection's next version (the
 *       collection is created if it does not exist); answers the version;
 *   <li>{@code GET /quiver/collections/{name}/versions}: {@code {"versions": [...]}}, newest first;
 *   <li>{@code POST /quiver/collections/{name}/rollback}: serve the version before the active one
 *       again; answers it.
 * </ul>
 *
 * Versioned writes, also under {@code /quiver/}, are {@link VersionedPointsRestApi}'s.
 *
 * <p>On a single node the cut-over has happened when the call returns, whatever {@code wait} says.
 * Publishing and rolling back take as long as loading the snapshot needs, so they are not cut off
 * by the per-request timeout meant for queries.
 */
public final class QuiverAdminRestApi {
  private static final String Q = "/quiver/collections/{collection_name}";

  private final CollectionService collections;

  QuiverAdminRestApi(CollectionService collections) {
    this.collections = collections;
  }

  /** A version as {@code quiver.SnapshotVersion} describes it, plus its watermark. */
  record Version(long version, String uri, String publishedAt, boolean active, long watermark) {
    static Version of(SnapshotVersion v) {
      return new Version(
          v.version(),
          v.source() == null ? "" : v.source(),
          v.publishedAt().toString(),
          v.current(),
          v.watermark());
    }
  }

  record Versions(List<Version> versions) {}

  @Post(Q + "/publish")
  public Version publish(
      ServiceRequestContext ctx, @Param("collection_name") String collection, JsonNode body)
      throws IOException {
    ctx.clearRequestTimeout();
    JsonFields.object(body, "the publish body");
    String uri = JsonFields.requiredText(body, "", "uri");
    JsonFields.bool(body, "", "wait", true); // checked; the cut-over is synchronous here
    String checksum = JsonFields.text(body, "", "checksum", null);
    return Version.of(
        collections.recoverSnapshot(collection, SnapshotsRestApi.location(uri, "uri"), checksum));
  }

  @Get(Q + "/versions")
  public Versions versions(@Param("collection_name") String collection) {
    List<Version> out = new ArrayList<>();
    List<SnapshotVersion> oldestFirst = collections.versions(collection);
    for (int i = oldestFirst.size() - 1; i >= 0; i--) {
      out.add(Version.of(oldestFirst.get(i)));
    }
    return new Versions(out);
  }

  @Post(Q + "/rollback")
  public Version rollback(ServiceRequestContext ctx, @Param("collection_name") String collection)
      throws IOException {
    ctx.clearRequestTimeout();
    return Version.of(collections.rollback(collection));
  }
}
