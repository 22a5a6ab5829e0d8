package io.quiver.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under the scheme {@code qtestfs}, standing in for HDFS or S3A: the connector takes
 * no local-disk shortcut (hard links, opening segments in place) for it, so tests reach the code
 * paths a remote file system uses (rename to publish, streamed copies, downloads before reading).
 */
public final class TestFileSystem extends RawLocalFileSystem {

  public static final String SCHEME = "qtestfs";

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }
}
