package io.quiver.flink.build;

import io.quiver.engine.point.ShardRouter;
import io.quiver.flink.QuiverRecord;
import io.quiver.flink.RecordAccess;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Sends every record of a shard to the same build writer, {@code shard % parallelism}, as Spark's
 * build clusters rows by shard: each shard is then built by one writer into one segment, and an
 * id's writes all meet in that writer.
 */
final class ShardPartitioner implements Partitioner<Integer> {

  private static final long serialVersionUID = 1L;

  static int owner(int shard, int writers) {
    return shard % writers;
  }

  @Override
  public int partition(Integer shard, int writers) {
    return owner(shard, writers);
  }

  /** A record's shard, by the engine's routing of its id. */
  static final class ShardOf<IN> implements KeySelector<IN, Integer> {

    private static final long serialVersionUID = 1L;

    private final SerializableFunction<IN, QuiverRecord> converter;
    private final int shards;

    ShardOf(SerializableFunction<IN, QuiverRecord> converter, int shards) {
      this.converter = converter;
      this.shards = shards;
    }

    @Override
    public Integer getKey(IN element) {
      QuiverRecord r = converter.apply(element);
      if (r == null) {
        throw new IllegalArgumentException(
            "quiver build: the record converter returned null for " + element);
      }
      return ShardRouter.shardOf(RecordAccess.id(r), shards);
    }
  }
}
