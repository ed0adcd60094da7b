package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.UdpStream;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The timeline as an SVG picture: one lane per gateway with a tick for every datagram that
 * came back through it, a lane of lost datagrams, and a dashed line for every event.
 */
public final class TimelinePlot {
    private static final int WIDTH = 1000;
    private static final int LEFT = 90;
    private static final int RIGHT = 20;
    private static final int LANE = 34;
    private static final int TOP = 40;

    private TimelinePlot() {
    }

    /**
     * @param lanes     gateway names, top to bottom
     * @param gatewayOf maps the IPv4 source an answer came from to its gateway name
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
        long span = Math.max(1, to - from);
        int lostLane = lanes.size();
        int eventsTop = TOP + (lanes.size() + 1) * LANE + 20;
        int height = eventsTop + timeline.events().size() * 16 + 40;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                        + "font-size=\"12\">%n", WIDTH, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"15\">%s</text>%n", LEFT,
                escape(title)));
        for (int i = 0; i <= lanes.size(); i++) {
            int y = TOP + i * LANE;
            String label = i < lanes.size() ? "via " + lanes.get(i) : "lost";
            s.append(String.format(Locale.ROOT, "<text x=\"8\" y=\"%d\">%s</text>%n", y + 20, escape(label)));
            s.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n", LEFT, y + LANE, WIDTH - RIGHT,
                    y + LANE));
        }
        for (UdpStream.Packet p : packets) {
            int lane = lostLane;
            if (p.delivered()) {
                int idx = lanes.indexOf(gatewayOf.apply(p.via()));
                lane = idx < 0 ? lostLane : idx;
            }
            double x = x(p.sentMicros(), from, span);
            int y = TOP + lane * LANE + 6;
            s.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1\"/>%n", x, y, x,
                    y + LANE - 12, lane == lostLane ? "#d33" : "#2a7"));
        }
        int row = 0;
        for (Timeline.Event e : timeline.events()) {
            double x = x(e.micros(), from, span);
            int labelY = eventsTop + row * 16;
            s.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#336\" stroke-dasharray=\"3,3\"/>%n", x,
                    TOP, x, labelY - 10));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%+.1f ms %s</text>%n",
                    Math.min(x, WIDTH - 330.0), labelY, (e.micros() - zeroMicros) / 1000.0, escape(e.what())));
            row++;
        }
        // Time axis: ticks every nicely rounded number of milliseconds.
        double spanMs = span / 1000.0;
        double step = niceStep(spanMs / 8);
        int axisY = TOP + (lanes.size() + 1) * LANE + 4;
        for (double t = Math.ceil((from - zeroMicros) / 1000.0 / step) * step; t * 1000 + zeroMicros <= to;
                t += step) {
            double x = x((long) (zeroMicros + t * 1000), from, span);
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#666\">%.0f ms</text>%n", x - 12,
                    axisY + 10, t));
        }
        s.append("</svg>\n");
        return s.toString();
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
