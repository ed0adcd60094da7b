package dev.xlatsentinel.translator.event;

import dev.xlatsentinel.platform.libc.Libc;

/**
 * Waits for one process to exit, through a pidfd (pidfd_open(2), Linux 5.3+): the kernel
 * makes it readable the moment the process exits (zombie or reaped), so the exit is known
 * without polling /proc. Whose process it is (TAYGA by its name, ...) the caller checks after
 * opening: a pid reused in between gives a pidfd of the old, dead process, which reports an
 * exit at once, the safe side.
 */
public final class ProcessExit implements AutoCloseable {
    private final long pid;
    private final KernelEvents.Registration registration;

    private ProcessExit(long pid, KernelEvents.Registration registration) {
        this.pid = pid;
        this.registration = registration;
    }

    /**
     * Watches {@code pid}; {@code onExit} runs once, on the events thread, when it exits.
     * Null when there is no such process (it already exited: ESRCH) or pidfds are not
     * available (an error the caller logs; the probe's polling still sees the exit).
     *
     * @throws IllegalStateException with the errno in words when pidfd_open fails otherwise
     */
    public static ProcessExit watch(KernelEvents events, long pid, String what, Runnable onExit) {
        int fd = Libc.pidfdOpen(pid);
        if (fd < 0) {
            int errno = Libc.lastErrno();
            if (errno == Libc.ESRCH) {
                return null;
            }
            throw new IllegalStateException("pidfd_open(" + pid + "): " + Libc.INSTANCE.strerror(errno) + " (errno "
                    + errno + ")");
        }
        KernelEvents.Registration r = events.watch(fd, what + " (pid " + pid + ")", (reg, revents) -> {
            // A pidfd stays readable once the process has exited: report once, stop watching.
            reg.close();
            onExit.run();
        });
        return new ProcessExit(pid, r);
    }

    public long pid() {
        return pid;
    }

    /** Stops watching (the process was replaced, or the probe closes). */
    @Override
    public void close() {
        registration.close();
    }
}
