package io.quiver.serving.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.linecorp.armeria.server.annotation.Blocking;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The gRPC services run on the event loop (the server sets {@code useBlockingTaskExecutor(false)})
 * but for methods marked {@link Blocking}: every method that writes, fsyncs or touches files must
 * be marked, and only reads may be left unmarked. A new method fails this test until it is placed.
 */
class GrpcThreadingTest {

  /** CPU-bound reads, and methods that only refuse (unimplemented), which may run on the loop. */
  private static final Set<String> ON_EVENT_LOOP =
      Set.of(
          "CollectionsGrpcService.get",
          "CollectionsGrpcService.list",
          "CollectionsGrpcService.collectionExists",
          "CollectionsGrpcService.listCollectionAliases",
          "CollectionsGrpcService.listAliases",
          "CollectionsGrpcService.collectionClusterInfo",
          "CollectionsGrpcService.listShardKeys",
          "PointsGrpcService.get",
          "PointsGrpcService.scroll",
          "PointsGrpcService.count",
          "PointsGrpcService.search",
          "PointsGrpcService.searchBatch",
          "PointsGrpcService.query",
          "PointsGrpcService.queryBatch",
          "PointsGrpcService.searchGroups",
          "PointsGrpcService.recommend",
          "PointsGrpcService.recommendBatch",
          "PointsGrpcService.recommendGroups",
          "PointsGrpcService.discover",
          "PointsGrpcService.discoverBatch",
          "PointsGrpcService.queryGroups",
          "PointsGrpcService.facet",
          "PointsGrpcService.searchMatrixPairs",
          "PointsGrpcService.searchMatrixOffsets",
          "QdrantService.healthCheck");

  @Test
  void everyMethodIsEitherAReadOrBlocking() {
    List<String> wrong = new ArrayList<>();
    for (Class<?> service :
        List.of(
            AdminGrpcService.class,
            CollectionsGrpcService.class,
            PointsGrpcService.class,
            SnapshotsGrpcService.class,
            VersionedPointsGrpcService.class,
            QdrantService.class)) {
      for (Method m : service.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers()) || m.getReturnType() != void.class) {
          continue;
        }
        String name = service.getSimpleName() + "." + m.getName();
        boolean blocking = m.isAnnotationPresent(Blocking.class);
        if (blocking == ON_EVENT_LOOP.contains(name)) {
          wrong.add(
              name + (blocking ? " is a read but @Blocking" : " is neither a read nor @Blocking"));
        }
      }
    }
    assertEquals(List.of(), wrong);
  }
}
