package dev.xlatsentinel.bfd.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} command-line options of the benchmark mains; a bad one is named in the error. */
final class Args {
    private final Map<String, String> values;

    private Args(Map<String, String> values) {
        this.values = values;
    }

    static Args parse(String[] argv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --name value, got '" + argv[i] + "'");
            }
            m.put(argv[i].substring(2), argv[++i]);
        }
        return new Args(m);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    int integer(String name, int dflt) {
        return (int) number(name, dflt);
    }

    double number(String name, double dflt) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + v + "'");
        }
    }
}
