package dev.brasa.optim;

import dev.brasa.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A group of parameters sharing hyper-parameters ({@code optimizer.param_groups[i]}). Its options
 * are typed ({@link SGD.Options}, {@link Adam.Options}) and replaced whole on every change, so that
 * schedulers and users can change them between steps and every change is checked with PyTorch's
 * messages ({@code group.lr(-1)} fails with "Invalid learning rate: -1.0" and leaves the group as it was).
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private volatile GroupOptions options;

    ParamGroup(List<? extends Tensor> params, GroupOptions options) {
        Objects.requireNonNull(params, "params");
        for (int i = 0; i < params.size(); i++) Objects.requireNonNull(params.get(i), "parameter " + i);
        this.params = List.copyOf(params);
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The parameters. */
    public List<Tensor> params() { return params; }

    /** The options. */
    public GroupOptions options() { return options; }

    /** Replaces the options with others of the same optimizer ({@code SGD.Options} for an SGD group). */
    public void options(GroupOptions next) {
        Objects.requireNonNull(next, "options");
        if (next.getClass() != options.getClass()) {
            throw new IllegalArgumentException("this group takes " + options.getClass().getSimpleName() + " of "
                    + options.getClass().getEnclosingClass().getSimpleName() + ", got " + next.getClass().getEnclosingClass().getSimpleName()
                    + "." + next.getClass().getSimpleName());
        }
        options = next;
    }

    /** An option by its state-dict name ({@code "lr"}, {@code "momentum"}, ...; booleans as 1.0 and 0.0); fails naming the option when absent. */
    public double get(String option) {
        Map<String, Double> m = options.asMap();
        Double v = m.get(option);
        if (v == null) throw new IllegalArgumentException("param group has no option '" + option + "'; it has " + m.keySet());
        return v;
    }

    /** Sets an option by its state-dict name, checked as a new group would be. */
    public void set(String option, double value) { options = options.with(option, value); }

    /** The learning rate. */
    public double lr() { return options.lr(); }

    /** Sets the learning rate (at least 0). */
    public void lr(double lr) { set("lr", lr); }
}
