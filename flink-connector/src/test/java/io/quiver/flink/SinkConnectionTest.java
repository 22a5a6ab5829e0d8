package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.linecorp.armeria.common.TlsKeyPair;
import io.quiver.serving.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A node that speaks TLS and asks for an api key: the sink sends the key over TLS. */
class SinkConnectionTest {

  private static final String KEY = "rw-secret";

  @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

  @TempDir static Path tmp;
  private static TestNode node;
  private static Path cert;

  @BeforeAll
  static void startNode() throws Exception {
    TlsKeyPair keyPair = TlsKeyPair.ofSelfSigned("localhost");
    cert =
        Files.writeString(
            tmp.resolve("cert.pem"),
            pem("CERTIFICATE", keyPair.certificateChain().get(0).getEncoded()));
    Path key =
        Files.writeString(
            tmp.resolve("key.pem"), pem("PRIVATE KEY", keyPair.privateKey().getEncoded()));
    node =
        TestNode.start(
            tmp.resolve("node"),
            Optional.of(KEY),
            new ServerConfig.Tls(Optional.of(cert), Optional.of(key)));
    node.createCollection("docs", 2);
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static void run(String apiKey) throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.fromData(
            QuiverRecord.upsert(1L, new float[] {1, 0}, 1).withPayload(Map.of("tag", "tls")),
            QuiverRecord.upsert(2L, new float[] {0, 1}, 1),
            QuiverRecord.delete(3L, 1))
        .sinkTo(
            QuiverSink.forRecords()
                .setAddresses("localhost:" + node.grpcPort())
                .setCollection("docs")
                .setApiKey(apiKey)
                .setTrustedCertificates(cert.toString())
                .build());
    env.execute("tls");
  }

  @Test
  void writesGoOverTlsWithTheApiKey() throws Exception {
    run(KEY);
    assertEquals(List.of(1L, 2L), node.points("docs", 4).keySet().stream().sorted().toList());
  }

  @Test
  void aWrongApiKeyFailsTheJobSayingSo() {
    String message = SinkJobs.messages(assertThrows(Exception.class, () -> run("guess")));
    assertTrue(message.contains("UNAUTHENTICATED"), message);
    assertTrue(message.contains("the sink's api key is missing or unknown to the node"), message);
  }
}
