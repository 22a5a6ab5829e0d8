package io.quiver.flink.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar holds the connector and its libraries relocated under {@code io.quiver.shaded}: no
 * class outside {@code io/quiver/} but flink-connector-base's, grpc's provider files and Netty's
 * native transports renamed with them. {@link FlinkClusterIT} runs it on a plain Flink cluster.
 */
class ShadedJarIT {

  private static JarFile jar() throws IOException {
    return new JarFile(Path.of(System.getProperty("quiver.shadedJar")).toFile());
  }

  @Test
  void everyClassIsOursOrRelocatedOrFlinkConnectorBase() throws IOException {
    List<String> outside = new ArrayList<>();
    try (JarFile jar = jar()) {
      jar.stream()
          .map(ZipEntry::getName)
          .filter(n -> n.endsWith(".class"))
          .map(n -> n.replaceFirst("^META-INF/versions/\\d+/", ""))
          .filter(
              n -> !n.startsWith("io/quiver/") && !n.startsWith("org/apache/flink/connector/base/"))
          .forEach(outside::add);
      assertEquals(List.of(), outside);
      assertTrue(jar.getEntry("io/quiver/flink/QuiverSink.class") != null);
      assertTrue(jar.getEntry("io/quiver/shaded/io/qdrant/client/grpc/Points.class") != null);
    }
  }

  /**
   * The bounded build's engine travels with its libraries relocated, lz4-java without the JNI
   * libraries that cannot bind to the relocated names, and without Hadoop, which a Flink job adds.
   */
  @Test
  void theBoundedBuildHasTheEngineButNotHadoop() throws IOException {
    try (JarFile jar = jar()) {
      for (String cls :
          List.of(
              "io/quiver/flink/build/QuiverBuildSink.class",
              "io/quiver/engine/segment/SegmentBuilder.class",
              "io/quiver/engine/snapshot/store/VersionCommit.class",
              "io/quiver/shaded/net/jpountz/lz4/LZ4Factory.class",
              "io/quiver/shaded/org/roaringbitmap/RoaringBitmap.class")) {
        assertTrue(jar.getEntry(cls) != null, cls);
      }
      assertTrue(
          jar.stream().noneMatch(e -> e.getName().startsWith("net/jpountz/util/")),
          "lz4-java's JNI libraries");
      assertTrue(jar.stream().noneMatch(e -> e.getName().contains("org/apache/hadoop/")), "Hadoop");
    }
  }

  @Test
  void flinkFindsTheTableFactoryAndNoTableClassIsBundled() throws IOException {
    try (JarFile jar = jar()) {
      ZipEntry factories =
          jar.getEntry("META-INF/services/org.apache.flink.table.factories.Factory");
      assertTrue(factories != null, "the table factory's service file");
      try (InputStream in = jar.getInputStream(factories)) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("io.quiver.flink.table.QuiverDynamicTableSinkFactory", text.trim());
      }
      assertTrue(
          jar.stream().noneMatch(e -> e.getName().startsWith("org/apache/flink/table/")),
          "Flink's table classes are provided, not bundled");
    }
  }

  @Test
  void grpcFindsItsRelocatedTransportAndNativeLibraries() throws IOException {
    try (JarFile jar = jar()) {
      ZipEntry providers =
          jar.getEntry("META-INF/services/io.quiver.shaded.io.grpc.ManagedChannelProvider");
      assertTrue(providers != null, "relocated ManagedChannelProvider service file");
      try (InputStream in = jar.getInputStream(providers)) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(
            text.contains(
                "io.quiver.shaded.io.grpc.netty.shaded.io.grpc.netty.NettyChannelProvider"),
            text);
      }
      assertTrue(
          jar.getEntry(
                  "META-INF/native/libio_quiver_shaded_io_grpc_netty_shaded_netty_transport_native_epoll_x86_64.so")
              != null,
          "epoll renamed with its relocated classes");
      assertTrue(
          jar.stream().noneMatch(e -> e.getName().startsWith("META-INF/native/libio_grpc_")),
          "no native library under its old name");
    }
  }
}
