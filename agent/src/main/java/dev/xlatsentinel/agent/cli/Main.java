package dev.xlatsentinel.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code xlat-sentinel}: the daemon ({@code run}) and the operator's commands. */
@Command(name = "xlat-sentinel", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = "Failover agent for NAT64/SIIT gateways: translator health coupled to BFD.",
        subcommands = {RunCommand.class, StatusCommand.class, DrainCommand.class, UndrainCommand.class,
                ReloadCommand.class, CheckConfigCommand.class, RenderRouterConfigCommand.class, JoolCommand.class,
                Version.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit status (0 ok, 1 failed, 2 usage). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        // `xlat-sentinel status --help` is what an operator types first; `jool` passes its
        // arguments on to jool, --help included.
        cli.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("jool") && !name.equals("help")) {
                sub.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help message and exit.").build());
            }
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed (try 'help')");
    }
}
