package dev.brasa.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Per-epoch loss, accuracy (percent) and seconds of a training run, printed as the tutorials print them. */
public final class History {
    /** Mean loss per epoch. */
    public final List<Double> loss = new ArrayList<>();
    /** Accuracy per epoch, in percent. */
    public final List<Double> acc = new ArrayList<>();
    /** Seconds per epoch. */
    public final List<Double> seconds = new ArrayList<>();

    /** Records an epoch and prints {@code Epoch:001 Acc:56.16 Loss:2.5187 Time/epoch:0.155s} when out is not null. */
    public void add(double lossValue, double accPercent, double secs, PrintStream out) {
        loss.add(lossValue);
        acc.add(accPercent);
        seconds.add(secs);
        if (out != null) {
            out.printf("Epoch:%03d Acc:%s Loss:%s Time/epoch:%.3fs%n", loss.size(), fixed(accPercent, 2), fixed(lossValue, 4), secs);
        }
    }

    /** Python's {@code f"{v:.Nf}"}: fixed digits, and {@code nan}, {@code inf}, {@code -inf} as Python writes them. */
    static String fixed(double v, int digits) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return String.format("%." + digits + "f", v);
    }

    /** The last epoch's accuracy. */
    public double lastAcc() { return acc.get(acc.size() - 1); }

    /** The last epoch's loss. */
    public double lastLoss() { return loss.get(loss.size() - 1); }
}
