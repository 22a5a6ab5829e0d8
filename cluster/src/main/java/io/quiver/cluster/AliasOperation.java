package io.quiver.cluster;

/** One step of an alias update; a batch of them is applied all or nothing. */
public sealed interface AliasOperation {

  record Create(String alias, String collection) implements AliasOperation {}

  record Delete(String alias) implements AliasOperation {}

  record Rename(String oldAlias, String newAlias) implements AliasOperation {}
}
