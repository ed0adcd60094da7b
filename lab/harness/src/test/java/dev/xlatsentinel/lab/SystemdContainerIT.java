package dev.xlatsentinel.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The systemd-in-nspawn container: boots, runs units, and leaves the host as it found it. */
class SystemdContainerIT {
    @Test
    void bootsSystemdRunsAUnitAndLeavesNothingBehind() throws Exception {
        Map<String, String> sysctlsBefore = HostSysctls.snapshot();
        Lab lab = Lab.open("harness-systemd");
        SystemdContainer c;
        try (lab) {
            c = SystemdContainer.builder(lab)
                    .file("/etc/systemd/system/hello.service", """
                            [Service]
                            Type=notify
                            NotifyAccess=all
                            ExecStart=/bin/sh -c 'systemd-notify --ready --status="hello from $$"; exec sleep 600'
                            """)
                    .boot();

            assertThat(c.exec("cat", "/proc/1/comm").orThrow().strip()).isEqualTo("systemd");
            c.systemctl("start", "hello.service").orThrow();
            Map<String, String> p = c.show("hello.service", "ActiveState", "StatusText", "MainPID");
            assertThat(p.get("ActiveState")).isEqualTo("active");
            assertThat(p.get("StatusText")).startsWith("hello from ");
            assertThat(c.exec("ls", SystemdContainer.OUT).ok()).isTrue();
            Files.writeString(c.outDir().resolve("seen"), "x");
            assertThat(c.exec("cat", SystemdContainer.OUT + "/seen").orThrow()).isEqualTo("x");
            assertThat(c.leftovers()).isNotEmpty();
        }
        assertThat(c.leftovers()).isEmpty();
        assertThat(Files.exists(lab.dir())).isFalse();
        assertThat(HostSysctls.changes(sysctlsBefore, HostSysctls.snapshot())).isEmpty();
    }
}
