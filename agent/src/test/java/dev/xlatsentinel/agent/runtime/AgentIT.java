package dev.xlatsentinel.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xlatsentinel.lab.AgentProcess;
import dev.xlatsentinel.lab.Bird;
import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.Poll;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The agent as it runs on a gateway: real processes of the built distribution on gwa and
 * gwb of the lab topology, BIRD as the router with BFD-tracked static routes, TAYGA as the
 * translator. Cases share one lab and run in order; each leaves both gateways healthy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentIT {
    private static final Duration T = Duration.ofSeconds(20);

    private Lab lab;
    private Nat64Lab n;
    private AgentProcess gwa;
    private AgentProcess gwb;

    @BeforeAll
    void lab() {
        lab = Lab.open("agent");
        n = Nat64Lab.build(lab, Nat64Lab.Options.defaults());
        gwa = start("gwa");
        gwb = start("gwb");
        awaitRoute("gwa");
        Poll.until(T, Duration.ofMillis(20), "both sessions Up at the router",
                () -> n.bird().bfdSessions().stream().filter(r -> r.state().equals("Up")).count() == 2);
    }

    @AfterAll
    void teardown() {
        lab.close();
    }

    private AgentProcess start(String gw) {
        String config = n.agentConfig(n.gateway(gw), Nat64Lab.AgentTuning.TOLERANT, AgentProcess.socketPath(lab, gw));
        // Metrics on a port the kernel picks (the agents run in the root namespace).
        return AgentProcess.start(lab, gw, config.replace("agent:\n", "agent:\n  metrics: {listen: 127.0.0.1:0}\n"));
    }

    private String scrape(AgentProcess a) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("metrics on (http://127.0.0.1:\\d+/metrics)")
                .matcher(a.log());
        assertThat(m.find()).as("metrics URL in the log").isTrue();
        var client = java.net.http.HttpClient.newHttpClient();
        var res = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1)))
                .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }

    private void awaitRoute(String... gateways) {
        Poll.until(T, Duration.ofMillis(20), "router sends NAT64 traffic via " + List.of(gateways),
                () -> n.routerGateways().equals(List.of(gateways)), () -> n.bird().birdc("show bfd sessions")
                        + "\n" + n.router().ip("-6", "route") + "\ngwa:\n" + gwa.log());
    }

    private Bird.BfdSessionRow birdSession(String gw) {
        return n.bird().bfdSession(n.gateway(gw).lanAddress()).orElseThrow();
    }

    @Test
    @Order(1)
    void bothGatewaysAnnounceOnceTheirTranslatorsAreProvenAndStatusShowsIt() {
        assertThat(birdSession("gwa").state()).isEqualTo("Up");
        assertThat(birdSession("gwb").state()).isEqualTo("Up");
        JsonNode s = gwa.status();
        assertThat(s.path("schema").asInt()).isEqualTo(1);
        assertThat(s.path("instances").path(0).path("health").asText()).isEqualTo("UP");
        assertThat(s.path("services").path(0).path("withdrawn").asBoolean()).isFalse();
        JsonNode bfd = gwa.session("nat64");
        assertThat(bfd.path("state").asText()).isEqualTo("Up");
        assertThat(bfd.path("txIntervalMs").asDouble()).isEqualTo(100.0);
        String text = gwa.cli("status").orThrow();
        assertThat(text).contains("tayga", "UP", "nat64", "announced", "2001:db8:ff::1");
    }

    @Test
    @Order(1)
    void metricsShowHealthSessionsAndProbeLatency() throws Exception {
        String m = scrape(gwa);
        assertThat(m).contains("xlat_instance_state{instance=\"tayga\",state=\"UP\"} 1.0",
                "xlat_service_withdrawn{service=\"nat64\"} 0.0",
                "xlat_bfd_session_state{local=\"2001:db8:ff::a\",peer=\"2001:db8:ff::1\",service=\"nat64\",state=\"Up\"} 1.0");
        assertThat(m).containsPattern("xlat_probe_latency_seconds_count\\{instance=\"tayga\",probe=\"icmp\"\\} [1-9]");
        assertThat(m).containsPattern("xlat_bfd_packets_total\\{counter=\"tx-packets\",[^}]*\\} [1-9]");
    }

    @Test
    @Order(2)
    void aKilledTranslatorMakesTheRouterWithdrawThroughTheAgentAndRecoveryBringsItBack() {
        Nat64Lab.Gateway g = n.gateway("gwa");
        g.killTayga();
        awaitRoute("gwb");
        Poll.until(T, "agent logged its decision", () -> gwa.log().contains("service nat64 WITHDRAWN"));
        assertThat(gwa.log()).containsPattern("service nat64 WITHDRAWN: instance tayga DOWN \\(.*tayga.*\\) -> "
                + "withdraw bfd 2001:db8:ff::1 from 2001:db8:ff::a dev lan0 single-hop \\(diag path-down\\)");
        JsonNode bfd = gwa.session("nat64");
        assertThat(bfd.path("heldDown").asBoolean()).isTrue();
        assertThat(bfd.path("localDiag").asText()).isEqualTo("path-down");
        assertThat(birdSession("gwa").state()).isNotEqualTo("Up");
        g.restartTayga();
        awaitRoute("gwa");
        assertThat(gwa.log()).contains("service nat64 RELEASED");
    }

    @Test
    @Order(3)
    void drainWithdrawsAndUndrainBringsTheRouteBack() {
        gwa.cli("drain", "tayga", "--reason", "kernel upgrade").orThrow();
        awaitRoute("gwb");
        JsonNode i = gwa.status().path("instances").path(0);
        assertThat(i.path("drained").asBoolean()).isTrue();
        assertThat(i.path("drainReason").asText()).isEqualTo("kernel upgrade");
        Cmd.Result noReason = gwa.cli("drain", "tayga", "--reason", " ");
        assertThat(noReason.exit()).isEqualTo(1);
        assertThat(gwa.cli("undrain", "nosuch").stderr()).contains("no instance 'nosuch' (instances: tayga)");
        gwa.cli("undrain", "tayga").orThrow();
        awaitRoute("gwa");
    }

    @Test
    @Order(4)
    void theMaintenanceFileDrainsEverything() throws Exception {
        var file = lab.dir().resolve("gwa.maintenance");
        Files.writeString(file, "");
        awaitRoute("gwb");
        Files.delete(file);
        awaitRoute("gwa");
    }

    @Test
    @Order(5)
    void reloadWithoutChangeCausesNoFlapAndABadConfigIsRejectedWhole() {
        long transitions = gwa.session("nat64").path("counters").path("state-transitions").asLong();
        Bird.BfdSessionRow before = birdSession("gwa");
        assertThat(gwa.cli("reload").orThrow()).contains("reloaded");
        assertThat(gwa.session("nat64").path("counters").path("state-transitions").asLong()).isEqualTo(transitions);
        assertThat(birdSession("gwa")).matches(after -> after.sameChangeAs(before),
                "the same state change as " + before);
        String good = Cmd.run("cat", gwa.config().toString());
        gwa.writeConfig(good.replace("multiplier: 3", "multiplier: 0"));
        Cmd.Result bad = gwa.cli("reload");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.stderr()).contains("reload rejected, running configuration kept",
                "services.nat64.bfd[0].multiplier: 0 is outside 1 to 255");
        gwa.writeConfig(good);
        assertThat(n.routerGateways()).containsExactly("gwa");
        assertThat(birdSession("gwa")).matches(after -> after.sameChangeAs(before),
                "the same state change as " + before);
    }

    @Test
    @Order(6)
    void reloadWithANewNonTimerSettingRecreatesTheSessionAndItComesBackUp() {
        long discr = gwa.session("nat64").path("localDiscriminator").asLong();
        String good = Cmd.run("cat", gwa.config().toString());
        assertThat(good).contains("multiplier: 3}");
        try {
            gwa.writeConfig(good.replace("multiplier: 3}", "multiplier: 3, dscp: 46}"));
            assertThat(gwa.cli("reload").orThrow()).contains("reloaded");
            assertThat(gwa.log()).contains("settings other than timers changed: the session is recreated");
            // A new session (new discriminator) in place of the old one, Up with the router again.
            Poll.until(T, "the recreated session Up", () -> {
                JsonNode s = gwa.session("nat64");
                return s.path("state").asText().equals("Up") && s.path("localDiscriminator").asLong() != discr;
            });
            Poll.until(T, "BIRD's session Up again", () -> birdSession("gwa").state().equals("Up"));
            awaitRoute("gwa");
            assertThat(gwa.status().path("services").path(0).path("withdrawn").asBoolean()).isFalse();
        } finally {
            gwa.writeConfig(good);
            gwa.cli("reload").orThrow();
        }
        Poll.until(T, "the session Up after the config was put back",
                () -> gwa.session("nat64").path("state").asText().equals("Up"));
        awaitRoute("gwa");
    }

    @Test
    @Order(7)
    void theControlSocketRefusesANonRootUser() {
        Cmd.Result r = gwa.cliAs("nobody", "status");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("permission denied");
    }

    @Test
    @Order(8)
    void sigtermWithdrawsBeforeTheProcessExits() {
        int exit = gwa.terminate(T);
        assertThat(exit).isEqualTo(143);
        // Withdrawn by the time the process is gone: BIRD's session already left Up, no waiting
        // for a detection time. (BIRD's main loop then moves the kernel route, a moment later.)
        assertThat(birdSession("gwa").state()).isNotEqualTo("Up");
        assertThat(gwa.log()).contains("stopping: every peer saw the withdrawal");
        Poll.until(Duration.ofSeconds(1), Duration.ofMillis(10), "route via gwb",
                () -> n.routerGateways().equals(List.of("gwb")));
        gwa.restart();
        awaitRoute("gwa");
    }
}
