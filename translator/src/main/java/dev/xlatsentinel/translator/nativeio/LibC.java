package dev.xlatsentinel.translator.nativeio;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/**
 * The few libc calls the translator module needs that the JDK does not offer: setns(2) for
 * network namespaces, raw ICMPv6 sockets for datapath probes, and rtnetlink for link state.
 * Structures are passed as byte arrays in host byte order (this module runs on Linux x86-64
 * and arm64, both little-endian).
 */
public interface LibC {
    LibC INSTANCE = LibraryLoader.create(LibC.class).load("c");

    int AF_NETLINK = 16;
    int AF_INET = 2;
    int AF_INET6 = 10;
    int IPPROTO_ICMP = 1;
    int EINVAL = 22;
    int ENETDOWN = 100;
    int ENETUNREACH = 101;
    int EHOSTUNREACH = 113;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int IPPROTO_ICMPV6 = 58;
    int NETLINK_ROUTE = 0;
    int CLONE_NEWNET = 0x40000000;
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    short POLLIN = 0x1;
    int MSG_DONTWAIT = 0x40;
    int EINTR = 4;
    int EAGAIN = 11;

    @SaveError
    int open(String path, int flags);

    @SaveError
    int close(int fd);

    @SaveError
    int setns(int fd, int nstype);

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

    @SaveError
    int bind(int fd, @In byte[] addr, int addrlen);

    @SaveError
    long sendto(int fd, @In byte[] buf, long len, int flags, @In byte[] addr, int addrlen);

    @SaveError
    long recvfrom(int fd, @Out byte[] buf, long len, int flags, @Out byte[] addr, IntByReference addrlen);

    @SaveError
    long recv(int fd, @Out byte[] buf, long len, int flags);

    /** {@code struct pollfd} arrays as bytes: int fd, short events, short revents (8 bytes each). */
    @SaveError
    int poll(@In @Out byte[] fds, long nfds, int timeoutMillis);

    /** kill(2); a negative {@code pid} signals the whole process group {@code -pid}. */
    @SaveError
    int kill(int pid, int sig);

    int SIGKILL = 9;

    String strerror(int errnum);

    /** errno of the last call on this thread, as {@code "EPERM (Operation not permitted)"}-like text. */
    static String lastError() {
        int errno = jnr.ffi.LastError.getLastError(jnr.ffi.Runtime.getRuntime(INSTANCE));
        return INSTANCE.strerror(errno) + " (errno " + errno + ")";
    }

    static int lastErrno() {
        return jnr.ffi.LastError.getLastError(jnr.ffi.Runtime.getRuntime(INSTANCE));
    }
}
