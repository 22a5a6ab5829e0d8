package io.quiver.serving.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quiver.cluster.CollectionInfo;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Per-collection gauges, refreshed every few seconds (collections come and go, so the set of series
 * is rebuilt each time): {@code quiver_collection_points}, {@code
 * quiver_collection_indexed_vectors}, {@code quiver_collection_segments}, {@code
 * quiver_collection_optimizing} (1 while an optimization runs) and {@code
 * quiver_collection_version} (the snapshot version serving), each tagged {@code collection}.
 */
public final class CollectionMetrics implements AutoCloseable {

  private final CollectionService collections;
  private final List<Gauge> gauges = new ArrayList<>();
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "quiver-collection-metrics");
            t.setDaemon(true);
            return t;
          });

  private record Gauge(MultiGauge gauge, ToDoubleFunction<CollectionInfo> value) {}

  public CollectionMetrics(CollectionService collections, MeterRegistry registry, long periodMs) {
    this.collections = collections;
    add(registry, "quiver.collection.points", "live points", CollectionInfo::pointsCount);
    add(
        registry,
        "quiver.collection.indexed.vectors",
        "vectors in indexed segments",
        CollectionInfo::indexedVectorsCount);
    add(registry, "quiver.collection.segments", "segments", CollectionInfo::segmentsCount);
    add(
        registry,
        "quiver.collection.optimizing",
        "1 while an optimization runs",
        i -> i.status().equals("yellow") ? 1 : 0);
    add(registry, "quiver.collection.version", "snapshot version serving", CollectionInfo::version);
    refresh();
    refresher.scheduleWithFixedDelay(this::refresh, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  private void add(
      MeterRegistry registry, String name, String help, ToDoubleFunction<CollectionInfo> value) {
    gauges.add(new Gauge(MultiGauge.builder(name).description(help).register(registry), value));
  }

  /** Rebuilds every gauge's series from the collections there are now. */
  public void refresh() {
    List<CollectionInfo> infos = new ArrayList<>();
    for (String name : collections.listCollections()) {
      try {
        infos.add(collections.info(name));
      } catch (NotFoundException deletedMeanwhile) {
        // gone between the listing and the read
      }
    }
    for (Gauge g : gauges) {
      List<MultiGauge.Row<?>> rows = new ArrayList<>();
      for (CollectionInfo info : infos) {
        rows.add(
            MultiGauge.Row.of(Tags.of("collection", info.name()), g.value().applyAsDouble(info)));
      }
      g.gauge().register(rows, true);
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
