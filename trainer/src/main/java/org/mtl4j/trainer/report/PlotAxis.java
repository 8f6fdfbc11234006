package org.mtl4j.trainer.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A y axis of a curves panel: its range and ticks at "nice" numbers (1, 2 or 5 times a power of
 * ten; whole decades on a log axis), as in Heckbert, "Nice numbers for graph labels", Graphics Gems
 * 1990. A non-negative quantity never gets an axis below zero; a log scale is chosen for positive
 * values that span more than {@link #LOG_RATIO} (a loss falling by orders of magnitude).
 *
 * @param log whether the axis is logarithmic (base 10)
 * @param min bottom of the axis (data units)
 * @param max top of the axis (data units)
 * @param ticks tick values, bottom to top
 */
record PlotAxis(boolean log, double min, double max, List<Double> ticks) {
  /** Positive data spanning more than this factor get a log axis (when allowed). */
  static final double LOG_RATIO = 30;

  /**
   * The axis for {@code values} (NaN ignored).
   *
   * @param allowLog whether a log scale may be used (losses)
   * @param upperBound the largest value the quantity can take (1 for accuracy), or +∞
   */
  static PlotAxis of(double[] values, boolean allowLog, double upperBound) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!(lo <= hi)) {
      return new PlotAxis(false, 0, 1, List.of(0.0, 0.5, 1.0));
    }
    if (allowLog && lo > 0 && hi / lo > LOG_RATIO) {
      double a = Math.floor(Math.log10(lo));
      double b = Math.ceil(Math.log10(hi));
      List<Double> ticks = new ArrayList<>();
      int step = (int) Math.max(1, Math.ceil((b - a) / 6));
      for (double e = a; e <= b + 1e-9; e += step) {
        ticks.add(Math.pow(10, e));
      }
      return new PlotAxis(true, Math.pow(10, a), Math.pow(10, b), ticks);
    }
    if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
      double pad = Math.abs(hi) > 0 ? Math.abs(hi) * 0.1 : 1;
      lo -= pad;
      hi += pad;
    } else {
      double pad = 0.05 * (hi - lo);
      boolean nonNegative = lo >= 0;
      lo -= pad;
      hi += pad;
      if (nonNegative) {
        lo = Math.max(0, lo);
      }
    }
    hi = Math.min(hi, upperBound);
    double step = nice((hi - lo) / 5);
    double first = Math.floor(lo / step) * step;
    double last = Math.ceil(hi / step) * step;
    if (lo >= 0) {
      first = Math.max(0, first);
    }
    last = Math.min(last, Math.max(upperBound, first + step));
    List<Double> ticks = new ArrayList<>();
    // k * step in decimal, so that 3 * 0.2 is 0.6, not 0.6000000000000001
    java.math.BigDecimal decimalStep = java.math.BigDecimal.valueOf(step);
    for (long k = Math.round(first / step); k <= Math.round(last / step); k++) {
      ticks.add(java.math.BigDecimal.valueOf(k).multiply(decimalStep).doubleValue());
    }
    return new PlotAxis(false, first, last, ticks);
  }

  /** The nice number (1, 2, 5 times a power of ten) nearest above {@code x}. */
  static double nice(double x) {
    double p = Math.pow(10, Math.floor(Math.log10(x)));
    double f = x / p;
    double n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return n * p;
  }

  /** Position of {@code v} on the axis, 0 at the bottom and 1 at the top. */
  double fraction(double v) {
    if (log) {
      return (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
    }
    return (v - min) / (max - min);
  }

  /** The label of tick {@code v}: as many decimals as the tick spacing needs, no more. */
  String tickLabel(double v) {
    if (log || ticks.size() < 2) {
      return label(v);
    }
    double step = ticks.get(1) - ticks.get(0);
    int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
    if (Math.abs(v) >= 1e5 || decimals > 6) {
      return label(v);
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** A tick label: short, without floating-point noise. */
  static String label(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e5 || a < 1e-3) {
      return String.format(Locale.ROOT, "%.0e", v).replace("e+0", "e").replace("e-0", "e-");
    }
    String s = String.format(Locale.ROOT, "%.4f", v);
    s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    return s;
  }
}
