package io.quiver.engine.collection;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child process of {@link CrashRecoveryTest}: writes to a collection with {@code wait=true}
 * until it is killed, announcing each operation before it starts ({@code TRY}) and after it is
 * acknowledged ({@code ACK}).
 */
public final class CrashWriter {

  static final int DIM = 8;
  static final int BATCH = 5;

  /** The vector every point with this id carries, so a reader can check it exactly. */
  static float[] vectorOf(long id) {
    SplittableRandom r = new SplittableRandom(id * 0x9E3779B97F4A7C15L);
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  static CollectionConfig config() {
    // A tiny indexing threshold: the optimizer indexes and checkpoints every ~100 points, so kills
    // also land in the middle of segment builds, swaps and WAL truncation.
    return CollectionConfig.of(VectorParams.of(DIM, io.quiver.engine.vector.VectorSimilarity.DOT))
        .withOptimizer(OptimizerParams.defaults().withIndexingThresholdKb(3));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long next = Long.parseLong(args[1]);
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));
    PrintStream out = new PrintStream(System.out, true);
    QuiverCollection c =
        Files.exists(dir.resolve(QuiverCollection.CONFIG_FILE))
            ? QuiverCollection.open(dir)
            : QuiverCollection.create(dir, config());
    out.println("READY");
    List<Long> mine = new ArrayList<>();
    while (true) {
      if (!mine.isEmpty() && random.nextInt(4) == 0) {
        long victim = mine.remove(random.nextInt(mine.size()));
        out.println("TRY delete " + victim);
        c.delete(List.of(PointId.of(victim)), true);
        out.println("ACK");
      } else {
        List<Point> batch = new ArrayList<>();
        for (long id = next; id < next + BATCH; id++) {
          ObjectNode payload =
              JsonNodeFactory.instance.objectNode().put("id", id).put("batch", next);
          batch.add(Point.of(PointId.of(id), vectorOf(id), payload));
        }
        out.println("TRY upsert " + next + " " + BATCH);
        c.upsert(batch, true);
        out.println("ACK");
        for (long id = next; id < next + BATCH; id++) {
          mine.add(id);
        }
        next += BATCH;
      }
    }
  }
}
