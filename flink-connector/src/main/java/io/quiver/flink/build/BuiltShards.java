package io.quiver.flink.build;

import io.quiver.engine.snapshot.store.StagedSegment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The committable of a build writer: the segments it built and staged at the end of its input, one
 * per shard it owns that had points (possibly none at all).
 *
 * @param subtask the writer subtask
 * @param parallelism how many writer subtasks the build has; the version is committed when every
 *     one of them has reported
 */
@Internal
public record BuiltShards(int subtask, int parallelism, List<StagedSegment> segments) {

  public BuiltShards {
    segments = List.copyOf(segments);
  }

  public static final class Serializer implements SimpleVersionedSerializer<BuiltShards> {

    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(BuiltShards built) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        write(built, out);
      }
      return bytes.toByteArray();
    }

    static void write(BuiltShards built, DataOutputStream out) throws IOException {
      out.writeInt(built.subtask());
      out.writeInt(built.parallelism());
      out.writeInt(built.segments().size());
      for (StagedSegment s : built.segments()) {
        out.writeInt(s.shard());
        out.writeUTF(s.segmentId());
        out.writeLong(s.pointCount());
        out.writeInt(s.files().size());
        for (StagedSegment.StagedFile f : s.files()) {
          out.writeUTF(f.path());
          out.writeLong(f.size());
          out.writeUTF(f.sha256());
        }
        out.writeInt(s.dimensions().size());
        for (Map.Entry<String, Integer> e : s.dimensions().entrySet()) {
          out.writeUTF(e.getKey());
          out.writeInt(e.getValue());
        }
      }
    }

    @Override
    public BuiltShards deserialize(int version, byte[] serialized) throws IOException {
      if (version != 1) {
        throw new IOException("quiver build: committable version " + version + " is unknown");
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        return read(in);
      }
    }

    static BuiltShards read(DataInputStream in) throws IOException {
      int subtask = in.readInt();
      int parallelism = in.readInt();
      int n = in.readInt();
      List<StagedSegment> segments = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int shard = in.readInt();
        String id = in.readUTF();
        long points = in.readLong();
        int files = in.readInt();
        List<StagedSegment.StagedFile> list = new ArrayList<>(files);
        for (int j = 0; j < files; j++) {
          list.add(new StagedSegment.StagedFile(in.readUTF(), in.readLong(), in.readUTF()));
        }
        int dims = in.readInt();
        Map<String, Integer> dimensions = new LinkedHashMap<>();
        for (int j = 0; j < dims; j++) {
          dimensions.put(in.readUTF(), in.readInt());
        }
        segments.add(new StagedSegment(shard, id, points, list, dimensions));
      }
      return new BuiltShards(subtask, parallelism, segments);
    }
  }
}
