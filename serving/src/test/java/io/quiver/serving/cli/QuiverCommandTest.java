package io.quiver.serving.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.serving.ServerInfo;
import io.quiver.serving.config.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class QuiverCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = QuiverCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void versionNamesQuiverAndTheQdrantApi() {
    assertEquals(0, run("--version"));
    assertTrue(
        out.toString().startsWith("quiver " + ServerInfo.current().quiverVersion()),
        out.toString());
    assertTrue(out.toString().contains("Qdrant API " + ServerInfo.current().version()));
  }

  @Test
  void helpListsServe() {
    assertEquals(0, run("--help"));
    assertTrue(out.toString().contains("serve"), out.toString());
    assertEquals(0, run());
  }

  @Test
  void serveHelpExplainsOptionsSettingsAndEnvironment() {
    assertEquals(0, run("help", "serve"));
    String help = out.toString();
    for (String expected :
        new String[] {
          "--config=FILE", "--http-port=PORT", "--grpc-port=PORT", "--storage=PATH",
          "QUIVER__SERVICE__HTTP_PORT=7000", "read_only_api_key", "max_timeout", "api-key"
        }) {
      assertTrue(help.contains(expected), expected + " missing from:\n" + help);
    }
    assertTrue(help.lines().allMatch(line -> line.length() <= 80), help);
  }

  @Test
  void badOptionIsOneLineNamingSettingAndOption() {
    assertEquals(CommandLine.ExitCode.USAGE, run("serve", "--http-port", "http"));
    assertEquals(
        "quiver: service.http_port: expected an integer in [0, 65535]; got \"http\""
            + " (from option --http-port)",
        err.toString().strip());
  }

  @Test
  void missingConfigFileIsNamed() {
    assertEquals(CommandLine.ExitCode.USAGE, run("serve", "--config", "/no/such/quiver.yaml"));
    assertEquals("quiver: config file /no/such/quiver.yaml does not exist", err.toString().strip());
  }

  @Test
  void optionsWinOverEnvironment() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--grpc-port", "9334", "--storage", "/srv/quiver");
    ServerConfig config =
        serve.config(
            Map.of("QUIVER__SERVICE__GRPC_PORT", "8334", "QUIVER__SERVICE__HTTP_PORT", "8333"));
    assertEquals(8333, config.service().httpPort());
    assertEquals(9334, config.service().grpcPort());
    assertEquals(Path.of("/srv/quiver"), config.storage().storagePath());
  }
}
