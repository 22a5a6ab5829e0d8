package io.quiver.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.linecorp.armeria.common.TlsKeyPair;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** service.enable_tls: both ports speak TLS with the configured PEM certificate and key. */
class TlsTest {
  @TempDir Path dir;

  @Test
  void restAndGrpcOverTls() throws Exception {
    TlsKeyPair keyPair = TlsKeyPair.ofSelfSigned("localhost");
    X509Certificate certificate = keyPair.certificateChain().get(0);
    Path cert =
        Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", certificate.getEncoded()));
    Path key =
        Files.writeString(
            dir.resolve("key.pem"), pem("PRIVATE KEY", keyPair.privateKey().getEncoded()));

    QuiverServer server =
        TestServers.builder(
                TestServers.config("service.enable_tls=true", "tls.cert=" + cert, "tls.key=" + key))
            .build()
            .start();
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      trusted.setCertificateEntry("quiver", certificate);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, trust.getTrustManagers(), null);
      HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();
      HttpResponse<String> health =
          https.send(
              HttpRequest.newBuilder(
                      URI.create("https://localhost:" + server.httpPort() + "/healthz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals("healthz check passed", health.body());

      ManagedChannel channel =
          NettyChannelBuilder.forAddress("localhost", server.grpcPort())
              .sslContext(GrpcSslContexts.forClient().trustManager(cert.toFile()).build())
              .build();
      try (QdrantClient client =
          new QdrantClient(QdrantGrpcClient.newBuilder(channel, true).build())) {
        assertEquals("quiver", client.healthCheckAsync().get(30, TimeUnit.SECONDS).getTitle());
      }
    } finally {
      server.close();
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
}
