package io.quiver.serving.grpc;

import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.StreamObserver;
import io.quiver.serving.config.StrictMode;
import java.time.Duration;

/** What every gRPC method of Quiver's services does the same way. */
final class Calls {

  private Calls() {}

  /** A request's collection (or alias) name; an empty one is refused before anything else. */
  static String collection(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("collection_name is required");
    }
    return name;
  }

  /**
   * Applies a request's own {@code timeout} (seconds) to this call, within {@code
   * strict_mode.max_timeout}; without one the server's per-request timeout applies.
   */
  static void timeout(StrictMode strict, boolean present, long seconds) {
    if (!present) {
      return;
    }
    Duration timeout = strict.effectiveTimeout("timeout", seconds);
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    if (ctx != null) {
      ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, timeout);
    }
  }

  /** Seconds since {@code startNanos}, for the {@code time} field of Qdrant's responses. */
  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static <T> void reply(StreamObserver<T> observer, T message) {
    observer.onNext(message);
    observer.onCompleted();
  }

  /** An UNIMPLEMENTED answer naming the method and why Quiver does not serve it. */
  static UnsupportedOperationException unimplemented(String method, String why) {
    return new UnsupportedOperationException(method + " is not implemented by Quiver: " + why);
  }

  /** Refuses Qdrant's custom sharding, which a Quiver collection does not have. */
  static void noShardKeys(boolean present, String field) {
    if (present) {
      throw new IllegalArgumentException(
          field + ": shard keys are not supported by Quiver (collections use automatic sharding)");
    }
  }
}
