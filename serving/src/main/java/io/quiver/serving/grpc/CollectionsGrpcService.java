package io.quiver.serving.grpc;

import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.CollectionsGrpc;
import io.quiver.cluster.AliasOperation;
import io.quiver.cluster.CollectionInfo;
import io.quiver.cluster.CollectionService;
import io.quiver.serving.api.CreateCollection;
import io.quiver.serving.config.StrictMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Qdrant's {@code qdrant.Collections} service over the collection service: create, get, list,
 * update, delete, exists, aliases, and the cluster view of a single node. A create request is
 * parsed by the same code as REST's ({@link CreateCollection}), through {@link CollectionProtos}.
 *
 * <p>Not served (UNIMPLEMENTED): changing the cluster setup and custom shard keys.
 */
public final class CollectionsGrpcService extends CollectionsGrpc.CollectionsImplBase {

  private final CollectionService collections;
  private final StrictMode strict;

  public CollectionsGrpcService(CollectionService collections, StrictMode strict) {
    this.collections = collections;
    this.strict = strict;
  }

  @Override
  public void get(
      Collections.GetCollectionInfoRequest request,
      StreamObserver<Collections.GetCollectionInfoResponse> response) {
    long start = System.nanoTime();
    CollectionInfo info = collections.info(Calls.collection(request.getCollectionName()));
    Calls.reply(
        response,
        Collections.GetCollectionInfoResponse.newBuilder()
            .setResult(CollectionInfoProtos.info(info))
            .setTime(Calls.seconds(start))
            .build());
  }

  @Override
  public void list(
      Collections.ListCollectionsRequest request,
      StreamObserver<Collections.ListCollectionsResponse> response) {
    long start = System.nanoTime();
    Collections.ListCollectionsResponse.Builder out =
        Collections.ListCollectionsResponse.newBuilder();
    for (String name : collections.listCollections()) {
      out.addCollections(Collections.CollectionDescription.newBuilder().setName(name));
    }
    Calls.reply(response, out.setTime(Calls.seconds(start)).build());
  }

