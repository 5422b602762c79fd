package dev.brasa.examples;

import dev.brasa.Device;
import dev.brasa.Tensor;
import dev.brasa.nn.Module;
import java.util.Map;

/**
 * What {@code brasa train} sets for the program it runs: the device ({@code --device cuda}; CPU by
 * default) and the weights to start from ({@code --load FILE}).
 */
final class Run {
    private Run() {}

    /** A mistake in what the user asked for, reported as one line and exit code 2. */
    static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageError(String message) { super(message); }
    }

    /** The state dict given with --load (a PyTorch file or safetensors, read by Brasa.load), or null. */
    static volatile Map<String, Tensor> initial;

    /** Where initial came from, for messages. */
    static volatile String initialFrom;

    /** Loads the --load state dict into a freshly built model (strictly: every key must match), if one was given. */
    static void start(Module model) { start(() -> model.loadStateDict(initial)); }

    /** The same for the hand-written FFNN's weights (keys W1 ... b3, as lesson 000 names them). */
    static void start(Ffnn.Weights w) { start(() -> w.loadStateDict(initial)); }

    private static void start(Runnable load) {
        if (initial == null) return;
        try {
            load.run();
        } catch (IllegalArgumentException e) {
            throw new UsageError("--load " + initialFrom + ": " + e.getMessage().replace("\n\t", " "));
        }
        System.out.println("started from the weights in " + initialFrom);
    }

    /** Where models and batches go. */
    static volatile Device device = Device.CPU;

    /** A tensor (a batch, a test set) moved to the training device. */
    static Tensor on(Tensor t) { return t.to(device); }
}
