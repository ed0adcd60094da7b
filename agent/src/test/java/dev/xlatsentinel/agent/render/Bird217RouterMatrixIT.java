package dev.xlatsentinel.agent.render;

import dev.xlatsentinel.lab.UpstreamRouter;

/** {@link RouterMatrix} against Debian 13's BIRD 2.17. */
class Bird217RouterMatrixIT extends RouterMatrix {
    Bird217RouterMatrixIT() {
        super(UpstreamRouter.Kind.BIRD2_17);
    }
}
