package dev.xlatsentinel.frr.bfdd;

import dev.xlatsentinel.lab.Frr;

/** {@link FrrBfddCases} against Debian 13's FRR 10.3 (lab/router-root)'s bfdd. */
class Frr10BfddIT extends FrrBfddCases {
    Frr10BfddIT() {
        super(Frr.Build.FRR10_DEBIAN13);
    }
}
