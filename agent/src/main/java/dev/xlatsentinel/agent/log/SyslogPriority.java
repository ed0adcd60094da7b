package dev.xlatsentinel.agent.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %syslogPriority}: the {@code <N>} prefix that journald reads from a service's
 * stdout (sd-daemon(3)), so {@code journalctl -p warning} finds the agent's warnings. Empty
 * when stdout is not the journal (no {@code JOURNAL_STREAM} in the environment).
 */
public final class SyslogPriority extends ClassicConverter {
    private static final boolean UNDER_JOURNALD = System.getenv("JOURNAL_STREAM") != null;

    @Override
    public String convert(ILoggingEvent event) {
        if (!UNDER_JOURNALD) {
            return "";
        }
        return prefix(event.getLevel());
    }

    static String prefix(Level level) {
        switch (level.toInt()) {
            case Level.ERROR_INT:
                return "<3>";
            case Level.WARN_INT:
                return "<4>";
            case Level.INFO_INT:
                return "<6>";
            default:
                return "<7>";
        }
    }
}
