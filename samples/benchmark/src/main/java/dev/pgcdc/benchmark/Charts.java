package dev.pgcdc.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's pictures, as SVG files next to {@code report.md}, drawn from the same figures as the tables: drain
 * throughput over time per consumer, live-lag percentiles per writer rate, snapshot rows/s per reader and worker
 * count. {@link Report} embeds those that {@link #write} drew.
 */
final class Charts {

    static final String DRAIN = "drain-throughput.svg";
    static final String LIVE_LAG = "live-lag.svg";
    static final String SNAPSHOT = "snapshot-rows.svg";

    private static final String[] COLOURS = {"#2874a6", "#d35400", "#2f8f46", "#8e44ad", "#7f8c8d"};
    private static final int WIDTH = 720;
    private static final int HEIGHT = 360;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 70;
    private static final double RATE_WINDOW_SECONDS = 1;
    /** Axis ends: the smallest of these times a power of ten that holds the data. */
    private static final double[] ROUND_STEPS = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};

    private Charts() {
    }

    /** Draws every chart the figures have data for. */
    static void write(Map<String, Object> figures, Path outDir) throws IOException {
        for (Map.Entry<String, String> chart : draw(figures).entrySet()) {
            Files.writeString(outDir.resolve(chart.getKey()), chart.getValue());
        }
    }

    /** File name to SVG, for the charts the figures have data for. */
    static Map<String, String> draw(Map<String, Object> figures) {
        Map<String, String> charts = new LinkedHashMap<>();
        if (figures.get("streaming") instanceof Map<?, ?> streaming
                && streaming.get("timelines") instanceof Map<?, ?> timelines && !timelines.isEmpty()) {
            charts.put(DRAIN, drain(timelines));
        }
        if (figures.get("liveLag") instanceof Map<?, ?> lag && !lag.isEmpty()) {
            charts.put(LIVE_LAG, liveLag(lag));
        }
        if (figures.get("snapshot") instanceof Map<?, ?> snapshot) {
            charts.put(SNAPSHOT, snapshot(snapshot));
        }
        return charts;
    }

    /**
     * Changes/s of each consumer's timeline ([seconds, changes done] pairs), each over the second before its sample
     * (the samples are closer; a consumer's data arrives in bursts).
     */
    private static String drain(Map<?, ?> timelines) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (Map.Entry<?, ?> timeline : timelines.entrySet()) {
            List<double[]> samples = new ArrayList<>();
            for (Object sample : (List<?>) timeline.getValue()) {
                List<?> pair = (List<?>) sample;
                samples.add(new double[] {number(pair.get(0)), number(pair.get(1))});
            }
            List<double[]> rates = new ArrayList<>();
            int from = 0;
            for (int i = 1; i < samples.size(); i++) {
                while (from + 1 < i && samples.get(i)[0] - samples.get(from + 1)[0] >= RATE_WINDOW_SECONDS) {
                    from++;
                }
                double[] start = samples.get(from);
                double[] end = samples.get(i);
                if (end[0] > start[0]) {
                    rates.add(new double[] {end[0], (end[1] - start[1]) / (end[0] - start[0])});
                }
            }
            series.put(String.valueOf(timeline.getKey()), rates);
        }
        return lines("Streaming drain: changes/s over time", "seconds since the consumer started", "changes/s",
                series);
    }

    private static String liveLag(Map<?, ?> lag) {
        List<String> groups = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (Map.Entry<?, ?> rate : lag.entrySet()) {
            Map<?, ?> r = (Map<?, ?>) rate.getValue();
            groups.add(rate.getKey() + " changes/s");
            values.add(new double[] {number(r.get("p50Ms")), number(r.get("p99Ms")), number(r.get("maxMs"))});
        }
        return bars("Live lag: commit to exchange (ms) by writer rate", "ms", groups, List.of("p50", "p99", "max"),
                values);
    }

    private static String snapshot(Map<?, ?> snapshot) {
        List<String> groups = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        if (snapshot.get("copyToStdout") instanceof Map<?, ?> copy) {
            groups.add("COPY TO STDOUT");
            values.add(new double[] {number(copy.get("rowsPerSecond"))});
        }
        for (Map.Entry<?, ?> reader : snapshot.entrySet()) {
            String name = String.valueOf(reader.getKey());
            if (reader.getValue() instanceof Map<?, ?> r && r.get("rowsPerSecond") != null
                    && (name.startsWith("pgcdc") || name.equals("debezium"))) {
                groups.add(r.get("workers") != null ? name.replaceAll("(\\d+|N)Workers?(\\d+Lanes)?$", "") + ", "
                        + r.get("workers") + (number(r.get("workers")) == 1 ? " worker" : " workers")
                        + (r.get("lanes") != null && number(r.get("lanes")) > 1 ? ", " + r.get("lanes") + " lanes" : "")
                        : name);
                values.add(new double[] {number(r.get("rowsPerSecond"))});
            }
        }
        return bars("Snapshot: rows/s by reader and worker count", "rows/s", groups, List.of("rows/s"), values);
    }

    private static String lines(String title, String xLabel, String yLabel, Map<String, List<double[]>> series) {
        double maxX = 1;
        double maxY = 1;
        for (List<double[]> points : series.values()) {
            for (double[] p : points) {
                maxX = Math.max(maxX, p[0]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        maxX = niceCeiling(maxX);
        maxY = niceCeiling(maxY);
        Svg svg = frame(title, yLabel, maxY);
        svg.text(LEFT + plotWidth() / 2.0, HEIGHT - BOTTOM + 32, xLabel, "middle", 12);
        int xTicks = tickCount(maxX);
        for (int i = 0; i <= xTicks; i++) {
            double x = LEFT + plotWidth() * i / (double) xTicks;
            svg.text(x, HEIGHT - BOTTOM + 16, format(maxX * i / xTicks), "middle", 11);
        }
        int colour = 0;
        for (Map.Entry<String, List<double[]>> s : series.entrySet()) {
            List<double[]> points = new ArrayList<>();
            for (double[] p : s.getValue()) {
                points.add(new double[] {LEFT + p[0] / maxX * plotWidth(), y(p[1], maxY)});
            }
            String stroke = COLOURS[colour % COLOURS.length];
            svg.polyline(points, stroke);
            legend(svg, colour++, s.getKey(), stroke);
        }
        return svg.toString();
    }

    /** One group of bars per entry of {@code groups}, one bar per series in each. */
    private static String bars(String title, String yLabel, List<String> groups, List<String> seriesNames,
                               List<double[]> values) {
        double maxY = 1;
        for (double[] group : values) {
            for (double v : group) {
                maxY = Math.max(maxY, v);
            }
        }
        maxY = niceCeiling(maxY);
        Svg svg = frame(title, yLabel, maxY);
        double groupWidth = plotWidth() / (double) Math.max(1, groups.size());
        double barWidth = groupWidth * 0.7 / seriesNames.size();
        for (int g = 0; g < groups.size(); g++) {
            double groupLeft = LEFT + g * groupWidth + groupWidth * 0.15;
            for (int s = 0; s < seriesNames.size(); s++) {
                double value = values.get(g)[s];
                double top = y(value, maxY);
                svg.rect(groupLeft + s * barWidth, top, barWidth * 0.9, HEIGHT - BOTTOM - top,
                        COLOURS[s % COLOURS.length]);
                svg.text(groupLeft + s * barWidth + barWidth * 0.45, top - 3, format(value), "middle", 10);
            }
            svg.text(LEFT + g * groupWidth + groupWidth / 2, HEIGHT - BOTTOM + 16, groups.get(g), "middle", 11);
        }
        if (seriesNames.size() > 1) {
            for (int s = 0; s < seriesNames.size(); s++) {
                legend(svg, s, seriesNames.get(s), COLOURS[s % COLOURS.length]);
            }
        }
        return svg.toString();
    }

    /** Title, axes, and the y axis's grid and labels from 0 to {@code maxY}. */
    private static Svg frame(String title, String yLabel, double maxY) {
        Svg svg = new Svg(WIDTH, HEIGHT);
        svg.text(WIDTH / 2.0, 22, title, "middle", 15);
        int yTicks = tickCount(maxY);
        for (int i = 0; i <= yTicks; i++) {
            double y = y(maxY * i / yTicks, maxY);
            svg.line(LEFT, y, WIDTH - RIGHT, y, i == 0 ? "#444" : "#e3e7ec");
            svg.text(LEFT - 6, y + 4, format(maxY * i / yTicks), "end", 11);
        }
        svg.line(LEFT, TOP, LEFT, HEIGHT - BOTTOM, "#444");
        svg.text(14, TOP - 10, yLabel, "start", 11);
        return svg;
    }

    private static void legend(Svg svg, int index, String name, String colour) {
        double x = LEFT + index * 150;
        double y = HEIGHT - 14;
        svg.rect(x, y - 9, 12, 10, colour);
        svg.text(x + 16, y, name, "start", 11);
    }

    private static double y(double value, double maxY) {
        return HEIGHT - BOTTOM - value / maxY * (HEIGHT - BOTTOM - TOP);
    }

    private static int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    /** The smallest of {@link #ROUND_STEPS} times a power of ten that is at least {@code value}: round axis ends. */
    static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : ROUND_STEPS) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    /** Intervals for an axis ending at {@code max} (from {@link #niceCeiling}) so that every tick is round. */
    static int tickCount(double max) {
        long leading = Math.round(max / Math.pow(10, Math.floor(Math.log10(max))) * 10);
        if (leading == 15 || leading == 30 || leading == 60) {
            return 3;
        }
        return leading == 20 || leading == 40 || leading == 80 ? 4 : 5;
    }

    static String format(double value) {
        if (value >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", value / 1_000_000);
        }
        if (value >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", value / 1_000);
        }
        if (value >= 1_000) {
            return String.format(Locale.ROOT, "%.1fk", value / 1_000);
        }
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }

    private static double number(Object value) {
        return value == null ? 0 : ((Number) value).doubleValue();
    }
}
