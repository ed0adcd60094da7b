package dev.xlatsentinel.agent.cli;

import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.translator.config.InstanceSpec;
import dev.xlatsentinel.translator.config.JoolProbeSpec;
import dev.xlatsentinel.translator.config.ProbeSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xlat-sentinel jool ARGS...}: runs one jool command against every configured Jool
 * instance, each with its own client (jool or jool_siit), in its namespace, with its
 * {@code -i NAME}; the output of each is labelled. What the seed's operators typed three
 * times by hand.
 */
@Command(name = "jool", description = "Run a jool command against every configured Jool instance, labelled per instance.")
public final class JoolCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Per instance (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(paramLabel = "ARGS", arity = "1..*", description = "The jool arguments, e.g. stats display --csv.")
    List<String> args;

    /** One Jool instance to run against: the agent instance, the Jool instance, the argv. */
    record Target(String instance, JoolProbeSpec spec, List<String> argv) {
    }

    @Override
    public Integer call() {
        LoadedConfig c = config.loadOrReport();
        if (c == null) {
            return 1;
        }
        List<Target> targets = targets(c.config().instances(), args);
        if (targets.isEmpty()) {
            System.err.println("xlat-sentinel: no Jool instance in " + config.file + " (no probe of type jool)");
            return 1;
        }
        int worst = 0;
        for (Target t : targets) {
            System.out.println("== " + t.instance() + ": " + String.join(" ", t.argv()));
            worst = Math.max(worst, run(t.argv()));
        }
        return worst;
    }

    /** Every jool probe of every instance, as the argv that runs {@code args} against it. */
    static List<Target> targets(Map<String, InstanceSpec> instances, List<String> args) {
        List<Target> out = new ArrayList<>();
        instances.forEach((name, spec) -> {
            for (ProbeSpec p : spec.probes()) {
                if (p instanceof JoolProbeSpec j) {
                    List<String> argv = new ArrayList<>();
                    String ns = j.namespaceIn(spec);
                    if (ns != null) {
                        argv.addAll(ns.startsWith("/") ? List.of("nsenter", "--net=" + ns, "--")
                                : List.of("ip", "netns", "exec", ns));
                    }
                    argv.addAll(List.of(j.binaryOrDefault(), "-i", j.instance()));
                    argv.addAll(args);
                    out.add(new Target(name, j, argv));
                }
            }
        });
        return out;
    }

    private int run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            var out = p.getInputStream();
            Thread copy = new Thread(() -> {
                try {
                    out.transferTo(System.out);
                } catch (IOException e) {
                    // the process ended
                }
            });
            copy.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                System.out.println("(killed after " + timeoutSeconds + " s)");
                return 1;
            }
            copy.join(1000);
            if (p.exitValue() != 0) {
                System.out.println("(exit " + p.exitValue() + ")");
            }
            return p.exitValue();
        } catch (IOException e) {
            System.out.println("(cannot run " + argv.get(0) + ": " + new String(e.getMessage().getBytes(),
                    StandardCharsets.UTF_8) + ")");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
