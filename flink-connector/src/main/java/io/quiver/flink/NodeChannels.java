package io.quiver.flink;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.MetadataUtils;
import io.quiver.client.grpc.QuiverPointsGrpc;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per node address, and which node a writer sends to now: the first, until a
 * request to it fails in a way a retry may fix; then the next, in order, round to the first again.
 * Channels connect lazily and reconnect by themselves; their callbacks run on the transport's event
 * loop ({@code directExecutor}), which only hands them to the task's mailbox. Only the task thread
 * calls this class.
 *
 * <p>The event loop is the writer's own, not grpc's shared one, and {@link #close} waits for its
 * thread to end: grpc stops its shared loop about a second after the last channel closes, by when
 * Flink may have released the job's class loader, and the loop's last class loads then fail
 * (NoClassDefFoundError, seen on a standalone cluster by {@code FlinkClusterIT}).
 */
final class NodeChannels implements AutoCloseable {

  private static final Metadata.Key<String> API_KEY =
      Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER);

  private final List<NodeAddress> addresses;
  private final NioEventLoopGroup eventLoop;
  private final ManagedChannel[] channels;
  private final QuiverPointsGrpc.QuiverPointsStub[] stubs;
  private int current;

  NodeChannels(SinkOptions options) throws IOException {
    this.addresses = options.addresses();
    ChannelCredentials credentials = credentials(options);
    eventLoop = new NioEventLoopGroup(1, new DefaultThreadFactory("quiver-sink-grpc", true));
    channels = new ManagedChannel[addresses.size()];
    stubs = new QuiverPointsGrpc.QuiverPointsStub[addresses.size()];
    for (int i = 0; i < channels.length; i++) {
      NodeAddress a = addresses.get(i);
      channels[i] =
          NettyChannelBuilder.forAddress(a.host(), a.port(), credentials)
              .eventLoopGroup(eventLoop)
              .channelType(NioSocketChannel.class)
              .directExecutor()
              .userAgent("quiver-flink")
              .build();
      QuiverPointsGrpc.QuiverPointsStub stub = QuiverPointsGrpc.newStub(channels[i]);
      if (options.apiKey() != null) {
        Metadata headers = new Metadata();
        headers.put(API_KEY, options.apiKey());
        stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      }
      stubs[i] = stub;
    }
  }

  private static ChannelCredentials credentials(SinkOptions options) throws IOException {
    if (!options.tls()) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
    if (options.trustedCertificates() != null) {
      tls.trustManager(new File(options.trustedCertificates()));
    }
    return tls.build();
  }

  /** The node to send to now. */
  int current() {
    return current;
  }

  NodeAddress address(int node) {
    return addresses.get(node);
  }

  QuiverPointsGrpc.QuiverPointsStub stub(int node, long timeoutMillis) {
    return stubs[node].withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * A request to {@code node} failed in a way another node might not fail: later attempts go to the
   * next address (once, however many requests to {@code node} fail together).
   */
  void failed(int node) {
    if (node == current) {
      current = (current + 1) % addresses.size();
    }
  }

  int size() {
    return addresses.size();
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    try {
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
      eventLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
