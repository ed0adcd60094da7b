package dev.xlatsentinel.bfd.transport;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.SaveError;

/** The few libc calls Netty does not offer, through jnr-ffi; loaded on first use. */
final class Libc {
    static final int EAGAIN = 11;
    static final int MSG_DONTWAIT = 0x40;

    /** The bindings; pid 0 is the calling thread. */
    public interface Calls {
        @SaveError
        int sched_setscheduler(int pid, int policy, @In int[] param);

        @SaveError
        int recvmmsg(int fd, Pointer msgvec, int vlen, int flags, Pointer timeout);
    }

    private static final class Holder {
        static final Calls CALLS = LibraryLoader.create(Calls.class).load("c");
    }

    private Libc() {
    }

    static Calls calls() {
        return Holder.CALLS;
    }

    static Runtime runtime() {
        return Runtime.getRuntime(Holder.CALLS);
    }

    /** errno of the last call that failed on this thread. */
    static int errno() {
        return LastError.getLastError(runtime());
    }
}
