package dev.xlatsentinel.bfd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.BfdSession;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.lab.Keepalived;
import dev.xlatsentinel.lab.Poll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Our engine in namespace "gw" against keepalived's BFD in namespace "ka": one IPv4 and one
 * IPv6 {@code bfd_instance} (50 ms x 3, TTL and hop limit 255), configured once; each case
 * adds and removes our side. keepalived shows its sessions only in its log. One IT per
 * keepalived of the router matrix: {@link KeepalivedInteropIT} (Debian 12's 2.2.7) and
 * {@link Keepalived23Debian13InteropIT} (2.3.3). There are no multihop or authentication
 * cases: keepalived speaks single-hop BFD only (RFC 5881, port 3784; no RFC 5883 session),
 * and its {@code bfd_instance} takes no key (authentication interop runs against BIRD).
 */
abstract class KeepalivedInterop extends PeerLab {
    private final Keepalived.Build build;
    Keepalived keepalived;

    KeepalivedInterop(Keepalived.Build build, int subnet) {
        super("bfd-keepalived", "ka", subnet);
        this.build = build;
    }

    @Override
    void startPeer() {
        keepalived = Keepalived.start(peer, build, List.of(
                new Keepalived.BfdInstance("v4", gw4, peer4, 50, 50, 3, false),
                new Keepalived.BfdInstance("v6", gw6, peer6, 50, 50, 3, false)));
    }

    private void awaitBothUp(BfdSession s, String instance) {
        Poll.until(UP, Duration.ofMillis(50), "session Up on both sides",
                () -> s.snapshot().state() == State.UP && keepalived.state(instance).equals("Up"),
                () -> s.snapshot() + "\nkeepalived: " + keepalived.transitions(instance));
    }

    @Test
    void upOverIpv4SingleHop() {
        withSession(ours(peer4, gw4).iface("eth0").build(), s -> awaitBothUp(s, "v4"));
    }

    /** keepalived's IPv6 hop limit is 64 unless configured: with {@code hoplimit 255} RFC 5881 §5 holds. */
    @Test
    void upOverIpv6SingleHopWithHopLimit255() {
        withSession(ours(peer6, gw6).iface("eth0").build(), s -> awaitBothUp(s, "v6"));
    }

    @Test
    void holdDownTakesKeepalivedDownAndKeepsItFromUpUntilRelease() {
        withSession(ours(peer4, gw4).iface("eth0").build(), s -> {
            awaitBothUp(s, "v4");
            int before = keepalived.transitions("v4").size();
            s.holdDown(Diagnostic.PATH_DOWN).join();
            Poll.until(Duration.ofSeconds(10), Duration.ofMillis(20), "keepalived leaves Up",
                    () -> !keepalived.state("v4").equals("Up"),
                    () -> keepalived.daemon().logText());
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                assertThat(keepalived.state("v4")).isNotEqualTo("Up");
            }
            assertThat(keepalived.transitions("v4").subList(before, keepalived.transitions("v4").size()))
                    .doesNotContain("Up");
            s.release().join();
            awaitBothUp(s, "v4");
        });
    }

    /**
     * Our AdminDown (RFC 5880 §6.8.16) takes keepalived's session Down (it does not keep it Up);
     * keepalived carries no routes, so the AdminDown exception of RFC 5882 §3.2 has nothing to keep.
     */
    @Test
    void adminDownTakesKeepalivedsSessionDown() {
        withSession(ours(peer4, gw4).iface("eth0").build(), s -> {
            awaitBothUp(s, "v4");
            s.adminDown().join();
            Poll.until(Duration.ofSeconds(10), Duration.ofMillis(20), "keepalived leaves Up",
                    () -> !keepalived.state("v4").equals("Up"),
                    () -> keepalived.daemon().logText());
            s.adminUp().join();
            awaitBothUp(s, "v4");
        });
    }
}
