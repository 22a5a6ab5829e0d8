package io.quiver.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quiver.serving.config.ConfigLoader;
import io.quiver.serving.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Servers on loopback with ephemeral ports, and the plain HTTP client the tests drive them with.
 */
final class TestServers {
  static final ObjectMapper JSON = new ObjectMapper();

  /** HTTP/1.1, as the Qdrant REST clients speak it (the JDK's default would upgrade to h2c). */
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private TestServers() {}

  /** Loopback, ephemeral ports, plus {@code key=value} settings. */
  static ServerConfig config(String... settings) {
    ConfigLoader loader =
        new ConfigLoader()
            .set("service.host", "127.0.0.1", "test")
            .set("service.http_port", "0", "test")
            .set("service.grpc_port", "0", "test");
    for (String setting : settings) {
      int eq = setting.indexOf('=');
      loader.set(setting.substring(0, eq), setting.substring(eq + 1), "test");
    }
    return loader.load();
  }

  /** A builder that stops at once (no quiet period), for tests. */
  static QuiverServer.Builder builder(ServerConfig config) {
    return QuiverServer.builder(config).gracefulShutdown(Duration.ZERO, Duration.ofSeconds(5));
  }

  static ManagedChannel channel(QuiverServer server) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
  }

  static HttpRequest.Builder request(QuiverServer server, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
        .timeout(Duration.ofSeconds(30));
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> get(QuiverServer server, String path, String... headers) {
    HttpRequest.Builder request = request(server, path).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  static HttpResponse<String> sendJson(
      QuiverServer server, String method, String path, String body, String... headers) {
    HttpRequest.Builder request =
        request(server, path)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  /** Any method; a JSON body when {@code jsonBody} is not null. */
  static HttpResponse<String> call(
      QuiverServer server, String method, String path, String jsonBody, String... headers) {
    if (jsonBody != null) {
      return sendJson(server, method, path, jsonBody, headers);
    }
    HttpRequest.Builder request =
        request(server, path).method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  /**
   * Asserts Qdrant's error shape, {@code {"status": {"error": ...}, "time": ...}}; returns the
   * error.
   */
  static String qdrantError(HttpResponse<String> response, int expectedStatus) {
    assertEquals(expectedStatus, response.statusCode(), response.body());
    JsonNode body = json(response);
    assertEquals(true, body.path("time").isNumber(), response.body());
    String error = body.path("status").path("error").asText(null);
    if (error == null) {
      throw new AssertionError("no status.error in " + response.body());
    }
    return error;
  }
}
