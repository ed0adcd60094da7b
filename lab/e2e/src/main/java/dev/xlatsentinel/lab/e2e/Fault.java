package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.Nat64Lab;
import java.time.Duration;

/**
 * What can break on the primary gateway, how to break it and how to repair it. Translator
 * faults are what xlat-sentinel exists for; the agent faults check its own failure modes;
 * the planned ones (drain, SIGTERM) must lose nothing.
 */
public enum Fault {
    TAYGA_KILLED("TAYGA killed", true, false),
    TAYGA_FROZEN("TAYGA frozen (SIGSTOP)", true, false),
    TUN_DOWN("TUN link down", true, false),
    IPV4_DROPPED("translated traffic dropped (nftables)", true, false),
    EGRESS_ROUTE_REMOVED("IPv4 egress route removed", true, false),
    AGENT_KILLED("agent killed (SIGKILL)", false, false),
    DRAIN("xlat-sentinel drain", false, true),
    AGENT_SIGTERM("agent stopped (SIGTERM)", false, true);

    private final String label;
    private final boolean translator;
    private final boolean planned;

    Fault(String label, boolean translator, boolean planned) {
        this.label = label;
        this.translator = translator;
        this.planned = planned;
    }

    public String label() {
        return label;
    }

    /** A fault of the translator (the kind today's setup never notices). */
    public boolean translator() {
        return translator;
    }

    /** A planned withdrawal: near-zero loss expected. */
    public boolean planned() {
        return planned;
    }

    /** Breaks gateway {@code g}. */
    void inject(Scenario s, Nat64Lab.Gateway g) {
        switch (this) {
            case TAYGA_KILLED -> g.killTayga();
            case TAYGA_FROZEN -> g.freezeTayga();
            case TUN_DOWN -> g.tunDown();
            case IPV4_DROPPED -> g.dropTranslatedIpv4();
            case EGRESS_ROUTE_REMOVED -> g.removeEgressRoute();
            case AGENT_KILLED -> s.agent(g.name()).daemon().signal("KILL");
            case DRAIN -> s.agent(g.name()).cli("drain", "tayga", "--reason", "planned maintenance").orThrow();
            case AGENT_SIGTERM -> s.agent(g.name()).daemon().signal("TERM");
        }
    }

    /** Repairs what {@link #inject} broke. */
    void repair(Scenario s, Nat64Lab.Gateway g) {
        switch (this) {
            case TAYGA_KILLED -> g.restartTayga();
            case TAYGA_FROZEN -> g.thawTayga();
            case TUN_DOWN -> g.tunUp();
            case IPV4_DROPPED -> g.undropTranslatedIpv4();
            case EGRESS_ROUTE_REMOVED -> g.restoreEgressRoute();
            case AGENT_KILLED, AGENT_SIGTERM -> {
                s.agent(g.name()).daemon().awaitExit(Duration.ofSeconds(30));
                s.agent(g.name()).restart();
            }
            case DRAIN -> s.agent(g.name()).cli("undrain", "tayga").orThrow();
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
