package io.quiver.flink.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.segment.SegmentMeta;
import io.quiver.engine.snapshot.store.CollectionLayout;
import io.quiver.engine.snapshot.store.HadoopFiles;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * What one bounded build writes, fixed when the sink is built: where (root, collection, version),
 * under which build id, with which collection config, and whom to tell afterwards.
 *
 * @param root the snapshot root, any Hadoop FileSystem URI
 * @param version the version this build writes; taken above every version folder at build time
 * @param buildId names the build's staging folder and the manifest's job id
 * @param configJson the collection config (Qdrant's create-collection JSON)
 * @param payloadIndexes payload field key to index schema
 * @param threads HNSW build threads per writer subtask
 * @param localDir where writers build segments and spill; null: {@code java.io.tmpdir}
 * @param hadoopConf entries set on a fresh Hadoop {@link Configuration}
 * @param publish the REST address of a node to publish the version to, or null
 */
record BuildSpec(
    String root,
    String collection,
    long version,
    String buildId,
    int shards,
    String configJson,
    Map<String, String> payloadIndexes,
    int threads,
    String localDir,
    Map<String, String> hadoopConf,
    String publish,
    String apiKey,
    Duration publishTimeout)
    implements Serializable {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  BuildSpec {
    payloadIndexes = Map.copyOf(payloadIndexes);
    hadoopConf = Map.copyOf(hadoopConf);
  }

  CollectionConfig config() {
    try {
      return CollectionConfig.fromJson(MAPPER.readTree(configJson));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The config as the manifest records it: the create-collection JSON and payload_schema. */
  ObjectNode manifestConfig() {
    ObjectNode out = config().toJson();
    ObjectNode schema = out.putObject("payload_schema");
    new java.util.TreeMap<>(payloadIndexes).forEach(schema::put);
    return out;
  }

  List<SegmentMeta.IndexedField> indexedFields() {
    List<SegmentMeta.IndexedField> out = new ArrayList<>();
    new java.util.TreeMap<>(payloadIndexes)
        .forEach((k, v) -> out.add(new SegmentMeta.IndexedField(k, v)));
    return out;
  }

  CollectionLayout layout() {
    return new CollectionLayout(root, collection);
  }

  FileSystem fileSystem() throws IOException {
    Configuration conf = new Configuration();
    hadoopConf.forEach(conf::set);
    return HadoopFiles.fileSystem(root, conf);
  }
}
