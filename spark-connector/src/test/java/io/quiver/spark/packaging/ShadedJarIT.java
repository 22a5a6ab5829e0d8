package io.quiver.spark.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the shaded connector jar holds: Quiver's classes and the engine's libraries relocated under
 * {@code io.quiver.shaded}, nothing else; no reference left to a library's original package; the
 * data source registration; licences.
 */
class ShadedJarIT {

  /** The engine's libraries, relocated to {@code io/quiver/shaded/<the same path>}. */
  private static final List<String> RELOCATED =
      List.of("com/fasterxml/jackson", "net/jpountz", "org/roaringbitmap");

  private static final Pattern VERSIONED = Pattern.compile("^META-INF/versions/\\d+/");

  private static JarFile jar;

  @BeforeAll
  static void open() throws IOException {
    jar = new JarFile(PackagingBuild.shadedJar().toFile());
  }

  @AfterAll
  static void close() throws IOException {
    jar.close();
  }

  @Test
  void registersTheGpuAcceleratorForServiceLoader() throws IOException {
    JarEntry services =
        jar.getJarEntry("META-INF/services/io.quiver.engine.accel.AcceleratorProvider");
    assertTrue(services != null, "no accelerator provider registered");
    try (var in = jar.getInputStream(services)) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(text.contains("io.quiver.gpu.CudaAcceleratorProvider"), text);
    }
  }

  @Test
  void holdsOnlyQuiverClassesAndTheRelocatedLibraries() {
    List<String> outside = new ArrayList<>();
    int[] perLibrary = new int[RELOCATED.size()];
    int quiver = 0;
    int jcuda = 0;
    for (JarEntry entry : Collections.list(jar.entries())) {
      String name = VERSIONED.matcher(entry.getName()).replaceFirst("");
      if (!name.endsWith(".class")) {
        continue;
      }
      if (name.startsWith("io/quiver/engine/")
          || name.startsWith("io/quiver/spark/")
          || name.startsWith("io/quiver/gpu/")) {
        quiver++;
      } else if (name.startsWith("jcuda/")) {
        jcuda++;
      } else if (name.startsWith("io/quiver/shaded/")) {
        for (int i = 0; i < RELOCATED.size(); i++) {
          if (name.startsWith("io/quiver/shaded/" + RELOCATED.get(i) + "/")) {
            perLibrary[i]++;
          }
        }
      } else {
        outside.add(entry.getName());
      }
    }
    assertEquals(List.of(), outside, "classes neither Quiver's nor relocated");
    assertTrue(quiver > 100, "connector and engine classes: " + quiver);
    for (int i = 0; i < RELOCATED.size(); i++) {
      assertTrue(perLibrary[i] > 0, "no relocated classes of " + RELOCATED.get(i));
    }
    // jcuda is the one library left where it was: its JNI symbols name its packages.
    assertTrue(jcuda > 10, "jcuda classes: " + jcuda);
    // lz4-java's JNI libraries cannot bind to relocated classes (their symbols name
    // net.jpountz); jcuda's driver, runtime and NVRTC bindings are the only native code.
    assertEquals(
        List.of(
            "lib/libJCudaDriver-12.6.0-linux-x86_64.so",
            "lib/libJCudaRuntime-12.6.0-linux-x86_64.so",
            "lib/libJNvrtc-12.6.0-linux-x86_64.so"),
        Collections.list(jar.entries()).stream()
            .map(JarEntry::getName)
            .filter(name -> name.endsWith(".so") || name.endsWith(".dylib"))
            .sorted()
            .toList());
  }

  @Test
  void noClassRefersToARelocatedLibraryByItsOriginalName() throws IOException {
    List<String> found = new ArrayList<>();
    for (JarEntry entry : Collections.list(jar.entries())) {
      if (!entry.getName().endsWith(".class")) {
        continue;
      }
      byte[] bytes = jar.getInputStream(entry).readAllBytes();
      for (String constant : ConstantPool.utf8(bytes)) {
        if (refersToOriginal(constant)) {
          found.add(entry.getName() + ": " + constant);
        }
      }
    }
    assertEquals(List.of(), found);
  }

  /**
   * A class name, a reflective name or a descriptor that starts with, or names a type of, an
   * original package. Messages that merely mention one in passing are fine.
   */
  private static boolean refersToOriginal(String constant) {
    for (String path : RELOCATED) {
      if (constant.startsWith(path + "/")
          || constant.startsWith(path.replace('/', '.') + ".")
          || constant.contains("L" + path + "/")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void registersTheDataSourceAndRelocatesJacksonsServiceFiles() throws IOException {
    assertEquals(
        "io.quiver.spark.QuiverDataSource",
        text("META-INF/services/org.apache.spark.sql.sources.DataSourceRegister").trim());
    assertEquals(
        "io.quiver.shaded.com.fasterxml.jackson.core.JsonFactory",
        text("META-INF/services/io.quiver.shaded.com.fasterxml.jackson.core.JsonFactory").trim());
    List<String> services =
        Collections.list(jar.entries()).stream()
            .map(JarEntry::getName)
            .filter(name -> name.startsWith("META-INF/services/com.fasterxml"))
            .toList();
    assertEquals(List.of(), services, "service files under their original names");
  }

  @Test
  void keepsLicencesAndIsMultiRelease() throws IOException {
    assertTrue(text("META-INF/LICENSE").contains("Apache License"));
    assertTrue(text("META-INF/NOTICE").contains("Jackson"));
    assertNotNull(jar.getEntry("META-INF/FastDoubleParser-LICENSE"));
    // Jackson's and RoaringBitmap's Java 11+ class variants are only seen in a multi-release jar.
    assertEquals("true", jar.getManifest().getMainAttributes().getValue("Multi-Release"));
    assertNotNull(
        jar.getEntry("META-INF/versions/11/io/quiver/shaded/org/roaringbitmap/ArraysShim.class"));
  }

  private static String text(String entry) throws IOException {
    JarEntry found = jar.getJarEntry(entry);
    assertNotNull(found, entry);
    return new String(jar.getInputStream(found).readAllBytes(), StandardCharsets.UTF_8);
  }
}
