package io.quiver.flink;

import io.qdrant.client.grpc.JsonWithInt;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer for {@link QuiverRecord} (Kryo cannot rebuild its immutable maps). Layout:
 *
 * <pre>
 * byte   flags: 1 delete, 2 UUID id, 4 unnamed vector, 8 named vectors, 16 payload
 * long   id (or two longs: the UUID's most and least significant bits)
 * long   version
 * [int n, n floats]                                     the unnamed vector
 * [int k, k times (UTF name, int n, n floats)]          the named vectors
 * [int n, n bytes of the payload's qdrant.Struct]       the payload
 * </pre>
 */
final class QuiverRecordSerializer extends TypeSerializerSingleton<QuiverRecord> {

  private static final long serialVersionUID = 1L;

  static final QuiverRecordSerializer INSTANCE = new QuiverRecordSerializer();

  private static final int DELETE = 1;
  private static final int UUID_ID = 2;
  private static final int VECTOR = 4;
  private static final int NAMED = 8;
  private static final int PAYLOAD = 16;

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public QuiverRecord createInstance() {
    return null;
  }

  @Override
  public QuiverRecord copy(QuiverRecord from) {
    return from;
  }

  @Override
  public QuiverRecord copy(QuiverRecord from, QuiverRecord reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(QuiverRecord r, DataOutputView out) throws IOException {
    int flags =
        (r.operation() == QuiverRecord.Operation.DELETE ? DELETE : 0)
            | (r.id() instanceof UUID ? UUID_ID : 0)
            | (r.vector() != null ? VECTOR : 0)
            | (r.vectors() != null ? NAMED : 0)
            | (r.payload() != null ? PAYLOAD : 0);
    out.writeByte(flags);
    if (r.id() instanceof UUID) {
      UUID id = (UUID) r.id();
      out.writeLong(id.getMostSignificantBits());
      out.writeLong(id.getLeastSignificantBits());
    } else {
      out.writeLong((Long) r.id());
    }
    out.writeLong(r.version());
    if (r.vector() != null) {
      writeFloats(r.vector(), out);
    }
    if (r.vectors() != null) {
      out.writeInt(r.vectors().size());
      for (Map.Entry<String, float[]> e : r.vectors().entrySet()) {
        out.writeUTF(e.getKey());
        writeFloats(e.getValue(), out);
      }
    }
    if (r.payload() != null) {
      byte[] payload = r.payload().toByteArray();
      out.writeInt(payload.length);
      out.write(payload);
    }
  }

  @Override
  public QuiverRecord deserialize(DataInputView in) throws IOException {
    int flags = in.readByte();
    Object id =
        (flags & UUID_ID) != 0 ? new UUID(in.readLong(), in.readLong()) : (Object) in.readLong();
    long version = in.readLong();
    float[] vector = (flags & VECTOR) != 0 ? readFloats(in) : null;
    Map<String, float[]> vectors = null;
    if ((flags & NAMED) != 0) {
      int n = in.readInt();
      vectors = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        vectors.put(in.readUTF(), readFloats(in));
      }
    }
    JsonWithInt.Struct payload = null;
    if ((flags & PAYLOAD) != 0) {
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      payload = JsonWithInt.Struct.parseFrom(bytes);
    }
    return new QuiverRecord(
        (flags & DELETE) != 0 ? QuiverRecord.Operation.DELETE : QuiverRecord.Operation.UPSERT,
        id,
        version,
        vector,
        vectors,
        payload);
  }

  @Override
  public QuiverRecord deserialize(QuiverRecord reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  private static void writeFloats(float[] values, DataOutputView out) throws IOException {
    out.writeInt(values.length);
    for (float f : values) {
      out.writeFloat(f);
    }
  }

  private static float[] readFloats(DataInputView in) throws IOException {
    float[] values = new float[in.readInt()];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readFloat();
    }
    return values;
  }

  @Override
  public TypeSerializerSnapshot<QuiverRecord> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The serializer has no configuration; version 1 of the layout above. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<QuiverRecord> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
