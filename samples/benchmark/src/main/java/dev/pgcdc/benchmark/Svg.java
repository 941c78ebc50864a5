package dev.pgcdc.benchmark;

import java.util.List;
import java.util.Locale;

/** A tiny SVG writer: shapes and text appended to one drawing, escaped, with no dependency. */
final class Svg {

    private final int width;
    private final int height;
    private final StringBuilder body = new StringBuilder();

    Svg(int width, int height) {
        this.width = width;
        this.height = height;
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke) {
        body.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                x1, y1, x2, y2, stroke));
        return this;
    }

    Svg polyline(List<double[]> points, String stroke) {
        body.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(stroke).append("\" points=\"");
        for (double[] point : points) {
            body.append(String.format(Locale.ROOT, "%.1f,%.1f ", point[0], point[1]));
        }
        body.append("\"/>\n");
        return this;
    }

    Svg rect(double x, double y, double w, double h, String fill) {
        body.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                x, y, w, h, fill));
        return this;
    }

    /** Text at (x, y); {@code anchor} is start, middle or end. */
    Svg text(double x, double y, String text, String anchor, int size) {
        body.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">",
                x, y, anchor, size)).append(escape(text)).append("</text>\n");
        return this;
    }

    @Override
    public String toString() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
                + "\" viewBox=\"0 0 " + width + " " + height + "\" font-family=\"sans-serif\" fill=\"#222\">\n"
                + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n" + body + "</svg>\n";
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
