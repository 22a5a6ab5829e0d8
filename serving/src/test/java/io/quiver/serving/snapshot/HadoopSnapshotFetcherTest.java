package io.quiver.serving.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.cluster.local.LocalCollectionService;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.snapshot.SnapshotArchive;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery through a Hadoop FileSystem other than {@code file:}: a test filesystem under the scheme
 * {@code testfs} (the local disk behind Hadoop's FileSystem API), standing in for HDFS or S3A.
 */
class HadoopSnapshotFetcherTest {

  /** The local filesystem, registered under its own scheme so nothing takes the file: shortcut. */
  public static final class TestFileSystem extends RawLocalFileSystem {
    @Override
    public URI getUri() {
      return URI.create("testfs:///");
    }

    @Override
    public String getScheme() {
      return "testfs";
    }
  }

  @TempDir Path tmp;

  private static Configuration conf() {
    Configuration conf = new Configuration(false);
    conf.set("fs.testfs.impl", TestFileSystem.class.getName());
    conf.setBoolean("fs.testfs.impl.disable.cache", true);
    return conf;
  }

  private Path snapshot(int points) throws Exception {
    CollectionConfig config =
        CollectionConfig.fromJson(
            new ObjectMapper().readTree("{\"vectors\": {\"size\": 4, \"distance\": \"Euclid\"}}"));
    Random random = new Random(5);
    try (QuiverCollection c = QuiverCollection.create(tmp.resolve("source"), config)) {
      List<Point> batch = new ArrayList<>();
      for (int i = 0; i < points; i++) {
        float[] v = {
          random.nextFloat(), random.nextFloat(), random.nextFloat(), random.nextFloat()
        };
        batch.add(Point.of(PointId.of(i), v, null));
      }
      c.upsert(batch, true);
      c.optimize();
      Path dir = tmp.resolve("published/v1");
      c.snapshot(dir);
      return dir;
    }
  }

  @Test
  void recoversASnapshotFolderAndASnapshotFileFromAHadoopUri() throws Exception {
    Path dir = snapshot(300);
    Path file = tmp.resolve("published/docs.snapshot");
    try (OutputStream out = Files.newOutputStream(file)) {
      SnapshotArchive.pack(dir, out);
    }
    Files.writeString(dir.resolve("stray.txt"), "not listed, not copied");
    HadoopSnapshotFetcher fetcher = new HadoopSnapshotFetcher(conf());
    URI folder = URI.create("testfs://" + dir.toAbsolutePath());
    URI archive = URI.create("testfs://" + file.toAbsolutePath());
    assertTrue(fetcher.handles(folder));
    assertFalse(fetcher.handles(URI.create("nosuchfs:///x")));

    Path fetched = fetcher.fetch(folder, Files.createDirectories(tmp.resolve("fetch")));
    assertFalse(Files.exists(fetched.resolve("stray.txt")));

    try (LocalCollectionService service =
        LocalCollectionService.open(tmp.resolve("storage"), List.of(fetcher))) {
      assertEquals(1, service.recoverSnapshot("docs", folder, null).version());
      assertEquals(300, service.count("docs", null));
      assertEquals(2, service.recoverSnapshot("docs", archive, null).version());
      assertEquals(300, service.count("docs", null));

      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  service.recoverSnapshot(
                      "docs", URI.create("testfs://" + tmp.resolve("nowhere")), null));
      assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  service.recoverSnapshot(
                      "docs", URI.create("testfs://" + tmp.resolve("published")), null));
      assertTrue(e.getMessage().contains("without a manifest.json"), e.getMessage());
      assertEquals(300, service.count("docs", null));
    }
  }
}
