package dev.xlatsentinel.translator.host;

import java.io.IOException;
import java.util.Optional;

/** Where link state comes from: {@link Rtnetlink} in production. */
@FunctionalInterface
public interface LinkSource {
    /** The link called {@code name}, or empty if there is none. */
    Optional<LinkState> link(String name) throws IOException;
}
