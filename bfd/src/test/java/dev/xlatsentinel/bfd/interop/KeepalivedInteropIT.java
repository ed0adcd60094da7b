package dev.xlatsentinel.bfd.interop;

import dev.xlatsentinel.lab.Keepalived;

/** {@link KeepalivedInterop}'s cases against Debian 12's keepalived 2.2.7. */
class KeepalivedInteropIT extends KeepalivedInterop {
    KeepalivedInteropIT() {
        super(Keepalived.Build.DEBIAN12, 30);
    }
}
