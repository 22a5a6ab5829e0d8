package io.quiver.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.quiver.cluster.NotFoundException;
import io.quiver.serving.auth.Access;
import io.quiver.serving.auth.AccessTable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Test-only REST endpoints: a read, a write, and handlers that fail in each way. */
public final class TestApi {
  /** Released when a test ends, so that the slow handler never outlives it. */
  final CountDownLatch release = new CountDownLatch(1);

  /** How many bodies {@code POST /test/items} has been handed. */
  final AtomicInteger writes = new AtomicInteger();

  public record Item(String itemName, int pointsCount) {}

  public record Batch(int batchSize) {
    public Batch {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch_size must be >= 1; got " + batchSize);
      }
    }
  }

  static AccessTable table() {
    return AccessTable.standard().toBuilder()
        .rest(HttpMethod.GET, "/test/items/{item}", Access.READ)
        .rest(HttpMethod.POST, "/test/items", Access.WRITE)
        .rest(HttpMethod.POST, "/test/batch", Access.WRITE)
        .rest(HttpMethod.GET, "/test/missing", Access.READ)
        .rest(HttpMethod.GET, "/test/invalid", Access.READ)
        .rest(HttpMethod.GET, "/test/broken", Access.READ)
        .rest(HttpMethod.GET, "/test/slow", Access.READ)
        .build();
  }

  @Get("/test/items/{item}")
  public Item read(@Param("item") String item) {
    return new Item(item, 3);
  }

  @Post("/test/items")
  public JsonNode write(JsonNode body) {
    writes.incrementAndGet();
    return body;
  }

  @Post("/test/batch")
  public int batch(Batch batch) {
    return batch.batchSize();
  }

  @Get("/test/missing")
  public Item missing() {
    throw new NotFoundException("Collection `nowhere` doesn't exist!");
  }

  @Get("/test/invalid")
  public Item invalid() {
    throw new IllegalArgumentException("limit must be in [1, 100]; got 0");
  }

  @Get("/test/broken")
  public Item broken() {
    throw new IllegalStateException("the test handler is broken");
  }

  @Get("/test/slow")
  public Item slow() throws InterruptedException {
    release.await(30, TimeUnit.SECONDS);
    return new Item("slow", 0);
  }
}
