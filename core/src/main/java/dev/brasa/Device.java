package dev.brasa;

import java.util.Objects;

/** Where a tensor lives: {@link #CPU} or a CUDA device ({@code cuda:0}). Like {@code torch.device}. */
public final class Device {
    /** The kind of device. */
    public enum Type {
        /** The host CPU. */ CPU,
        /** An NVIDIA GPU. */ CUDA
    }

    /** The CPU. */
    public static final Device CPU = new Device(Type.CPU, -1);

    private final Type type;
    private final int index;

    private Device(Type type, int index) {
        this.type = type;
        this.index = index;
    }

    /** CUDA device {@code index}. */
    public static Device cuda(int index) {
        if (index < 0) throw new IllegalArgumentException("CUDA device index must be >= 0, got " + index);
        return new Device(Type.CUDA, index);
    }

    /** CUDA device 0. */
    public static Device cuda() { return cuda(0); }

    /** Parses "cpu", "cuda" or "cuda:N" as {@code torch.device} does. */
    public static Device parse(String s) {
        Objects.requireNonNull(s, "device string");
        String t = s.trim();
        if (t.equals("cpu")) return CPU;
        if (t.equals("cuda")) return cuda(0);
        if (t.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(t.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("Expected one of cpu, cuda device type at start of device string: " + s);
    }

    /** The device type. */
    public Type type() { return type; }

    /** The device index (-1 for the CPU). */
    public int index() { return index; }

    /** True for the CPU. */
    public boolean isCpu() { return type == Type.CPU; }

    @Override public boolean equals(Object o) {
        return o instanceof Device d && d.type == type && d.index == index;
    }

    @Override public int hashCode() { return type.hashCode() * 31 + index; }

    @Override public String toString() { return type == Type.CPU ? "cpu" : "cuda:" + index; }
}
