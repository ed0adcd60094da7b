package dev.xlatsentinel.frr.bfdd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses bfdd's JSON. {@code show bfd peers [counters] json} prints an array;
 * {@code show bfd peer X [counters] json} a single object: both are accepted.
 */
public final class BfdJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private BfdJson() {
    }

    public static List<BfdPeer> peers(String json) {
        return list(json, BfdPeer.class, "show bfd peers json");
    }

    public static List<BfdPeerCounters> counters(String json) {
        return list(json, BfdPeerCounters.class, "show bfd peers counters json");
    }

    private static <T> List<T> list(String json, Class<T> type, String what) {
        try {
            JsonNode root = MAPPER.readTree(json);
            List<T> out = new ArrayList<>();
            if (root == null || root.isMissingNode()) {
                return out;
            }
            if (root.isObject()) {
                out.add(MAPPER.treeToValue(root, type));
            } else if (root.isArray()) {
                for (JsonNode n : root) {
                    out.add(MAPPER.treeToValue(n, type));
                }
            } else {
                throw new IllegalArgumentException(what + ": expected a JSON array or object, got " + root.getNodeType());
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + ": not the JSON bfdd prints: " + e.getOriginalMessage(), e);
        }
    }
}
