package io.quiver.serving.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Patch;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.Put;
import io.quiver.cluster.AliasOperation;
import io.quiver.cluster.CollectionInfo;
import io.quiver.cluster.CollectionService;
import io.quiver.engine.filter.FilterParser;
import io.quiver.engine.operation.Operation;
import io.quiver.serving.api.CreateCollection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Qdrant's collection endpoints over REST: list, describe, create, update, delete, exists, aliases,
 * payload field indexes and optimization progress.
 */
public final class CollectionsRestApi {
  private static final String C = "/collections/{collection_name}";

  private final CollectionService collections;

  CollectionsRestApi(CollectionService collections) {
    this.collections = collections;
  }

  record CollectionDescription(String name) {}

  record CollectionsResult(List<CollectionDescription> collections) {}

  record Existence(boolean exists) {}

  record AliasDescription(String aliasName, String collectionName) {}

  record AliasesResult(List<AliasDescription> aliases) {}

  @Get("/collections")
  public CollectionsResult list() {
    return new CollectionsResult(
        collections.listCollections().stream().map(CollectionDescription::new).toList());
  }

  @Get(C)
  public ObjectNode info(@Param("collection_name") String collection) {
    CollectionInfo info = collections.info(collection);
    return CollectionInfoJson.of(info, key -> indexedPoints(info.name(), key));
  }

  /** Points holding a value for {@code key}: Qdrant's {@code payload_schema.<key>.points}. */
  private long indexedPoints(String collection, String key) {
    ObjectNode notEmpty = JsonNodeFactory.instance.objectNode();
    notEmpty.putArray("must_not").addObject().putObject("is_empty").put("key", key);
    return collections.count(collection, FilterParser.parse(notEmpty));
  }

  @Put(C)
  public boolean create(@Param("collection_name") String collection, JsonNode body)
      throws IOException {
    CreateCollection create = CreateCollection.fromJson(body);
    collections.createCollection(collection, create.config(), create.settings());
    return true;
  }

  @Patch(C)
  public boolean update(@Param("collection_name") String collection, JsonNode body)
      throws IOException {
    collections.updateCollection(collection, body);
    return true;
  }

  @Delete(C)
  public boolean delete(@Param("collection_name") String collection) throws IOException {
    return collections.deleteCollection(collection);
  }

  @Get(C + "/exists")
  public Existence exists(@Param("collection_name") String collection) {
    return new Existence(collections.exists(collection));
  }

  // ---------------------------------------------------------------- aliases

  @Post("/collections/aliases")
  public boolean updateAliases(JsonNode body) throws IOException {
    JsonFields.object(body, "the aliases body");
    JsonNode actions = JsonFields.requiredArray(body, "", "actions");
    List<AliasOperation> operations = new ArrayList<>();
    for (int i = 0; i < actions.size(); i++) {
      operations.add(aliasOperation(actions.get(i), "actions[" + i + "]"));
    }
    collections.updateAliases(operations);
    return true;
  }

  private static AliasOperation aliasOperation(JsonNode action, String at) {
    if (action == null || !action.isObject() || action.size() != 1) {
      throw new IllegalArgumentException(
          at
              + " must be one of {\"create_alias\": ...}, {\"delete_alias\": ...},"
              + " {\"rename_alias\": ...}; got "
              + (action == null ? "nothing" : JsonFields.abbreviate(action)));
    }
    String kind = action.fieldNames().next();
    JsonNode args = JsonFields.object(action.get(kind), at + "." + kind);
    String where = at + "." + kind;
    return switch (kind) {
      case "create_alias" ->
          new AliasOperation.Create(
              JsonFields.requiredText(args, where, "alias_name"),
              JsonFields.requiredText(args, where, "collection_name"));
      case "delete_alias" ->
          new AliasOperation.Delete(JsonFields.requiredText(args, where, "alias_name"));
      case "rename_alias" ->
          new AliasOperation.Rename(
              JsonFields.requiredText(args, where, "old_alias_name"),
              JsonFields.requiredText(args, where, "new_alias_name"));
      default ->
          throw new IllegalArgumentException(
              at
                  + "."
                  + kind
                  + ": unknown alias action; known: create_alias, delete_alias,"
                  + " rename_alias");
    };
  }

  @Get("/aliases")
  public AliasesResult aliases() {
    List<AliasDescription> out = new ArrayList<>();
    for (Map.Entry<String, String> e : collections.aliases().entrySet()) {
      out.add(new AliasDescription(e.getKey(), e.getValue()));
    }
    return new AliasesResult(out);
  }

  @Get(C + "/aliases")
  public AliasesResult aliasesOf(@Param("collection_name") String collection) {
    List<AliasDescription> out = new ArrayList<>();
    for (String alias : collections.aliasesOf(collection)) {
      out.add(new AliasDescription(alias, collection));
    }
    return new AliasesResult(out);
  }

  // ---------------------------------------------------------------- field indexes

  @Put(C + "/index")
  public PointsRestApi.WriteResult createIndex(
      @Param("collection_name") String collection,
      @Param("wait") Optional<String> wait,
      JsonNode body)
      throws IOException {
    JsonFields.object(body, "the create-index body");
    String field = JsonFields.requiredText(body, "", "field_name");
    JsonNode schema = JsonFields.get(body, "field_schema");
    String type;
    if (schema == null) {
      throw new IllegalArgumentException("field_schema is required (e.g. \"keyword\")");
    } else if (schema.isTextual()) {
      type = schema.textValue();
    } else if (schema.isObject()) {
      type = JsonFields.requiredText(schema, "field_schema", "type");
    } else {
      throw new IllegalArgumentException(
          "field_schema must be a type name or {\"type\": ...}; got "
              + JsonFields.abbreviate(schema));
    }
    return PointsRestApi.WriteResult.of(
        collections.update(
            collection,
            new Operation.CreateFieldIndex(field, type),
            RestRequests.flag(wait, "wait", false)));
  }

  @Delete(C + "/index/{field_name}")
  public PointsRestApi.WriteResult deleteIndex(
      @Param("collection_name") String collection,
      @Param("field_name") String field,
      @Param("wait") Optional<String> wait)
      throws IOException {
    return PointsRestApi.WriteResult.of(
        collections.update(
            collection,
            new Operation.DeleteFieldIndex(field),
            RestRequests.flag(wait, "wait", false)));
  }

  // ---------------------------------------------------------------- optimizations

  @Get(C + "/optimizations")
  public ObjectNode optimizations(
      @Param("collection_name") String collection,
      @Param("with") Optional<String> with,
      @Param("completed_limit") Optional<String> completedLimit) {
    return OptimizationsJson.of(
        collections.info(collection).segmentsCount(),
        collections.optimizations(collection),
        with.orElse(""),
        completedLimit.isEmpty()
            ? null
            : (int)
                Math.min(
                    Integer.MAX_VALUE, RestRequests.integer(completedLimit, "completed_limit")));
  }
}
