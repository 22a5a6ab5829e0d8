package io.quiver.engine.snapshot.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks a serving node to load a version a build just committed (Spark's driver, Flink's global
 * committer), over Quiver's admin REST API ({@code POST /quiver/collections/{name}/publish}, which
 * waits for the cut-over), then reads the point count the node serves. REST rather than gRPC keeps
 * protobuf and grpc-java off the Spark classpath, where Spark's own copies live.
 */
public final class NodePublisher {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What the node serves after the cut-over. */
  public record Published(long version, long points) {}

  private final URI node;
  private final String apiKey;
  private final HttpClient http;
  private final Duration timeout;

  /**
   * @param node the node's REST address, e.g. {@code http://quiver-0:6333}
   * @param apiKey the node's read-write key, or null
   * @param timeout how long to wait for the node to load the version
   */
  public NodePublisher(String node, String apiKey, Duration timeout) {
    this.node = parse(node);
    this.apiKey = apiKey;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** As {@link #parse(String, String)}, for the Spark connector's option {@code publish}. */
  public static URI parse(String node) {
    return parse(node, "option 'publish'");
  }

  /**
   * A node's REST address ({@code http://host:6333}, {@code host:6333} or {@code https://...}),
   * without a trailing slash.
   *
   * @param field how errors name where the address came from, e.g. {@code option 'publish'}
   * @throws IllegalArgumentException naming the field and the value when it is no such address
   */
  public static URI parse(String node, String field) {
    String s = node.endsWith("/") ? node.substring(0, node.length() - 1) : node;
    if (!s.contains("://")) {
      s = "http://" + s;
    }
    URI uri;
    try {
      uri = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": '" + node + "' is not an address", e);
    }
    if (uri.getHost() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new IllegalArgumentException(
          field + ": expected a node's REST address such as http://host:6333; got '" + node + "'");
    }
    return uri;
  }

  /** Publishes the snapshot at {@code snapshot} as {@code collection}'s next version. */
  public Published publish(String collection, URI snapshot) {
    String path = "/quiver/collections/" + URLEncoder.encode(collection, StandardCharsets.UTF_8);
    ObjectNode body = MAPPER.createObjectNode().put("uri", snapshot.toString()).put("wait", true);
    JsonNode version = call("POST", path + "/publish", body, timeout, collection, snapshot);
    JsonNode info =
        call(
            "GET",
            "/collections/" + URLEncoder.encode(collection, StandardCharsets.UTF_8),
            null,
            Duration.ofSeconds(60),
            collection,
            snapshot);
    return new Published(
        version.path("result").path("version").asLong(),
        info.path("result").path("points_count").asLong());
  }

  private JsonNode call(
      String method,
      String path,
      JsonNode body,
      Duration requestTimeout,
      String collection,
      URI snapshot) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(node.resolve(path))
            .timeout(requestTimeout)
            .header("content-type", "application/json");
    if (apiKey != null) {
      request.header("api-key", apiKey);
    }
    try {
      request.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body)));
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json = response.body().length == 0 ? null : MAPPER.readTree(response.body());
      if (response.statusCode() / 100 != 2) {
        String reason =
            json != null && json.path("status").has("error")
                ? json.path("status").path("error").asText()
                : "HTTP " + response.statusCode();
        throw new PublishException(
            "node "
                + node
                + " refused to publish "
                + snapshot
                + " as collection '"
                + collection
                + "' (HTTP "
                + response.statusCode()
                + "): "
                + reason);
      }
      return json;
    } catch (IOException e) {
      throw new PublishException(
          "could not reach node " + node + " to publish " + snapshot + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while publishing " + snapshot + " to " + node, e);
    }
  }

  /** The node refused the version, or could not be reached. */
  public static final class PublishException extends RuntimeException {
    PublishException(String message) {
      super(message);
    }

    PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
