package io.quiver.serving.auth;

/** What an endpoint asks of the caller's API key. */
public enum Access {
  /** No key needed: service info and the health probes, as in Qdrant. */
  PUBLIC,
  /** The read-only key or the read-write key. */
  READ,
  /** Only the read-write key. */
  WRITE
}
