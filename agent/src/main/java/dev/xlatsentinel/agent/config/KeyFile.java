package dev.xlatsentinel.agent.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a {@code secretFile} holds as a key: its bytes without the trailing line ends an
 * editor adds ({@code \n}, {@code \r}); everything else (spaces too) is key. The agent signs
 * with these bytes and {@code render-router-config --with-secrets} writes these same bytes,
 * so the router and the agent never disagree about a trailing character.
 */
public final class KeyFile {
    private KeyFile() {
    }

    /** The key in a secret file's contents. */
    public static byte[] key(byte[] contents) {
        int n = contents.length;
        while (n > 0 && (contents[n - 1] == '\n' || contents[n - 1] == '\r')) {
            n--;
        }
        return Arrays.copyOf(contents, n);
    }

    /**
     * The key as text for a router's config (a quoted string): UTF-8 without control
     * characters, or an {@link IllegalArgumentException} saying why it cannot be written.
     */
    public static String asConfigText(byte[] key) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the key is not UTF-8 text, so a router config cannot hold it");
        }
        if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("the key holds control characters, which a router config cannot quote");
        }
        return text;
    }
}
