package dev.xlatsentinel.translator.host;

/**
 * An interface as rtnetlink reports it (RTM_NEWLINK).
 *
 * @param adminUp   IFF_UP: set up by the administrator
 * @param lowerUp   IFF_LOWER_UP: carrier; a TUN device has it only while a process holds it open
 * @param operState IFLA_OPERSTATE in words (RFC 2863 ifOperStatus: up, down, unknown, ...)
 */
public record LinkState(String name, int index, boolean adminUp, boolean lowerUp, String operState, long rxPackets,
        long txPackets, long rxBytes, long txBytes, long rxDropped, long txDropped) {

    /** Admin up, carrier, and operstate up (or unknown, which TUN and loopback report when working). */
    public boolean isUp() {
        return adminUp && lowerUp && (operState.equals("up") || operState.equals("unknown"));
    }

    /** Why it is not up, in words; empty when it is. */
    public String downReason() {
        if (!adminUp) {
            return "administratively down";
        }
        if (!lowerUp) {
            return "no carrier (operstate " + operState + ")";
        }
        if (!isUp()) {
            return "operstate " + operState;
        }
        return "";
    }
}
