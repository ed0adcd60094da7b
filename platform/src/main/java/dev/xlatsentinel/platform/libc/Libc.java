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
    int ESRCH = 3;
    int ENOBUFS = 105;
    int SCHED_OTHER = 0;
    int SCHED_FIFO = 1;
    /**
     * OR-ed into a policy for sched_setscheduler(2): children the thread forks or clones start
     * at SCHED_OTHER, whatever the thread runs at.
     */
    int SCHED_RESET_ON_FORK = 0x40000000;
    short POLLERR = 0x8;
    short POLLHUP = 0x10;
    short POLLNVAL = 0x20;
    int SOCK_NONBLOCK = 0x800;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    /** eventfd(2), inotify_init1(2) and pidfd flags share the O_ values. */
    int EFD_CLOEXEC = 0x80000;
    int EFD_NONBLOCK = 0x800;
    int IN_CLOEXEC = 0x80000;
    int IN_NONBLOCK = 0x800;
    /** inotify(7) event masks. */
    int IN_MOVED_FROM = 0x40;
    int IN_MOVED_TO = 0x80;
    int IN_CREATE = 0x100;
    int IN_DELETE = 0x200;
    int IN_DELETE_SELF = 0x400;
    int IN_Q_OVERFLOW = 0x4000;
    int IN_IGNORED = 0x8000;
    /**
     * pidfd_open(2) has the same number on x86-64 and arm64 (system calls added since Linux
     * 5.1 are numbered alike on every architecture); called through syscall(2) because glibc
     * wraps it only from 2.36 on.
     */
    long SYS_PIDFD_OPEN = 434;

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

    @SaveError
    long read(int fd, @Out byte[] buf, long count);

    @SaveError
    long write(int fd, @In byte[] buf, long count);

    /**
     * syscall(2) with two arguments, for calls glibc may not wrap ({@link #SYS_PIDFD_OPEN}).
     * Declared with a fixed prototype: syscall(2) is written in assembly and reads its
     * arguments from the integer registers whatever the caller declared.
     */
    @SaveError
    long syscall(long number, long arg1, long arg2);

    /** eventfd(2): a counter another thread writes to wake a poll(2). */
    @SaveError
    int eventfd(int initval, int flags);

    @SaveError
    int inotify_init1(int flags);

    @SaveError
    int inotify_add_watch(int fd, String path, int mask);

    /**
     * pidfd_open(2): a file descriptor that becomes readable (POLLIN) when process
     * {@code pid} exits, whether or not it has been reaped; -1 with ESRCH when there is no
     * such process. Linux 5.3+.
     */
    static int pidfdOpen(long pid) {
        return (int) INSTANCE.syscall(SYS_PIDFD_OPEN, pid, 0);
    }

    /** kill(2); a negative {@code pid} signals the whole process group {@code -pid}. */
    @SaveError
    int kill(int pid, int sig);

    int SIGKILL = 9;

    /** sched_setscheduler(2); pid 0 is the calling thread, else a thread id ({@link #gettid()}). */
    @SaveError
    int sched_setscheduler(int pid, int policy, @In int[] param);

    /** sched_getscheduler(2): the policy, with {@link #SCHED_RESET_ON_FORK} OR-ed in when set. */
    @SaveError
    int sched_getscheduler(int pid);

    /** gettid(2): the calling thread's id, what /proc/self/task lists (glibc 2.30+). */
    int gettid();

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
