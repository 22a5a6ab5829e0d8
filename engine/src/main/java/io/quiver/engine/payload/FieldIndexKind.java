package io.quiver.engine.payload;

/**
 * The type of a field index, named as Qdrant's {@code field_schema} names it. Persisted by {@link
 * #code()}, never by ordinal.
 */
public enum FieldIndexKind {
  KEYWORD(1, "keyword"),
  INTEGER(2, "integer"),
  FLOAT(3, "float"),
  BOOL(4, "bool"),
  UUID(5, "uuid"),
  DATETIME(6, "datetime");

  private final int code;
  private final String schemaName;

  FieldIndexKind(int code, String schemaName) {
    this.code = code;
    this.schemaName = schemaName;
  }

  /** The stable number this kind is written as. */
  public int code() {
    return code;
  }

  /** The name Qdrant's {@code field_schema} uses for this kind. */
  public String schemaName() {
    return schemaName;
  }

  public static FieldIndexKind fromSchema(String name) {
    for (FieldIndexKind kind : values()) {
      if (kind.schemaName.equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "field_schema must be one of keyword, integer, float, bool, uuid, datetime; got '"
            + name
            + "'");
  }

  public static FieldIndexKind fromCode(int code) {
    for (FieldIndexKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown field index kind code " + code);
  }
}
