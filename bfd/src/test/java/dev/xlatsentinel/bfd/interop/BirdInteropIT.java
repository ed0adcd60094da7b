package dev.xlatsentinel.bfd.interop;

import dev.xlatsentinel.lab.Bird;

/** {@link BirdInterop}'s cases against Debian 12's BIRD 2.0.12. */
class BirdInteropIT extends BirdInterop {
    BirdInteropIT() {
        super(Bird.Build.DEBIAN12, 20);
    }
}
