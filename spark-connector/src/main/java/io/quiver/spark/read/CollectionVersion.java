package io.quiver.spark.read;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.snapshot.InvalidSnapshotException;
import io.quiver.engine.snapshot.ManifestCodec;
import io.quiver.engine.snapshot.SnapshotManifest;
import io.quiver.engine.snapshot.store.CollectionLayout;
import io.quiver.engine.snapshot.store.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One committed version of a collection as a read sees it: its manifest and the DataFrame schema it
 * gives. The schema is {@code id} (long, or string with {@code id_type=string}), one {@code
 * array<float>} column per vector ({@code vector} for the unnamed one, else the vector's name) and
 * {@code payload}, the point's payload as a JSON string (use {@code from_json} to type it). Vectors
 * read back as stored: unit length for Cosine collections.
 */
final class CollectionVersion {

  static final String ID = "id";
  static final String PAYLOAD = "payload";
  static final String UNNAMED_VECTOR = "vector";

  final CollectionLayout layout;
  final SnapshotManifest manifest;
  final List<String> vectorNames;

  private CollectionVersion(
      CollectionLayout layout, SnapshotManifest manifest, List<String> vectorNames) {
    this.layout = layout;
    this.manifest = manifest;
    this.vectorNames = vectorNames;
  }

  /** Reads the manifest of the version the options ask for. */
  static CollectionVersion open(ReadOptions options, Configuration conf) throws IOException {
    CollectionLayout layout = new CollectionLayout(options.path, options.collection);
    FileSystem fs = HadoopFiles.fileSystem(options.path, conf);
    long version;
    if (options.asOfVersion != null) {
      version = options.asOfVersion;
      if (!fs.exists(layout.manifest(version))) {
        throw new IllegalArgumentException(
            "version " + version + " of " + layout + " is not committed (no manifest.json)");
      }
    } else {
      OptionalLong latest = layout.latestCommitted(fs);
      if (latest.isEmpty()) {
        throw new IllegalArgumentException(
            "no committed version of collection '"
                + options.collection
                + "' under "
                + options.path
                + " (no v<k>/manifest.json in "
                + layout
                + ")");
      }
      version = latest.getAsLong();
    }
    SnapshotManifest manifest;
    try {
      manifest = ManifestCodec.decode(HadoopFiles.readAll(fs, layout.manifest(version)));
    } catch (InvalidSnapshotException e) {
      throw new IOException(layout.manifest(version) + ": " + e.getMessage(), e);
    }
    ObjectNode config = manifest.config();
    config.remove("payload_schema");
    List<String> names = new ArrayList<>(CollectionConfig.fromJson(config).vectors().keySet());
    for (String name : names) {
      if (name.equals(ID) || name.equals(PAYLOAD)) {
        throw new IllegalArgumentException(
            "vector '" + name + "' of " + layout + " would clash with the " + name + " column");
      }
    }
    return new CollectionVersion(layout, manifest, names);
  }

  static String column(String vectorName) {
    return vectorName.isEmpty() ? UNNAMED_VECTOR : vectorName;
  }

  StructType schema(boolean stringIds) {
    List<StructField> fields = new ArrayList<>();
    fields.add(
        DataTypes.createStructField(
            ID, stringIds ? DataTypes.StringType : DataTypes.LongType, false));
    for (String name : vectorNames) {
      fields.add(
          DataTypes.createStructField(
              column(name), DataTypes.createArrayType(DataTypes.FloatType, false), false));
    }
    fields.add(DataTypes.createStructField(PAYLOAD, DataTypes.StringType, false));
    return DataTypes.createStructType(fields);
  }
}
