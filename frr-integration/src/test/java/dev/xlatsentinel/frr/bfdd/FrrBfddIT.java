package dev.xlatsentinel.frr.bfdd;

import dev.xlatsentinel.lab.Frr;

/** {@link FrrBfddCases} against Debian 12's FRR 8.4's bfdd. */
class FrrBfddIT extends FrrBfddCases {
    FrrBfddIT() {
        super(Frr.Build.DEBIAN12);
    }
}
