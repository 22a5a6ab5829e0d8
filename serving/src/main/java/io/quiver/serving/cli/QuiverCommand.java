package io.quiver.serving.cli;

import io.quiver.serving.ServerInfo;
import io.quiver.serving.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code quiver} command: {@code quiver serve}, {@code quiver help}, {@code quiver --version}.
 */
@Command(
    name = "quiver",
    mixinStandardHelpOptions = true,
    versionProvider = QuiverCommand.Version.class,
    description = {
      "Quiver: vector indexes built where the data lives (Spark, Flink), served over the Qdrant API.",
      ""
    },
    subcommands = {QuickstartCommand.class, ServeCommand.class, HelpCommand.class},
    footer = {
      "",
      "Run 'quiver quickstart' to see it work end to end, 'quiver help serve' for how to start a node."
    })
public final class QuiverCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    // No subcommand: show what there is.
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, with configuration errors reported as one line rather than a trace. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new QuiverCommand());
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          if (e instanceof ConfigException) {
            cmd.getErr().println("quiver: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
          }
          throw e;
        });
    return commandLine;
  }

  /** {@code quiver --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      ServerInfo info = ServerInfo.current();
      return new String[] {
        "quiver " + info.quiverVersion(),
        "Qdrant API " + info.version(),
        "Java " + Runtime.version()
      };
    }
  }
}
