package dev.brasa.io;

import dev.brasa.Brasa;
import dev.brasa.Generator;
import dev.brasa.Tensor;
import dev.brasa.nn.Module;
import dev.brasa.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A training checkpoint in one file, written atomically: the model's state dict, the optimizer's,
 * the epoch, and the state of the default generator and of any named generators (a DataLoader's
 * shuffling generator, say), so that a resumed run computes exactly what the uninterrupted run
 * would have.
 *
 * <p>Under a {@code .pt}, {@code .pth}, {@code .tar} or {@code .bin} name it is PyTorch's own format,
 * laid out as PyTorch's tutorials save checkpoints ({@code {'epoch': e, 'model_state_dict': ...,
 * 'optimizer_state_dict': ..., 'rng_state': {'default': ...}}}), so a PyTorch checkpoint with those
 * keys loads here too (without {@code rng_state} the generators are left as they are); under any
 * other name one safetensors file ({@code model.*}, {@code optim.*}, {@code meta.epoch},
 * {@code rng.*}).
 *
 * <pre>{@code
 * Checkpoint.save(path, model, opt, epoch, Map.of("loader", loader.generator()));
 * int next = Checkpoint.load(path).restore(model, opt, Map.of("loader", loader.generator()));
 * }</pre>
 */
public final class Checkpoint {
    private final Map<String, Tensor> tensors;
    private final Path file;

    private Checkpoint(Path file, Map<String, Tensor> tensors) {
        this.file = file;
        this.tensors = tensors;
    }

    /** Saves model, optimizer (may be null), epoch, the default generator and the named generators. */
    public static void save(Path file, Module model, Optimizer optimizer, int epoch, Map<String, Generator> generators)
            throws IOException {
        Objects.requireNonNull(model, "model");
        Map<String, Tensor> rng = new LinkedHashMap<>();
        rng.put("default", Brasa.tensor(Brasa.defaultGenerator().getState()));
        if (generators != null) {
            for (var e : generators.entrySet()) {
                if (e.getValue() != null) rng.put(e.getKey(), Brasa.tensor(e.getValue().getState()));
            }
        }
        if (TorchFile.isTorchName(file)) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("epoch", (long) epoch);
            t.put("model_state_dict", model.stateDict());
            if (optimizer != null) t.put("optimizer_state_dict", TorchOptimizerState.toTorch(optimizer.stateDict()));
            t.put("rng_state", rng);
            TorchFile.write(t, file);
        } else {
            Map<String, Tensor> out = new LinkedHashMap<>();
            model.stateDict().forEach((k, v) -> out.put("model." + k, v));
            if (optimizer != null) optimizer.stateDict().forEach((k, v) -> out.put("optim." + k, v));
            out.put("meta.epoch", Brasa.tensor((long) epoch));
            rng.forEach((k, v) -> out.put("rng." + k, v));
            Safetensors.save(out, Map.of("format", "pt", "brasa", "checkpoint"), file);
        }
    }

    /** Reads a checkpoint; fails with a {@link FileFormatException} when the file is not one. */
    public static Checkpoint load(Path file) throws IOException {
        if (TorchFile.looksLikeTorchFile(file)) return loadTorch(file);
        Safetensors.Contents c = Safetensors.read(file);
        if (!"checkpoint".equals(c.metadata().get("brasa")) || !c.tensors().containsKey("meta.epoch")) {
            throw new FileFormatException(file, 8, "not a Brasa checkpoint (no brasa=checkpoint metadata or meta.epoch)");
        }
        return new Checkpoint(file, c.tensors());
    }

    private static Checkpoint loadTorch(Path file) throws IOException {
        Object v = TorchFile.read(file);
        if (!(v instanceof Map<?, ?> m) || !(m.get("model_state_dict") instanceof Map<?, ?> model) || !(m.get("epoch") instanceof Long epoch)) {
            throw new FileFormatException(file, 0, "not a checkpoint: a torch.save dict with 'epoch' (an int) and 'model_state_dict' was expected");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        TorchFile.flatten(model, file).forEach((k, t) -> out.put("model." + k, t));
        if (m.get("optimizer_state_dict") instanceof Map<?, ?> opt) {
            if (!TorchOptimizerState.isTorchOptimizer(opt)) {
                throw new FileFormatException(file, 0, "checkpoint's 'optimizer_state_dict' has no 'state' dict and 'param_groups' list");
            }
            TorchOptimizerState.fromTorch(opt, file).forEach((k, t) -> out.put("optim." + k, t));
        }
        out.put("meta.epoch", Brasa.fromArray(new long[] {epoch}));
        if (m.get("rng_state") instanceof Map<?, ?> rng) {
            rng.forEach((k, t) -> {
                if (t instanceof Tensor tt) out.put("rng." + k, tt);
            });
        }
        return new Checkpoint(file, out);
    }

    /** The epoch recorded at save. */
    public int epoch() { return (int) tensors.get("meta.epoch").itemLong(); }

    /** The model part, keys without the {@code model.} prefix. */
    public Map<String, Tensor> modelState() { return part("model."); }

    /** The optimizer part, keys without the {@code optim.} prefix. */
    public Map<String, Tensor> optimizerState() { return part("optim."); }

    private Map<String, Tensor> part(String prefix) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) m.put(k.substring(prefix.length()), v);
        });
        return m;
    }

    /**
     * Loads the states into model and optimizer (strictly), restores the default generator and
     * the named generators, and returns the epoch to continue from (the saved epoch + 1).
     */
    public int restore(Module model, Optimizer optimizer, Map<String, Generator> generators) {
        model.loadStateDict(modelState(), true);
        if (optimizer != null) optimizer.loadStateDict(optimizerState());
        boolean anyRng = tensors.keySet().stream().anyMatch(k -> k.startsWith("rng."));
        if (!anyRng) return epoch() + 1; // a PyTorch checkpoint: no generator states to restore
        Brasa.defaultGenerator().setState(state("rng.default"));
        if (generators != null) {
            for (var e : generators.entrySet()) {
                if (e.getValue() != null) e.getValue().setState(state("rng." + e.getKey()));
            }
        }
        return epoch() + 1;
    }

    private long[] state(String key) {
        Tensor t = tensors.get(key);
        if (t == null) throw new IllegalArgumentException("checkpoint " + file + " has no generator state '" + key + "'");
        return t.toLongArray();
    }
}
