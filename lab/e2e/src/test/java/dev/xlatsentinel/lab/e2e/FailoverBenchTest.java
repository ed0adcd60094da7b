package dev.xlatsentinel.lab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class FailoverBenchTest {
    /** The agent's log timestamp (agent.log.TimestampUnlessJournal), in UTC and in another zone. */
    @Test
    void readsTheTimestampThatStartsAnAgentLogLine() {
        Instant at = Instant.parse("2026-11-27T16:37:41.941Z");
        for (String zone : new String[] {"UTC", "Europe/Berlin"}) {
            String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.of(zone))
                    .format(at);
            long micros = FailoverBench.loggedMicros(stamp + " INFO  Agent: service nat64 WITHDRAWN (tayga DOWN)");
            assertThat(micros).as(stamp).isEqualTo(at.toEpochMilli() * 1000);
        }
        assertThat(FailoverBench.loggedMicros("Exception in thread main")).isEqualTo(-1);
        assertThat(FailoverBench.loggedMicros("")).isEqualTo(-1);
    }

    @Test
    void readsACounterOfProcNetSnmp6() {
        String snmp6 = "Udp6InDatagrams                 \t12\nUdp6InErrors                    \t4\n"
                + "Udp6InCsumErrors                \t4\nUdp6IgnoredMulti                \t0\n";
        assertThat(Scenario.snmp6Counter(snmp6, "Udp6InCsumErrors")).isEqualTo(4);
        assertThat(Scenario.snmp6Counter(snmp6, "Udp6InDatagrams")).isEqualTo(12);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Scenario.snmp6Counter(snmp6, "Udp6NoPorts"))
                .hasMessage("no Udp6NoPorts in /proc/net/snmp6");
    }
}
