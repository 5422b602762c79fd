package dev.brasa.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds and opens one CUDA library: each folder of {@link LibraryPath#folders()} for each
 * versioned name ({@code libcublas.so.13}, {@code .12}, ..., then the bare {@code .so}), then the
 * system loader by name. Remembers every place it tried, so a missing library's error lists them.
 */
public final class Libraries {
    private static final Linker LINKER = Linker.nativeLinker();

    private final String description;
    private final SymbolLookup lookup;
    private final Path loadedFrom;
    private final List<String> tried;

    private Libraries(String description, SymbolLookup lookup, Path loadedFrom, List<String> tried) {
        this.description = description;
        this.lookup = lookup;
        this.loadedFrom = loadedFrom;
        this.tried = tried;
    }

    /**
     * Opens {@code lib<base>.so.<version>} for the first version (in the order given) found in a
     * search folder, or through the system loader; never throws.
     */
    public static Libraries open(String base, String... versions) {
        List<String> names = new ArrayList<>();
        for (String v : versions) names.add("lib" + base + ".so." + v);
        names.add("lib" + base + ".so");
        List<String> tried = new ArrayList<>();
        for (Path folder : LibraryPath.folders()) {
            for (String name : names) {
                Path p = folder.resolve(name);
                tried.add(p.toString());
                if (!Files.exists(p)) continue;
                try {
                    return new Libraries(base, SymbolLookup.libraryLookup(p, Arena.global()), p, tried);
                } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                    tried.set(tried.size() - 1, p + " (" + e.getMessage() + ")");
                }
            }
        }
        for (String name : names) {
            tried.add(name + " (system loader)");
            try {
                return new Libraries(base, SymbolLookup.libraryLookup(name, Arena.global()), Path.of(name), tried);
            } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                // not on the loader path either
            }
        }
        return new Libraries(base, null, null, tried);
    }

    /** True when the library was opened. */
    public boolean isLoaded() { return lookup != null; }

    /** The file (or loader name) it was opened from. */
    public Optional<Path> loadedFrom() { return Optional.ofNullable(loadedFrom); }

    /** Every path and name tried, in order. */
    public List<String> tried() { return List.copyOf(tried); }

    /** The library's name, {@code libX}. */
    public String name() { return "lib" + description; }

    /** "libX was not found; looked in: ..." for error messages. */
    public String notFoundMessage() {
        return name() + " was not found; looked in: " + String.join(", ", tried);
    }

    /**
     * A downcall handle for {@code symbol}, or null when the library is not loaded or lacks the
     * symbol (the binding then throws on use).
     */
    public MethodHandle downcall(String symbol, FunctionDescriptor fd) {
        if (lookup == null) return null;
        Optional<MemorySegment> s = lookup.find(symbol);
        return s.map(addr -> LINKER.downcallHandle(addr, fd)).orElse(null);
    }

    /** Throws the "not loaded / no symbol" error for a binding whose handle is null. */
    public UnsupportedOperationException missing(String symbol) {
        return new UnsupportedOperationException(isLoaded()
                ? "lib" + description + " (" + loadedFrom + ") has no symbol " + symbol
                : notFoundMessage());
    }
}
