package dev.xlatsentinel.agent.render;

import dev.xlatsentinel.lab.UpstreamRouter;

/** {@link RouterMatrix} against Debian 13's BIRD 3.1. */
class Bird3RouterMatrixIT extends RouterMatrix {
    Bird3RouterMatrixIT() {
        super(UpstreamRouter.Kind.BIRD3);
    }
}
