package dev.brasa.internal;

import dev.brasa.Tensor;
import dev.brasa.autograd.Node;

/**
 * The typed door into the autograd engine for {@code Tensor.backward} (the JDK's
 * {@code SharedSecrets} pattern, as {@link TensorAccess}): {@code Node} installs the one
 * implementation when its class is initialised, so the engine is not public API.
 */
public abstract class AutogradAccess {
    private static final Door<AutogradAccess> DOOR = new Door<>("AutogradAccess", Node.class);

    /** Only the autograd package implements the door. */
    protected AutogradAccess() {}

    /** Called once, by {@code Node}'s static initialiser. */
    public static void install(AutogradAccess access) { DOOR.install(access); }

    /** The door; initialises {@code Node} first if nothing has yet. */
    public static AutogradAccess get() { return DOOR.get(); }

    /** Runs backward from root seeded with grad, freeing saved tensors unless retainGraph. */
    public abstract void backward(Node root, Tensor grad, boolean retainGraph);
}
