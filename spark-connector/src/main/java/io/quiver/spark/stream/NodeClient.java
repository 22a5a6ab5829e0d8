package io.quiver.spark.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a node's Qdrant REST API with retries. A request is retried, after a {@link Backoff}, when
 * it did not reach the node or the node could not take it now: a transport error (connection
 * refused or reset, a timeout), HTTP 5xx, 429 or 408. Any other answer outside 2xx is the node
 * refusing the request itself (a bad vector, a missing collection, a wrong key): retrying cannot
 * help, so it fails at once with the node's reason. Retrying is safe because every write this
 * connector sends is idempotent (upsert or delete by id). REST over java.net.http keeps protobuf
 * and grpc-java off Spark's classpath.
 */
final class NodeClient {

  private static final Logger LOG = LoggerFactory.getLogger(NodeClient.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Counts a caller's requests (every attempt) and retries (attempts after a failure). */
  static final class Counts {
    long requests;
    long retries;
  }

  /** One client per JVM: it pools connections, and each client holds a selector thread. */
  private static final class Shared {
    static final HttpClient HTTP =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  private final URI node;
  private final String apiKey;
  private final Duration timeout;
  private final Backoff backoff;

  NodeClient(URI node, String apiKey, Duration timeout, Backoff backoff) {
    this.node = node;
    this.apiKey = apiKey;
    this.timeout = timeout;
    this.backoff = backoff;
  }

  URI node() {
    return node;
  }

  /** {@code /collections/{name}}, the name escaped. */
  static String collectionPath(String collection) {
    return "/collections/" + URLEncoder.encode(collection, StandardCharsets.UTF_8);
  }

  /**
   * Sends one request until the node answers it with 2xx, and returns the answer's JSON.
   *
   * @param body the JSON body, or null for none
   * @param what the request in words, for messages ("upsert of 256 points to collection 'docs'")
   * @throws NodeRequestException when the node refuses the request, or every attempt failed
   * @throws InterruptedIOException when the thread is interrupted (the task was killed)
   */
  JsonNode call(String method, String path, byte[] body, String what, Counts counts)
      throws IOException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(node.resolve(path))
            .timeout(timeout)
            .header("content-type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (apiKey != null) {
      builder.header("api-key", apiKey);
    }
    HttpRequest request = builder.build();
    for (int attempt = 0; ; attempt++) {
      String failure;
      long retryAfterMillis = 0;
      counts.requests++;
      try {
        HttpResponse<byte[]> response =
            Shared.HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        if (status / 100 == 2) {
          return response.body().length == 0 ? null : MAPPER.readTree(response.body());
        }
        failure = "HTTP " + status + ": " + reason(response.body());
        if (!retriable(status)) {
          throw new NodeRequestException(
              "quiver: node " + node + " refused the " + what + " (" + failure + ")", status);
        }
        retryAfterMillis = retryAfterMillis(response);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException interrupted =
            new InterruptedIOException("interrupted during the " + what + " to node " + node);
        interrupted.initCause(e);
        throw interrupted;
      } catch (NodeRequestException e) {
        throw e;
      } catch (IOException e) {
        failure = e.toString();
      }
      if (attempt >= backoff.maxRetries()) {
        throw new NodeRequestException(
            "quiver: node "
                + node
                + " did not take the "
                + what
                + " in "
                + (attempt + 1)
                + (attempt == 0 ? " attempt" : " attempts")
                + " (option 'max_retries' is "
                + backoff.maxRetries()
                + "); the last failure: "
                + failure,
            -1);
      }
      long delay =
          backoff.delayMillis(
              attempt + 1, retryAfterMillis, ThreadLocalRandom.current()::nextDouble);
      LOG.warn(
          "{} to node {} failed ({}); retry {} of {} in {} ms",
          what,
          node,
          failure,
          attempt + 1,
          backoff.maxRetries(),
          delay);
      counts.retries++;
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException interrupted =
            new InterruptedIOException("interrupted while waiting to retry the " + what);
        interrupted.initCause(e);
        throw interrupted;
      }
    }
  }

  /** 5xx (the node failed or is unavailable), 429 (too many requests), 408 (it timed out). */
  static boolean retriable(int status) {
    return status >= 500 || status == 429 || status == 408;
  }

  /** The node's reason from a Qdrant error body ({@code {"status": {"error": "..."}}}). */
  private static String reason(byte[] body) {
    if (body.length == 0) {
      return "(no body)";
    }
    try {
      JsonNode json = MAPPER.readTree(body);
      JsonNode error = json == null ? null : json.path("status").path("error");
      if (error != null && error.isTextual()) {
        return error.textValue();
      }
    } catch (IOException notJson) {
      // fall through: show the body as text
    }
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }

  /** Retry-After in seconds (the HTTP-date form is not used by nodes or proxies here), or 0. */
  private static long retryAfterMillis(HttpResponse<?> response) {
    String value = response.headers().firstValue("retry-after").orElse(null);
    if (value == null) {
      return 0;
    }
    try {
      return Math.min(Math.max(0, Long.parseLong(value.trim())), 3600) * 1000L;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The node refused a request, or did not take it in any attempt. */
  static final class NodeRequestException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    NodeRequestException(String message, int status) {
      super(message);
      this.status = status;
    }

    /** The HTTP status the node refused the request with; -1 when it did not take it at all. */
    int status() {
      return status;
    }
  }
}
