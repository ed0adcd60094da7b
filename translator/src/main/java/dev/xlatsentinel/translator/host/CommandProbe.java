package dev.xlatsentinel.translator.host;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.process.Subprocess;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A site's own check: runs a command (inside a namespace if given), passes on exit status 0,
 * and reports the first line of its output as the reason (stderr first on failure).
 */
public final class CommandProbe implements Probe {
    private final String name;
    private final NetworkNamespace ns;
    private final List<String> command;
    private final Subprocess subprocess;

    public CommandProbe(String name, NetworkNamespace ns, List<String> command, Subprocess subprocess) {
        this.name = name;
        this.ns = ns;
        this.command = List.copyOf(command);
        this.subprocess = subprocess;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        return subprocess.run(ns, command, timeout).thenApply(r -> {
            if (r.ok()) {
                String first = Subprocess.firstLine(r.stdout());
                return ProbeResult.pass(name, first.isEmpty() ? "exit 0" : first);
            }
            if (r.startError() != null || r.timedOut()) {
                return ProbeResult.fail(name, r.failure());
            }
            String first = Subprocess.firstLine(r.stderr().isBlank() ? r.stdout() : r.stderr());
            return ProbeResult.fail(name, "exit " + r.exit() + (first.isEmpty() ? "" : ": " + first));
        });
    }
}
