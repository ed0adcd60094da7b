package dev.xlatsentinel.bfd.session;

/**
 * Where built Control packets go: the transport, or a test's capture. Called on the event
 * loop; must copy the octets before returning (the buffer is reused for the next packet).
 */
@FunctionalInterface
public interface PacketSink {
    /** Returns false when the packet could not be handed to the network. */
    boolean send(Session session, byte[] packet, int length);
}
