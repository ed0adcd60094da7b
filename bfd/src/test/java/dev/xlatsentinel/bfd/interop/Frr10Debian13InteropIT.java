package dev.xlatsentinel.bfd.interop;

import dev.xlatsentinel.lab.Frr;

/** {@link FrrInterop}'s cases against Debian 13's FRR 10.3 bfdd (lab/router-root). */
class Frr10Debian13InteropIT extends FrrInterop {
    Frr10Debian13InteropIT() {
        super(Frr.Build.FRR10_DEBIAN13, 11);
    }
}
