package io.quiver.engine.operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.filter.FilterParser;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of an {@link Operation} in a log record (little-endian):
 *
 * <pre>
 * version   uint8  = 1
 * type      uint8  (explicit codes below, never ordinal())
 * upsert:   count int32, then per point: id, vectorCount int32,
 *           per vector: name string, dimension int32, floats; payload string (JSON, "" = none)
 * versioned upsert (9): count int32, then per point: id, version int64, and the rest as upsert
 * versioned delete (10): count int32, then per id: id, version int64
 * purge tombstones (11): upToVersion int64
 * others:   selector (kind uint8: 1 = ids: count int32, ids; 2 = filter: string, Qdrant filter
 *           JSON), then the type's fields
 * id:       kind uint8 (0 numeric, 1 UUID), high int64, low int64
 * string:   length int32, UTF-8 bytes
 * </pre>
 *
 * <p>New operation types get new type codes; the bytes of an existing type never change, so a log
 * written by an older version always decodes. (Types 9..11 came with versioned writes; a log that
 * holds them is refused by older code as an unknown type, never misread.)
 */
public final class OperationCodec {

  private static final int FORMAT_VERSION = 1;
  private static final byte UPSERT = 1;
  private static final byte DELETE_POINTS = 2;
  private static final byte SET_PAYLOAD = 3;
  private static final byte OVERWRITE_PAYLOAD = 4;
  private static final byte DELETE_PAYLOAD = 5;
  private static final byte CLEAR_PAYLOAD = 6;
  private static final byte CREATE_FIELD_INDEX = 7;
  private static final byte DELETE_FIELD_INDEX = 8;
  private static final byte VERSIONED_UPSERT = 9;
  private static final byte VERSIONED_DELETE = 10;
  private static final byte PURGE_TOMBSTONES = 11;
  private static final byte SELECTOR_IDS = 1;
  private static final byte SELECTOR_FILTER = 2;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OperationCodec() {}

  public static byte[] encode(Operation op) {
    Out out = new Out();
    out.u8(FORMAT_VERSION);
    if (op instanceof Operation.Upsert u) {
      out.u8(UPSERT).i32(u.points().size());
      for (Point p : u.points()) {
        out.id(p.id()).point(p);
      }
    } else if (op instanceof Operation.VersionedUpsert u) {
      out.u8(VERSIONED_UPSERT).i32(u.size());
      for (int i = 0; i < u.size(); i++) {
        out.id(u.id(i)).i64(u.version(i)).point(u.points().get(i));
      }
    } else if (op instanceof Operation.VersionedDelete d) {
      out.u8(VERSIONED_DELETE).i32(d.size());
      for (int i = 0; i < d.size(); i++) {
        out.id(d.id(i)).i64(d.version(i));
      }
    } else if (op instanceof Operation.PurgeTombstones p) {
      out.u8(PURGE_TOMBSTONES).i64(p.upToVersion());
    } else if (op instanceof Operation.DeletePoints d) {
      out.u8(DELETE_POINTS).selector(d.selector());
    } else if (op instanceof Operation.SetPayload s) {
      out.u8(SET_PAYLOAD)
          .selector(s.selector())
          .json(s.payload())
          .str(s.key() == null ? "" : s.key());
    } else if (op instanceof Operation.OverwritePayload o) {
      out.u8(OVERWRITE_PAYLOAD).selector(o.selector()).json(o.payload());
    } else if (op instanceof Operation.DeletePayload d) {
      out.u8(DELETE_PAYLOAD).selector(d.selector()).i32(d.keys().size());
      d.keys().forEach(out::str);
    } else if (op instanceof Operation.ClearPayload c) {
      out.u8(CLEAR_PAYLOAD).selector(c.selector());
    } else if (op instanceof Operation.CreateFieldIndex c) {
      out.u8(CREATE_FIELD_INDEX).str(c.key()).str(c.schema());
    } else if (op instanceof Operation.DeleteFieldIndex d) {
      out.u8(DELETE_FIELD_INDEX).str(d.key());
    } else {
      throw new AssertionError(op);
    }
    return out.toByteArray();
  }

