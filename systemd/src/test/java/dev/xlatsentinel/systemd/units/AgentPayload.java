package dev.xlatsentinel.systemd.units;

import dev.xlatsentinel.lab.SystemdContainer;
import dev.xlatsentinel.systemd.testagent.TestAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /usr/bin/xlat-sentinel} is inside the test container. The shipped unit files
 * are installed unchanged, so the payload is the only thing that differs from production.
 *
 * <p>Today: {@link #testAgent()}, a launcher script that runs {@link TestAgent} from this
 * module's test classpath (copied in, because {@code ProtectHome=yes} hides /root/.m2 from
 * the service). When the agent's runnable jar exists, add a second factory that stages that
 * jar and the agent's own launcher at the same path; the tests that use only systemd's view
 * (READY, STATUS, watchdog on SIGSTOP, stop, reload, namespaces) then run against it as they
 * are. The liveness-freeze test relies on the test agent's freeze file and needs an
 * equivalent hook in the agent.
 */
final class AgentPayload {
    static final String LAUNCHER = "/usr/bin/xlat-sentinel";
    private static final String LIB = "/usr/lib/xlat-sentinel-test";

    private final List<Path> classpath;

    private AgentPayload(List<Path> classpath) {
        this.classpath = classpath;
    }

    /** The test agent, from the classpath this test runs with. */
    static AgentPayload testAgent() {
        List<Path> cp = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path p = Path.of(entry);
            if (!entry.isBlank() && Files.exists(p)) {
                cp.add(p.toAbsolutePath());
            }
        }
        return new AgentPayload(cp);
    }

    void stage(SystemdContainer.Builder container) {
        List<String> inside = new ArrayList<>();
        for (int i = 0; i < classpath.size(); i++) {
            String target = LIB + "/" + i + "-" + classpath.get(i).getFileName();
            container.copy(classpath.get(i), target);
            inside.add(target);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        container.executable(LAUNCHER, """
                #!/bin/sh
                # Test stand-in for the agent's launcher: runs %s. exec keeps the JVM the main PID.
                exec %s -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m -XX:-UsePerfData \\
                  -cp '%s' %s "$@"
                """.formatted(TestAgent.class.getSimpleName(), java, String.join(":", inside),
                TestAgent.class.getName()));
    }
}
