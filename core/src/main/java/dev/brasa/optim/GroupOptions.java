package dev.brasa.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hyper-parameters of one param group, typed per optimizer ({@link SGD.Options},
 * {@link Adam.Options}): immutable records that check their values with PyTorch's messages when
 * built, so no group ever holds a negative learning rate or a beta of 1, whether it came from a
 * builder, {@link ParamGroup#set}, a scheduler or a loaded state dict. A custom optimizer (a
 * subclass of {@link Optimizer}) implements it with a record of its own.
 */
public interface GroupOptions {
    /** The learning rate. */
    double lr();

    /**
     * The options by their state-dict names, in order ({@code lr}, {@code momentum}, {@code beta1},
     * ...; booleans as 1.0 and 0.0), as {@link Optimizer#stateDict()} saves them.
     */
    Map<String, Double> asMap();

    /** The same options with one changed by its state-dict name; checked as a new group would be. */
    GroupOptions with(String name, double value);

    /** The map with one entry replaced; refuses a name the options do not have. */
    static Map<String, Double> replace(Map<String, Double> options, String name, double value) {
        if (!options.containsKey(name)) throw new IllegalArgumentException("unknown option '" + name + "'; options are " + options.keySet());
        Map<String, Double> m = new LinkedHashMap<>(options);
        m.put(name, value);
        return m;
    }

    /** A boolean option from its number: 1 is true, 0 false, anything else refused. */
    static boolean flag(Map<String, Double> options, String name) {
        double v = options.get(name);
        if (v != 0 && v != 1) throw new IllegalArgumentException(name + " is true (1) or false (0), got " + v);
        return v == 1;
    }
}
