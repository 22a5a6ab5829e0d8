package io.quiver.serving.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.ContentDisposition;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.Put;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.NotFoundException;
import io.quiver.cluster.SnapshotDescription;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * Qdrant's collection snapshot endpoints over REST: create, list, download (streamed from the
 * file), delete, and recover from a location. A location is a local path, a {@code file:} URI or
 * any URI a configured snapshot fetcher reads (a Hadoop FileSystem: {@code hdfs://}, {@code
 * s3a://}, ...): that is how a Spark-built snapshot gets in. Every call waits for the work to
 * finish, whatever {@code ?wait} says.
 */
public final class SnapshotsRestApi {
  private static final String C = "/collections/{collection_name}";
  private static final DateTimeFormatter QDRANT_TIME =
      DateTimeFormatter.ISO_LOCAL_DATE_TIME.withZone(ZoneOffset.UTC);
  private static final Set<String> PRIORITIES = Set.of("no_sync", "snapshot", "replica");

  private final CollectionService collections;

  SnapshotsRestApi(CollectionService collections) {
    this.collections = collections;
  }

  /** Qdrant's {@code SnapshotDescription}; the time is UTC without a zone, as Qdrant writes it. */
  record Description(String name, String creationTime, long size, String checksum) {
    static Description of(SnapshotDescription d) {
      String time =
          d.creationTime() == null
              ? null
              : QDRANT_TIME.format(d.creationTime().truncatedTo(ChronoUnit.SECONDS));
      return new Description(d.name(), time, d.size(), d.checksum());
    }
  }

  @Post(C + "/snapshots")
  public Description create(ServiceRequestContext ctx, @Param("collection_name") String collection)
      throws IOException {
    ctx.clearRequestTimeout();
    return Description.of(collections.createSnapshot(collection));
  }

  @Get(C + "/snapshots")
  public List<Description> list(@Param("collection_name") String collection) throws IOException {
    return collections.listSnapshots(collection).stream().map(Description::of).toList();
  }

  @Get(C + "/snapshots/{snapshot_name}")
  public HttpResponse download(
      ServiceRequestContext ctx,
      @Param("collection_name") String collection,
      @Param("snapshot_name") String snapshot)
      throws IOException {
    ctx.clearRequestTimeout();
    Path file = collections.snapshotFile(collection, snapshot);
    ResponseHeaders headers =
        ResponseHeaders.builder(HttpStatus.OK)
            .contentType(MediaType.OCTET_STREAM)
            .contentLength(Files.size(file))
            .contentDisposition(
                ContentDisposition.builder("attachment")
                    .filename(file.getFileName().toString())
                    .build())
            .build();
    return HttpResponse.of(headers, StreamMessage.of(file));
  }

  @Delete(C + "/snapshots/{snapshot_name}")
  public boolean delete(
      @Param("collection_name") String collection, @Param("snapshot_name") String snapshot)
      throws IOException {
    if (!collections.deleteSnapshot(collection, snapshot)) {
      throw new NotFoundException(
          "snapshot '" + snapshot + "' of collection '" + collection + "' does not exist");
    }
    return true;
  }

  @Put(C + "/snapshots/recover")
  public boolean recover(
      ServiceRequestContext ctx, @Param("collection_name") String collection, JsonNode body)
      throws IOException {
    ctx.clearRequestTimeout();
    JsonFields.object(body, "the recover body");
    URI location = location(JsonFields.requiredText(body, "", "location"), "location");
    String priority = JsonFields.text(body, "", "priority", "snapshot");
    if (!PRIORITIES.contains(priority)) {
      throw new IllegalArgumentException(
          "priority must be one of no_sync, snapshot, replica; got '" + priority + "'");
    }
    String checksum = JsonFields.text(body, "", "checksum", null);
    collections.recoverSnapshot(collection, location, checksum);
    return true;
  }

  /**
   * A snapshot location: an absolute local path, or a URI with a scheme ({@code file:}, {@code
   * hdfs:}, ...). A relative path is refused: it would depend on the server's working folder.
   */
  static URI location(String text, String field) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    if (text.startsWith("/")) {
      return Path.of(text).toUri();
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          field + " must be an absolute path or a URI; got '" + text + "': " + e.getReason());
    }
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException(
          field + " must be an absolute path or a URI with a scheme; got '" + text + "'");
    }
    return uri;
  }
}
