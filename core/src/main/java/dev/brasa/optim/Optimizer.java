package dev.brasa.optim;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The base of the optimizers ({@code torch.optim.Optimizer}): it keeps the books (param groups,
 * per-parameter state) and each subclass's step calls a functional update that does the math
 * ({@link Functional}), as PyTorch's {@code sgd.py} does.
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups = new ArrayList<>();
    private final List<ParamGroup> groupsView = java.util.Collections.unmodifiableList(groups);
    /** Per-parameter state (momentum buffers, Adam moments, step counts), keyed by identity. */
    protected final Map<Tensor, Map<String, Tensor>> state = new IdentityHashMap<>();
    private final GroupOptions defaults;

    /**
     * An optimizer over one group of params with default options: {@code model.parameters()}, or any
     * leaf tensors ({@code randn(3).requiresGrad_()}), as {@code torch.optim} takes them.
     */
    protected Optimizer(List<? extends Tensor> params, GroupOptions defaults) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        Objects.requireNonNull(params, "params");
        if (params.isEmpty()) throw new IllegalArgumentException("optimizer got an empty parameter list");
        addParamGroup(params, Map.of());
    }

    /**
     * Adds a group of params; options not given (by their state-dict names: "lr", "momentum", ...)
     * take the optimizer's defaults ({@code add_param_group}).
     */
    public void addParamGroup(List<? extends Tensor> params, Map<String, Double> options) {
        Objects.requireNonNull(params, "params");
        if (params.isEmpty()) throw new IllegalArgumentException("optimizer got an empty parameter list");
        for (int i = 0; i < params.size(); i++) {
            Tensor p = Objects.requireNonNull(params.get(i), "parameter " + i);
            if (!p.isLeaf()) {
                throw new IllegalArgumentException("can't optimize a non-leaf Tensor (parameter " + i + " of shape "
                        + java.util.Arrays.toString(p.shape()) + " was computed by " + p.gradFn().name() + "; optimize the tensor it came from)");
            }
            if (!p.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException("can't optimize a " + p.dtype().torchName() + " tensor (parameter " + i + "): only floating-point tensors have gradients");
            }
        }
        for (ParamGroup g : groups) {
            for (Tensor p : params) {
                for (Tensor q : g.params()) {
                    if (p == q) throw new IllegalArgumentException("some parameters appear in more than one parameter group");
                }
            }
        }
        GroupOptions o = defaults;
        for (var e : options.entrySet()) o = o.with(e.getKey(), e.getValue());
        groups.add(new ParamGroup(params, o));
    }

    /** The param groups ({@code param_groups}), a read-only view that follows {@code addParamGroup}. */
    public List<ParamGroup> paramGroups() { return groupsView; }

    /** One update of every parameter that has a gradient. */
    public abstract void step();

    /** Zeroes every parameter's gradient in place ({@code zero_grad()}, PyTorch 1.13's default). */
    public void zeroGrad() {
        try (var g = Brasa.noGrad()) {
            for (ParamGroup pg : groups) for (Tensor p : pg.params()) if (p.grad() != null) p.grad().zero_();
        }
    }

    /** Sets every gradient to null ({@code zero_grad(set_to_none=True)}). */
    public void zeroGradToNone() {
        for (ParamGroup pg : groups) for (Tensor p : pg.params()) p.setGrad(null);
    }

    /** The state tensors of one parameter (created empty). */
    protected Map<String, Tensor> stateOf(Tensor p) { return state.computeIfAbsent(p, k -> new HashMap<>()); }

    /**
     * The optimizer's state as flat tensors ({@code state_dict()}): {@code state.<i>.<name>} per
     * parameter (i = position over all groups), {@code param_groups.<g>.<option>} as 0-d FLOAT64,
     * and {@code param_groups.<g>.params}, the positions of the group's parameters (INT64), as
     * PyTorch's {@code 'params'} lists. Saved under a {@code .pt} name it becomes PyTorch's nested
     * form ({@link dev.brasa.io.TorchFile#saveStateDict}).
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int i = 0;
        for (ParamGroup g : groups) {
            for (Tensor p : g.params()) {
                Map<String, Tensor> s = state.get(p);
                if (s != null) for (var e : new java.util.TreeMap<>(s).entrySet()) out.put("state." + i + "." + e.getKey(), e.getValue());
                i++;
            }
        }
        int first = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            for (var e : groups.get(gi).options().asMap().entrySet()) {
                out.put("param_groups." + gi + "." + e.getKey(), Brasa.fromArray(new double[] {e.getValue()}));
            }
            int n = groups.get(gi).params().size();
            long[] ids = new long[n];
            for (int k = 0; k < n; k++) ids[k] = first + k;
            out.put("param_groups." + gi + ".params", Brasa.fromArray(ids, n));
            first += n;
        }
        return out;
    }

    /** Restores {@link #stateDict()} output into an optimizer over the same parameters. */
    public void loadStateDict(Map<String, Tensor> sd) {
        Objects.requireNonNull(sd, "state dict");
        List<Tensor> all = new ArrayList<>();
        for (ParamGroup g : groups) all.addAll(g.params());
        Map<Tensor, Map<String, Tensor>> next = new IdentityHashMap<>();
        for (var e : sd.entrySet()) {
            String[] k = e.getKey().split("\\.", 3);
            if (k.length != 3 || !(k[0].equals("state") || k[0].equals("param_groups"))) {
                throw new IllegalArgumentException("unexpected key in optimizer state dict: " + e.getKey());
            }
            int idx;
            try {
                idx = Integer.parseInt(k[1]);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("unexpected key in optimizer state dict: " + e.getKey());
            }
            if (k[0].equals("state")) {
                if (idx < 0 || idx >= all.size()) {
                    throw new IllegalArgumentException("optimizer state for parameter " + idx + " but the optimizer has " + all.size());
                }
                Tensor p = all.get(idx);
                Tensor v = e.getValue();
                if (!k[2].equals("step") && !java.util.Arrays.equals(v.shape(), p.shape())) {
                    throw new IllegalArgumentException("optimizer state " + e.getKey() + " has shape " + java.util.Arrays.toString(v.shape())
                            + " but parameter " + idx + " has shape " + java.util.Arrays.toString(p.shape()));
                }
                try (var g = Brasa.noGrad()) {
                    next.computeIfAbsent(p, x -> new HashMap<>()).put(k[2], v.clone());
                }
            } else if (idx < 0 || idx >= groups.size()) {
                throw new IllegalArgumentException("optimizer state has param group " + idx + " but the optimizer has " + groups.size());
            } else if (k[2].equals("params")) {
                checkGroupParams(idx, e.getValue());
            }
        }
        // every option checked before any is changed: a bad state dict leaves the optimizer as it was
        GroupOptions[] options = new GroupOptions[groups.size()];
        for (int g = 0; g < options.length; g++) options[g] = groups.get(g).options();
        for (var e : sd.entrySet()) {
            String[] k = e.getKey().split("\\.", 3);
            if (k[0].equals("param_groups") && !k[2].equals("params")) {
                int g = Integer.parseInt(k[1]);
                try {
                    options[g] = options[g].with(k[2], e.getValue().itemDouble());
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("optimizer state " + e.getKey() + ": " + ex.getMessage(), ex);
                }
            }
        }
        for (int g = 0; g < options.length; g++) groups.get(g).options(options[g]);
        state.clear();
        state.putAll(next);
    }

    /** A saved group must hold as many parameters, at the same positions, as this optimizer's group g. */
    private void checkGroupParams(int g, Tensor ids) {
        int first = 0;
        for (int i = 0; i < g; i++) first += groups.get(i).params().size();
        int n = groups.get(g).params().size();
        long[] saved = ids.toLongArray();
        boolean same = saved.length == n;
        for (int k = 0; same && k < n; k++) same = saved[k] == first + k;
        if (!same) {
            throw new IllegalArgumentException("loaded state dict contains a parameter group that doesn't match the size of optimizer's group: "
                    + "param group " + g + " holds parameters " + java.util.Arrays.toString(saved) + " in the state dict, but " + n
                    + " parameters starting at position " + first + " here");
        }
    }
}
