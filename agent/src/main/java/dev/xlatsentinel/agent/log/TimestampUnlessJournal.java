package dev.xlatsentinel.agent.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * {@code %timestampUnlessJournal}: an ISO-8601 local timestamp and a space, or nothing under
 * journald, which stamps every line itself.
 */
public final class TimestampUnlessJournal extends ClassicConverter {
    private static final boolean UNDER_JOURNALD = System.getenv("JOURNAL_STREAM") != null;
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneId.systemDefault());

    @Override
    public String convert(ILoggingEvent event) {
        return UNDER_JOURNALD ? "" : FORMAT.format(Instant.ofEpochMilli(event.getTimeStamp())) + " ";
    }
}
