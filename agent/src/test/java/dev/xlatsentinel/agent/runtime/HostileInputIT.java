package dev.xlatsentinel.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xlatsentinel.lab.AgentProcess;
import dev.xlatsentinel.lab.Bird;
import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.lab.UdpFlood;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent under careless and hostile input, as a real process of the built distribution on
 * one gateway with BIRD as the router (a BFD-tracked static route, 100 ms x 3): a flood of
 * junk to the BFD port from another host on the LAN, idle connections to the control socket,
 * a user reaching the socket through a supplementary group.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {
    private static final Logger LOG = LoggerFactory.getLogger(HostileInputIT.class);
    private static final Duration T = Duration.ofSeconds(20);
    private static final String JUNK_HOST = "2001:db8:ff::99";
    /** Debian's "users" group: the control group here, so the test needs no account of its own. */
    private static final String GROUP = "users";
    private static final String GROUP_ID = "100";

    private Lab lab;
    private Nat64Lab n;
    private AgentProcess gwa;

    @BeforeAll
    void lab() {
        lab = Lab.open("hostile");
        n = Nat64Lab.build(lab, Nat64Lab.Options.defaults().withGateways(List.of("gwa")));
        // This class is about BFD and the control socket: the translator's probes get margins a
        // flood that fills both CPUs for a second cannot exhaust (a run at 230 000 junk datagrams
        // a second saw the instance fail its 50 ms probes and the service withdrawn, then
        // released: our own hold-down, not a BFD flap, but it moved the session's state).
        Nat64Lab.AgentTuning t = Nat64Lab.AgentTuning.TOLERANT;
        Nat64Lab.AgentTuning patient = new Nat64Lab.AgentTuning(Duration.ofMillis(200), Duration.ofMillis(100),
                Duration.ofMillis(200), t.rise(), 10, t.bfdInterval(), t.bfdMultiplier(), t.minHold(), false);
        String config = n.agentConfig(n.gateway("gwa"), patient, AgentProcess.socketPath(lab, "gwa"));
        gwa = AgentProcess.start(lab, "gwa", config.replace("agent:\n", "agent:\n  controlGroup: " + GROUP
                + "\n  metrics: {listen: 127.0.0.1:0}\n"));
        Poll.until(T, Duration.ofMillis(20), "the router's session Up and its route via gwa",
                () -> birdSession().state().equals("Up") && n.routerGateways().equals(List.of("gwa")),
                () -> n.bird().birdc("show bfd sessions") + "\n" + gwa.log());
    }

    @AfterAll
    void teardown() {
        lab.close();
    }

    private Bird.BfdSessionRow birdSession() {
        return n.bird().bfdSession(n.gateway("gwa").lanAddress()).orElseThrow();
    }

    private long withdrawals() {
        return gwa.log().lines().filter(l -> l.contains("service nat64 WITHDRAWN")).count();
    }

    private static JsonNode queue(JsonNode status, String name) {
        for (JsonNode e : status.path("bfdReceive")) {
            for (JsonNode q : e.path("queues")) {
                if (q.path("family").asText().equals("ipv6") && q.path("queue").asText().equals(name)) {
                    return q;
                }
            }
        }
        throw new AssertionError("no ipv6 " + name + " queue in " + status.path("bfdReceive"));
    }

    @Test
    @Order(1)
    void aJunkFloodFromAnotherHostOnTheLinkNeverTakesTheSessionDownAndStatusCountsIt() throws Exception {
        Netns junk = n.lanHost("junk", JUNK_HOST);
        UdpFlood.sendWithTtl255(junk, Nat64Lab.LAN_IF);
        junk.awaitOperUp(Nat64Lab.LAN_IF, T);
        Bird.BfdSessionRow before = birdSession();
        JsonNode session = gwa.session("nat64");
        assertThat(session.path("txIntervalMs").asDouble()).isEqualTo(100.0);
        assertThat(session.path("detectMult").asInt()).isEqualTo(3);
        long transitions = session.path("counters").path("state-transitions").asLong();
        long peersDropped = queue(gwa.status(), "peers").path("dropped").asLong();
        long withdrawalsBefore = withdrawals();

        UdpFlood.Result flood = UdpFlood.send(junk, JUNK_HOST, n.gateway("gwa").lanAddress(), 3784, 300_000, 2, 0,
                Duration.ofSeconds(8));
        LOG.info("flood: {} datagrams in {} ms ({} a second), {} failed", flood.sent(), flood.took().toMillis(),
                Math.round(flood.ratePerSecond()), flood.failed());
        assertThat(flood.sent()).isGreaterThan(50_000);

        // The other queue drains within its budget; then every datagram that reached the socket is counted.
        long[] last = {-1};
        Poll.until(T, Duration.ofMillis(200), "the other queue drained (no more read in 200 ms)", () -> {
            long read = queue(gwa.status(), "others").path("received").asLong();
            boolean still = read == last[0];
            last[0] = read;
            return still;
        });
        JsonNode status = gwa.status();
        JsonNode others = queue(status, "others");
        long seen = others.path("received").asLong() + others.path("dropped").asLong();
        LOG.info("others queue: {} read, {} dropped by the kernel (of {} sent)", others.path("received").asLong(),
                others.path("dropped").asLong(), flood.sent());
        assertThat(seen).as("junk read or dropped on the other queue").isGreaterThan(flood.sent() / 2);
        JsonNode drops = status.path("bfdReceive").path(0).path("drops");
        assertThat(drops.path("drop-unknown-your-discriminator").asLong()).as("well-formed junk").isPositive();
        assertThat(drops.path("drop-bad-version").asLong() + drops.path("drop-truncated").asLong())
                .as("random octets").isPositive();
        assertThat(queue(status, "peers").path("dropped").asLong()).as("the peers' queue lost nothing")
                .isEqualTo(peersDropped);

        JsonNode after = gwa.session("nat64");
        assertThat(withdrawals()).as("no withdrawal during the flood (it would move the session too)")
                .isEqualTo(withdrawalsBefore);
        assertThat(after.path("state").asText()).isEqualTo("Up");
        assertThat(after.path("counters").path("state-transitions").asLong()).as("no flap on our side")
                .isEqualTo(transitions);
        assertThat(birdSession()).as("no flap at the router").matches(r -> r.state().equals("Up")
                && r.sameChangeAs(before), "the same Up as " + before);
        assertThat(gwa.cli("status").orThrow()).contains("others", "BFD drops in", "unknown-your-discriminator");
    }

    @Test
    @Order(2)
    void sixteenIdleControlConnectionsDoNotKeepStatusWaitingAndAreClosedWithAReason() throws Exception {
        List<SocketChannel> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                idle.add(SocketChannel.open(UnixDomainSocketAddress.of(gwa.socket())));
            }
            long start = System.nanoTime();
            Cmd.Result r = gwa.cli("status", "--json");
            assertThat(r.exit()).as(r.stderr()).isZero();
            LOG.info("status with 16 idle connections open took {} ms", (System.nanoTime() - start) / 1_000_000);
            for (SocketChannel ch : idle) {
                String said = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
                assertThat(said).contains("\"ok\":false", "no request within");
            }
        } finally {
            for (SocketChannel ch : idle) {
                ch.close();
            }
        }
    }

    @Test
    @Order(3)
    void aUserInTheControlGroupThroughASupplementaryGroupMayUseTheSocketAndOneWithoutMayNot() {
        Cmd.Result in = gwa.cliUnder(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--groups=" + GROUP_ID,
                "--"), "status", "--json");
        assertThat(in.exit()).as(in.stderr()).isZero();
        assertThat(in.stdout()).contains("\"schema\"");
        Cmd.Result out = gwa.cliUnder(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"),
                "status");
        assertThat(out.exit()).isEqualTo(1);
        assertThat(out.stderr()).contains("permission denied");
    }
}
