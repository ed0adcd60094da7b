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
import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Poll;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Reload as a transaction, against BIRD 2: one failure class per case, each a reload the
 * running agent must refuse whole (or, for the control group, apply whole). After each, on
 * the router: the same BFD session as before (BIRD's last change and our discriminator), and
 * it still controls the route: the translator's health off makes BIRD withdraw the route,
 * health on brings it back; {@code status --json} says what BIRD shows at every step.
 *
 * <p>One lab and one agent for all cases: the agent (the built distribution, in the root
 * namespace) with its session in namespace "gw", BIRD in "router" with a static route
 * tracked by BFD (rendered by render-router-config, without the last-resort route so that
 * a withdrawal shows as the prefix gone). The translator's health is a command probe that
 * fails while a flag file exists. The agent runs with the prepare-fault test hook set on the
 * metrics listener (a JVM system property; no config file reaches it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReloadTransactionIT {
    private static final Duration T = Duration.ofSeconds(20);
    private static final String GW = "2001:db8:73::a";
    private static final String ROUTER = "2001:db8:73::1";
    private static final String PREFIX = "2001:db8:64::/96";
    /** Debian's "users" group (GID 100): exists on every test machine. */
    private static final String GROUP = "users";
    /** The test hook's value: no space (JAVA_TOOL_OPTIONS splits on spaces); only the metrics listener's name has it. */
    private static final String FAULT = "127.0.0.1:";

    private Lab lab;
    private Netns gw;
    private Bird bird;
    private AgentProcess agent;
    private Path flag;
    private int metricsPort;
    private String good;

    @BeforeAll
    void lab() throws IOException {
        lab = Lab.open("txn");
        gw = lab.netns("gw");
        Netns router = lab.netns("router");
        lab.link(gw, "eth0", router, "eth0");
        gw.addr("eth0", GW + "/64");
        router.addr("eth0", ROUTER + "/64");
        flag = lab.dir().resolve("translator-down");
        metricsPort = freePort();
        good = config(Map.of());
        bird = Bird.start(router, "router id 10.255.0.1;\nlog stderr all;\ndebug protocols { events };\n"
                + "protocol device {}\n" + render(good));
        agent = AgentProcess.start(lab, "gw", good, Map.of("JAVA_TOOL_OPTIONS",
                "-D" + ReloadTransaction.FAULT_PROPERTY + "=" + FAULT));
        awaitRouted(true);
    }

    @AfterAll
    void teardown() {
        lab.close();
    }

    /** Every case leaves the good config in the file and the route via the gateway. */
    @AfterEach
    void goodAgain() throws IOException {
        Files.deleteIfExists(flag);
        agent.writeConfig(good);
    }

    // ------------------------------------------------------------------ the cases

    @Test
    @Order(1)
    void aNamespaceThatDoesNotExistIsRefusedAndTheSessionStaysInCharge() throws Exception {
        rejected(config(Map.of("namespace", gw.name() + "x")), "cannot prepare namespace " + gw.name()
                + "x (BFD engine): network namespace " + gw.name() + "x does not exist");
    }

    @Test
    @Order(2)
    void anInterfaceThatDoesNotExistIsRefusedAndTheSessionStaysInCharge() throws Exception {
        rejected(config(Map.of("interface", "nosuch0")), "cannot prepare bfd " + ROUTER + " from " + GW
                + " dev nosuch0 single-hop in namespace " + gw.name() + ": iface: no interface 'nosuch0'");
    }

    /**
     * The session recreated with another DSCP (prepared beside the running one: a second
     * socket from the same address) and a second session whose local address the gateway does
     * not have: the second cannot bind, so the first is given back too.
     */
    @Test
    @Order(3)
    void aLocalAddressThatDoesNotExistIsRefusedAndWhatWasPreparedIsGivenBack() throws Exception {
        int sockets = sendSockets();
        rejected(config(Map.of("dscp", "46", "second", "2001:db8:73::99")), "cannot prepare bfd " + ROUTER
                + " from 2001:db8:73::99 dev eth0 single-hop in namespace " + gw.name() + ": local: cannot send from"
                + " 2001:db8:73::99");
        assertThat(sendSockets()).as("the recreated session's socket given back").isEqualTo(sockets);
    }

    /**
     * A metrics address the host does not have, with a timer change and a new instance in the
     * same reload: the listener cannot bind, so neither the timers nor the instance change and
     * the old endpoint still answers (before, the log said "reloaded" and the endpoint was gone).
     */
    @Test
    @Order(4)
    void aMetricsAddressThatCannotBeBoundIsRefusedAndTheOldEndpointStays() throws Exception {
        rejected(config(Map.of("metrics", "192.0.2.77:9464", "minTx", "200ms", "instance", "extra")),
                "cannot prepare metrics listener 192.0.2.77:9464: ");
        assertThat(scrape(metricsPort)).contains("xlat_service_withdrawn{service=\"svc\"} 0.0");
        JsonNode s = status();
        assertThat(s.path("instances")).hasSize(1);
        assertThat(session(s).path("txIntervalMs").asDouble()).isEqualTo(100.0);
        assertThat(agent.log()).doesNotContain("reload by root:root: accepted");
    }

    /**
     * Everything prepared (the session recreated, a new instance's probes, a new metrics
     * listener bound), then a fault in the last step (the test hook): all given back. The new
     * port never answers, the old one does.
     */
    @Test
    @Order(5)
    void aFaultInTheMiddleOfPrepareGivesEverythingBack() throws Exception {
        int port = freePort();
        int sockets = sendSockets();
        rejected(config(Map.of("metrics", "127.0.0.1:" + port, "dscp", "46", "instance", "extra")),
                "cannot prepare metrics listener 127.0.0.1:" + port + ": injected fault");
        assertThat(sendSockets()).isEqualTo(sockets);
        assertThat(listening(port)).as("the prepared listener was closed").isFalse();
        assertThat(scrape(metricsPort)).contains("xlat_instance_state");
        assertThat(status().path("instances")).hasSize(1);
    }

    /**
     * The control socket's group: a group the host does not have is refused (and the socket
     * keeps its mode); an existing one is applied (the reply comes back over the socket being
     * replaced), a member of the group may then use it, and the session is untouched.
     */
    @Test
    @Order(6)
    void theControlGroupChangesByReload() throws Exception {
        Path socket = AgentProcess.socketPath(lab, "gw");
        rejected(config(Map.of("controlGroup", "xs-no-such-group")), "cannot prepare control socket " + socket
                + " (group xs-no-such-group): controlGroup: no group 'xs-no-such-group' on this host");
        assertThat(mode(socket)).isEqualTo("rw-------");
        assertThat(asMemberOfUsers().exit()).as("not yet").isEqualTo(1);

        withLog(this::groupApplies);
    }

    private void groupApplies() throws Exception {
        Path socket = AgentProcess.socketPath(lab, "gw");
        Baseline before = baseline();
        String withGroup = config(Map.of("controlGroup", GROUP));
        agent.writeConfig(withGroup);
        Cmd.Result r = agent.cli("reload");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("reloaded", "control socket " + socket + " (root only) -> " + socket
                + " (group users)");
        assertThat(mode(socket)).isEqualTo("rw-rw----");
        Cmd.Result member = asMemberOfUsers();
        assertThat(member.exit()).as(member.stderr()).isZero();
        sameSession(before);
        stillInCharge(before);
        // And back to root only, which applies too (BIRD's last change is now the release above).
        Baseline again = baseline();
        agent.writeConfig(good);
        assertThat(agent.cli("reload").orThrow()).contains("reloaded");
        assertThat(mode(socket)).isEqualTo("rw-------");
        assertThat(asMemberOfUsers().exit()).isEqualTo(1);
        sameSession(again);
        stillInCharge(again);
    }

    // ------------------------------------------------------------------ what each case proves

    /**
     * Reloads {@code config}, which must be refused naming {@code cause}; then proves nothing
     * changed: the same session at both ends, one log line saying it was rejected, status
     * naming the cause, and the session still in charge of the route.
     */
    private void rejected(String config, String cause) throws Exception {
        Baseline before = baseline();
        int lines = count(agent.log(), "reload by root:root: rejected");
        agent.writeConfig(config);
        Cmd.Result r = agent.cli("reload");
        withLog(() -> {
            assertThat(r.exit()).as(r.stdout()).isEqualTo(1);
            assertThat(r.stderr()).contains("reload rejected, running configuration kept: " + cause);
            sameSession(before);
            assertThat(count(agent.log(), "reload by root:root: rejected")).as("one log line per reload")
                    .isEqualTo(lines + 1);
            JsonNode last = status().path("config").path("lastReload");
            assertThat(last.path("outcome").asText()).isEqualTo("rejected");
            assertThat(last.path("message").asText()).contains(cause);
            stillInCharge(before);
        });
    }

    /** Checks that, on failure, say what the agent logged (the lab is gone afterwards). */
    @FunctionalInterface
    private interface Checks {
        void run() throws Exception;
    }

    private void withLog(Checks checks) throws Exception {
        try {
            checks.run();
        } catch (AssertionError e) {
            String log = agent.log();
            throw new AssertionError(e.getMessage() + "\n--- the agent's log (last 60 lines):\n"
                    + String.join("\n", log.lines().skip(Math.max(0, log.lines().count() - 60)).toList()), e);
        }
    }

    /** What a flap or a recreated session would change: our discriminator, BIRD's last change. */
    private record Baseline(long discriminator, Bird.BfdSessionRow bird) {
    }

    private Baseline baseline() {
        awaitRouted(true);
        return new Baseline(session(status()).path("localDiscriminator").asLong(), birdRow());
    }

    private void sameSession(Baseline b) {
        JsonNode s = status();
        assertThat(session(s).path("localDiscriminator").asLong()).as("our session").isEqualTo(b.discriminator());
        assertThat(session(s).path("state").asText()).isEqualTo("Up");
        assertThat(birdRow()).as("BIRD's session").matches(r -> r.sameChangeAs(b.bird()), "the change of " + b.bird());
        matchesRouter();
    }

    /** Health off: BIRD withdraws the route; health on: it comes back; status agrees throughout. */
    private void stillInCharge(Baseline b) throws IOException {
        Files.writeString(flag, "");
        awaitRouted(false);
        matchesRouter();
        assertThat(session(status()).path("heldDown").asBoolean()).isTrue();
        Files.delete(flag);
        awaitRouted(true);
        matchesRouter();
        assertThat(session(status()).path("localDiscriminator").asLong()).as("the same session all along")
                .isEqualTo(b.discriminator());
    }

    /** Waits until BIRD has (or has not) the route and our status says the same. */
    private void awaitRouted(boolean routed) {
        Poll.until(T, Duration.ofMillis(50), "route " + (routed ? "via the gateway" : "withdrawn") + " at BIRD and in"
                + " status", () -> bird.hasRoute(PREFIX) == routed && service(status()).path("withdrawn")
                        .asBoolean() == !routed && (!routed || birdRow().state().equals("Up")),
                () -> bird.birdc("show bfd sessions") + "\n" + bird.route(PREFIX) + "\n" + status() + "\n"
                        + agent.log());
    }

    /** status --json against BIRD: withdrawn exactly when BIRD has no route, Up exactly when BIRD is Up. */
    private void matchesRouter() {
        JsonNode s = status();
        boolean routed = bird.hasRoute(PREFIX);
        Bird.BfdSessionRow row = birdRow();
        assertThat(service(s).path("withdrawn").asBoolean()).as("status withdrawn vs BIRD's route").isEqualTo(!routed);
        assertThat(session(s).path("heldDown").asBoolean()).isEqualTo(!routed);
        assertThat(session(s).path("state").asText().equals("Up")).as("our state vs BIRD's " + row.state())
                .isEqualTo(row.state().equals("Up"));
        assertThat(agent.log()).as("the agent's own check of status against its actuators")
                .doesNotContain("STATUS WOULD LIE");
    }

    // ------------------------------------------------------------------ the gateway's config

    /**
     * The agent's config; {@code change} alters it: namespace, interface, dscp, minTx, second
     * (the local address of a second session), metrics, instance (a second instance), controlGroup.
     */
    private String config(Map<String, String> change) {
        String ns = change.getOrDefault("namespace", gw.name());
        StringBuilder b = new StringBuilder();
        b.append("agent:\n  controlSocket: ").append(AgentProcess.socketPath(lab, "gw")).append('\n');
        b.append("  maintenanceFile: ").append(lab.dir().resolve("gw.maintenance")).append('\n');
        b.append("  damping: {minHold: 0ms, penalty: 0}\n");
        b.append("  metrics: {listen: ").append(change.getOrDefault("metrics", "127.0.0.1:" + metricsPort))
                .append("}\n");
        if (change.containsKey("controlGroup")) {
            b.append("  controlGroup: ").append(change.get("controlGroup")).append('\n');
        }
        b.append("instances:\n");
        // Margins for a loaded 2-core machine (load 20+ seen): a probe cut once or a BFD packet
        // late by a second must not flap the session these cases watch. Hold-down still sends
        // Down at once, so the withdrawal is as fast; only a real silence takes 2 s to see.
        b.append("  translator:\n    health: {interval: 500ms, timeout: 500ms, rise: 1, fall: 2}\n");
        b.append("    probes:\n      - {type: command, name: flag, command: [/usr/bin/test, '!', -e, ")
                .append(flag).append("]}\n");
        if (change.containsKey("instance")) {
            b.append("  ").append(change.get("instance")).append(":\n    probes:\n")
                    .append("      - {type: command, name: always, command: [/bin/true]}\n");
        }
        b.append("services:\n  svc:\n    dependsOn: [translator]\n    prefixes: [").append(PREFIX).append("]\n");
        b.append("    bfd:\n      - peer: ").append(ROUTER).append("\n        local: ").append(GW).append('\n');
        b.append("        interface: ").append(change.getOrDefault("interface", "eth0")).append('\n');
        b.append("        namespace: ").append(ns).append('\n');
        b.append("        minTx: ").append(change.getOrDefault("minTx", "100ms")).append("\n        multiplier: 20\n");
        if (change.containsKey("dscp")) {
            b.append("        dscp: ").append(change.get("dscp")).append('\n');
        }
        if (change.containsKey("second")) {
            b.append("      - {peer: ").append(ROUTER).append(", local: ").append(change.get("second"))
                    .append(", interface: eth0, namespace: ").append(ns).append("}\n");
        }
        return b.toString();
    }

    /** {@code render-router-config --bird --interface eth0 --no-last-resort}, in this JVM. */
    private String render(String agentYaml) {
        try {
            LoadedConfig c = ConfigLoader.load(lab.file("render-agent.yaml", agentYaml));
            return RouterConfig.bird(c.config().services(), new RouterConfig.Options("eth0", false, false));
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ reading both sides

    private JsonNode status() {
        try {
            return new ControlClient(AgentProcess.socketPath(lab, "gw"))
                    .call(AgentCommands.JSON.createObjectNode().put("command", "status"));
        } catch (ControlException e) {
            throw new AssertionError("status: " + e.getMessage() + "\n" + agent.log(), e);
        }
    }

    private static JsonNode service(JsonNode status) {
        return status.path("services").path(0);
    }

    private static JsonNode session(JsonNode status) {
        return service(status).path("bfd").path(0);
    }

    private Bird.BfdSessionRow birdRow() {
        return bird.bfdSession(GW).orElseThrow(() -> new AssertionError("BIRD has no session to " + GW + ":\n"
                + bird.birdc("show bfd sessions")));
    }

    /** UDP sockets bound to the gateway's address in its namespace: one per BFD session. */
    private int sendSockets() {
        return (int) gw.run("ss", "-u", "-a", "-n", "-H").lines().filter(l -> l.contains("[" + GW + "]:")).count();
    }

    private Cmd.Result asMemberOfUsers() {
        return agent.cliUnder(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--groups=100", "--"),
                "status");
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static int count(String text, String what) {
        return (int) text.lines().filter(l -> l.contains(what)).count();
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
