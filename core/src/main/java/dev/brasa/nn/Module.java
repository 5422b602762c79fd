package dev.brasa.nn;

import dev.brasa.Brasa;
import dev.brasa.Device;
import dev.brasa.Tensor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The base of every layer and model ({@code nn.Module}): ordered registries of parameters,
 * buffers and child modules, registered explicitly; dotted state-dict keys ({@code fc1.weight});
 * {@code train()}/{@code eval()}; {@code toString()} in PyTorch's layout.
 *
 * <pre>{@code
 * class Net extends Module {
 *     final Linear fc1, fc2;
 *     Net() { fc1 = register("fc1", new Linear(784, 100)); fc2 = register("fc2", new Linear(100, 10)); }
 *     public Tensor forward(Tensor x) { return fc2.forward(fc1.forward(x).relu()); }
 * }
 * }</pre>
 *
 * <p>{@code Module} shares its simple name with {@code java.lang.Module}: import it by name
 * ({@code import dev.brasa.nn.Module;}), not only with {@code dev.brasa.nn.*}.
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    /** Set once every Module and Parameter field of this module was found registered. */
    private boolean fieldsChecked;

    /** For subclasses. */
    protected Module() {}

    /** The forward pass ({@code model(x)}). Layers override it; the default says it is missing. */
    public Tensor forward(Tensor x) {
        throw new IllegalStateException("Module [" + name() + "] is missing the required \"forward\" function");
    }

    // ------------------------------------------------------------------ registries

    /**
     * Registers (or replaces) a child module under {@code name} and returns it. Replacing a child
     * also updates a field of the same name in the subclass when one exists and is accessible, so
     * {@code model.register("fc2", new Linear(100, 1))} works like {@code model.fc2 = nn.Linear(100, 1)}.
     */
    public <M extends Module> M register(String name, M module) {
        checkName(name);
        Objects.requireNonNull(module, "module");
        if (params.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalArgumentException("attribute '" + name + "' already exists as a parameter or buffer");
        }
        boolean replacing = children.containsKey(name);
        children.put(name, module);
        fieldsChecked = false;
        if (replacing) updateField(name, module);
        return module;
    }

    /** Registers (or replaces) a parameter and returns it. */
    public Parameter registerParameter(String name, Parameter p) {
        checkName(name);
        Objects.requireNonNull(p, "parameter");
        if (children.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalArgumentException("attribute '" + name + "' already exists as a module or buffer");
        }
        params.put(name, p);
        fieldsChecked = false;
        return p;
    }

    /** Registers (or replaces) a buffer: state that is saved but not trained (running statistics). */
    public Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        Objects.requireNonNull(t, "buffer");
        if (children.containsKey(name) || params.containsKey(name)) {
            throw new IllegalArgumentException("attribute '" + name + "' already exists as a module or parameter");
        }
        buffers.put(name, t);
        return t;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module, parameter and buffer names must be non-empty and contain no '.', got '" + name + "'");
        }
    }

    private void updateField(String name, Module m) {
        for (Class<?> c = getClass(); c != null && c != Module.class; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                if (f.getType().isInstance(m) && !java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    f.set(this, m);
                }
                return;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                return;   // not accessible (a module that does not open its package): the registry still holds it
            }
        }
    }

    /**
     * Fails when a field of this module (or of a descendant) holds a {@code Module} or a
     * {@code Parameter} that no {@code register} call put in the tree: PyTorch registers attributes
     * by itself, so such a field would silently drop out of {@code parameters()}, {@code stateDict()},
     * {@code to(device)} and printing. Runs once per module, when it is first used or printed. Fields
     * of classes whose package is not open to Brasa cannot be read and are not checked.
     */
    private void checkFields() {
        if (fieldsChecked) return;
        java.util.Set<Object> inTree = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        collectTree(inTree);
        for (Class<?> c = getClass(); c != null && c != Module.class; c = c.getSuperclass()) {
            if (!c.getModule().isOpen(c.getPackageName(), Module.class.getModule())) continue;
            for (Field f : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
                boolean isModule = Module.class.isAssignableFrom(f.getType()), isParam = Parameter.class.isAssignableFrom(f.getType());
                if (!isModule && !isParam) continue;
                Object v;
                try {
                    f.setAccessible(true);
                    v = f.get(this);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                if (v == null || v == this || inTree.contains(v)) continue;
                String kind = v.getClass().getSimpleName().isEmpty() ? (isModule ? "Module" : "Parameter") : v.getClass().getSimpleName();
                throw new IllegalStateException("field '" + f.getName() + "' of " + name() + " holds a " + kind + " that is not registered, "
                        + "so it is missing from parameters(), stateDict(), to(device) and printing: assign it with "
                        + f.getName() + " = " + (isModule ? "register" : "registerParameter") + "(\"" + f.getName() + "\", ...) "
                        + "(PyTorch registers module attributes by itself)");
            }
        }
        for (Module c : children.values()) c.checkFields();
        fieldsChecked = true;
    }

    private void collectTree(java.util.Set<Object> out) {
        out.addAll(params.values());
        for (Module c : children.values()) {
            if (out.add(c)) c.collectTree(out);
        }
    }

    /** The child registered under {@code name}, or null. */
    public Module child(String name) { return children.get(name); }

    /** The direct children, in registration order ({@code children()}). */
    public List<Module> children() { return List.copyOf(children.values()); }

    /** The direct children by name, in order ({@code named_children()}). */
    public Map<String, Module> namedChildren() { return Collections.unmodifiableMap(new LinkedHashMap<>(children)); }

    /** The parameter registered directly on this module under {@code name}, or null. */
    public Parameter parameter(String name) { return params.get(name); }

    /** The buffer registered directly on this module under {@code name}, or null. */
    public Tensor buffer(String name) { return buffers.get(name); }

    /** All parameters, this module's first, then each child's, depth first ({@code parameters()}). */
    public List<Parameter> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** All parameters by dotted name, ordered ({@code named_parameters()}); shared parameters appear once. */
    public Map<String, Parameter> namedParameters() {
        checkFields();
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectParams("", out, Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return out;
    }

    private void collectParams(String prefix, Map<String, Parameter> out, java.util.Set<Tensor> seen) {
        for (var e : params.entrySet()) if (seen.add(e.getValue())) out.put(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().collectParams(prefix + e.getKey() + ".", out, seen);
    }

    /** All buffers by dotted name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return out;
    }

    private void collectBuffers(String prefix, Map<String, Tensor> out) {
        for (var e : buffers.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().collectBuffers(prefix + e.getKey() + ".", out);
    }

    /** All modules below and including this one, by dotted name ("" for this one). */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        out.put("", this);
        for (var e : children.entrySet()) {
            for (var m : e.getValue().namedModules().entrySet()) {
                out.put(m.getKey().isEmpty() ? e.getKey() : e.getKey() + "." + m.getKey(), m.getValue());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ modes, devices, grads

    /** Training mode for this module and its children; returns this. */
    public Module train(boolean mode) {
        training = mode;
        for (Module m : children.values()) m.train(mode);
        return this;
    }

    /** Same as {@code train(true)}. */
    public Module train() { return train(true); }

    /** Evaluation mode (dropout off, batch norm uses running statistics); returns this. */
    public Module eval() { return train(false); }

    /** True in training mode. */
    public boolean isTraining() { return training; }

    /**
     * Moves parameters and buffers (of this module and its children) to a device; returns this.
     * As in PyTorch, each {@link Parameter} stays the same object and its data (and gradient, if
     * any) moves, so fields that hold parameters, and optimizers built before the move, keep working.
     */
    public Module to(Device device) {
        checkFields();
        Objects.requireNonNull(device, "device");
        var door = dev.brasa.internal.TensorAccess.get();
        for (Parameter p : params.values()) {
            if (!p.device().equals(device)) {
                try (var g = Brasa.noGrad()) {
                    door.setData(p, p.detach().to(device));
                    if (p.grad() != null) p.setGrad(p.grad().to(device));
                }
            }
        }
        for (var e : buffers.entrySet()) {
            if (!e.getValue().device().equals(device)) e.setValue(e.getValue().to(device));
        }
        for (Module c : children.values()) c.to(device);
        return this;
    }

    /** Zeroes every parameter's gradient in place ({@code zero_grad()}). */
    public void zeroGrad() {
        try (var g = Brasa.noGrad()) {
            for (Parameter p : parameters()) if (p.grad() != null) p.grad().zero_();
        }
    }

    // ------------------------------------------------------------------ state dicts

    /**
     * Parameters and buffers by dotted name, sharing storage with the module ({@code state_dict()});
     * printed as PyTorch prints it, {@code OrderedDict([(name, tensor), ...])}.
     */
    public Map<String, Tensor> stateDict() {
        checkFields();
        Map<String, Tensor> out = new StateDict();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        for (var e : params.entrySet()) out.put(prefix + e.getKey(), e.getValue().detach());
        for (var e : buffers.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().collectState(prefix + e.getKey() + ".", out);
    }

    /** Loads a state dict strictly: every key must match ({@code load_state_dict(sd)}). */
    public LoadResult loadStateDict(Map<String, Tensor> state) { return loadStateDict(state, true); }

    /**
     * Copies values into parameters and buffers. A shape mismatch always fails naming the key
     * and both shapes; when {@code strict}, missing or unexpected keys fail with PyTorch's report,
     * and nothing is copied unless everything matches.
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Objects.requireNonNull(state, "state dict");
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), errors = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) continue;
            if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                errors.add("size mismatch for " + e.getKey() + ": copying a param with shape " + Arrays.toString(src.shape())
                        + " from checkpoint, the shape in current model is " + Arrays.toString(e.getValue().shape()) + ".");
            }
        }
        StringBuilder msg = new StringBuilder();
        if (strict && !unexpected.isEmpty()) msg.append("\n\tUnexpected key(s) in state_dict: ").append(quoted(unexpected)).append(". ");
        if (strict && !missing.isEmpty()) msg.append("\n\tMissing key(s) in state_dict: ").append(quoted(missing)).append(". ");
        for (String e : errors) msg.append("\n\t").append(e);
        if (msg.length() > 0) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + name() + ":" + msg);
        }
        try (var g = Brasa.noGrad()) {
            for (var e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null) e.getValue().copy_(src);
            }
        }
        return new LoadResult(missing, unexpected);
    }

    private static String quoted(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) sb.append(sb.length() == 0 ? "" : ", ").append('"').append(k).append('"');
        return sb.toString();
    }

    /** What {@link #loadStateDict(Map, boolean)} did not match ({@code _IncompatibleKeys}). */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
        /** Copies the lists. */
        public LoadResult {
            missingKeys = List.copyOf(missingKeys);
            unexpectedKeys = List.copyOf(unexpectedKeys);
        }
    }

    // ------------------------------------------------------------------ printing

    /** The class name shown by toString. */
    protected String name() { return getClass().getSimpleName().isEmpty() ? "Module" : getClass().getSimpleName(); }

    /** Extra text inside the parentheses, e.g. {@code in_features=784, out_features=100, bias=True}. */
    protected String extraRepr() { return ""; }

    /** PyTorch's module layout: children indented under the parent, one per line. */
    @Override public String toString() {
        checkFields();
        List<String> extra = extraRepr().isEmpty() ? List.of() : List.of(extraRepr().split("\n"));
        List<String> childLines = new ArrayList<>();
        for (var e : children.entrySet()) childLines.add("(" + e.getKey() + "): " + indent(e.getValue().toString()));
        List<String> lines = new ArrayList<>(extra);
        lines.addAll(childLines);
        StringBuilder sb = new StringBuilder(name()).append('(');
        if (!lines.isEmpty()) {
            if (extra.size() == 1 && childLines.isEmpty()) sb.append(extra.get(0));
            else sb.append("\n  ").append(String.join("\n  ", lines)).append('\n');
        }
        return sb.append(')').toString();
    }

    private static String indent(String s) {
        String[] lines = s.split("\n", -1);
        if (lines.length == 1) return s;
        StringBuilder sb = new StringBuilder(lines[0]);
        for (int i = 1; i < lines.length; i++) sb.append('\n').append("  ").append(lines[i]);
        return sb.toString();
    }

    /** Python's True/False, for extraRepr. */
    protected static String py(boolean b) { return b ? "True" : "False"; }

    /** Python's repr of a float (1e-05, 0.1, 0.01), for extraRepr. */
    protected static String py(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e16) return (long) v + ".0";
        String s = Double.toString(v);
        if (s.contains("E") && Math.abs(v) >= 1e-4 && Math.abs(v) < 1e16) {
            return new java.math.BigDecimal(s).stripTrailingZeros().toPlainString();     // 5.0E-4: 0.0005, not 0.00050
        }
        if (s.contains("E")) {
            String[] p = s.split("E");
            int exp = Integer.parseInt(p[1]);
            String mant = p[0].endsWith(".0") ? p[0].substring(0, p[0].length() - 2) : p[0];
            return mant + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
        }
        return s;
    }
}
