package io.quiver.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One plain node for every test class that asks for it with {@code @ExtendWith(SharedNode.class)}
 * and a {@link TestNode} parameter (each class uses its own collections): a node takes a few
 * seconds to stop (its graceful shutdown), which adds up over the classes. JUnit closes it, and
 * deletes its storage, when the whole run ends.
 */
final class SharedNode implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestNode.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return get(context);
  }

  private static final class Started implements ExtensionContext.Store.CloseableResource {
    private final Path storage;
    private final TestNode node;

    Started() throws IOException {
      storage = Files.createTempDirectory("quiver-flink-test");
      node = TestNode.start(storage.resolve("node"));
    }

    @Override
    public void close() throws IOException {
      node.close();
      try (Stream<Path> files = Files.walk(storage)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** The shared node, started on first use. */
  private static TestNode get(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            Started.class,
            k -> {
              try {
                return new Started();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            Started.class)
        .node;
  }
}
