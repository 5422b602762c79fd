package dev.brasa.backend.cpu;

import static dev.brasa.backend.cpu.Gemm.MR;
import static dev.brasa.backend.cpu.Gemm.NR;
import static dev.brasa.backend.cpu.Gemm.P;
import static dev.brasa.backend.cpu.Gemm.THIN;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm}'s packing: a K block of B into panels of NR columns (a last panel of at most THIN columns in
 * kernelThin's layout), rows of A into slivers of MR rows, both zero-padded; transposed operands through
 * in-register 8-lane transposes.
 */
final class GemmPack {
    private static final VectorSpecies<Float> S = SimdBackend.S;
    private static final int L = S.length();

    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    /**
     * The in-register transposes work on 8 lanes whatever the preferred width: with 512-bit vectors they
     * run at 256 bits (a scalar copy in their place left A B^T at 128 rows 0.83-0.87 of OpenBLAS).
     */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    /** Whether the transposes run: the preferred vectors are at least 8 lanes wide. */
    private static final boolean T8 = L >= 8;
    /*
     * In-register transposes (8 lanes) as a recursive block swap between pairs of rows: 4-lane halves,
     * then 2-lane pairs, then single lanes. Each output is one permute of one row blended with the
     * other row (lo keeps x's low part of each block and takes y's low part; hi takes x's high part
     * and keeps y's), half the permutes of two-vector shuffles.
     */
    private static final jdk.incubator.vector.VectorShuffle<Float> LO4 = shuffle(0, 1, 2, 3, 0, 1, 2, 3), HI4 = shuffle(4, 5, 6, 7, 4, 5, 6, 7),
            LO2 = shuffle(0, 1, 0, 1, 4, 5, 4, 5), HI2 = shuffle(2, 3, 2, 3, 6, 7, 6, 7),
            LO1 = shuffle(0, 0, 2, 2, 4, 4, 6, 6), HI1 = shuffle(1, 1, 3, 3, 5, 5, 7, 7);
    private static final jdk.incubator.vector.VectorMask<Float> M4 = mask(0xF0), M2 = mask(0xCC), M1 = mask(0xAA);

    private static jdk.incubator.vector.VectorShuffle<Float> shuffle(int... lanes) {
        return T8 ? jdk.incubator.vector.VectorShuffle.fromValues(S8, lanes) : null;
    }

    private static jdk.incubator.vector.VectorMask<Float> mask(int bits) {
        return T8 ? jdk.incubator.vector.VectorMask.fromLong(S8, bits) : null;
    }

    /** x's low element of each block, then y's (blocks of 4, 2 or 1 lanes, by sh and mk). */
    private static FloatVector lo(FloatVector x, FloatVector y, jdk.incubator.vector.VectorShuffle<Float> sh,
                                  jdk.incubator.vector.VectorMask<Float> mk) {
        return x.blend(y.rearrange(sh), mk);
    }

    /** x's high element of each block, then y's. */
    private static FloatVector hi(FloatVector x, FloatVector y, jdk.incubator.vector.VectorShuffle<Float> sh,
                                  jdk.incubator.vector.VectorMask<Float> mk) {
        return x.rearrange(sh).blend(y, mk);
    }

    private GemmPack() {}

    /**
     * Packs panels [jp0, jp1) of one K block. Row-major B is read a row at a time across all of them
     * (consecutive floats, where one panel at a time would touch a new cache line and page per row);
     * the rest panel by panel.
     */
    static void packB(float[] b, int bo, int brs, int bcs, int kc, int n, float[] bp, int base, int jp0, int jp1) {
        int full = Math.min(jp1, n / NR);
        if (bcs == 1 && full - jp0 > 1) {
            for (int p = 0; p < kc; p++) {
                int src = bo + p * brs + jp0 * NR, d = base + jp0 * kc * NR + p * NR;
                for (int jp = jp0; jp < full; jp++, src += NR, d += kc * NR) {
                    FloatVector.fromArray(S, b, src).intoArray(bp, d);
                    FloatVector.fromArray(S, b, src + L).intoArray(bp, d + L);
                }
            }
            jp0 = full;
        }
        for (int jp = jp0; jp < jp1; jp++) packB(b, bo, brs, bcs, kc, n, bp, base, jp);
    }

