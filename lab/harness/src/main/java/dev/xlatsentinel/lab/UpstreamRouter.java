package dev.xlatsentinel.lab;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The router in front of the gateways, whichever it is: a BIRD (Debian 12's 2.0.12, the
 * lab's default, or Debian 13's 2.17 or 3.1) or Debian 13's FRR 10.3 (mgmtd, zebra, staticd,
 * bfdd; Debian 12's FRR 8.4 cannot track a static route with BFD).
 */
public final class UpstreamRouter implements AutoCloseable {
    /** The routers of the matrix, by the names {@code lab/demo --router} takes. */
    public enum Kind {
        BIRD2("bird2", Bird.Build.DEBIAN12),
        BIRD2_17("bird2.17", Bird.Build.BIRD2_DEBIAN13),
        BIRD3("bird3", Bird.Build.BIRD3_DEBIAN13),
        FRR10("frr10", null);

        private final String cliName;
        private final Bird.Build bird;

        Kind(String cliName, Bird.Build bird) {
            this.cliName = cliName;
            this.bird = bird;
        }

        public String cliName() {
            return cliName;
        }

        public boolean isBird() {
            return bird != null;
        }

        public Bird.Build birdBuild() {
            return bird;
        }

        /** "BIRD 2.0.12", "FRR 10.3", read from the binaries. */
        public String label() {
            return isBird() ? bird.label() : Frr.Build.FRR10_DEBIAN13.label();
        }

        public static Kind byName(String name) {
            return Arrays.stream(values()).filter(k -> k.cliName.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown router " + name + " (one of "
                            + Arrays.stream(values()).map(Kind::cliName).collect(Collectors.joining(", ")) + ")"));
        }
    }

    private final Kind kind;
    private final Bird bird;
    private final Frr frr;

    private UpstreamRouter(Kind kind, Bird bird, Frr frr) {
        this.kind = kind;
        this.bird = bird;
        this.frr = frr;
    }

    /**
     * Starts the router with {@code config}: a whole bird.conf for a BIRD, or an integrated
     * frr.conf for FRR, which is applied with FRR 10.3's own {@code vtysh -f} after its
     * daemons started (a non-zero exit fails the start).
     */
    public static UpstreamRouter start(Netns ns, Kind kind, String config) {
        if (kind.isBird()) {
            return ns.lab().register(new UpstreamRouter(kind, Bird.start(ns, config, kind.birdBuild()), null));
        }
        Frr frr = Frr.start(ns, Frr.Build.FRR10_DEBIAN13, "", "staticd", "bfdd");
        UpstreamRouter r = ns.lab().register(new UpstreamRouter(kind, null, frr));
        frr.applyConfig(config);
        return r;
    }

    public Kind kind() {
        return kind;
    }

    /** The BIRD; throws for FRR. */
    public Bird bird() {
        if (bird == null) {
            throw new IllegalStateException("the router is " + kind.label() + ", not BIRD");
        }
        return bird;
    }

    /** The FRR; throws for a BIRD. */
    public Frr frr() {
        if (frr == null) {
            throw new IllegalStateException("the router is " + kind.label() + ", not FRR");
        }
        return frr;
    }

    /** What the router says of its BFD sessions, for a failure message or the demo. */
    public String bfdSessions() {
        return bird != null ? bird.birdc("show bfd sessions") : frr.vtysh("show bfd peers brief").stdout();
    }

    /** How many of its BFD sessions are Up now. */
    public long upSessions() {
        if (bird != null) {
            return bird.bfdSessions().stream().filter(r -> r.state().equals("Up")).count();
        }
        long up = 0;
        for (var peer : frr.json("show bfd peers json")) {
            if (peer.path("status").asText().equals("up")) {
                up++;
            }
        }
        return up;
    }

    /** Its config file (BIRD's), or the file vtysh applied (FRR). */
    public Path configFile() {
        return bird != null ? bird.config() : frr.vtyDir().getParent().resolve(frr.netns().name() + "-frr.conf");
    }

    @Override
    public void close() {
        if (bird != null) {
            bird.close();
        } else {
            frr.close();
        }
    }

    @Override
    public String toString() {
        return kind.label() + " in " + (bird != null ? bird.netns() : frr.netns());
    }
}
