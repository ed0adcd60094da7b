package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.UdpStream;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The timeline as an SVG picture, in two panels: the whole stream, and a zoom on the
 * failover itself. Each panel has one lane per gateway with a tick for every datagram that
 * came back through it and a lane of lost datagrams; dashed lines mark the events, listed
 * with their times under the zoom.
 */
public final class TimelinePlot {
    private static final int WIDTH = 1000;
    private static final int LEFT = 90;
    private static final int RIGHT = 20;
    private static final int LANE = 30;

    private TimelinePlot() {
    }

    /**
     * @param lanes      gateway names, top to bottom
     * @param gatewayOf  maps the IPv4 source an answer came from to its gateway name
     * @param zeroMicros the fault, drawn at 0 ms
     */
    public static String svg(String title, List<UdpStream.Packet> packets, List<String> lanes,
            Function<String, String> gatewayOf, Timeline timeline, long zeroMicros) {
        long from = packets.isEmpty() ? zeroMicros : packets.get(0).sentMicros();
        long to = packets.isEmpty() ? zeroMicros + 1 : packets.get(packets.size() - 1).sentMicros();
        for (Timeline.Event e : timeline.events()) {
            from = Math.min(from, e.micros());
            to = Math.max(to, e.micros());
        }
        // The zoom: from just before the fault to a little after the last event of the failover.
        long zoomEnd = zeroMicros + 10_000;
        for (Timeline.Event e : timeline.events()) {
            if (e.micros() - zeroMicros < 1_000_000 && !e.what().startsWith("repaired")
                    && !e.what().startsWith("route back")) {
                zoomEnd = Math.max(zoomEnd, e.micros());
            }
        }
        long zoomFrom = zeroMicros - (zoomEnd - zeroMicros) / 4 - 2_000;
        zoomEnd += (zoomEnd - zeroMicros) / 4 + 2_000;
        int panel = (lanes.size() + 1) * LANE + 30;
        int top1 = 40;
        int top2 = top1 + panel + 40;
        int listTop = top2 + panel + 20;
        int height = listTop + timeline.events().size() * 16 + 20;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"15\">%s</text>%n", LEFT,
                escape(title)));
        panel(s, "the whole stream", top1, from, to, packets, lanes, gatewayOf, timeline, zeroMicros, false);
        panel(s, "zoom on the failover", top2, zoomFrom, zoomEnd, packets, lanes, gatewayOf, timeline, zeroMicros,
                true);
        int row = 0;
        for (Timeline.Event e : timeline.events()) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%+9.1f ms  %s  (%s)</text>%n", LEFT,
                    listTop + row * 16, (e.micros() - zeroMicros) / 1000.0, escape(e.what()), escape(e.source())));
            row++;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static void panel(StringBuilder s, String name, int top, long from, long to,
            List<UdpStream.Packet> packets, List<String> lanes, Function<String, String> gatewayOf, Timeline timeline,
            long zero, boolean labels) {
        long span = Math.max(1, to - from);
        int lostLane = lanes.size();
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#444\">%s</text>%n", LEFT, top - 6,
                escape(name)));
        for (int i = 0; i <= lanes.size(); i++) {
            int y = top + i * LANE;
            String label = i < lanes.size() ? "via " + lanes.get(i) : "lost";
            s.append(String.format(Locale.ROOT, "<text x=\"8\" y=\"%d\">%s</text>%n", y + 19, escape(label)));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    LEFT, y + LANE, WIDTH - RIGHT, y + LANE));
        }
        for (UdpStream.Packet p : packets) {
            if (p.sentMicros() < from || p.sentMicros() > to) {
                continue;
            }
            int lane = lostLane;
            if (p.delivered()) {
                int idx = lanes.indexOf(gatewayOf.apply(p.via()));
                lane = idx < 0 ? lostLane : idx;
            }
            double x = x(p.sentMicros(), from, span);
            int y = top + lane * LANE + 5;
            s.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1\"/>%n", x, y, x,
                    y + LANE - 10, lane == lostLane ? "#d33" : "#2a7"));
        }
        int bottom = top + (lanes.size() + 1) * LANE;
        for (Timeline.Event e : timeline.events()) {
            if (e.micros() < from || e.micros() > to) {
                continue;
            }
            double x = x(e.micros(), from, span);
            s.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#336\" stroke-dasharray=\"3,3\"/>%n", x,
                    top, x, bottom));
        }
        double spanMs = span / 1000.0;
        double step = niceStep(spanMs / 8);
        for (double t = Math.ceil((from - zero) / 1000.0 / step) * step; t * 1000 + zero <= to; t += step) {
            double x = x((long) (zero + t * 1000), from, span);
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#666\">%s ms</text>%n", x - 12,
                    bottom + 14, step < 1 ? String.format(Locale.ROOT, "%.1f", t + 0.0)
                            : String.format(Locale.ROOT, "%.0f", Math.abs(t) < step / 2 ? 0.0 : t)));
        }
    }

    private static double x(long micros, long from, long span) {
        return LEFT + (double) (micros - from) / span * (WIDTH - LEFT - RIGHT);
    }

    private static double niceStep(double raw) {
        double mag = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-3))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * mag >= raw) {
                return m * mag;
            }
        }
        return 10 * mag;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
