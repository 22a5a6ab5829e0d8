package io.quiver.spark.stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * An HTTP proxy in front of a node that answers chosen point writes (paths under {@code /points})
 * itself with an error status, as a restarting or overloaded node (503) or a refusing one (400)
 * would, and forwards everything else.
 */
final class FlakyProxy implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final String target;
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile IntUnaryOperator failure;

  /**
   * @param failure the status to answer the n-th point write with (from 1), or 0 to forward it
   */
  FlakyProxy(String target, IntUnaryOperator failure) throws IOException {
    this.target = target;
    this.failure = failure;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** How many requests it failed. */
  int failed() {
    return failed.get();
  }

  /** How many point writes it received since it was made or last told {@link #failWith}. */
  int writes() {
    return writes.get();
  }

  /** Fails point writes by {@code failure} from now on, counting them from 1 again. */
  void failWith(IntUnaryOperator failure) {
    this.failure = failure;
    writes.set(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      URI uri = exchange.getRequestURI();
      int status =
          uri.getPath().contains("/points") ? failure.applyAsInt(writes.incrementAndGet()) : 0;
      if (status != 0) {
        failed.incrementAndGet();
        reply(exchange, status, "{\"status\":{\"error\":\"proxy: answered " + status + "\"}}");
        return;
      }
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(URI.create(target + uri))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      String type = exchange.getRequestHeaders().getFirst("content-type");
      if (type != null) {
        forward.header("content-type", type);
      }
      HttpResponse<byte[]> response =
          HTTP.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      exchange.getResponseHeaders().set("content-type", "application/json");
      exchange.sendResponseHeaders(response.statusCode(), response.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
