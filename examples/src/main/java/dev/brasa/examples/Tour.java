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

    /**
     * Lesson 002 briefly: three hidden neurons and an output computed by hand, then the same shapes
     * with seeded nn.Linear layers and Sequential, and the sigmoid and softmax at the end (the full
     * lesson: {@code scripts/jshell lessons/002.jsh}).
     */
    static void lesson002(PrintStream out) {
        Tensor x = tensor(new float[][] {{2, 3}});
        Tensor w1 = vstack(tensor(new float[][] {{1, 1}}), tensor(new float[][] {{-1, 1}}), tensor(new float[][] {{1, -1}}));
        Tensor hidden = x.matmul(w1.t());
        out.println("hidden layer by hand: " + hidden);
        out.println("output by hand (weights [2, -1, 1]): " + hidden.matmul(tensor(new float[][] {{2, -1, 1}}).t()));
        manualSeed(28);
        var model = new dev.brasa.nn.Sequential(new dev.brasa.nn.Linear(2, 3), new dev.brasa.nn.Linear(3, 1));
        out.println("torch.manual_seed(28); Sequential(Linear(2, 3), Linear(3, 1)) of [[4, 5]]:\n" + model.forward(tensor(new float[][] {{4, 5}})));
        out.println("sigmoid of it: " + model.forward(tensor(new float[][] {{4, 5}})).sigmoid().detach());
        out.println("softmax of [-3.7, -2.5, -0.2, 0.8, 1.8, 3.2]: " + tensor(-3.7f, -2.5f, -0.2f, 0.8f, 1.8f, 3.2f).softmax(0));
    }
}
