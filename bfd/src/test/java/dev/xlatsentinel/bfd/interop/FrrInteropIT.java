package dev.xlatsentinel.bfd.interop;

import dev.xlatsentinel.lab.Frr;

/** {@link FrrInterop}'s cases against Debian 12's FRR 8.4 bfdd. */
class FrrInteropIT extends FrrInterop {
    FrrInteropIT() {
        super(Frr.Build.DEBIAN12, 10);
    }
}