  /** Decodes a record; a malformed one is an {@link IllegalArgumentException}, never skipped. */
  public static Operation decode(ByteBuffer record) {
    ByteBuffer in = record.slice().order(ByteOrder.LITTLE_ENDIAN);
    try {
      int version = in.get() & 0xff;
      if (version != FORMAT_VERSION) {
        throw new IllegalArgumentException("operation format version " + version + " is unknown");
      }
      byte type = in.get();
      Operation op =
          switch (type) {
            case UPSERT -> {
              int count = count(in);
              List<Point> points = new ArrayList<>(count);
              for (int i = 0; i < count; i++) {
                points.add(point(id(in), in));
              }
              yield new Operation.Upsert(points);
            }
            case VERSIONED_UPSERT -> {
              int count = count(in);
              List<Point> points = new ArrayList<>(count);
              long[] versions = new long[count];
              for (int i = 0; i < count; i++) {
                PointId id = id(in);
                versions[i] = in.getLong();
                points.add(point(id, in));
              }
              yield new Operation.VersionedUpsert(points, versions);
            }
            case VERSIONED_DELETE -> {
              int count = count(in);
              List<PointId> ids = new ArrayList<>(count);
              long[] versions = new long[count];
              for (int i = 0; i < count; i++) {
                ids.add(id(in));
                versions[i] = in.getLong();
              }
              yield new Operation.VersionedDelete(ids, versions);
            }
            case PURGE_TOMBSTONES -> new Operation.PurgeTombstones(in.getLong());
            case DELETE_POINTS -> new Operation.DeletePoints(selector(in));
            case SET_PAYLOAD -> {
              PointSelector s = selector(in);
              ObjectNode payload = json(in);
              String key = str(in);
              yield new Operation.SetPayload(s, payload, key.isEmpty() ? null : key);
            }
            case OVERWRITE_PAYLOAD -> new Operation.OverwritePayload(selector(in), json(in));
            case DELETE_PAYLOAD -> {
              PointSelector s = selector(in);
              int n = count(in);
              List<String> keys = new ArrayList<>(n);
              for (int i = 0; i < n; i++) {
                keys.add(str(in));
              }
              yield new Operation.DeletePayload(s, keys);
            }
            case CLEAR_PAYLOAD -> new Operation.ClearPayload(selector(in));
            case CREATE_FIELD_INDEX -> new Operation.CreateFieldIndex(str(in), str(in));
            case DELETE_FIELD_INDEX -> new Operation.DeleteFieldIndex(str(in));
            default -> throw new IllegalArgumentException("unknown operation type " + type);
          };
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes after the operation");
      }
      return op;
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("operation record is truncated", e);
    }
  }

  /** A point's vectors and payload, after its id. */
  private static Point point(PointId id, ByteBuffer in) {
    int vectors = count(in);
    Map<String, float[]> named = new LinkedHashMap<>();
    for (int v = 0; v < vectors; v++) {
      named.put(str(in), floats(in));
    }
    return new Point(id, named, json(in));
  }

  private static int count(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("bad count " + n + " in operation record");
    }
    return n;
  }

  private static PointId id(ByteBuffer in) {
    byte kind = in.get();
    long high = in.getLong();
    long low = in.getLong();
    if (kind != 0 && kind != 1) {
      throw new IllegalArgumentException("bad point id kind " + kind);
    }
    return PointId.fromParts(kind == 1, high, low);
  }

  private static String str(ByteBuffer in) {
    int n = count(in);
    byte[] b = new byte[n];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static float[] floats(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || 4L * n > in.remaining()) {
      throw new IllegalArgumentException("bad vector dimension " + n + " in operation record");
    }
    float[] v = new float[n];
    in.asFloatBuffer().get(v);
    in.position(in.position() + 4 * n);
    return v;
  }

  private static ObjectNode json(ByteBuffer in) {
    int n = count(in);
    if (n == 0) {
      return null;
    }
    try {
      byte[] bytes = new byte[n];
      in.get(bytes);
      JsonNode node = MAPPER.readTree(bytes);
      if (!(node instanceof ObjectNode o)) {
        throw new IllegalArgumentException("payload in operation record is not an object");
      }
      return o;
    } catch (IOException e) {
      throw new IllegalArgumentException("payload in operation record is not JSON", e);
    }
  }

  private static PointSelector selector(ByteBuffer in) {
    byte kind = in.get();
    if (kind == SELECTOR_FILTER) {
      return new PointSelector.ByFilter(FilterParser.parse(json(in)));
    }
    if (kind != SELECTOR_IDS) {
      throw new IllegalArgumentException("unknown point selector kind " + kind);
    }
    int n = count(in);
    List<PointId> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(id(in));
    }
    return new PointSelector.Ids(ids);
  }

  /** A growable little-endian byte buffer. */
  private static final class Out {
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

    private void ensure(int n) {
      if (buf.remaining() < n) {
        ByteBuffer grown =
            ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.flip();
        grown.put(buf);
        buf = grown;
      }
    }

    Out u8(int v) {
      ensure(1);
      buf.put((byte) v);
      return this;
    }

    Out i32(int v) {
      ensure(4);
      buf.putInt(v);
      return this;
    }

    Out i64(long v) {
      ensure(8);
      buf.putLong(v);
      return this;
    }

    /** A point's vectors and payload (its id is written before). */
    Out point(Point p) {
      i32(p.vectors().size());
      for (Map.Entry<String, float[]> v : p.vectors().entrySet()) {
        str(v.getKey()).floats(v.getValue());
      }
      return json(p.payload().isEmpty() ? null : p.payload());
    }

    Out id(PointId id) {
      ensure(17);
      buf.put((byte) (id.isUuid() ? 1 : 0)).putLong(id.high()).putLong(id.low());
      return this;
    }

    Out str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i32(b.length);
      ensure(b.length);
      buf.put(b);
      return this;
    }

    Out floats(float[] v) {
      i32(v.length);
      ensure(4 * v.length);
      buf.asFloatBuffer().put(v);
      buf.position(buf.position() + 4 * v.length);
      return this;
    }

    Out json(ObjectNode node) {
      if (node == null) {
        return i32(0);
      }
      try {
        byte[] b = MAPPER.writeValueAsBytes(node);
        i32(b.length);
        ensure(b.length);
        buf.put(b);
        return this;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Out selector(PointSelector s) {
      if (s instanceof PointSelector.Ids ids) {
        u8(SELECTOR_IDS).i32(ids.ids().size());
        ids.ids().forEach(this::id);
        return this;
      }
      if (s instanceof PointSelector.ByFilter f) {
        return u8(SELECTOR_FILTER).json(f.filter().toJson());
      }
      throw new AssertionError(s);
    }

    byte[] toByteArray() {
      byte[] out = new byte[buf.position()];
      buf.flip();
      buf.get(out);
      return out;
    }
  }
}
