package dev.xlatsentinel.platform.libc;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/**
 * The libc calls the JDK and Netty do not offer, through jnr-ffi; the one binding of the
 * project. libc is loaded on first use of {@link #INSTANCE}. Structures are passed as byte
 * arrays in host byte order (the agent runs on Linux x86-64 and arm64, both little-endian).
 *
 * <p>Calls that depend on the network namespace (socket(2), if_nametoindex(3)) answer for
 * the calling thread's namespace: see {@code platform.netns.NetworkNamespace}.
 */
public interface Libc {
    Libc INSTANCE = LibraryLoader.create(Libc.class).load("c");

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
    int SCHED_FIFO = 1;

    @SaveError
    int open(String path, int flags);

    @SaveError
    int close(int fd);

    /** setns(2): moves the calling thread (only) into the namespace {@code fd} refers to. */
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

    /** recvmmsg(2): several datagrams in one call; {@code msgvec} is native memory the caller lays out. */
    @SaveError
    int recvmmsg(int fd, Pointer msgvec, int vlen, int flags, Pointer timeout);

    /** {@code struct pollfd} arrays as bytes: int fd, short events, short revents (8 bytes each). */
    @SaveError
    int poll(@In @Out byte[] fds, long nfds, int timeoutMillis);

    /** kill(2); a negative {@code pid} signals the whole process group {@code -pid}. */
    @SaveError
    int kill(int pid, int sig);

    int SIGKILL = 9;

    /** sched_setscheduler(2); pid 0 is the calling thread. */
    @SaveError
    int sched_setscheduler(int pid, int policy, @In int[] param);

    /**
     * if_nametoindex(3): the index of an interface in the calling thread's namespace, or 0.
     * It asks the kernel through a socket the calling thread opens, so on a thread that
     * entered another namespace it answers for that one; {@code java.net.NetworkInterface}
     * cannot be used there (it reads /proc/self/net, the main thread's namespace).
     */
    int if_nametoindex(String ifname);

    String strerror(int errnum);

    /** The runtime that native memory for these calls is allocated in. */
    static Runtime runtime() {
        return Runtime.getRuntime(INSTANCE);
    }

    /** errno of the last call that failed on this thread. */
    static int lastErrno() {
        return LastError.getLastError(runtime());
    }

    /** errno of the last call on this thread, as {@code "Operation not permitted (errno 1)"}. */
    static String lastError() {
        int errno = lastErrno();
        return INSTANCE.strerror(errno) + " (errno " + errno + ")";
    }
}
