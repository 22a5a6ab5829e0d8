package io.quiver.serving;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Calls any gRPC method by name with an empty (all-default) request, for table-driven tests. */
final class GrpcCalls {
  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private GrpcCalls() {}

  static Metadata apiKey(String key) {
    Metadata headers = new Metadata();
    if (key != null) {
      headers.put(Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER), key);
    }
    return headers;
  }

  /**
   * The call's status: OK as soon as a response arrives (a server stream such as Health/Watch does
   * not close by itself), otherwise the status it closes with.
   */
  static Status call(Channel channel, String fullMethodName, Metadata headers) throws Exception {
    MethodDescriptor<byte[], byte[]> method =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNKNOWN)
            .setFullMethodName(fullMethodName)
            .setRequestMarshaller(RAW)
            .setResponseMarshaller(RAW)
            .build();
    ClientCall<byte[], byte[]> call =
        channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
    CompletableFuture<Status> result = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(byte[] message) {
            result.complete(Status.OK);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            result.complete(status);
          }
        },
        headers);
    call.request(1);
    call.sendMessage(new byte[0]);
    call.halfClose();
    try {
      return result.get(30, TimeUnit.SECONDS);
    } finally {
      call.cancel("test done", null);
    }
  }
}
