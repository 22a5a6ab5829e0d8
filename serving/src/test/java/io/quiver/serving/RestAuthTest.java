package io.quiver.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.serving.auth.Access;
import io.quiver.serving.auth.AccessTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys on every REST endpoint a real node serves (the node would not start with one missing
 * from the access table): no key or a wrong key is 401 where a key is needed, the read-only key on
 * a write is 403, the read-write key always passes.
 */
class RestAuthTest {
  private static final String RW = "rw-secret";
  private static final String RO = "ro-secret";

  @Test
  void everyRestEndpointOfTheNodeByKey(@TempDir Path storage) throws IOException {
    AccessTable table = AccessTable.standard();
    try (QuiverNode node =
        QuiverNode.start(
            TestServers.config(
                "service.api_key=" + RW,
                "service.read_only_api_key=" + RO,
                "storage.storage_path=" + storage))) {
      List<String> endpoints = node.server().restEndpoints();
      for (String expected :
          List.of(
              "PUT /collections/{}/points",
              "POST /collections/{}/points/query",
              "GET /collections/{}/snapshots/{}",
              "POST /quiver/collections/{}/publish",
              "PUT /quiver/collections/{}/points",
              "POST /quiver/collections/{}/points/delete")) {
        assertTrue(endpoints.contains(expected), expected + " in " + endpoints);
      }
      for (String endpoint : endpoints) {
        Access access = table.restEntries().get(endpoint);
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        String path = endpoint.substring(endpoint.indexOf(' ') + 1).replace("{}", "x");
        String what = endpoint + " (" + access + ")";
        int noKey = status(node, method, path);
        int wrongKey = status(node, method, path, "api-key", "guess");
        int readOnly = status(node, method, path, "api-key", RO);
        int readWrite = status(node, method, path, "api-key", RW);
        assertFalse(readWrite == 401 || readWrite == 403, what + " with the read-write key");
        switch (access) {
          case PUBLIC -> assertFalse(noKey == 401 || noKey == 403, what + " with no key");
          case READ -> {
            assertEquals(401, noKey, what + " with no key");
            assertEquals(401, wrongKey, what + " with a wrong key");
            assertFalse(readOnly == 401 || readOnly == 403, what + " with the read-only key");
          }
          case WRITE -> {
            assertEquals(401, noKey, what + " with no key");
            assertEquals(401, wrongKey, what + " with a wrong key");
            assertEquals(403, readOnly, what + " with the read-only key");
          }
        }
      }
    }
  }

  private static int status(QuiverNode node, String method, String path, String... headers) {
    return TestServers.call(node.server(), method, path, null, headers).statusCode();
  }
}
