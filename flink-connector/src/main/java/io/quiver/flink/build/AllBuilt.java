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
 * The build's committable: what every writer built, gathered into one, so that one commit lists
 * every segment of the version.
 */
@Internal
public record AllBuilt(List<BuiltShards> writers) {

  public AllBuilt {
    writers = List.copyOf(writers);
  }

  public static final class Serializer implements SimpleVersionedSerializer<AllBuilt> {

    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(AllBuilt all) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        write(all.writers(), out);
      }
      return bytes.toByteArray();
    }

    static void write(List<BuiltShards> writers, DataOutputStream out) throws IOException {
      out.writeInt(writers.size());
      for (BuiltShards b : writers) {
        BuiltShards.Serializer.write(b, out);
      }
    }

    static List<BuiltShards> read(DataInputStream in) throws IOException {
      int n = in.readInt();
      List<BuiltShards> writers = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        writers.add(BuiltShards.Serializer.read(in));
      }
      return writers;
    }

    @Override
    public AllBuilt deserialize(int version, byte[] serialized) throws IOException {
      if (version != 1) {
        throw new IOException("quiver build: committable version " + version + " is unknown");
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        return new AllBuilt(read(in));
      }
    }
  }
}