    /** Packs panel jp of one K block: bp[base + jp*kc*NR + p*NR + j] = B[p, jp*NR + j], zero-padded past n. */
    private static void packB(float[] b, int bo, int brs, int bcs, int kc, int n, float[] bp, int base, int jp) {
        int j0 = jp * NR, cols = Math.min(NR, n - j0), dst = base + jp * kc * NR;
        if (cols <= THIN) {
            packThin(b, bo, brs, bcs, kc, j0, cols, bp, dst);
            return;
        }
        if (bcs == 1 && cols == NR) {
            for (int p = 0; p < kc; p++) {
                int src = bo + p * brs + j0, d = dst + p * NR;
                FloatVector.fromArray(S, b, src).intoArray(bp, d);
                FloatVector.fromArray(S, b, src + L).intoArray(bp, d + L);
            }
        } else if (bcs == 1) {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(b, bo + p * brs + j0, bp, dst + p * NR, cols);
                java.util.Arrays.fill(bp, dst + p * NR + cols, dst + (p + 1) * NR, 0f);
            }
        } else if (cols == NR) {                      // B transposed: p-major over NR source streams
            int p = 0;
            if (brs == 1 && T8) {                 // 8 x 8 blocks transposed in registers
                for (; p + 8 <= kc; p += 8) {
                    for (int h = 0; h < NR; h += 8) {
                        int s0 = bo + (j0 + h) * bcs + p;
                        FloatVector a0 = FloatVector.fromArray(S8, b, s0), a1 = FloatVector.fromArray(S8, b, s0 + bcs);
                        FloatVector a2 = FloatVector.fromArray(S8, b, s0 + 2 * bcs), a3 = FloatVector.fromArray(S8, b, s0 + 3 * bcs);
                        FloatVector a4 = FloatVector.fromArray(S8, b, s0 + 4 * bcs), a5 = FloatVector.fromArray(S8, b, s0 + 5 * bcs);
                        FloatVector a6 = FloatVector.fromArray(S8, b, s0 + 6 * bcs), a7 = FloatVector.fromArray(S8, b, s0 + 7 * bcs);
                        // rows a_i = B^T row j0+h+i at p..p+7; out row q = column q: 4-lane blocks, then 2, then 1
                        FloatVector z0 = lo(a0, a4, LO4, M4), z4 = hi(a0, a4, HI4, M4), z1 = lo(a1, a5, LO4, M4), z5 = hi(a1, a5, HI4, M4);
                        FloatVector z2 = lo(a2, a6, LO4, M4), z6 = hi(a2, a6, HI4, M4), z3 = lo(a3, a7, LO4, M4), z7 = hi(a3, a7, HI4, M4);
                        FloatVector y0 = lo(z0, z2, LO2, M2), y2 = hi(z0, z2, HI2, M2), y1 = lo(z1, z3, LO2, M2), y3 = hi(z1, z3, HI2, M2);
                        FloatVector y4 = lo(z4, z6, LO2, M2), y6 = hi(z4, z6, HI2, M2), y5 = lo(z5, z7, LO2, M2), y7 = hi(z5, z7, HI2, M2);
                        int d = dst + p * NR + h;
                        lo(y0, y1, LO1, M1).intoArray(bp, d);
                        hi(y0, y1, HI1, M1).intoArray(bp, d + NR);
                        lo(y2, y3, LO1, M1).intoArray(bp, d + 2 * NR);
                        hi(y2, y3, HI1, M1).intoArray(bp, d + 3 * NR);
                        lo(y4, y5, LO1, M1).intoArray(bp, d + 4 * NR);
                        hi(y4, y5, HI1, M1).intoArray(bp, d + 5 * NR);
                        lo(y6, y7, LO1, M1).intoArray(bp, d + 6 * NR);
                        hi(y6, y7, HI1, M1).intoArray(bp, d + 7 * NR);
                    }
                }
            }
            int[] src = new int[NR];
            for (int j = 0; j < NR; j++) src[j] = bo + (j0 + j) * bcs;
            for (int q = p * brs; p < kc; p++, q += brs) {
                int d = dst + p * NR;
                for (int j = 0; j < NR; j++) bp[d + j] = b[src[j] + q];
            }
        } else {
            if (cols < NR) java.util.Arrays.fill(bp, dst, dst + kc * NR, 0f);
            for (int j = 0; j < cols; j++) {
                int src = bo + (j0 + j) * bcs;
                for (int p = 0; p < kc; p++) bp[dst + p * NR + j] = b[src + p * brs];
            }
        }
    }

    /**
     * The last panel of at most THIN columns, for kernelThin: bp[dst + q*THIN*L + j*L + h*MR + r] = B[q*P + h, j0 + j]
     * for every r < MR (each value MR times), zero past kc and past cols. With kc a multiple of P it takes kc * NR
     * floats at most, as a full panel does; an odd last K block takes up to NR more (the buffers have them).
     */
    private static void packThin(float[] b, int bo, int brs, int bcs, int kc, int j0, int cols, float[] bp, int dst) {
        for (int q = 0, d = dst; q * P < kc; q++) {
            for (int j = 0; j < THIN; j++, d += L) {
                FloatVector v = FloatVector.zero(S);
                for (int h = 0, p = q * P; h < P && p < kc && j < cols; h++, p++) {
                    v = v.blend(FloatVector.broadcast(S, b[bo + p * brs + (j0 + j) * bcs]), THIN_LANES[h]);
                }
                v.intoArray(bp, d);
            }
        }
    }

    /** Lanes [h MR, (h + 1) MR) for h < P: where packThin puts B's row q P + h. */
    @SuppressWarnings("unchecked")
    private static final jdk.incubator.vector.VectorMask<Float>[] THIN_LANES = java.util.stream.IntStream.range(0, P)
            .mapToObj(h -> jdk.incubator.vector.VectorMask.fromLong(S, ((1L << MR) - 1) << (h * MR))).toArray(jdk.incubator.vector.VectorMask[]::new);

    /** Write streams to one L1 set that packA keeps at once: L1's ways (8 on Zen 3 and 4, 12 on recent Intel cores). */
    private static final int L1_WAYS = 8;

    /**
     * Consecutive packed slivers of depth kc (kc * MR floats each) before two of them share an offset within a 4 KB
     * page, which on x86-64 cores picks the L1 set: 1 at kc = 256, 2 at 128, 64 at 196.
     */
    static int slivers4k(int kc) {
        return 4096 / Math.min(4096, Integer.lowestOneBit(kc * MR * Float.BYTES));
    }

    /** ap[o + sliver*kc*MR + p*MR + r] = A[sliver*MR + r, p], zero-padded past rows. */
    static void packA(float[] a, int ao, int ars, int acs, int rows, int kc, float[] ap, int o) {
        int slivers = (rows + MR - 1) / MR;
        if (ars == 1) {
            // A transposed: the four rows of a sliver at each p are adjacent; read each p's rows in order (one
            // sliver at a time would touch a new page per p), and copy four at a time. The slivers' copies are
            // kc * MR floats apart: at kc = 256 that is 4 KB, one L1 set for all of them, and 32 slivers at once
            // missed L1 on every store (256x256x256 A^T B 0.89 of OpenBLAS; 430 -> 382 us in groups of 8). Groups
            // only where the copies alias so: each pass over p reads a new page per p when A's rows are far apart
            // (60000x784x100 A^T B, kc = 196, fell from 0.96 to 0.80 of OpenBLAS in groups of 8)
            int full = rows / MR, group = slivers4k(kc) * L1_WAYS;
            for (int g0 = 0; g0 < full; g0 += group) {
                int g1 = Math.min(full, g0 + group);
                for (int p = 0, q = ao; p < kc; p++, q += acs) {
                    for (int s = g0; s < g1; s++) FloatVector.fromArray(S4, a, q + s * MR).intoArray(ap, o + s * kc * MR + p * MR);
                }
            }
        }
        for (int s = 0; s < slivers; s++) {
            int r0 = s * MR, mr = Math.min(MR, rows - r0), dst = o + s * kc * MR;
            if (mr < MR) java.util.Arrays.fill(ap, dst, dst + kc * MR, 0f);
            if (mr == MR && ars == 1) continue;               // packed above, p-major
            if (mr == MR) {                                    // four source streams, one contiguous write stream
                int s0 = ao + r0 * ars, s1 = s0 + ars, s2 = s1 + ars, s3 = s2 + ars;
                int p = 0;
                if (acs == 1 && T8) {                      // 4 x 8 blocks transposed in registers
                    for (; p + 8 <= kc; p += 8) {
                        FloatVector v0 = FloatVector.fromArray(S8, a, s0 + p), v1 = FloatVector.fromArray(S8, a, s1 + p);
                        FloatVector v2 = FloatVector.fromArray(S8, a, s2 + p), v3 = FloatVector.fromArray(S8, a, s3 + p);
                        // 2-lane blocks, then 1: w0 = (column 0 | column 4), w1 = (1 | 5), w2 = (2 | 6), w3 = (3 | 7)
                        FloatVector u0 = lo(v0, v2, LO2, M2), u2 = hi(v0, v2, HI2, M2), u1 = lo(v1, v3, LO2, M2), u3 = hi(v1, v3, HI2, M2);
                        FloatVector w0 = lo(u0, u1, LO1, M1), w1 = hi(u0, u1, HI1, M1), w2 = lo(u2, u3, LO1, M1), w3 = hi(u2, u3, HI1, M1);
                        int d = dst + p * MR;
                        lo(w0, w1, LO4, M4).intoArray(ap, d);
                        lo(w2, w3, LO4, M4).intoArray(ap, d + 8);
                        hi(w0, w1, HI4, M4).intoArray(ap, d + 16);
                        hi(w2, w3, HI4, M4).intoArray(ap, d + 24);
                    }
                }
                for (int q = p * acs; p < kc; p++, q += acs) {
                    int d = dst + p * MR;
                    ap[d] = a[s0 + q];
                    ap[d + 1] = a[s1 + q];
                    ap[d + 2] = a[s2 + q];
                    ap[d + 3] = a[s3 + q];
                }
                continue;
            }
            for (int r = 0; r < mr; r++) {
                int src = ao + (r0 + r) * ars;
                for (int p = 0; p < kc; p++) ap[dst + p * MR + r] = a[src + p * acs];
            }
        }
    }

}
