package dev.xlatsentinel.translator.assembly;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.translator.host.Rtnetlink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Opens each namespace (and its netlink socket) once, however many probes use it. */
final class Namespaces implements AutoCloseable {
    private final Map<String, NetworkNamespace> open = new LinkedHashMap<>();
    private final Map<String, Rtnetlink> netlink = new LinkedHashMap<>();
    private static final String HOST = "";

    /** The namespace {@code nameOrPath}, or the host's for null. */
    synchronized NetworkNamespace get(String nameOrPath) {
        String key = nameOrPath == null ? HOST : nameOrPath;
        return open.computeIfAbsent(key, k -> k.equals(HOST) ? NetworkNamespace.host() : NetworkNamespace.open(k));
    }

    synchronized Rtnetlink rtnetlink(String nameOrPath) {
        String key = nameOrPath == null ? HOST : nameOrPath;
        NetworkNamespace ns = get(nameOrPath);
        return netlink.computeIfAbsent(key, k -> {
            try {
                return Rtnetlink.open(ns);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public synchronized void close() {
        List<AutoCloseable> all = new ArrayList<>(netlink.values());
        all.addAll(open.values());
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                // closing: nothing left to do with the error
            }
        }
        netlink.clear();
        open.clear();
    }
}
