package dev.xlatsentinel.bfd.transport;

import jnr.ffi.LibraryLoader;

/**
 * if_nametoindex(3) through jnr-ffi. It asks the kernel with a socket opened by the calling
 * thread, so on a thread that entered another network namespace it answers for that
 * namespace. {@code java.net.NetworkInterface} cannot be used there: it reads
 * /proc/self/net, which belongs to the process's main thread and its namespace.
 */
final class InterfaceIndex {
    /** The part of libc used here. */
    public interface LibC {
        int if_nametoindex(String ifname);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    private InterfaceIndex() {
    }

    /** The index of {@code name} in the calling thread's namespace, or 0 when there is none. */
    static int of(String name) {
        return LIBC.if_nametoindex(name);
    }
}
