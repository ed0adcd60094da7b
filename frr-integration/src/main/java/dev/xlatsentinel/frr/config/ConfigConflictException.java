package dev.xlatsentinel.frr.config;

import dev.xlatsentinel.frr.FrrException;

/**
 * The daemon's current configuration does not allow the request, found before anything was
 * sent: a peer to shut down that bfdd does not have, a {@code network} for a BGP instance
 * bgpd does not run.
 */
public final class ConfigConflictException extends FrrException {
    private static final long serialVersionUID = 1L;

    public ConfigConflictException(String message) {
        super(message);
    }
}
