package io.quiver.serving.config;

/**
 * The configuration cannot be used. The message names the setting (as a YAML key path, e.g. {@code
 * service.http_port}), the value and where it came from (the file, an environment variable or a
 * command-line option), e.g. {@code service.http_port: expected an integer in [0, 65535]; got
 * "http" (from environment variable QUIVER__SERVICE__HTTP_PORT)}.
 */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /** A problem with one setting. */
  public ConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  /** A problem with the configuration as a whole (e.g. a file that is not YAML). */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
    this.key = null;
  }

  /** The setting, as a YAML key path such as {@code service.http_port}; null if none. */
  public String key() {
    return key;
  }
}
