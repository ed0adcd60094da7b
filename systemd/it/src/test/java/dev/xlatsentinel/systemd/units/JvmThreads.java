package dev.xlatsentinel.systemd.units;

import com.sun.tools.attach.VirtualMachine;
import dev.xlatsentinel.lab.SystemdContainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Hangs one thread of a JVM that runs in the test container, the way a real bug would hang
 * it: {@link ThreadSuspender} is loaded into the running JVM through the JDK's attach
 * mechanism (what {@code jcmd} uses) and suspends the thread. The attach goes from this
 * (host) JVM by the target's host PID; from another PID namespace the JDK finds the target's
 * attach socket under /proc/PID/root/tmp, which is the service's PrivateTmp=.
 */
final class JvmThreads {
    private static final String JAR = "thread-suspender.jar";

    private JvmThreads() {
    }

    /** Suspends the thread named {@code thread} of the JVM whose PID in the container is {@code pid}. */
    static void suspend(SystemdContainer c, long pid, String thread) {
        Path jar = c.outDir().resolve(JAR);
        writeAgentJar(jar);
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(c.hostPid(pid)));
            try {
                // The path the target JVM opens: the host's out directory as the container sees it.
                vm.loadAgent(SystemdContainer.OUT + "/" + JAR, thread);
            } finally {
                vm.detach();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot suspend thread " + thread + " of PID " + pid + ": " + e, e);
        }
    }

    private static void writeAgentJar(Path jar) {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(new Attributes.Name("Agent-Class"), ThreadSuspender.class.getName());
        String entry = ThreadSuspender.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, m);
                InputStream in = ThreadSuspender.class.getResourceAsStream("/" + entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
