package dev.brasa.internal;

import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import java.lang.invoke.MethodHandles;

/**
 * The typed door into the autograd engine for {@code Tensor.backward} (the JDK's
 * {@code SharedSecrets} pattern, as {@link TensorAccess}): {@code Node} installs the one
 * implementation when its class is initialised, so the engine is not public API.
 */
public abstract class AutogradAccess {
    private static volatile AutogradAccess door;

    /** Only the autograd package implements the door. */
    protected AutogradAccess() {}

    /** Called once, by {@code Node}'s static initialiser. */
    public static void install(AutogradAccess access) {
        if (door != null) throw new IllegalStateException("AutogradAccess is installed already");
        door = access;
    }

    /** The door; initialises {@code Node} first if nothing has yet. */
    public static AutogradAccess get() {
        AutogradAccess d = door;
        if (d == null) {
            try {
                MethodHandles.lookup().ensureInitialized(Node.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            d = door;
        }
        return d;
    }

    /** Runs backward from root seeded with grad, freeing saved tensors unless retainGraph. */
    public abstract void backward(Node root, Tensor grad, boolean retainGraph);
}
