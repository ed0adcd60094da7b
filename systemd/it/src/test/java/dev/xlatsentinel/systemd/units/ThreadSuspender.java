package dev.xlatsentinel.systemd.units;

import java.lang.instrument.Instrumentation;

/**
 * A Java agent (in the JVM sense) that suspends one thread of the JVM it is loaded into, so a
 * test can hang a loop of the real xlat-sentinel without a hook in its code. Loaded through
 * the JDK's attach mechanism by {@link JvmThreads}; runs on the target's attach listener thread.
 */
public final class ThreadSuspender {
    private ThreadSuspender() {
    }

    /** @param thread the name of the thread to suspend */
    @SuppressWarnings("removal") // Thread.suspend: the one JDK 17 way to stop a thread from outside its code.
    public static void agentmain(String thread, Instrumentation ignored) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(thread)) {
                System.out.println("test: suspending thread \"" + thread + "\" to hang it");
                System.out.flush();
                t.suspend();
                return;
            }
        }
        throw new IllegalArgumentException("no thread named " + thread);
    }
}
