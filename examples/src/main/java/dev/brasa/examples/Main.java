package dev.brasa.examples;

import static dev.brasa.Brasa.*;

import dev.brasa.Tensor;

/** The {@code brasa} command. For now: {@code brasa demo}, a short tour of tensors and autograd. */
public final class Main {
    private Main() {}

    /** Entry point: {@code brasa demo}. */
    public static void main(String[] args) {
        String cmd = args.length == 0 ? "demo" : args[0];
        if (!cmd.equals("demo")) {
            System.err.println("usage: brasa demo");
            System.exit(2);
        }
        demo();
    }

    static void demo() {
        System.out.println("Brasa " + backendName() + " backend");
        manualSeed(1234);
        Tensor x = randn(3, 4);
        System.out.println("torch.manual_seed(1234); torch.randn(3, 4)\n" + x);
        Tensor w = tensor(new float[][] {{0.5f, -1f}, {2f, 0.25f}, {-0.75f, 1.5f}, {1f, 1f}});
        System.out.println("x @ w =\n" + x.matmul(w));

        System.out.println("\nOne autograd step: y = sigmoid(x @ w + b), loss = mean((y - t)^2)");
        Tensor wp = w.clone().requiresGrad_();
        Tensor b = zeros(2).requiresGrad_();
        Tensor t = tensor(new float[][] {{1, 0}, {0, 1}, {1, 1}});
        Tensor y = x.matmul(wp).add(b).sigmoid();
        Tensor loss = y.sub(t).pow(2).mean();
        System.out.println("loss = " + loss);
        loss.backward();
        System.out.println("dloss/dw =\n" + wp.grad());
        System.out.println("dloss/db = " + b.grad());
        try (var g = noGrad()) {
            wp.sub_(wp.grad().mul(0.5f));
            b.sub_(b.grad().mul(0.5f));
        }
        Tensor after = x.matmul(wp).add(b).sigmoid().sub(t).pow(2).mean();
        System.out.println("loss after one SGD step (lr 0.5) = " + after);
    }
}
