package consumer;

import static dev.brasa.Brasa.*;
import dev.brasa.*;
import dev.brasa.nn.*;
import dev.brasa.nn.Module;
import dev.brasa.optim.*;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The README's first program, as a team would write it (scripts/test checks that the two agree). */
public final class Main {
    private Main() {}

    /** Trains the XOR net and prints its predictions and whether CUDA is there. */
    public static void main(String[] args) {
        manualSeed(0);
        Tensor x = tensor(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor y = tensor(new float[][] {{0}, {1}, {1}, {0}});
        Module model = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
        Optimizer opt = new SGD(model.parameters(), 0.5);
        BCEWithLogitsLoss lossFn = new BCEWithLogitsLoss();
        for (int step = 0; step < 500; step++) {
            Tensor loss = lossFn.forward(model.forward(x), y);
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
        System.out.println(model.forward(x).sigmoid());     // near [0, 1, 1, 0]
        System.out.println("CUDA: " + (Cuda.isAvailable() ? Cuda.deviceCount() + " GPU(s)" : Cuda.unavailableReason()));
        System.out.println(saveAndLoad(model));
    }

    /**
     * Brasa.save then Brasa.load in both formats (safetensors and PyTorch's .pt): they reach the
     * formats through a service, which module-info and META-INF/services must both declare.
     */
    static String saveAndLoad(Module model) {
        StringBuilder out = new StringBuilder("save/load:");
        Map<String, Tensor> sd = model.stateDict();
        try {
            for (String ext : List.of(".safetensors", ".pt")) {
                Path f = Files.createTempFile("consumer", ext);
                save(sd, f);
                Map<String, Tensor> back = load(f);
                Files.delete(f);
                boolean same = back.keySet().equals(sd.keySet())
                        && sd.keySet().stream().allMatch(k -> Arrays.equals(sd.get(k).toFloatArray(), back.get(k).toFloatArray()));
                out.append(' ').append(ext).append(same ? " same" : " DIFFERENT");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
