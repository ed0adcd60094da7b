package dev.xlatsentinel.agent.cli;

import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.render.RouterConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xlat-sentinel render-router-config --bird|--frr -c FILE}: the router's side. */
@Command(name = "render-router-config", description = "Print the upstream router's config for this gateway's services, and for every "
        + "gateway of its partition plan (partitions:) if it has one.")
public final class RenderRouterConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @ArgGroup(multiplicity = "1")
    Dialect dialect;

    @Option(names = "--interface", paramLabel = "IFNAME",
            description = "The router's interface toward the gateways (BIRD's options are per interface; FRR's last-resort routes need it; default: all).")
    String routerInterface;

    @Option(names = "--with-secrets", description = "Print authentication keys instead of placeholders.")
    boolean withSecrets;

    @Option(names = "--no-last-resort", description = "Leave out the last-resort static route without BFD "
            + "(lowest preference) that keeps each prefix announced when every BFD-tracked route is withdrawn.")
    boolean noLastResort;

    /** BIRD 2 or 3, or FRR >= 8.5. */
    static final class Dialect {
        @Option(names = "--bird", required = true, description = "BIRD 2 or 3.")
        boolean bird;

        @Option(names = "--frr", required = true, description = "FRR 8.5 or newer.")
        boolean frr;
    }

    @Override
    public Integer call() {
        LoadedConfig c = config.loadOrReport();
        if (c == null) {
            return 1;
        }
        RouterConfig.Options o = new RouterConfig.Options(routerInterface, withSecrets, !noLastResort);
        System.out.print(dialect.bird ? RouterConfig.bird(c.config(), o) : RouterConfig.frr(c.config(), o));
        return 0;
    }
}
