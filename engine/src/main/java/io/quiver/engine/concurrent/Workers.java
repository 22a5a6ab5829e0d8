package io.quiver.engine.concurrent;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one worker body on a fixed number of fresh threads and waits for all of them: the engine's
 * bulk jobs (graph builds, quantization, an accelerator's rows) share out their own work, usually
 * through an {@code AtomicInteger}, and need only this around it.
 */
public final class Workers {

  private Workers() {}

  /**
   * Runs {@code worker} on {@code threads} threads named {@code name-<t>} (on the calling thread
   * when {@code threads <= 1}) and returns when every one has finished.
   *
   * @return the first failure of any thread (an interruption of the wait included), or null
   */
  public static Throwable run(String name, int threads, Runnable worker) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    if (threads <= 1) {
      try {
        worker.run();
      } catch (Throwable e) {
        failure.set(e);
      }
      return failure.get();
    }
    Thread[] started = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      started[t] =
          new Thread(
              () -> {
                try {
                  worker.run();
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              name + "-" + t);
      started[t].start();
    }
    for (Thread thread : started) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, e);
      }
    }
    return failure.get();
  }

  /**
   * {@code failure} as it was when a runtime exception, else wrapped saying {@code what} failed.
   */
  public static RuntimeException unchecked(String what, Throwable failure) {
    return failure instanceof RuntimeException
        ? (RuntimeException) failure
        : new IllegalStateException(what + " failed: " + failure, failure);
  }
}
