package dev.xlatsentinel.platform.libc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The binding against the real libc: the calls resolve and errno is read per thread. */
class LibcTest {
    @Test
    void loopbackIsInterfaceOneAndAMissingOneIsZero() {
        assertThat(Libc.INSTANCE.if_nametoindex("lo")).isEqualTo(1);
        assertThat(Libc.INSTANCE.if_nametoindex("xs-no-such-if")).isZero();
    }

    @Test
    void aFailedCallLeavesItsErrnoInWords() {
        assertThat(Libc.INSTANCE.open("/nonexistent/xs", Libc.O_RDONLY | Libc.O_CLOEXEC)).isEqualTo(-1);
        assertThat(Libc.lastErrno()).isEqualTo(2);
        assertThat(Libc.INSTANCE.open("/nonexistent/xs", Libc.O_RDONLY)).isEqualTo(-1);
        assertThat(Libc.lastError()).isEqualTo("No such file or directory (errno 2)");
    }
}
