package dev.xlatsentinel.agent.render;

import dev.xlatsentinel.lab.UpstreamRouter;

/** {@link RouterMatrix} against Debian 12's BIRD 2.0.12. */
class BirdRouterMatrixIT extends RouterMatrix {
    BirdRouterMatrixIT() {
        super(UpstreamRouter.Kind.BIRD2);
    }
}
