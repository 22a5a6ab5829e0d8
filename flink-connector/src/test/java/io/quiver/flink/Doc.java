package io.quiver.flink;

/** A Flink POJO as an application would have one, written with the builder's extractors. */
public class Doc {
  public Long id;
  public float[] embedding;
  public String tag;
  public long version;
  public boolean deleted;

  public Doc() {}

  Doc(Long id, float[] embedding, String tag, long version, boolean deleted) {
    this.id = id;
    this.embedding = embedding;
    this.tag = tag;
    this.version = version;
    this.deleted = deleted;
  }

  static Doc upsert(Long id, float[] embedding, String tag, long version) {
    return new Doc(id, embedding, tag, version, false);
  }

  static Doc delete(Long id, long version) {
    return new Doc(id, null, null, version, true);
  }

  @Override
  public String toString() {
    return "Doc{id=" + id + ", tag=" + tag + ", version=" + version + "}";
  }
}
