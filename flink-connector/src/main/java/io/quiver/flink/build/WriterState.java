package io.quiver.flink.build;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * What a build writer keeps in a checkpoint: the points it has taken so far, as spill files on the
 * snapshot's file system (one per shard and checkpoint), or, once it has built and staged its
 * segments at the end of its input, only that fact (its segments then travel as a committable).
 *
 * @param subtask the writer subtask that wrote it
 * @param built whether the writer has already built its segments
 * @param spills the spill files, in the order they were written
 */
@Internal
public record WriterState(int subtask, boolean built, List<SpillFile> spills) {

  public WriterState {
    spills = List.copyOf(spills);
  }

  /**
   * One shard's points taken by one writer between two checkpoints, as {@link
   * io.quiver.flink.QuiverRecord}s in Flink's serialization.
   *
   * @param path relative to the version folder
   * @param records how many records it holds
   */
  public record SpillFile(
      int shard, long checkpoint, String path, long size, String sha256, long records) {}

  public static final class Serializer implements SimpleVersionedSerializer<WriterState> {

    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(WriterState state) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(state.subtask());
        out.writeBoolean(state.built());
        out.writeInt(state.spills().size());
        for (SpillFile s : state.spills()) {
          out.writeInt(s.shard());
          out.writeLong(s.checkpoint());
          out.writeUTF(s.path());
          out.writeLong(s.size());
          out.writeUTF(s.sha256());
          out.writeLong(s.records());
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public WriterState deserialize(int version, byte[] serialized) throws IOException {
      if (version != 1) {
        throw new IOException("quiver build: writer state version " + version + " is unknown");
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        int subtask = in.readInt();
        boolean built = in.readBoolean();
        int n = in.readInt();
        List<SpillFile> spills = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          spills.add(
              new SpillFile(
                  in.readInt(),
                  in.readLong(),
                  in.readUTF(),
                  in.readLong(),
                  in.readUTF(),
                  in.readLong()));
        }
        return new WriterState(subtask, built, spills);
      }
    }
  }
}
