package dev.xlatsentinel.bfd.interop;

import dev.xlatsentinel.lab.Bird;

/** {@link BirdInterop}'s cases against Debian 13's BIRD 2.17 (lab/router-root). */
class Bird2Debian13InteropIT extends BirdInterop {
    Bird2Debian13InteropIT() {
        super(Bird.Build.BIRD2_DEBIAN13, 21);
    }
}
