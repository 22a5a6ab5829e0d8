package io.quiver.flink;

import java.io.Serializable;

/** A node's gRPC address: {@code host:port}, or {@code [v6-address]:port}. */
record NodeAddress(String host, int port) implements Serializable {

  static NodeAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "quiver sink: a node address must be host:port (the node's gRPC port, 6334 by default);"
              + " got '"
              + text
              + "'");
    }
    String s = text.trim();
    int colon = s.lastIndexOf(':');
    String host = colon < 0 ? "" : s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      host = ""; // an IPv6 address needs brackets
    }
    int port = -1;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      // reported below
    }
    if (host.isEmpty() || port < 1 || port > 65535 || s.contains("/")) {
      throw new IllegalArgumentException(
          "quiver sink: a node address must be host:port (the node's gRPC port, 6334 by default;"
              + " [address]:port for IPv6); got '"
              + text
              + "'");
    }
    return new NodeAddress(host, port);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
