package dev.xlatsentinel.bfd.support;

import java.util.HexFormat;

/** Test vectors are written as hex, as a capture shows them. */
public final class Hex {
    private Hex() {
    }

    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    public static String of(byte[] b, int length) {
        return HexFormat.of().formatHex(b, 0, length);
    }
}
