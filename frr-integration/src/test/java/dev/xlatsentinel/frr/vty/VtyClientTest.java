package dev.xlatsentinel.frr.vty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's timeouts and reconnects against a test-owned socket (FRR itself is in the ITs). */
class VtyClientTest {
    private static final VtyClientConfig FAST = new VtyClientConfig(Duration.ofMillis(500), Duration.ofMillis(300),
            Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(50));
    private static final Duration GENEROUS = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static byte[] enableThen(String cmd, byte[] otherwise) {
        return cmd.equals("enable") ? ScriptedVtyServer.reply("", 0) : otherwise;
    }

    @Test
    void daemonThatAcceptsButNeverAnswersHitsTheReplyTimeout() throws Exception {
        VtyEndpoint ep = new VtyEndpoint(dir, "bfdd");
        try (ScriptedVtyServer server = new ScriptedVtyServer(ep.socket(), c -> enableThen(c, null));
                VtyClient client = VtyClient.start(ep, FAST, s -> { })) {
            assertThat(client.awaitReachable(GENEROUS)).isTrue();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.execute("show bfd peers json"))
                    .isInstanceOf(VtyTimeoutException.class)
                    .hasMessageContaining("no reply to 'show bfd peers json' within PT0.3S");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(GENEROUS);
            // The silent daemon still answers 'enable', so the client reconnects.
            assertThat(client.awaitReachable(GENEROUS)).isTrue();
        }
    }

    @Test
    void daemonThatNeverAnswersEnableStaysUnreachableAndCallersFailAtOnce() throws Exception {
        VtyEndpoint ep = new VtyEndpoint(dir, "bfdd");
        // A reply timeout long enough that "at once" cannot be mistaken for waiting it out.
        VtyClientConfig slowReply = new VtyClientConfig(FAST.connectTimeout(), Duration.ofSeconds(1),
                FAST.retryInitial(), FAST.retryMax(), FAST.livenessEvery());
        try (ScriptedVtyServer server = new ScriptedVtyServer(ep.socket(), c -> null);
                VtyClient client = VtyClient.start(ep, slowReply, s -> { })) {
            assertThat(client.awaitReachable(Duration.ofSeconds(3))).isFalse();
            assertThat(client.reachability().reason()).contains("no reply to 'enable'");
            long t0 = System.nanoTime();
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> client.execute("show version"));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(thrown).isInstanceOf(VtyUnreachableException.class).hasMessageContaining("unreachable since");
            assertThat(took).isLessThan(Duration.ofMillis(500));
        }
    }

    @Test
    void missingSocketIsReportedWithTheOsReason() {
        try (VtyClient client = VtyClient.start(new VtyEndpoint(dir, "bfdd"), FAST, s -> { })) {
            assertThat(client.awaitReachable(Duration.ofMillis(300))).isFalse();
            assertThat(client.reachability().reason()).startsWith("cannot connect: ").containsIgnoringCase("no such file");
        }
    }

    @Test
    void reconnectsAfterTheDaemonDropsTheConnectionAndRunsTheListenerAgain() throws Exception {
        VtyEndpoint ep = new VtyEndpoint(dir, "staticd");
        AtomicInteger connects = new AtomicInteger();
        try (ScriptedVtyServer server = new ScriptedVtyServer(ep.socket(),
                c -> enableThen(c, ScriptedVtyServer.reply("ok\n", 0)));
                VtyClient client = VtyClient.start(ep, FAST, s -> {
                    connects.incrementAndGet();
                    s.execute("show version");
                })) {
            assertThat(client.awaitReachable(GENEROUS)).isTrue();
            assertThat(connects).hasValue(1);
            server.dropClients();
            // The liveness check sees the EOF on the idle connection without any caller.
            long deadline = System.nanoTime() + GENEROUS.toNanos();
            while (connects.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(connects).hasValue(2);
            assertThat(client.awaitReachable(GENEROUS)).isTrue();
            assertThat(client.execute("show version")).isEqualTo("ok\n");
        }
    }

    @Test
    void statusBytesMapToTypedErrorsCarryingFrrsMessage() throws Exception {
        VtyEndpoint ep = new VtyEndpoint(dir, "bfdd");
        try (ScriptedVtyServer server = new ScriptedVtyServer(ep.socket(), c -> switch (c) {
            case "enable", "configure terminal", "end" -> ScriptedVtyServer.reply("", 0);
            case "bogus" -> ScriptedVtyServer.reply("% [BFD] Unknown command: bogus\n", 2);
            case "c" -> ScriptedVtyServer.reply("% Ambiguous command.\n", 3);
            case "detect-multiplier" -> ScriptedVtyServer.reply("% Command incomplete.\n", 4);
            case "profile x" -> ScriptedVtyServer.reply("% Failed to edit configuration.\n", 0);
            case "weird" -> ScriptedVtyServer.reply("", 99);
            default -> ScriptedVtyServer.reply("% nope\n", 13);
        }); VtyClient client = VtyClient.start(ep, FAST, s -> { })) {
            assertThat(client.awaitReachable(GENEROUS)).isTrue();
            assertThatThrownBy(() -> client.execute("bogus")).isInstanceOf(CommandRejected.UnknownCommand.class)
                    .hasMessageContaining("% [BFD] Unknown command: bogus");
            assertThatThrownBy(() -> client.execute("c")).isInstanceOf(CommandRejected.AmbiguousCommand.class);
            assertThatThrownBy(() -> client.execute("detect-multiplier"))
                    .isInstanceOf(CommandRejected.IncompleteCommand.class);
            assertThatThrownBy(() -> client.execute("minimum-ttl 10")).isInstanceOf(CommandRejected.ConfigFailed.class)
                    .satisfies(e -> assertThat(((CommandRejected) e).frrMessage()).isEqualTo("% nope"));
            assertThatThrownBy(() -> client.execute("weird")).isInstanceOf(CommandRejected.OtherStatus.class)
                    .satisfies(e -> assertThat(((CommandRejected) e).reply().rawStatus()).isEqualTo(99));
            // Outside configure mode a '%' text with CMD_SUCCESS is just text...
            assertThat(client.execute("profile x")).startsWith("% Failed");
            // ...inside it, it is the rejection FRR 8.4's northbound reports that way.
            assertThatThrownBy(() -> client.call(s -> {
                s.configure(java.util.List.of("profile x"));
                return null;
            })).isInstanceOf(CommandRejected.ConfigFailed.class);
            assertThat(server.received()).endsWith("configure terminal", "profile x", "end");
            assertThatThrownBy(() -> client.execute("two\nlines")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("command:");
        }
    }
}
