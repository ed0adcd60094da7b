package dev.xlatsentinel.translator.event;

/** Where a watched probe reports its events: the instance's health. Called from the events thread. */
@FunctionalInterface
public interface EventSink {
    void event(ProbeEvent event);
}
