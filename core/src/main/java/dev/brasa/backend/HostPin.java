package dev.brasa.backend;

/**
 * Page-locked host memory attached to a CPU storage by a device backend ({@code x.pin_memory()}); the
 * CPU backend only holds it and, when the storage is closed, {@linkplain #run() returns} it (once).
 */
public interface HostPin extends Runnable {}
