package io.quiver.engine.shard;

import io.quiver.engine.point.PointId;
import io.quiver.engine.store.AtomicFileWriter;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.FileFormat;
import io.quiver.engine.store.StreamingFileReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last external version a shard applied per point id, for versioned writes ({@code
 * Operation.Versioned}). Versions are unsigned 64-bit numbers and compare unsigned. An entry whose
 * id has no live point is that id's tombstone: it keeps an older upsert from bringing a deleted
 * point back.
 *
 * <p>Like {@code DeletedPoints}, the table keeps the changes made since the last checkpoint with
 * their operation sequences, so that a checkpoint at sequence {@code s} can write the table exactly
 * as of {@code s} while operations after {@code s} are already applied ({@link #writeAsOf}, then
 * {@link #forgetChangesUpTo}); the log replayed after {@code s} re-applies the rest.
 *
 * <p>Memory: an open-addressing table (linear probing) over parallel arrays, kind {@code byte} and
 * id high, id low and version {@code long}: 25 bytes per slot, at most 3/4 of the slots used, so 33
 * to 67 bytes per id. Measured with one million numeric ids (2^21 slots, JDK 17, G1): 67 bytes per
 * id, G1 rounding the large arrays up to whole regions; a {@code HashMap<PointId, Long>} of the
 * same ids took 101. Each change since the last checkpoint costs about 80 bytes more (its record
 * and id) until the next checkpoint forgets it. Not thread-safe: the shard uses it under its write
 * mutex.
 *
 * <p>Cost on disk: a checkpoint rewrites the whole file (25 bytes per id) when the table changed
 * since the last one, under the shard's write mutex as the deleted-points files are written; a
 * checkpoint without versioned writes since the last one keeps the file it has. Delta files would
 * be the next step should that show in write latency for tables of many millions of ids.
 *
 * <p>File {@code versions-<sequence>.qv} in the shard folder (format {@value #FORMAT}, version 1,
 * little-endian), inside {@code FileFormat}'s header (segment id all zero) and CRC footer:
 *
 * <pre>
 * count    int64, the number of entries
 * entries  count x { kind uint8 (0 = numeric id, 1 = UUID), high int64 (0 for a numeric id),
 *                    low int64, version int64 }, in no particular order, no id twice
 * </pre>
 */
final class VersionTable {

  static final String FORMAT = "quiver.versions";
  static final int VERSION = 1;
  static final String FILE_PREFIX = "versions-";
  private static final int ENTRY_BYTES = 1 + 8 + 8 + 8;

  private static final byte EMPTY = 0;
  private static final byte NUMERIC = 1;
  private static final byte UUID = 2;

  private byte[] kinds;
  private long[] highs;
  private long[] lows;
  private long[] versions;
  private int mask;
  private int size;

  /** Changes since the last checkpoint, in sequence order. */
  private List<Change> changes = new ArrayList<>();

  /** One change: the entry of an id as it was before the operation at {@code sequence}. */
  private record Change(long sequence, PointId id, boolean existed, long previous) {}

  VersionTable() {
    this(16);
  }

  private VersionTable(int capacity) {
    kinds = new byte[capacity];
    highs = new long[capacity];
    lows = new long[capacity];
    versions = new long[capacity];
    mask = capacity - 1;
  }

  /** The file name of a table checkpointed at {@code sequence}. */
  static String fileName(long sequence) {
    return FILE_PREFIX + sequence + ".qv";
  }

  /** Whether a version {@code sent} is stale against {@code stored}: not newer, unsigned. */
  static boolean isStale(long stored, long sent) {
    return Long.compareUnsigned(stored, sent) >= 0;
  }

  int size() {
    return size;
  }

  /** The slot holding {@code id}, or -1. */
  int slotOf(PointId id) {
    int slot = find(kind(id), id.high(), id.low());
    return slot >= 0 ? slot : -1;
  }

  /** The version in {@code slot} (from {@link #slotOf}). */
  long versionAt(int slot) {
    return versions[slot];
  }

  /** Records {@code version} for {@code id}, changed by the operation at {@code sequence}. */
  void put(PointId id, long version, long sequence) {
    byte kind = kind(id);
    int slot = find(kind, id.high(), id.low());
    if (slot >= 0) {
      changes.add(new Change(sequence, id, true, versions[slot]));
      versions[slot] = version;
      return;
    }
    changes.add(new Change(sequence, id, false, 0));
    insert(kind, id.high(), id.low(), version);
  }

  /** Removes the entry of {@code id}, if any, by the operation at {@code sequence}. */
  void remove(PointId id, long sequence) {
    int slot = find(kind(id), id.high(), id.low());
    if (slot < 0) {
      return;
    }
    changes.add(new Change(sequence, id, true, versions[slot]));
    removeSlot(slot);
  }

  /** Receives the entries of a table. */
  @FunctionalInterface
  interface EntryConsumer {
    void accept(PointId id, long version);
  }

  /** Calls {@code action} for each entry, in slot order. */
  void forEach(EntryConsumer action) {
    for (int i = 0; i < kinds.length; i++) {
      if (kinds[i] != EMPTY) {
        action.accept(idAt(i), versions[i]);
      }
    }
  }

  /** A copy of the current entries, without the changes. */
  VersionTable copy() {
    VersionTable copy = new VersionTable(kinds.length);
    copy.kinds = kinds.clone();
    copy.highs = highs.clone();
    copy.lows = lows.clone();
    copy.versions = versions.clone();
    copy.size = size;
    return copy;
  }

  /** Takes the newer version (unsigned) of each id in {@code other}; records no changes. */
  void mergeNewest(VersionTable other) {
    other.forEach(
        (id, version) -> {
          byte kind = kind(id);
          int slot = find(kind, id.high(), id.low());
          if (slot < 0) {
            insert(kind, id.high(), id.low(), version);
          } else if (!isStale(versions[slot], version)) {
            versions[slot] = version;
          }
        });
  }

  /** Whether an operation at or before {@code sequence} changed the table since the checkpoint. */
  boolean changedUpTo(long sequence) {
    return !changes.isEmpty() && changes.get(0).sequence() <= sequence;
  }

  /**
   * The entries as of {@code sequence}: the current ones with every change after {@code sequence}
   * undone. Returns the ids whose entry differs, with their entry then (null: none).
   */
  private Map<PointId, Long> undoneAfter(long sequence) {
    Map<PointId, Long> asOf = new HashMap<>();
    for (Change c : changes) {
      // The first change of an id after the sequence holds its entry as of the sequence.
      if (c.sequence() > sequence && !asOf.containsKey(c.id())) {
        asOf.put(c.id(), c.existed() ? c.previous() : null);
      }
    }
    return asOf;
  }

  /**
   * Writes the entries as of {@code sequence} to {@code file} and changes nothing here; returns how
   * many there are.
   */
  long writeAsOf(Path file, long sequence) throws IOException {
    // Slots whose entry differs as of the sequence, with that entry (null: none then); and the
    // entries of ids removed after the sequence, which have no slot now.
    BitSet differs = new BitSet();
    Map<Integer, Long> atSlot = new HashMap<>();
    List<PointId> removedIds = new ArrayList<>();
    List<Long> removedVersions = new ArrayList<>();
    long count = size;
    for (Map.Entry<PointId, Long> e : undoneAfter(sequence).entrySet()) {
      int slot = slotOf(e.getKey());
      if (slot >= 0) {
        differs.set(slot);
        atSlot.put(slot, e.getValue());
        count -= e.getValue() == null ? 1 : 0;
      } else if (e.getValue() != null) {
        removedIds.add(e.getKey());
        removedVersions.add(e.getValue());
        count++;
      }
    }
    long written = 0;
    try (AtomicFileWriter out =
        new AtomicFileWriter(file, FORMAT, VERSION, new byte[FileFormat.SEGMENT_ID_LENGTH])) {
      out.writeLong(count);
      for (int i = 0; i < kinds.length; i++) {
        if (kinds[i] == EMPTY) {
          continue;
        }
        long version = versions[i];
        if (differs.get(i)) {
          Long then = atSlot.get(i);
          if (then == null) {
            continue;
          }
          version = then;
        }
        writeEntry(out, kinds[i], highs[i], lows[i], version);
        written++;
      }
      for (int i = 0; i < removedIds.size(); i++) {
        PointId id = removedIds.get(i);
        writeEntry(out, kind(id), id.high(), id.low(), removedVersions.get(i));
        written++;
      }
      assert written == count : written + " entries written, " + count + " counted";
      out.commit();
    }
    return written;
  }

  /** Forgets the changes at or before {@code sequence} (their state is on disk). */
  void forgetChangesUpTo(long sequence) {
    changes.removeIf(c -> c.sequence() <= sequence);
    if (changes.isEmpty()) {
      changes = new ArrayList<>(); // let the grown backing array go
    }
  }

  private static void writeEntry(AtomicFileWriter out, byte kind, long high, long low, long version)
      throws IOException {
    out.writeByte(kind == UUID ? 1 : 0).writeLong(high).writeLong(low).writeLong(version);
  }

  /** Reads a table file; anything damaged or inconsistent fails naming the file. */
  static VersionTable read(Path file) throws IOException {
    try (StreamingFileReader in = StreamingFileReader.open(file, FORMAT, VERSION, VERSION)) {
      long count = in.readLong();
      if (count < 0 || count > Integer.MAX_VALUE || in.remaining() != count * ENTRY_BYTES) {
        throw new CorruptFileException(
            file,
            "version table says "
                + count
                + " entries, its body holds "
                + in.remaining()
                + " bytes of entries");
      }
      VersionTable table = new VersionTable(capacityFor((int) count));
      for (long i = 0; i < count; i++) {
        int kind = in.readByte();
        long high = in.readLong();
        long low = in.readLong();
        long version = in.readLong();
        if (kind > 1 || (kind == 0 && high != 0)) {
          throw new CorruptFileException(file, "entry " + i + " holds no valid point id");
        }
        byte k = kind == 1 ? UUID : NUMERIC;
        if (table.find(k, high, low) >= 0) {
          throw new CorruptFileException(
              file, "point id " + PointId.fromParts(kind == 1, high, low) + " appears twice");
        }
        table.insert(k, high, low, version);
      }
      in.finish();
      return table;
    }
  }

  // ---------------------------------------------------------------- open addressing

  private static byte kind(PointId id) {
    return id.isUuid() ? UUID : NUMERIC;
  }

  private PointId idAt(int slot) {
    return PointId.fromParts(kinds[slot] == UUID, highs[slot], lows[slot]);
  }

  private static int capacityFor(int entries) {
    int capacity = 16;
    while (capacity - capacity / 4 < entries + 1) {
      capacity <<= 1;
    }
    return capacity;
  }

  private int home(byte kind, long high, long low) {
    long h = high * 0x9E3779B97F4A7C15L + low + kind;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h & mask;
  }

  /** The slot of the key, or {@code -(free slot) - 1} where it would go. */
  private int find(byte kind, long high, long low) {
    int i = home(kind, high, low);
    while (kinds[i] != EMPTY) {
      if (kinds[i] == kind && lows[i] == low && highs[i] == high) {
        return i;
      }
      i = (i + 1) & mask;
    }
    return -i - 1;
  }

  private void insert(byte kind, long high, long low, long version) {
    if (size + 1 > kinds.length - kinds.length / 4) {
      grow();
    }
    int slot = -find(kind, high, low) - 1;
    kinds[slot] = kind;
    highs[slot] = high;
    lows[slot] = low;
    versions[slot] = version;
    size++;
  }

  private void grow() {
    byte[] oldKinds = kinds;
    long[] oldHighs = highs;
    long[] oldLows = lows;
    long[] oldVersions = versions;
    int capacity = oldKinds.length * 2;
    kinds = new byte[capacity];
    highs = new long[capacity];
    lows = new long[capacity];
    versions = new long[capacity];
    mask = capacity - 1;
    for (int i = 0; i < oldKinds.length; i++) {
      if (oldKinds[i] != EMPTY) {
        int slot = -find(oldKinds[i], oldHighs[i], oldLows[i]) - 1;
        kinds[slot] = oldKinds[i];
        highs[slot] = oldHighs[i];
        lows[slot] = oldLows[i];
        versions[slot] = oldVersions[i];
      }
    }
  }

  /**
   * Empties {@code slot}, moving later entries of its probe run back so that every entry stays
   * reachable from its home slot without tombstone markers (Knuth's algorithm R).
   */
  private void removeSlot(int slot) {
    int free = slot;
    for (int j = (free + 1) & mask; kinds[j] != EMPTY; j = (j + 1) & mask) {
      int home = home(kinds[j], highs[j], lows[j]);
      // The entry at j may move to the free slot unless its home lies cyclically in (free, j].
      boolean homeBetween = free <= j ? free < home && home <= j : free < home || home <= j;
      if (!homeBetween) {
        kinds[free] = kinds[j];
        highs[free] = highs[j];
        lows[free] = lows[j];
        versions[free] = versions[j];
        free = j;
      }
    }
    kinds[free] = EMPTY;
    highs[free] = 0;
    lows[free] = 0;
    versions[free] = 0;
    size--;
  }
}
