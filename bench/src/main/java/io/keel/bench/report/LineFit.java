package io.keel.bench.report;

/**
 * Least-squares line through (x, y) points, NaN points skipped: slope, intercept, the slope's standard error and
 * the residual standard deviation (the noise around the line). Immutable; NaN figures when fewer than three points.
 *
 * @param slope        change of y per unit of x
 * @param slopeError   standard error of the slope; a slope within about two of these is indistinguishable from 0
 * @param residualSd   standard deviation of the points around the line, in y's unit
 */
public record LineFit(double slope, double intercept, double slopeError, double residualSd, int points) {
    public static LineFit of(double[] x, double[] y) {
        int n = 0;
        double sx = 0;
        double sy = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) {
                n++;
                sx += x[i];
                sy += y[i];
            }
        }
        if (n < 3) {
            return new LineFit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, n);
        }
        double mx = sx / n;
        double my = sy / n;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) {
                sxx += (x[i] - mx) * (x[i] - mx);
                sxy += (x[i] - mx) * (y[i] - my);
            }
        }
        if (sxx == 0) {
            return new LineFit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, n);
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double sse = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) {
                double r = y[i] - (intercept + slope * x[i]);
                sse += r * r;
            }
        }
        double variance = sse / (n - 2);
        return new LineFit(slope, intercept, Math.sqrt(variance / sxx), Math.sqrt(variance), n);
    }

    /** Whether the slope is within two standard errors of zero (or within {@code floor}, whichever is larger). */
    public boolean flat(double floor) {
        return Math.abs(slope) <= Math.max(2 * slopeError, floor);
    }
}
