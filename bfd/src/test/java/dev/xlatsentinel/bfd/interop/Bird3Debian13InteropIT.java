package dev.xlatsentinel.bfd.interop;

import dev.xlatsentinel.lab.Bird;

/** {@link BirdInterop}'s cases against Debian 13's BIRD 3.1 (lab/router-root). */
class Bird3Debian13InteropIT extends BirdInterop {
    Bird3Debian13InteropIT() {
        super(Bird.Build.BIRD3_DEBIAN13, 22);
    }
}
