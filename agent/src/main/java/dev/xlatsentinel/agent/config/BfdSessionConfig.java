package dev.xlatsentinel.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code services.NAME.bfd[]}: one native BFD session toward the router.
 *
 * @param peer       the router's address (required)
 * @param local      our address, the router's next hop for the service (required)
 * @param iface      the interface (required for link-local addresses; binds the session)
 * @param namespace  the network namespace the session's sockets live in (ip netns name; null: the agent's own)
 * @param multihop   RFC 5883 multihop (port 4784) instead of RFC 5881 single hop (3784)
 * @param minTx      desired min TX interval (default 300ms, as FRR's bfdd)
 * @param minRx      required min RX interval (default: minTx)
 * @param multiplier detect multiplier (default 3)
 * @param passive    wait for the peer to speak first (RFC 5880 §6.1)
 * @param minTtl     multihop only: lowest TTL / hop limit accepted (default 254)
 * @param dscp       DSCP of our packets (default 48, CS6)
 * @param auth       authentication (null: none)
 */
public record BfdSessionConfig(InetAddress peer, InetAddress local, @JsonProperty("interface") String iface,
        String namespace, Boolean multihop, Duration minTx, Duration minRx, Integer multiplier,
        Boolean passive, Integer minTtl, Integer dscp, AuthConfig auth) {

    public BfdSessionConfig {
        multihop = multihop != null && multihop;
        passive = passive != null && passive;
        minTx = minTx == null ? Duration.ofMillis(300) : minTx;
        minRx = minRx == null ? minTx : minRx;
        multiplier = multiplier == null ? 3 : multiplier;
        minTtl = minTtl == null ? (multihop ? 254 : 255) : minTtl;
        dscp = dscp == null ? 48 : dscp;
    }

    /**
     * {@code auth:} RFC 5880 §6.7. Keys are read from files that only their owner may read;
     * they are never written into logs or status. One key ({@code keyId} and
     * {@code secretFile}), or a key chain ({@code keys} and {@code sendKeyId}): every key of
     * the chain is accepted, packets are signed with {@code sendKeyId}. A change of keys of
     * the same type is applied to the running session on reload (a hitless rollover);
     * another type recreates it.
     *
     * @param type       simple-password, keyed-md5, meticulous-keyed-md5, keyed-sha1, meticulous-keyed-sha1
     * @param keyId      0..255 (one key)
     * @param secretFile the key, as bytes (a trailing newline is ignored) (one key)
     * @param keys       the key chain, instead of keyId and secretFile
     * @param sendKeyId  the key of the chain packets are signed with (required with two keys or more)
     */
    public record AuthConfig(String type, Integer keyId, Path secretFile, java.util.List<AuthKeyConfig> keys,
            Integer sendKeyId) {
        /** Each key of the chain, one-key form included, in the order given: (id, file). */
        public java.util.List<AuthKeyConfig> chain() {
            return keys != null ? keys : java.util.List.of(new AuthKeyConfig(keyId, secretFile));
        }

        /** The key packets are signed with: {@code sendKeyId}, the only key of a chain of one, or {@code keyId}. */
        public Integer sendKey() {
            if (keys == null) {
                return keyId;
            }
            if (sendKeyId != null) {
                return sendKeyId;
            }
            return keys.size() == 1 && keys.get(0) != null ? keys.get(0).id() : null;
        }
    }

    /** {@code auth.keys[]}: one key of a chain. */
    public record AuthKeyConfig(Integer id, Path secretFile) {
    }
}
