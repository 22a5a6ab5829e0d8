package io.quiver.serving.auth;

import io.quiver.serving.config.ServerConfig;
import io.quiver.serving.error.PermissionDeniedException;
import io.quiver.serving.error.UnauthenticatedException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a request's API key may call an endpoint. The key comes, as with Qdrant, from the
 * {@code api-key} header (gRPC metadata alike) or from {@code Authorization: Bearer <key>}. With no
 * key configured every endpoint is open. Keys are compared in constant time.
 */
public final class ApiKeyAuthorizer {
  private final byte[] readWriteKey;
  private final byte[] readOnlyKey;

  public ApiKeyAuthorizer(Optional<String> readWriteKey, Optional<String> readOnlyKey) {
    this.readWriteKey = readWriteKey.map(ApiKeyAuthorizer::bytes).orElse(null);
    this.readOnlyKey = readOnlyKey.map(ApiKeyAuthorizer::bytes).orElse(null);
  }

  public static ApiKeyAuthorizer of(ServerConfig.Service service) {
    return new ApiKeyAuthorizer(service.apiKey(), service.readOnlyApiKey());
  }

  public boolean enabled() {
    return readWriteKey != null || readOnlyKey != null;
  }

  /**
   * Returns if the caller may call {@code endpoint}.
   *
   * @param apiKeyHeader the {@code api-key} header, or null
   * @param authorizationHeader the {@code Authorization} header, or null
   * @throws UnauthenticatedException no key, or an unknown one
   * @throws PermissionDeniedException the read-only key on a {@link Access#WRITE} endpoint
   */
  public void authorize(
      Access required, String apiKeyHeader, String authorizationHeader, String endpoint) {
    if (required == Access.PUBLIC || !enabled()) {
      return;
    }
    byte[] presented = presentedKey(apiKeyHeader, authorizationHeader);
    if (presented == null) {
      throw new UnauthenticatedException(
          "Must provide an API key (api-key header) or an Authorization bearer token");
    }
    if (readWriteKey != null && MessageDigest.isEqual(presented, readWriteKey)) {
      return;
    }
    if (readOnlyKey != null && MessageDigest.isEqual(presented, readOnlyKey)) {
      if (required == Access.WRITE) {
        throw new PermissionDeniedException(
            "Write access denied: the read-only API key cannot call " + endpoint);
      }
      return;
    }
    throw new UnauthenticatedException("Invalid API key");
  }

  private static byte[] presentedKey(String apiKeyHeader, String authorizationHeader) {
    if (apiKeyHeader != null && !apiKeyHeader.isEmpty()) {
      return bytes(apiKeyHeader);
    }
    if (authorizationHeader != null
        && authorizationHeader.length() > 7
        && authorizationHeader.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return bytes(authorizationHeader.substring(7).trim());
    }
    return null;
  }

  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
