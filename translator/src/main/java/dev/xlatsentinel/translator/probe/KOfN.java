package dev.xlatsentinel.translator.probe;

/**
 * "At least {@code required} of {@code total} must pass": for targets inside a datapath
 * probe (one dead host on the internet must not fail a gateway) and for combining probes.
 */
public record KOfN(int required, int total) {
    public KOfN {
        if (total < 1 || required < 1 || required > total) {
            throw new IllegalArgumentException("need 1 <= k <= n, got k=" + required + " n=" + total);
        }
    }

    public static KOfN all(int total) {
        return new KOfN(total, total);
    }

    public boolean satisfied(int passed) {
        return passed >= required;
    }

    /** True once so many have failed that the rest cannot make it pass. */
    public boolean lost(int failed) {
        return total - failed < required;
    }

    @Override
    public String toString() {
        return required == total ? "all " + total : required + " of " + total;
    }
}
