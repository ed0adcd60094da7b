package dev.xlatsentinel.translator.lab;

import java.time.Duration;

/** The faults the translator health must see, each with its repair, on a {@link TaygaGateway}. */
public enum Fault {
    TAYGA_KILLED {
        @Override
        public void inject(TaygaGateway g) {
            g.tayga.daemon().signal("KILL");
            g.tayga.daemon().awaitExit(Duration.ofSeconds(5));
        }

        @Override
        public void repair(TaygaGateway g) {
            g.tayga.startDaemon();
        }
    },
    TAYGA_STOPPED {
        @Override
        public void inject(TaygaGateway g) {
            g.tayga.daemon().signal("STOP");
        }

        @Override
        public void repair(TaygaGateway g) {
            g.tayga.daemon().signal("CONT");
        }
    },
    TUN_DOWN {
        @Override
        public void inject(TaygaGateway g) {
            g.tunDown();
        }

        @Override
        public void repair(TaygaGateway g) {
            g.tunUp();
        }
    },
    TRANSLATED_TRAFFIC_DROPPED {
        @Override
        public void inject(TaygaGateway g) {
            g.dropTranslated();
        }

        @Override
        public void repair(TaygaGateway g) {
            g.undropTranslated();
        }
    },
    EGRESS_ROUTE_REMOVED {
        @Override
        public void inject(TaygaGateway g) {
            g.removeEgressRoute();
        }

        @Override
        public void repair(TaygaGateway g) {
            g.restoreEgressRoute();
        }
    };

    public abstract void inject(TaygaGateway g);

    public abstract void repair(TaygaGateway g);
}
