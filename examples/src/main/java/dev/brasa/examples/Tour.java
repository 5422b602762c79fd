package dev.brasa.examples;

import static dev.brasa.Brasa.*;

import dev.brasa.Tensor;
import java.io.PrintStream;

/** The first minute of a PyTorch course: tensors, a matmul, one autograd step. */
final class Tour {
    private Tour() {}

    static void run(PrintStream out) {
        manualSeed(1234);
        Tensor x = randn(3, 4);
        out.println("torch.manual_seed(1234); torch.randn(3, 4)\n" + x);
        Tensor w = tensor(new float[][] {{0.5f, -1f}, {2f, 0.25f}, {-0.75f, 1.5f}, {1f, 1f}});
        out.println("x @ w =\n" + x.matmul(w));
        out.println("One autograd step: y = sigmoid(x @ w + b), loss = mean((y - t)^2)");
        Tensor wp = w.clone().requiresGrad_();
        Tensor b = zeros(2).requiresGrad_();
        Tensor t = tensor(new float[][] {{1, 0}, {0, 1}, {1, 1}});
        Tensor loss = x.matmul(wp).add(b).sigmoid().sub(t).pow(2).mean();
        out.println("loss = " + loss);
        loss.backward();
        out.println("dloss/dw =\n" + wp.grad());
        out.println("dloss/db = " + b.grad());
        try (var g = noGrad()) {
            wp.sub_(wp.grad().mul(0.5f));
            b.sub_(b.grad().mul(0.5f));
        }
        out.println("loss after one SGD step (lr 0.5) = " + x.matmul(wp).add(b).sigmoid().sub(t).pow(2).mean());
    }
}
