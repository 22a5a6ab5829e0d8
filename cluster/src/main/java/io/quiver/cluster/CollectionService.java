package io.quiver.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.shard.LocalShard;
import io.quiver.engine.shard.OptimizationProgress;
import io.quiver.engine.shard.SearchRequest;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything the API layer (REST, gRPC) asks of the node's data: named collections, aliases,
 * points, snapshots and versions. One node implements it over local collections ({@code
 * LocalCollectionService}); a cluster implements it by routing to shard replicas. Implementations
 * are thread-safe.
 *
 * <p>Wherever a collection name is taken, an alias is accepted too. Errors: {@link
 * NotFoundException} for a collection, alias or snapshot that does not exist, {@link
 * ConflictException} for one that already does, {@link IllegalArgumentException} (naming the field
 * and the value) for bad input. Every input is checked before anything is logged.
 */
public interface CollectionService extends Closeable {

  // ---------------------------------------------------------------- collections

  /** Creates an empty collection; {@link ConflictException} if the name is taken. */
  void createCollection(String name, CollectionConfig config, CollectionSettings settings)
      throws IOException;

  /** Deletes a collection (not an alias) and its aliases; false if there was none. */
  boolean deleteCollection(String name) throws IOException;

  /** The names of all collections, sorted. */
  List<String> listCollections();

  /** Whether {@code name} is a collection or an alias of one. */
  boolean exists(String name);

  CollectionInfo info(String name);

  /**
   * Applies Qdrant's update-collection body ({@code optimizers_config}, {@code hnsw_config}, {@code
   * vectors.<name>.hnsw_config / quantization_config}, {@code quantization_config}, {@code
   * params}); new values take effect for segments built from then on.
   */
  void updateCollection(String name, JsonNode patch) throws IOException;

  // ---------------------------------------------------------------- aliases

  /** Applies the operations in order, all or none. */
  void updateAliases(List<AliasOperation> operations) throws IOException;

  /** Alias to collection, for all collections, sorted by alias. */
  Map<String, String> aliases();

  /** The aliases of one collection, sorted. */
  List<String> aliasesOf(String collection);

  // ---------------------------------------------------------------- points

  /**
   * Applies a write; with {@code wait} it returns once the write is durable. The operation is
   * checked (dimensions, finite values, vector names, filters) before it is logged.
   */
  UpdateResult update(String collection, Operation operation, boolean wait) throws IOException;

  /**
   * Applies writes in order, one result each. Every operation is checked before the first is
   * logged, so a batch with a bad operation changes nothing (the error names it as {@code
   * operations[i]}); a failure while logging may leave the ones before it applied. With {@code
   * wait} it returns once all of them are durable.
   */
  List<UpdateResult> update(String collection, List<Operation> operations, boolean wait)
      throws IOException;

  /**
   * Upserts each point whose stored external version is older than {@code versions[i]} (unsigned)
   * and stores that version; a point whose stored version is the same or newer is left alone and
   * counted stale. The points are checked as {@link #update} checks a plain upsert's. Plain writes
   * neither read nor change the stored versions.
   */
  VersionedUpdateResult upsertVersioned(
      String collection, List<Point> points, long[] versions, boolean wait) throws IOException;

  /**
   * Deletes each id whose stored external version is older than {@code versions[i]} (unsigned) and
   * stores that version, point or no point: the id's tombstone, which makes older upserts of it
   * stale.
   */
  VersionedUpdateResult deleteVersioned(
      String collection, List<PointId> ids, long[] versions, boolean wait) throws IOException;

  /**
   * Drops the tombstones (the stored versions of deleted ids) at or below {@code upToVersion},
   * unsigned: the writer's promise that no write of those ids at or below it will arrive again. The
   * versions of live points are kept.
   */
  void purgeTombstones(String collection, long upToVersion, boolean wait) throws IOException;

  List<PointRecord> retrieve(
      String collection, List<PointId> ids, boolean withPayload, boolean withVectors);

  List<ScoredPoint> search(String collection, SearchRequest request);

  /** Live points in ascending id order from {@code from} (null: the start), passing the filter. */
  LocalShard.ScrollPage scroll(
      String collection,
      PointId from,
      int limit,
      Filter filter,
      boolean withPayload,
      boolean withVectors);

  /** Live points passing {@code filter} (null: all). */
  long count(String collection, Filter filter);

  /** The running optimization (first, if any) and the recently finished ones. */
  List<OptimizationProgress> optimizations(String collection);

  // ---------------------------------------------------------------- snapshots

  /** Writes a snapshot file of the collection as of now. */
  SnapshotDescription createSnapshot(String collection) throws IOException;

  List<SnapshotDescription> listSnapshots(String collection) throws IOException;

  /** The file of a snapshot, for download; {@link NotFoundException} if there is none. */
  Path snapshotFile(String collection, String snapshotName);

  boolean deleteSnapshot(String collection, String snapshotName) throws IOException;

  /**
   * Replaces the collection's data (creating the collection if needed) with a snapshot from {@code
   * location}: a snapshot file ({@code .snapshot} tar) or a snapshot folder with a {@code
   * manifest.json}, as a local path, a {@code file:} URI or any URI a configured fetcher serves.
   * When {@code checksum} is given the file must have that sha256. Queries running meanwhile see
   * the old data or the new, never an error. Returns the new version.
   */
  SnapshotVersion recoverSnapshot(String collection, URI location, String checksum)
      throws IOException;

  /** The versions of a collection, oldest first, the one serving marked current. */
  List<SnapshotVersion> versions(String collection);

  /** Serves the version before the current one again; returns it. */
  SnapshotVersion rollback(String collection) throws IOException;
}
