package dev.brasa.autograd;

import dev.brasa.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backward engine: counts each node's dependencies in the graph below the root, then runs
 * nodes in an order where every node's gradient is complete before it runs (Kahn's algorithm),
 * summing gradients that reach a node along several paths. Iterative, so deep graphs do not
 * overflow the stack. Frees saved tensors unless the graph is retained.
 */
final class Engine {
    private Engine() {}

    /** Runs backward from {@code root} (a node) seeded with {@code grad}. Called by Tensor.backward. */
    static void run(Node root, Tensor grad, boolean retainGraph) {
        Map<Node, Integer> deps = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        deps.put(root, 0);
        stack.push(root);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            for (Node e : n.edges()) {
                if (e == null) continue;
                Integer d = deps.get(e);
                if (d == null) {
                    deps.put(e, 1);
                    stack.push(e);
                } else {
                    deps.put(e, d + 1);
                }
            }
        }
        Map<Node, Tensor> pending = new HashMap<>();
        ArrayDeque<Node> ready = new ArrayDeque<>();
        pending.put(root, grad);
        ready.add(root);
        List<Node> ran = new ArrayList<>();
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            Tensor g = pending.remove(n);
            Tensor[] grads = n.run(g);
            if (AnomalyMode.isEnabled()) AnomalyMode.checkBackward(n, grads);
            ran.add(n);
            Node[] edges = n.edges();
            for (int i = 0; i < edges.length; i++) {
                Node e = edges[i];
                if (e == null) continue;
                Tensor gi = grads[i];
                if (gi != null) pending.merge(e, gi, Tensor::add);
                int left = deps.get(e) - 1;
                deps.put(e, left);
                if (left == 0) {
                    if (pending.containsKey(e)) ready.add(e);
                    else skip(e, deps, pending, ready);
                }
            }
            if (!retainGraph) n.free();
        }
    }

    /** A node that received no gradient at all still releases its dependents' counts. */
    private static void skip(Node start, Map<Node, Integer> deps, Map<Node, Tensor> pending, ArrayDeque<Node> ready) {
        ArrayDeque<Node> todo = new ArrayDeque<>();
        todo.push(start);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            for (Node e : n.edges()) {
                if (e == null) continue;
                int left = deps.get(e) - 1;
                deps.put(e, left);
                if (left == 0) {
                    if (pending.containsKey(e)) ready.add(e);
                    else todo.push(e);
                }
            }
        }
    }
}
