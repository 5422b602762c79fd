package dev.brasa.io;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An optimizer's state dict both ways between Brasa's flat form ({@code state.<i>.<name>},
 * {@code param_groups.<g>.<option>} as 0-d FLOAT64, {@code param_groups.<g>.params}) and PyTorch's
 * nested one ({@code {'state': {id: {...}}, 'param_groups': [{'lr': ..., 'betas': (b1, b2), ...,
 * 'params': [ids]}]}}): {@code betas} is Brasa's {@code beta1}/{@code beta2}, flags are booleans,
 * and PyTorch's implementation switches ({@code foreach}, {@code capturable},
 * {@code differentiable}, {@code fused}) are written with their defaults and dropped on reading.
 */
final class TorchOptimizerState {
    private static final Pattern BRASA_KEY = Pattern.compile("(state|param_groups)\\.\\d+\\.[^.]+");
    private static final Set<String> FLAGS = Set.of("amsgrad", "maximize", "nesterov");
    private static final Set<String> TORCH_ONLY = Set.of("foreach", "capturable", "differentiable", "fused");

    private TorchOptimizerState() {}

    /** True for the flat dict of {@link dev.brasa.optim.Optimizer#stateDict}. */
    static boolean isBrasaOptimizer(Map<String, Tensor> sd) {
        boolean groups = false;
        for (String k : sd.keySet()) {
            if (!BRASA_KEY.matcher(k).matches()) return false;
            groups |= k.startsWith("param_groups.");
        }
        return groups;
    }

    /** True for PyTorch's {@code optimizer.state_dict()}: exactly 'state' (a dict) and 'param_groups' (a list). */
    static boolean isTorchOptimizer(Map<?, ?> m) {
        return m.size() == 2 && m.get("state") instanceof Map<?, ?> && m.get("param_groups") instanceof List<?>;
    }

