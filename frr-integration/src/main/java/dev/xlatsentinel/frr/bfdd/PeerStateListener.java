package dev.xlatsentinel.frr.bfdd;

/** Told of every {@link PeerStateChange}, on the polling thread; must not block. */
@FunctionalInterface
public interface PeerStateListener {
    void changed(PeerStateChange change);
}
