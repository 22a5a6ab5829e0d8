package io.quiver.serving.auth;

import static io.quiver.serving.auth.Access.PUBLIC;
import static io.quiver.serving.auth.Access.READ;
import static io.quiver.serving.auth.Access.WRITE;

import com.linecorp.armeria.common.HttpMethod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which key every endpoint needs: the one table the REST decorator and the gRPC interceptor
 * consult. The server refuses to start if it would serve an endpoint that is not here ({@link
 * UnclassifiedEndpointException}), so adding an endpoint means adding its line below.
 *
 * <p>A REST endpoint is a method and a path pattern; path parameters may be written {@code {name}}
 * or {@code :name} and match whatever the handler calls them. A gRPC endpoint is the full method
 * name, {@code package.Service/Method}.
 *
 * <p>The rule, as in Qdrant: reads (GET, and the POST endpoints that only search, scroll, count or
 * retrieve) are {@link Access#READ}; everything that changes state is {@link Access#WRITE}; only
 * service info and health probes are {@link Access#PUBLIC}. Entries for endpoints not served yet
 * are harmless and say in advance how they will be protected.
 */
public final class AccessTable {
  private static final String C = "/collections/{collection_name}";

  private final Map<String, Access> rest;
  private final Map<String, Access> grpc;

  private AccessTable(Map<String, Access> rest, Map<String, Access> grpc) {
    this.rest = Collections.unmodifiableMap(new LinkedHashMap<>(rest));
    this.grpc = Collections.unmodifiableMap(new LinkedHashMap<>(grpc));
  }

  /** Quiver's table: Qdrant's API as far as Quiver serves it, and Quiver's own. */
  public static AccessTable standard() {
    return builder()
        // Service
        .rest(HttpMethod.GET, "/", PUBLIC)
        .rest(HttpMethod.GET, "/healthz", PUBLIC)
        .rest(HttpMethod.GET, "/livez", PUBLIC)
        .rest(HttpMethod.GET, "/readyz", PUBLIC)
        .rest(HttpMethod.GET, "/metrics", READ)
        .grpc("qdrant.Qdrant/HealthCheck", PUBLIC)
        .grpc("grpc.health.v1.Health/Check", PUBLIC)
        .grpc("grpc.health.v1.Health/Watch", PUBLIC)
        .grpc("grpc.health.v1.Health/List", PUBLIC)
        // Collections and aliases
        .rest(HttpMethod.GET, "/collections", READ)
        .rest(HttpMethod.GET, C, READ)
        .rest(HttpMethod.PUT, C, WRITE)
        .rest(HttpMethod.PATCH, C, WRITE)
        .rest(HttpMethod.DELETE, C, WRITE)
        .rest(HttpMethod.GET, C + "/exists", READ)
        .rest(HttpMethod.GET, C + "/optimizations", READ)
        .rest(HttpMethod.POST, "/collections/aliases", WRITE)
        .rest(HttpMethod.GET, "/aliases", READ)
        .rest(HttpMethod.GET, C + "/aliases", READ)
        .rest(HttpMethod.PUT, C + "/index", WRITE)
        .rest(HttpMethod.DELETE, C + "/index/{field_name}", WRITE)
        .grpc("qdrant.Collections/Get", READ)
        .grpc("qdrant.Collections/List", READ)
        .grpc("qdrant.Collections/Create", WRITE)
        .grpc("qdrant.Collections/Update", WRITE)
        .grpc("qdrant.Collections/Delete", WRITE)
        .grpc("qdrant.Collections/UpdateAliases", WRITE)
        .grpc("qdrant.Collections/ListCollectionAliases", READ)
        .grpc("qdrant.Collections/ListAliases", READ)
        .grpc("qdrant.Collections/CollectionClusterInfo", READ)
        .grpc("qdrant.Collections/CollectionExists", READ)
        .grpc("qdrant.Collections/UpdateCollectionClusterSetup", WRITE)
        .grpc("qdrant.Collections/CreateShardKey", WRITE)
        .grpc("qdrant.Collections/DeleteShardKey", WRITE)
        .grpc("qdrant.Collections/ListShardKeys", READ)
        // Points
        .rest(HttpMethod.PUT, C + "/points", WRITE)
        .rest(HttpMethod.POST, C + "/points/delete", WRITE)
        .rest(HttpMethod.POST, C + "/points", READ)
        .rest(HttpMethod.GET, C + "/points/{id}", READ)
        .rest(HttpMethod.POST, C + "/points/payload", WRITE)
        .rest(HttpMethod.PUT, C + "/points/payload", WRITE)
        .rest(HttpMethod.POST, C + "/points/payload/delete", WRITE)
        .rest(HttpMethod.POST, C + "/points/payload/clear", WRITE)
        .rest(HttpMethod.POST, C + "/points/scroll", READ)
        .rest(HttpMethod.POST, C + "/points/count", READ)
        .rest(HttpMethod.POST, C + "/points/search", READ)
        .rest(HttpMethod.POST, C + "/points/search/batch", READ)
        .rest(HttpMethod.POST, C + "/points/query", READ)
        .rest(HttpMethod.POST, C + "/points/query/batch", READ)
        .grpc("qdrant.Points/Upsert", WRITE)
        .grpc("qdrant.Points/Delete", WRITE)
        .grpc("qdrant.Points/Get", READ)
        .grpc("qdrant.Points/UpdateVectors", WRITE)
        .grpc("qdrant.Points/DeleteVectors", WRITE)
        .grpc("qdrant.Points/SetPayload", WRITE)
        .grpc("qdrant.Points/OverwritePayload", WRITE)
        .grpc("qdrant.Points/DeletePayload", WRITE)
        .grpc("qdrant.Points/ClearPayload", WRITE)
        .grpc("qdrant.Points/CreateFieldIndex", WRITE)
        .grpc("qdrant.Points/DeleteFieldIndex", WRITE)
        .grpc("qdrant.Points/CreateVectorName", WRITE)
        .grpc("qdrant.Points/DeleteVectorName", WRITE)
        .grpc("qdrant.Points/Search", READ)
        .grpc("qdrant.Points/SearchBatch", READ)
        .grpc("qdrant.Points/SearchGroups", READ)
        .grpc("qdrant.Points/Scroll", READ)
        .grpc("qdrant.Points/Recommend", READ)
        .grpc("qdrant.Points/RecommendBatch", READ)
        .grpc("qdrant.Points/RecommendGroups", READ)
        .grpc("qdrant.Points/Discover", READ)
        .grpc("qdrant.Points/DiscoverBatch", READ)
        .grpc("qdrant.Points/Count", READ)
        .grpc("qdrant.Points/UpdateBatch", WRITE)
        .grpc("qdrant.Points/Query", READ)
        .grpc("qdrant.Points/QueryBatch", READ)
        .grpc("qdrant.Points/QueryGroups", READ)
        .grpc("qdrant.Points/Facet", READ)
        .grpc("qdrant.Points/SearchMatrixPairs", READ)
        .grpc("qdrant.Points/SearchMatrixOffsets", READ)
        // Snapshots
        .rest(HttpMethod.POST, C + "/snapshots", WRITE)
        .rest(HttpMethod.GET, C + "/snapshots", READ)
        .rest(HttpMethod.GET, C + "/snapshots/{snapshot_name}", READ)
        .rest(HttpMethod.DELETE, C + "/snapshots/{snapshot_name}", WRITE)
        .rest(HttpMethod.PUT, C + "/snapshots/recover", WRITE)
        .grpc("qdrant.Snapshots/Create", WRITE)
        .grpc("qdrant.Snapshots/List", READ)
        .grpc("qdrant.Snapshots/Delete", WRITE)
        .grpc("qdrant.Snapshots/CreateFull", WRITE)
        .grpc("qdrant.Snapshots/ListFull", READ)
        .grpc("qdrant.Snapshots/DeleteFull", WRITE)
        // Quiver's own API (client/src/main/protobuf/quiver/quiver.proto)
        .rest(HttpMethod.POST, "/quiver" + C + "/publish", WRITE)
        .rest(HttpMethod.GET, "/quiver" + C + "/versions", READ)
        .rest(HttpMethod.POST, "/quiver" + C + "/rollback", WRITE)
        .rest(HttpMethod.PUT, "/quiver" + C + "/points", WRITE)
        .rest(HttpMethod.POST, "/quiver" + C + "/points/delete", WRITE)
        .rest(HttpMethod.POST, "/quiver" + C + "/tombstones/purge", WRITE)
        .grpc("quiver.QuiverAdmin/PublishSnapshot", WRITE)
        .grpc("quiver.QuiverAdmin/ListVersions", READ)
        .grpc("quiver.QuiverAdmin/Rollback", WRITE)
        .grpc("quiver.QuiverPoints/Upsert", WRITE)
        .grpc("quiver.QuiverPoints/Delete", WRITE)
        .grpc("quiver.QuiverPoints/PurgeTombstones", WRITE)
        .build();
  }

  public static Builder builder() {
    return new Builder(new LinkedHashMap<>(), new LinkedHashMap<>());
  }

  /** A builder holding this table's entries, to extend (tests add their own endpoints). */
  public Builder toBuilder() {
    return new Builder(new LinkedHashMap<>(rest), new LinkedHashMap<>(grpc));
  }

  /**
   * The access a REST endpoint needs; empty if the table does not classify it. A HEAD request is
   * answered by the GET route (Armeria routes it there) and needs what GET needs.
   */
  public Optional<Access> rest(HttpMethod method, String pathPattern) {
    HttpMethod classified = method == HttpMethod.HEAD ? HttpMethod.GET : method;
    return Optional.ofNullable(rest.get(restEndpoint(classified, pathPattern)));
  }

  /** The access a gRPC method ({@code package.Service/Method}) needs; empty if unclassified. */
  public Optional<Access> grpc(String fullMethodName) {
    return Optional.ofNullable(grpc.get(fullMethodName));
  }

  /** Every REST entry, keyed as {@link #restEndpoint} writes them. */
  public Map<String, Access> restEntries() {
    return rest;
  }

  /** Every gRPC entry, keyed by full method name. */
  public Map<String, Access> grpcEntries() {
    return grpc;
  }

  /**
   * Checks that every endpoint about to be served is classified.
   *
   * @param restEndpoints as {@link #restEndpoint} writes them
   * @param grpcMethods full method names
   * @throws UnclassifiedEndpointException naming every one that is not
   */
  public void requireClassified(Collection<String> restEndpoints, Collection<String> grpcMethods) {
    List<String> missing = new ArrayList<>();
    for (String endpoint : restEndpoints) {
      if (!rest.containsKey(endpoint)) {
        missing.add("REST " + endpoint);
      }
    }
    for (String method : grpcMethods) {
      if (!grpc.containsKey(method)) {
        missing.add("gRPC " + method);
      }
    }
    if (!missing.isEmpty()) {
      throw new UnclassifiedEndpointException(missing);
    }
  }

  /**
   * A REST endpoint's key: the method and the path pattern with each parameter written {@code {}},
   * e.g. {@code GET /collections/{}/points/{}} for {@code
   * /collections/{collection_name}/points/:id}.
   */
  public static String restEndpoint(HttpMethod method, String pathPattern) {
    String[] segments = pathPattern.split("/", -1);
    StringBuilder key = new StringBuilder(method.name()).append(' ');
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        key.append('/');
      }
      String segment = segments[i];
      boolean parameter =
          segment.startsWith(":") || (segment.startsWith("{") && segment.endsWith("}"));
      key.append(parameter ? "{}" : segment);
    }
    return key.toString();
  }

  /** Collects entries; an endpoint may be classified once. */
  public static final class Builder {
    private final Map<String, Access> rest;
    private final Map<String, Access> grpc;

    private Builder(Map<String, Access> rest, Map<String, Access> grpc) {
      this.rest = rest;
      this.grpc = grpc;
    }

    public Builder rest(HttpMethod method, String pathPattern, Access access) {
      String key = restEndpoint(method, pathPattern);
      if (rest.putIfAbsent(key, access) != null) {
        throw new IllegalArgumentException("REST endpoint classified twice: " + key);
      }
      return this;
    }

    public Builder grpc(String fullMethodName, Access access) {
      if (!fullMethodName.contains("/")) {
        throw new IllegalArgumentException(
            "gRPC method must be package.Service/Method; got " + fullMethodName);
      }
      if (grpc.putIfAbsent(fullMethodName, access) != null) {
        throw new IllegalArgumentException("gRPC method classified twice: " + fullMethodName);
      }
      return this;
    }

    public AccessTable build() {
      return new AccessTable(rest, grpc);
    }
  }
}