    /** Brasa's flat form to PyTorch's nested one. */
    static Map<String, Object> toTorch(Map<String, Tensor> sd) {
        Map<Long, Map<String, Tensor>> state = new TreeMap<>();
        Map<Integer, Map<String, Tensor>> groups = new TreeMap<>();
        for (var e : sd.entrySet()) {
            String[] k = e.getKey().split("\\.", 3);
            if (k[0].equals("state")) state.computeIfAbsent(Long.parseLong(k[1]), x -> new TreeMap<>()).put(k[2], e.getValue());
            else groups.computeIfAbsent(Integer.parseInt(k[1]), x -> new LinkedHashMap<>()).put(k[2], e.getValue());
        }
        Map<Long, Object> torchState = new LinkedHashMap<>();
        for (var e : state.entrySet()) {
            Map<String, Object> s = new LinkedHashMap<>();
            Tensor step = e.getValue().get("step");
            if (step != null) s.put("step", Brasa.fromArray(new float[] {(float) step.itemDouble()})); // PyTorch's float32 0-d step
            e.getValue().forEach((name, t) -> {
                if (!name.equals("step")) s.put(name, t);
            });
            torchState.put(e.getKey(), s);
        }
        List<Object> torchGroups = new ArrayList<>();
        for (var e : groups.entrySet()) {
            Map<String, Tensor> o = e.getValue();
            Map<String, Object> g = new LinkedHashMap<>();
            List<String> order = o.containsKey("beta1")
                    ? List.of("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "foreach", "capturable", "differentiable", "fused")
                    : o.containsKey("momentum")
                    ? List.of("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "foreach", "differentiable")
                    : List.of();
            for (String name : order) {
                switch (name) {
                    case "betas" -> g.put(name, new Object[] {o.get("beta1").itemDouble(), o.get("beta2").itemDouble()});
                    case "foreach" -> g.put(name, null);
                    case "capturable", "differentiable", "fused" -> g.put(name, Boolean.FALSE);
                    default -> {
                        if (o.containsKey(name)) g.put(name, option(name, o.get(name)));
                    }
                }
            }
            o.forEach((name, t) -> {
                if (!g.containsKey(name) && !name.equals("params") && !name.startsWith("beta")) g.put(name, option(name, t));
            });
            List<Object> ids = new ArrayList<>();
            if (o.containsKey("params")) {
                for (long id : o.get("params").toLongArray()) ids.add(id);
            } else if (groups.size() == 1) {
                ids.addAll(state.keySet()); // a dict from before Brasa wrote params: the parameters that have state
            } else {
                throw new IllegalArgumentException("optimizer state dict has " + groups.size() + " param groups but no "
                        + "param_groups.<g>.params to tell which parameters each holds");
            }
            g.put("params", ids);
            torchGroups.add(g);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", torchState);
        out.put("param_groups", torchGroups);
        return out;
    }

    private static Object option(String name, Tensor t) {
        double v = t.itemDouble();
        return FLAGS.contains(name) ? (Object) (v != 0) : (Object) v;
    }

    /** PyTorch's nested form (as read from a file) to Brasa's flat one. */
    static Map<String, Tensor> fromTorch(Map<?, ?> m, Path file) throws FileFormatException {
        Map<?, ?> state = (Map<?, ?>) m.get("state");
        List<?> groups = (List<?>) m.get("param_groups");
        Map<Object, Long> position = new HashMap<>();
        Map<String, Tensor> groupKeys = new LinkedHashMap<>();
        long pos = 0;
        for (int g = 0; g < groups.size(); g++) {
            if (!(groups.get(g) instanceof Map<?, ?> group)) throw bad(file, "param_groups[" + g + "] is not a dict");
            if (!(group.get("params") instanceof List<?> ids)) throw bad(file, "param_groups[" + g + "] has no 'params' list");
            long[] positions = new long[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                if (!(ids.get(i) instanceof Long) || position.put(ids.get(i), pos) != null) {
                    throw bad(file, "param_groups[" + g + "]['params'][" + i + "] is not a parameter id of its own");
                }
                positions[i] = pos++;
            }
            for (var e : group.entrySet()) {
                String name = String.valueOf(e.getKey()), key = "param_groups." + g + ".";
                Object v = e.getValue();
                if (name.equals("params") || TORCH_ONLY.contains(name) || v == null) continue;
                if (name.equals("betas")) {
                    Object[] b = v instanceof Object[] t ? t : v instanceof List<?> l ? l.toArray() : null;
                    if (b == null || b.length != 2 || !(b[0] instanceof Number b1) || !(b[1] instanceof Number b2)) {
                        throw bad(file, "param_groups[" + g + "]['betas'] is not a pair of numbers");
                    }
                    groupKeys.put(key + "beta1", scalar(b1.doubleValue()));
                    groupKeys.put(key + "beta2", scalar(b2.doubleValue()));
                } else if (v instanceof Number n) {
                    groupKeys.put(key + name, scalar(n.doubleValue()));
                } else if (v instanceof Boolean b) {
                    groupKeys.put(key + name, scalar(b ? 1 : 0));
                } else {
                    throw bad(file, "param_groups[" + g + "]['" + name + "'] is a " + TorchUnpickler.typeName(v) + ", not a number or a flag");
                }
            }
            groupKeys.put("param_groups." + g + ".params", Brasa.fromArray(positions, positions.length));
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : state.entrySet()) {
            Long p = position.get(e.getKey());
            if (p == null) throw bad(file, "optimizer state for parameter id " + e.getKey() + ", which no param group lists");
            if (!(e.getValue() instanceof Map<?, ?> s)) throw bad(file, "optimizer state for parameter id " + e.getKey() + " is not a dict");
            for (var f : new TreeMap<>(stringKeys(s)).entrySet()) {
                String key = "state." + p + "." + f.getKey();
                switch (f.getValue()) {
                    case Tensor t -> out.put(key, t);
                    case Number n -> out.put(key, scalar(n.doubleValue()));
                    case null, default -> { /* a None momentum buffer: no state */ }
                }
            }
        }
        out.putAll(groupKeys);
        return out;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> r = new LinkedHashMap<>();
        m.forEach((k, v) -> r.put(String.valueOf(k), v));
        return r;
    }

    private static Tensor scalar(double v) { return Brasa.fromArray(new double[] {v}); }

    private static FileFormatException bad(Path file, String msg) {
        return new FileFormatException(file, 0, "optimizer state dict: " + msg);
    }
}
