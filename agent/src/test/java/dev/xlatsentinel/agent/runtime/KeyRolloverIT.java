package dev.xlatsentinel.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xlatsentinel.agent.config.ConfigException;
import dev.xlatsentinel.agent.config.ConfigLoader;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.control.AgentCommands;
import dev.xlatsentinel.agent.control.ControlClient;
import dev.xlatsentinel.agent.control.ControlException;
import dev.xlatsentinel.agent.render.RouterConfig;
import dev.xlatsentinel.lab.AgentProcess;
import dev.xlatsentinel.lab.Bird;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A BFD key rollover against BIRD 2, the operator's procedure of docs/agent.md, for each
 * authentication type: the real agent process (its BFD session in namespace "gw"), BIRD in
 * namespace "router" with a static route tracked by BFD, its BFD block rendered as
 * {@code render-router-config --bird --with-secrets} renders it. One lab and one agent for
 * all types; each type starts by switching both sides to it (which recreates the session),
 * then rolls key 1 over to key 2 with zero Down transitions on either side, read from BIRD's
 * {@code show bfd sessions} and its log, and from our status and log. BIRD is Debian 12's
 * 2.0.12; {@code -Dkeys.bird=BIRD2_DEBIAN13} or {@code BIRD3_DEBIAN13} runs the same against
 * BIRD 2.17 or 3.1 of the router root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyRolloverIT {
    private static final Duration T = Duration.ofSeconds(20);
    /**
     * 100 ms x 5 on both sides: 500 ms detection, tolerant of a loaded test machine (at a load
     * average of 18 on 2 cores, 20 ms x 3 and 50 ms x 4 both saw both sides time out at the same
     * instant, with no packet refused). A key either side refuses takes it Down within one
     * detection time, so a step is watched for three.
     */
    private static final Duration WATCH = Duration.ofMillis(1500);
    private static final String GW = "2001:db8:71::a";
    private static final String ROUTER = "2001:db8:71::1";
    private static final Pattern BIRD_STATE = Pattern.compile("Session to " + Pattern.quote(GW)
            + " changed state from (\\w+) to (\\w+)");

    private Lab lab;
    private Netns gw;
    private Bird bird;
    private AgentProcess agent;
    private Path key1;
    private Path key2;

    @BeforeAll
    void lab() {
        lab = Lab.open("keys");
        gw = lab.netns("gw");
        Netns router = lab.netns("router");
        lab.link(gw, "eth0", router, "eth0");
        gw.addr("eth0", GW + "/64");
        router.addr("eth0", ROUTER + "/64");
        bird = Bird.start(router, birdConfig(render(agentConfig(null))),
                Bird.Build.valueOf(System.getProperty("keys.bird", Bird.Build.DEBIAN12.name())));
        agent = AgentProcess.start(lab, "gw", agentConfig(null));
        awaitBothUp();
    }

    @AfterAll
    void teardown() {
        lab.close();
    }

    /**
     * The rollover of {@code type}: both sides switched to it with key 1 (BIRD also holding
     * key 2, as an operator prepares the router first), then by agent reload and BIRD
     * configure, in the order of docs/agent.md: add key 2, send with key 2, BIRD signs with
     * key 2, remove key 1 (agent, then BIRD).
     */
    @ParameterizedTest
    @ValueSource(strings = {"keyed-md5", "meticulous-keyed-md5", "keyed-sha1", "meticulous-keyed-sha1",
        "simple-password"})
    void keyRolloverByReloadWithZeroDownTransitionsOnEitherSide(String type) throws IOException {
        key1 = key("key1-" + type, "one-" + type.hashCode() % 1000);
        key2 = key("key2-" + type, "two-" + type.hashCode() % 1000);
        String previous = session().path("auth").path("type").asText();

        // The router first: it accepts keys 1 and 2 and, listing 1 first, signs with 1.
        configureBird(agentConfig(chain(type, 1, key1, key2)));
        // Then the agent with its one key (the single-key form): another type recreates the session.
        reloadAgent(agentConfig("{type: " + type + ", keyId: 1, secretFile: " + key1 + "}"));
        assertThat(agent.log()).contains("authentication type changed from " + previous + " to " + type
                + ": the session is recreated");
        awaitBothUp();
        Poll.until(T, "BIRD signs with the first password listed (key 1)",
                () -> session().path("auth").path("peerKeyId").asInt() == 1);

        Baseline before = baseline();
        JsonNode s = session();
        assertThat(s.path("auth").path("keyIds").toString()).isEqualTo("[1]");

        // 1. The agent accepts key 2 as well, still signing with key 1.
        reloadAgent(agentConfig(chain(type, 1, key1, key2)));
        assertThat(agent.log()).contains("key 2 added (" + type + "): applied live, the session is not recreated;"
                + " accepts keys 1, 2, sends with key 1");
        watch(before, "key 2 added");
        // 2. The agent signs with key 2, which BIRD accepts.
        reloadAgent(agentConfig(chain(type, 2, key1, key2)));
        assertThat(agent.log()).contains("sending with key 2 instead of 1 (" + type + ")");
        watch(before, "sending with key 2");
        // 3. BIRD signs with key 2: the render lists the agent's send key first.
        configureBird(agentConfig(chain(type, 2, key1, key2)));
        Poll.until(T, "BIRD signs with key 2", () -> session().path("auth").path("peerKeyId").asInt() == 2);
        watch(before, "BIRD signs with key 2");
        // 4. The agent drops key 1 (a chain of one key: no sendKeyId needed).
        reloadAgent(agentConfig("{type: " + type + ", keys: [{id: 2, secretFile: " + key2 + "}]}"));
        assertThat(agent.log()).contains("key 1 removed (" + type + "): applied live, the session is not recreated;"
                + " accepts keys 2, sends with key 2");
        watch(before, "key 1 removed");
        // 5. BIRD drops key 1.
        configureBird(agentConfig("{type: " + type + ", keys: [{id: 2, secretFile: " + key2 + "}]}"));
        watch(before, "BIRD dropped key 1");

        JsonNode after = session();
        assertThat(after.path("auth").path("type").asText()).isEqualTo(type);
        assertThat(after.path("auth").path("keyIds").toString()).isEqualTo("[2]");
        assertThat(after.path("auth").path("keyId").asInt()).isEqualTo(2);
        assertThat(after.path("auth").path("peerKeyId").asInt()).isEqualTo(2);
        assertThat(after.toString()).doesNotContain("one-", "two-");
        assertThat(agent.cli("status").orThrow()).contains(type + " keys 2 send 2 peer 2");
        assertThat(agent.log()).doesNotContain("one-", "two-");
    }

    /** What a flap would change: our discriminator and transition count, BIRD's last change, both logs. */
    private record Baseline(long discriminator, long transitions, Bird.BfdSessionRow birdRow, int birdLog,
            int agentLog) {
    }

    private Baseline baseline() {
        JsonNode s = session();
        return new Baseline(s.path("localDiscriminator").asLong(), s.path("counters").path("state-transitions")
                .asLong(), birdRow(), bird.daemon().logText().length(), agent.log().length());
    }

    /**
     * Watches both sides Up for {@link #WATCH} (BIRD read every few ms), then checks that
     * nothing moved since {@code b}: the same session and transition count on our side, the
     * same last change at BIRD, no state change and no authentication failure in BIRD's log,
     * no state change and no refused packet in ours.
     */
    private void watch(Baseline b, String step) {
        long until = System.nanoTime() + WATCH.toNanos();
        while (System.nanoTime() < until) {
            assertThat(birdRow().state()).as("BIRD's session after " + step).isEqualTo("Up");
        }
        JsonNode s = session();
        String ours = agent.log().substring(b.agentLog());
        String birdLog = bird.daemon().logText().substring(b.birdLog());
        step = step + "\n--- our log since the baseline:\n" + ours + "--- BIRD's:\n" + birdLog + "---";
        assertThat(s.path("state").asText()).as("our session after " + step).isEqualTo("Up");
        assertThat(s.path("localDiscriminator").asLong()).as("the same session after " + step)
                .isEqualTo(b.discriminator());
        assertThat(s.path("counters").path("state-transitions").asLong()).as("our transitions after " + step)
                .isEqualTo(b.transitions());
        assertThat(s.path("counters").path("drop-auth-key-id").asLong()
                + s.path("counters").path("drop-auth-digest").asLong()
                + s.path("counters").path("drop-auth-sequence").asLong()).as("packets we refused after " + step)
                .isZero();
        assertThat(birdRow()).as("BIRD's last state change after " + step)
                .matches(r -> r.sameChangeAs(b.birdRow()), "the change of " + b.birdRow());
        assertThat(birdStates(birdLog)).as("BIRD's state changes after " + step).isEmpty();
        assertThat(birdLog).as("BIRD's log after " + step).doesNotContain("Authentication failed");
        assertThat(ours).as("our log after " + step).doesNotContain("-> Down", "packet refused", "the session is recreated");
    }

    private static List<String> birdStates(String log) {
        List<String> out = new ArrayList<>();
        Matcher m = BIRD_STATE.matcher(log);
        while (m.find()) {
            out.add(m.group(1) + " -> " + m.group(2));
        }
        return out;
    }

    private Bird.BfdSessionRow birdRow() {
        return bird.bfdSession(GW).orElseThrow(() -> new AssertionError("BIRD has no session to " + GW + ":\n"
                + bird.birdc("show bfd sessions")));
    }

    private void awaitBothUp() {
        Poll.until(T, Duration.ofMillis(50), "BFD Up at BIRD and at the agent",
                () -> bird.bfdSession(GW).map(r -> r.state().equals("Up")).orElse(false)
                        && session().path("state").asText().equals("Up"),
                () -> bird.birdc("show bfd sessions") + "\n" + agent.log());
    }

    /**
     * The agent's status over its control socket, from this JVM: the CLI's own client and
     * request, without starting a JVM per poll (the CLI itself is used once per type).
     */
    private JsonNode session() {
        try {
            JsonNode status = new ControlClient(AgentProcess.socketPath(lab, "gw"))
                    .call(AgentCommands.JSON.createObjectNode().put("command", "status"));
            return status.path("services").path(0).path("bfd").path(0);
        } catch (ControlException e) {
            throw new AssertionError("status: " + e.getMessage() + "\n" + agent.log(), e);
        }
    }

    /** Writes the agent's config and reloads it over the control socket, as {@code xlat-sentinel reload} does. */
    private void reloadAgent(String config) {
        agent.writeConfig(config);
        try {
            assertThat(new ControlClient(AgentProcess.socketPath(lab, "gw"))
                    .call(AgentCommands.JSON.createObjectNode().put("command", "reload")).asText()).contains("reloaded");
        } catch (ControlException e) {
            throw new AssertionError("reload: " + e.getMessage(), e);
        }
    }

    /** BIRD's config from the agent config {@code agentYaml}, as an operator renders it, applied with configure. */
    private void configureBird(String agentYaml) {
        bird.reconfigure(birdConfig(render(agentYaml)));
    }

    /** {@code render-router-config --bird --interface eth0 --with-secrets}, in this JVM. */
    private String render(String agentYaml) {
        try {
            LoadedConfig c = ConfigLoader.load(lab.file("render-agent.yaml", agentYaml));
            return RouterConfig.bird(c.config().services(), new RouterConfig.Options("eth0", true));
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** The rendered part, with what a router needs around it; BIRD logs its BFD events to stderr. */
    private static String birdConfig(String rendered) {
        return "router id 10.255.0.1;\nlog stderr all;\ndebug protocols { events };\nprotocol device {}\n" + rendered;
    }

    private String chain(String type, int send, Path k1, Path k2) {
        return "{type: " + type + ", keys: [{id: 1, secretFile: " + k1 + "}, {id: 2, secretFile: " + k2
                + "}], sendKeyId: " + send + "}";
    }

    /**
     * An agent that is always healthy (a command probe running {@code true}), one service
     * with one session toward BIRD at 100 ms x 5; {@code auth} as given (null: none).
     */
    private String agentConfig(String auth) {
        return "agent:\n  controlSocket: " + AgentProcess.socketPath(lab, "gw") + "\n  maintenanceFile: "
                + lab.dir().resolve("gw.maintenance") + "\n  damping: {minHold: 0ms, penalty: 0}\n"
                + "instances:\n  up:\n    health: {interval: 1s, timeout: 900ms, rise: 1, fall: 5}\n"
                + "    probes:\n      - {type: command, name: always, command: [/bin/true]}\n"
                + "services:\n  svc:\n    dependsOn: [up]\n    prefixes: [2001:db8:64::/96]\n    bfd:\n"
                + "      - peer: " + ROUTER + "\n        local: " + GW + "\n        interface: eth0\n"
                + "        namespace: " + gw.name() + "\n        minTx: 100ms\n        multiplier: 5\n"
                + (auth == null ? "" : "        auth: " + auth + "\n");
    }

    private Path key(String name, String content) throws IOException {
        Path p = lab.dir().resolve(name);
        Files.writeString(p, content + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }
}
