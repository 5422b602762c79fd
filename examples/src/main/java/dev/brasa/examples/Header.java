package dev.brasa.examples;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The header a teaching program prints before it trains: which lesson it follows, every setting it
 * runs with, and each departure from the lesson (a setting the user changed, one the lesson leaves
 * unset, other data standing in), so that a run that does not reproduce the lesson says why.
 */
final class Header {
    private final String title;
    private final List<String> settings = new ArrayList<>();
    private final List<String> departures = new ArrayList<>();

    Header(String title) { this.title = title; }

    /** A setting and the lesson's value for it; null when the lesson sets none (then the value is a departure). */
    Header set(String name, Object value, Object lesson) {
        String v = show(value);
        settings.add(name + " " + v);
        if (lesson == null) {
            departures.add(name + " " + v + " (the lesson sets none)");
        } else if (!v.equals(show(lesson))) {
            departures.add(name + " " + v + " (lesson: " + show(lesson) + ")");
        }
        return this;
    }

    /** A setting the lesson has no counterpart for (it is part of a departure already stated). */
    Header info(String name, Object value) {
        settings.add(name + " " + show(value));
        return this;
    }

    /** A departure that is not one setting: other data, something done differently. */
    Header departs(String what) {
        departures.add(what);
        return this;
    }

    /** The departures so far, as printed. */
    List<String> departures() { return List.copyOf(departures); }

    /** Three lines: the title, the settings, the departures (or "none"). */
    void print(PrintStream out) {
        if (out == null) return;
        out.println(title);
        out.println("  settings: " + String.join(", ", settings));
        out.println("  departures from the lesson: " + (departures.isEmpty() ? "none" : String.join("; ", departures)));
    }

    /** Numbers as a person writes them: 0.06, 1, 0.001 (not 0.060000000000000005, 1.0, 1.0E-3). */
    static String show(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        }
        return Objects.toString(v);
    }
}
