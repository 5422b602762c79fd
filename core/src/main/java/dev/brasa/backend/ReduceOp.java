package dev.brasa.backend;

/** Reductions along one axis. ARGMAX/ARGMIN write INT64 indices (first occurrence, NaN wins). */
public enum ReduceOp { SUM, MEAN, MAX, MIN, ARGMAX, ARGMIN }
