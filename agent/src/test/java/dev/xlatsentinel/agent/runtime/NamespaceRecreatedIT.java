package dev.xlatsentinel.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xlatsentinel.agent.config.ConfigException;
import dev.xlatsentinel.agent.config.ConfigLoader;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The namespace of a native session deleted and created again under its name ({@code ip netns
 * del gw; ip netns add gw; ...}: the gateway's network setup restarted), against BIRD 2. The
 * agent's engine kept its sockets in the orphaned namespace: the session stayed Down for good
 * while status said "announced". Now status says the session is lost while the name is gone,
 * and once it is there again (with its link and address) the session is rebuilt in the new
 * namespace by itself, in its service's state: Up through the handshake when announced, held
 * Down when withdrawn.
 *
 * <p>The agent (the built distribution, in the root namespace) has its session in namespace
 * "gw", BIRD in "router" a static route tracked by BFD; the translator's health is a command
 * probe in the root namespace that fails while a flag file exists, so the namespace's fate
 * never changes the service's verdict. Both namespaces are the lab's (unique names, removed at
 * teardown, the re-created one too).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NamespaceRecreatedIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final String GW = "2001:db8:74::a";
    private static final String ROUTER = "2001:db8:74::1";
    private static final String PREFIX = "2001:db8:65::/96";

    private Lab lab;
    private Netns gw;
    private Netns router;
    private Bird bird;
    private AgentProcess agent;
    private Path flag;

    @BeforeAll
    void lab() {
        lab = Lab.open("nsbfd");
        gw = lab.netns("gw");
        router = lab.netns("router");
        lab.link(gw, "eth0", router, "eth0");
        gw.addr("eth0", GW + "/64");
        router.addr("eth0", ROUTER + "/64");
        flag = lab.dir().resolve("translator-down");
        String config = config();
        bird = Bird.start(router, "router id 10.255.0.1;\nlog stderr all;\ndebug protocols { events };\n"
                + "protocol device { scan time 1; }\n" + render(config));
        agent = AgentProcess.start(lab, "gw", config);
        awaitRouted(true);
    }

    @AfterAll
    void teardown() {
        lab.close();
    }

    @AfterEach
    void translatorUp() throws IOException {
        Files.deleteIfExists(flag);
    }

    @Test
    @Order(1)
    void anAnnouncedSessionComesBackUpInTheNamespaceCreatedAgain() {
        long before = session(status()).path("localDiscriminator").asLong();
        deleteGateway();
        Poll.until(T, Duration.ofMillis(50), "status to say the session's namespace was deleted",
                () -> session(status()).path("lost").asText("").contains("was deleted"), this::both);
        assertThat(service(status()).path("withdrawn").asBoolean()).as("the translator is UP: the service stays"
                + " announced").isFalse();

        createGatewayAgain();
        awaitRouted(true);
        JsonNode s = session(status());
        assertThat(s.path("state").asText()).isEqualTo("Up");
        assertThat(s.has("lost")).as("status: nothing lost any more").isFalse();
        assertThat(s.path("localDiscriminator").asLong()).as("a new session").isNotEqualTo(before);
        assertThat(count(agent.log(), "namespace " + gw.name() + " was deleted")).as("one line for the deletion")
                .isEqualTo(1);
        assertThat(agent.log()).contains("namespace " + gw.name() + " was created again: rebuilding bfd " + ROUTER)
                .contains("rebuilt in the new one (Up through the normal handshake)")
                .doesNotContain("STATUS WOULD LIE");
    }

    @Test
    @Order(2)
    void aWithdrawnSessionStaysHeldDownInTheNamespaceCreatedAgainUntilReleased() throws IOException {
        Files.writeString(flag, "");
        awaitRouted(false);
        long before = session(status()).path("localDiscriminator").asLong();
        deleteGateway();
        createGatewayAgain();
        Poll.until(T, Duration.ofMillis(50), "the session rebuilt in the new namespace, held down", () -> {
            JsonNode s = session(status());
            return s.path("localDiscriminator").asLong() != before && !s.has("lost")
                    && s.path("heldDown").asBoolean();
        }, this::both);
        assertThat(bird.hasRoute(PREFIX)).as("held down from its first packet: no route").isFalse();
        assertThat(agent.log()).contains("rebuilt in the new one (held down: the service is withdrawn)");

        Files.delete(flag);
        awaitRouted(true);
        assertThat(agent.log()).doesNotContain("STATUS WOULD LIE");
    }

    // ------------------------------------------------------------------ the gateway's namespace

    /** The gateway's setup torn down: its link (both ends) and then its namespace's name. */
    private void deleteGateway() {
        router.ip("link", "del", "eth0");
        Cmd.run("ip", "netns", "del", gw.name());
    }

    /** The gateway's setup run again: the same name, link and addresses in a new namespace. */
    private void createGatewayAgain() {
        Cmd.run("ip", "netns", "add", gw.name());
        gw.ip("link", "set", "lo", "up");
        gw.sysctl("net.ipv6.conf.all.accept_dad", "0");
        gw.sysctl("net.ipv6.conf.default.accept_dad", "0");
        lab.link(gw, "eth0", router, "eth0");
        gw.addr("eth0", GW + "/64");
        router.addr("eth0", ROUTER + "/64");
    }

    // ------------------------------------------------------------------ config and reading

    private String config() {
        return "agent:\n  controlSocket: " + AgentProcess.socketPath(lab, "gw") + "\n"
                + "  maintenanceFile: " + lab.dir().resolve("gw.maintenance") + "\n"
                + "  damping: {minHold: 0ms, penalty: 0}\n"
                + "instances:\n  translator:\n    health: {interval: 500ms, timeout: 500ms, rise: 1, fall: 2}\n"
                + "    probes:\n      - {type: command, name: flag, command: [/usr/bin/test, '!', -e, " + flag + "]}\n"
                + "services:\n  svc:\n    dependsOn: [translator]\n    prefixes: [" + PREFIX + "]\n"
                + "    bfd:\n      - {peer: " + ROUTER + ", local: " + GW + ", interface: eth0, namespace: " + gw.name()
                + ", minTx: 100ms, multiplier: 20}\n";
    }

    private String render(String agentYaml) {
        try {
            return RouterConfig.bird(ConfigLoader.load(lab.file("render-agent.yaml", agentYaml)).config().services(),
                    new RouterConfig.Options("eth0", false, false));
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private void awaitRouted(boolean routed) {
        Poll.until(T, Duration.ofMillis(50), "route " + (routed ? "via the gateway" : "withdrawn") + " at BIRD and"
                + " status to agree", () -> bird.hasRoute(PREFIX) == routed
                        && service(status()).path("withdrawn").asBoolean() == !routed, this::both);
    }

    private String both() {
        return bird.birdc("show bfd sessions") + "\n" + bird.route(PREFIX) + "\n" + status() + "\n" + agent.log();
    }

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

    private static int count(String text, String what) {
        return (int) text.lines().filter(l -> l.contains(what)).count();
    }
}
