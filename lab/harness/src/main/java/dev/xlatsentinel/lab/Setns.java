package dev.xlatsentinel.lab;

import jnr.ffi.LibraryLoader;

/** setns(2) through jnr-ffi: moves the calling thread (only) into a network namespace. */
final class Setns {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;

    public interface LibC {
        int open(String path, int flags);

        int close(int fd);

        int setns(int fd, int nstype);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    private Setns() {
    }

    static void enterNetworkNamespace(String path) {
        int fd = LIBC.open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new LabException("cannot open " + path);
        }
        try {
            if (LIBC.setns(fd, CLONE_NEWNET) != 0) {
                throw new LabException("setns(" + path + ", CLONE_NEWNET) failed");
            }
        } finally {
            LIBC.close(fd);
        }
    }
}
