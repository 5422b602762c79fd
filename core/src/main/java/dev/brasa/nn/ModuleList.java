package dev.brasa.nn;

import java.util.List;
import java.util.Objects;

/** A list of modules registered as children "0", "1", ... ({@code nn.ModuleList}); it has no forward. */
public class ModuleList extends Module {

    /** An empty list. */
    public ModuleList() {}

    /** The given modules. */
    public ModuleList(List<? extends Module> modules) {
        Objects.requireNonNull(modules, "modules");
        for (Module m : modules) add(m);
    }

    /** Appends a module; returns this. */
    public ModuleList add(Module m) {
        register(Integer.toString(size()), Objects.requireNonNull(m, "module"));
        return this;
    }

    /** The i-th module. */
    public Module get(int i) {
        int n = size();
        if (i < -n || i >= n) throw new IndexOutOfBoundsException("index " + i + " is out of range for ModuleList of size " + n);
        return children().get(i < 0 ? i + n : i);
    }

    /** Number of modules. */
    public int size() { return children().size(); }
}
