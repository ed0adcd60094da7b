package dev.xlatsentinel.bfd.interop;

import dev.xlatsentinel.lab.Keepalived;

/** {@link KeepalivedInterop}'s cases against Debian 13's keepalived 2.3.3 (lab/router-root). */
class Keepalived23Debian13InteropIT extends KeepalivedInterop {
    Keepalived23Debian13InteropIT() {
        super(Keepalived.Build.KEEPALIVED_DEBIAN13, 31);
    }
}
