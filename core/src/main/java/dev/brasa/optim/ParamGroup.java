package dev.brasa.optim;

import dev.brasa.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A group of parameters sharing hyper-parameters ({@code optimizer.param_groups[i]}): the options
 * are a mutable map of numbers ("lr", "momentum", "weight_decay", ...), so schedulers and users can
 * change them between steps.
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private final Map<String, Double> options;

    /** A group of params with options (copied). */
    public ParamGroup(List<? extends Tensor> params, Map<String, Double> options) {
        Objects.requireNonNull(params, "params");
        for (int i = 0; i < params.size(); i++) Objects.requireNonNull(params.get(i), "parameter " + i);
        this.params = List.copyOf(params);
        this.options = new LinkedHashMap<>(options);
    }

    /** The parameters. */
    public List<Tensor> params() { return params; }

    /** An option's value; fails naming the option when absent. */
    public double get(String option) {
        Double v = options.get(option);
        if (v == null) throw new IllegalArgumentException("param group has no option '" + option + "'; it has " + options.keySet());
        return v;
    }

    /** Sets an option. */
    public void set(String option, double value) { options.put(option, value); }

    /** The learning rate. */
    public double lr() { return get("lr"); }

    /** Sets the learning rate. */
    public void lr(double lr) { set("lr", lr); }

    /** The options, in order. */
    public Map<String, Double> options() { return new LinkedHashMap<>(options); }
}
