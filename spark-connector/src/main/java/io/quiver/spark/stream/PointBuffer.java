package io.quiver.spark.stream;

import io.quiver.engine.point.PointId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writes of one task not sent yet, at most one per id: a later write of an id replaces the
 * pending one, so the task's last row of an id wins (with a version column Spark sorts each task's
 * rows by version, so the last is the highest). The pending writes go out as one delete request and
 * one upsert request when they hold {@code maxPoints} ids, before an upsert would take a request
 * body past {@code maxBytes}, and when the task ends ({@link #flush}).
 *
 * <p>Order: within one flush every id appears once, so its deletes and upserts do not depend on
 * each other; flushes go out one after another, each acknowledged before the next, so a row is
 * never overtaken by an earlier row of the same id.
 */
final class PointBuffer {

  /** Sends one request body of {@code points} upserts or deletes and returns once acknowledged. */
  interface Sender {
    void send(byte[] body, int points, boolean delete) throws IOException;
  }

  private static final byte[] OPEN = "{\"points\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOSE = "]}".getBytes(StandardCharsets.US_ASCII);

  /** A pending write: the point's JSON for an upsert, the id's JSON for a delete. */
  private record Pending(boolean delete, byte[] json) {}

  private final int maxPoints;
  private final long maxBytes;
  private final Sender sender;
  private final Map<PointId, Pending> pending = new LinkedHashMap<>();

  /** The body sizes the pending upserts and deletes would make. */
  private long upsertBytes = OPEN.length + CLOSE.length;

  private long deleteBytes = OPEN.length + CLOSE.length;

  PointBuffer(int maxPoints, long maxBytes, Sender sender) {
    this.maxPoints = maxPoints;
    this.maxBytes = maxBytes;
    this.sender = sender;
  }

  /** Upserts the point whose JSON is {@code pointJson} ({@code {"id", "vector", "payload"}}). */
  void upsert(PointId id, byte[] pointJson) throws IOException {
    add(id, new Pending(false, pointJson));
  }

  /** Deletes the point whose id's JSON is {@code idJson}. */
  void delete(PointId id, byte[] idJson) throws IOException {
    add(id, new Pending(true, idJson));
  }

  private void add(PointId id, Pending write) throws IOException {
    Pending replaced = pending.remove(id);
    if (replaced != null) {
      account(replaced, -1);
    }
    long body = write.delete ? deleteBytes : upsertBytes;
    boolean hasSameKind = body > OPEN.length + CLOSE.length;
    if (hasSameKind && body + 1 + write.json.length > maxBytes) {
      flush();
    }
    pending.put(id, write);
    account(write, 1);
    if (pending.size() >= maxPoints) {
      flush();
    }
  }

  private void account(Pending write, int sign) {
    long size = sign * (write.json.length + 1L);
    if (write.delete) {
      deleteBytes += size;
    } else {
      upsertBytes += size;
    }
  }

  /** Sends every pending write: the deletes, then the upserts (they hold different ids). */
  void flush() throws IOException {
    if (pending.isEmpty()) {
      return;
    }
    int deletes = 0;
    ByteArrayOutputStream deleteBody = body(deleteBytes);
    ByteArrayOutputStream upsertBody = body(upsertBytes);
    for (Pending write : pending.values()) {
      ByteArrayOutputStream out = write.delete ? deleteBody : upsertBody;
      if (out.size() > OPEN.length) {
        out.write(',');
      }
      out.write(write.json, 0, write.json.length);
      deletes += write.delete ? 1 : 0;
    }
    int upserts = pending.size() - deletes;
    clear();
    if (deletes > 0) {
      deleteBody.write(CLOSE, 0, CLOSE.length);
      sender.send(deleteBody.toByteArray(), deletes, true);
    }
    if (upserts > 0) {
      upsertBody.write(CLOSE, 0, CLOSE.length);
      sender.send(upsertBody.toByteArray(), upserts, false);
    }
  }

  private static ByteArrayOutputStream body(long size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, Integer.MAX_VALUE));
    out.write(OPEN, 0, OPEN.length);
    return out;
  }

  /** Forgets the pending writes (the task was aborted). */
  void clear() {
    pending.clear();
    upsertBytes = OPEN.length + CLOSE.length;
    deleteBytes = OPEN.length + CLOSE.length;
  }

  int size() {
    return pending.size();
  }
}
