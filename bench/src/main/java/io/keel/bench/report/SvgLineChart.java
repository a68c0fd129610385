package io.keel.bench.report;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * Renders a small SVG line chart: one polyline per series, linear axes starting at zero with about five "nice"
 * ticks, a legend. NaN points break a line instead of being drawn as zero. Hand-rolled because the report needs
 * nothing more and a charting library would be the largest dependency of the tool. Stateless.
 */
public final class SvgLineChart {
    /** One line. {@code x} and {@code y} have equal length. Immutable. */
    @SuppressWarnings("ArrayRecordComponent") // plotted once, never compared; boxing thousands of samples would buy nothing
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x and " + y.length
                        + " y values");
            }
            x = x.clone();
            y = y.clone();
        }
    }

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int W = 720;
    private static final int H = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 170;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private SvgLineChart() {
    }

    public static String render(String title, String xLabel, String yLabel, List<Series> series) {
        double maxX = max(series, true);
        double maxY = max(series, false);
        double xStep = niceStep(maxX);
        double yStep = niceStep(maxY);
        double xTop = Math.ceil(maxX / xStep) * xStep;
        double yTop = Math.ceil(maxY / yStep) * yStep;
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" font-family=\"sans-serif\" font-size=\"11\">\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(s, W / 2.0 - RIGHT / 2.0, 22, "middle", 14, title);
        for (double v = 0; v <= yTop + yStep / 2; v += yStep) {
            double y = TOP + plotH - v / yTop * plotH;
            line(s, LEFT, y, LEFT + plotW, y, "#e0e0e0");
            text(s, LEFT - 6, y + 4, "end", 11, fmt(v));
        }
        for (double v = 0; v <= xTop + xStep / 2; v += xStep) {
            double x = LEFT + v / xTop * plotW;
            line(s, x, TOP + plotH, x, TOP + plotH + 4, "#333");
            text(s, x, TOP + plotH + 16, "middle", 11, fmt(v));
        }
        line(s, LEFT, TOP, LEFT, TOP + plotH, "#333");
        line(s, LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "#333");
        text(s, LEFT + plotW / 2.0, H - 10, "middle", 12, xLabel);
        s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
                + "transform=\"rotate(-90 16 %.1f)\">%s</text>%n", TOP + plotH / 2.0, TOP + plotH / 2.0,
                escape(yLabel)));
        for (int i = 0; i < series.size(); i++) {
            Series se = series.get(i);
            String color = COLORS[i % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (int k = 0; k <= se.x().length; k++) {
                boolean gap = k == se.x().length || Double.isNaN(se.y()[k]) || Double.isNaN(se.x()[k]);
                if (gap) {
                    polyline(s, pts, color);
                    pts.setLength(0);
                    continue;
                }
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + se.x()[k] / xTop * plotW,
                        TOP + plotH - se.y()[k] / yTop * plotH));
            }
            double ly = TOP + 10 + i * 16;
            line(s, W - RIGHT + 10, ly, W - RIGHT + 30, ly, color);
            text(s, W - RIGHT + 35, ly + 4, "start", 11, se.name());
        }
        return s.append("</svg>\n").toString();
    }

    private static void polyline(StringBuilder s, StringBuilder pts, String color) {
        if (!pts.isEmpty()) {
            s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"")
                    .append(pts.toString().strip()).append("\"/>\n");
        }
    }

    private static double max(List<Series> series, boolean xs) {
        double m = 0;
        for (Series se : series) {
            for (double v : xs ? se.x() : se.y()) {
                if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                    m = Math.max(m, v);
                }
            }
        }
        return m > 0 ? m : 1;
    }

    /** 1, 2 or 5 times a power of ten, giving about five ticks up to {@code max}. */
    static double niceStep(double max) {
        double raw = max / 5;
        double pow = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / pow;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new BigDecimal(String.format(Locale.ROOT, "%.3g", v)).stripTrailingZeros().toPlainString();
    }

    private static void line(StringBuilder s, double x1, double y1, double x2, double y2, String color) {
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                x1, y1, x2, y2, color));
    }

    private static void text(StringBuilder s, double x, double y, String anchor, int size, String t) {
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s"
                + "</text>%n", x, y, anchor, size, escape(t)));
    }

    static String escape(String t) {
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
