package consumer;

import static dev.brasa.Brasa.*;
import dev.brasa.*;
import dev.brasa.nn.*;
import dev.brasa.nn.Module;
import dev.brasa.optim.*;

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
    }
}