  @Override
  public void create(
      Collections.CreateCollection request,
      StreamObserver<Collections.CollectionOperationResponse> response) {
    long start = System.nanoTime();
    String name = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    CreateCollection create = CreateCollection.fromJson(CollectionProtos.createJson(request));
    try {
      collections.createCollection(name, create.config(), create.settings());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    done(response, true, start);
  }

  @Override
  public void update(
      Collections.UpdateCollection request,
      StreamObserver<Collections.CollectionOperationResponse> response) {
    long start = System.nanoTime();
    String name = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    try {
      collections.updateCollection(name, CollectionProtos.updateJson(request));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    done(response, true, start);
  }

  @Override
  public void delete(
      Collections.DeleteCollection request,
      StreamObserver<Collections.CollectionOperationResponse> response) {
    long start = System.nanoTime();
    String name = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    boolean deleted;
    try {
      deleted = collections.deleteCollection(name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    done(response, deleted, start);
  }

  @Override
  public void collectionExists(
      Collections.CollectionExistsRequest request,
      StreamObserver<Collections.CollectionExistsResponse> response) {
    long start = System.nanoTime();
    boolean exists = collections.exists(Calls.collection(request.getCollectionName()));
    Calls.reply(
        response,
        Collections.CollectionExistsResponse.newBuilder()
            .setResult(Collections.CollectionExists.newBuilder().setExists(exists))
            .setTime(Calls.seconds(start))
            .build());
  }

  @Override
  public void updateAliases(
      Collections.ChangeAliases request,
      StreamObserver<Collections.CollectionOperationResponse> response) {
    long start = System.nanoTime();
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    List<AliasOperation> operations = new ArrayList<>(request.getActionsCount());
    for (int i = 0; i < request.getActionsCount(); i++) {
      operations.add(alias(request.getActions(i), "actions[" + i + "]"));
    }
    try {
      collections.updateAliases(operations);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    done(response, true, start);
  }

  private static AliasOperation alias(Collections.AliasOperations action, String field) {
    switch (action.getActionCase()) {
      case CREATE_ALIAS:
        if (action.getCreateAlias().getCollectionName().isEmpty()) {
          throw new IllegalArgumentException(field + ".create_alias.collection_name is required");
        }
        return new AliasOperation.Create(
            action.getCreateAlias().getAliasName(), action.getCreateAlias().getCollectionName());
      case RENAME_ALIAS:
        return new AliasOperation.Rename(
            action.getRenameAlias().getOldAliasName(), action.getRenameAlias().getNewAliasName());
      case DELETE_ALIAS:
        return new AliasOperation.Delete(action.getDeleteAlias().getAliasName());
      default:
        throw new IllegalArgumentException(
            field + ": set one of create_alias, rename_alias, delete_alias");
    }
  }

  @Override
  public void listCollectionAliases(
      Collections.ListCollectionAliasesRequest request,
      StreamObserver<Collections.ListAliasesResponse> response) {
    long start = System.nanoTime();
    String name = Calls.collection(request.getCollectionName());
    List<String> aliases = collections.aliasesOf(name);
    String collection = collections.aliases().getOrDefault(name, name);
    Collections.ListAliasesResponse.Builder out = Collections.ListAliasesResponse.newBuilder();
    for (String alias : aliases) {
      out.addAliases(description(alias, collection));
    }
    Calls.reply(response, out.setTime(Calls.seconds(start)).build());
  }

  @Override
  public void listAliases(
      Collections.ListAliasesRequest request,
      StreamObserver<Collections.ListAliasesResponse> response) {
    long start = System.nanoTime();
    Collections.ListAliasesResponse.Builder out = Collections.ListAliasesResponse.newBuilder();
    collections
        .aliases()
        .forEach((alias, collection) -> out.addAliases(description(alias, collection)));
    Calls.reply(response, out.setTime(Calls.seconds(start)).build());
  }

  private static Collections.AliasDescription description(String alias, String collection) {
    return Collections.AliasDescription.newBuilder()
        .setAliasName(alias)
        .setCollectionName(collection)
        .build();
  }

  /** A single node: one local shard holding every point, active. */
  @Override
  public void collectionClusterInfo(
      Collections.CollectionClusterInfoRequest request,
      StreamObserver<Collections.CollectionClusterInfoResponse> response) {
    CollectionInfo info = collections.info(Calls.collection(request.getCollectionName()));
    Calls.reply(
        response,
        Collections.CollectionClusterInfoResponse.newBuilder()
            .setShardCount(1)
            .addLocalShards(
                Collections.LocalShardInfo.newBuilder()
                    .setShardId(0)
                    .setPointsCount(info.pointsCount())
                    .setState(Collections.ReplicaState.Active))
            .build());
  }

  @Override
  public void updateCollectionClusterSetup(
      Collections.UpdateCollectionClusterSetupRequest request,
      StreamObserver<Collections.UpdateCollectionClusterSetupResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Collections/UpdateCollectionClusterSetup",
        "a single node has no shards to move or replicate");
  }

  @Override
  public void createShardKey(
      Collections.CreateShardKeyRequest request,
      StreamObserver<Collections.CreateShardKeyResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Collections/CreateShardKey", "custom shard keys are not supported");
  }

  @Override
  public void deleteShardKey(
      Collections.DeleteShardKeyRequest request,
      StreamObserver<Collections.DeleteShardKeyResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Collections/DeleteShardKey", "custom shard keys are not supported");
  }

  @Override
  public void listShardKeys(
      Collections.ListShardKeysRequest request,
      StreamObserver<Collections.ListShardKeysResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Collections/ListShardKeys", "custom shard keys are not supported");
  }

  private static void done(
      StreamObserver<Collections.CollectionOperationResponse> response,
      boolean result,
      long start) {
    Calls.reply(
        response,
        Collections.CollectionOperationResponse.newBuilder()
            .setResult(result)
            .setTime(Calls.seconds(start))
            .build());
  }
}
