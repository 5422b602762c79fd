// Sliding-window kernels of the CUDA backend: im2col and its adjoint col2im (the fallback
// convolution path, a GEMM through cuBLAS on each side), max and average pooling with their
// backwards. One thread per output element; the backwards gather (each input element sums what
// reads it) except max pooling's, which scatters through the saved indices with atomics.
// The geometry is dev.brasa.backend.Window2d, passed by value in its record order.

struct Window2d { int n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, adaptive; };

__device__ inline int rowStart(const Window2d& g, int oy) { return g.adaptive ? (int) ((long long) oy * g.h / g.oh) : max(oy * g.sh - g.ph, 0); }
__device__ inline int rowEnd(const Window2d& g, int oy) { return g.adaptive ? (int) (((long long) (oy + 1) * g.h + g.oh - 1) / g.oh) : min(oy * g.sh - g.ph + g.kh, g.h); }
__device__ inline int colStart(const Window2d& g, int ox) { return g.adaptive ? (int) ((long long) ox * g.w / g.ow) : max(ox * g.sw - g.pw, 0); }
__device__ inline int colEnd(const Window2d& g, int ox) { return g.adaptive ? (int) (((long long) (ox + 1) * g.w + g.ow - 1) / g.ow) : min(ox * g.sw - g.pw + g.kw, g.w); }

__device__ inline int divisor(const Window2d& g, int oy, int ox, int countIncludePad, int divisorOverride) {
    if (divisorOverride != 0) return divisorOverride;
    if (countIncludePad && !g.adaptive) {
        int y0 = oy * g.sh - g.ph, x0 = ox * g.sw - g.pw;
        return (min(y0 + g.kh, g.h + g.ph) - y0) * (min(x0 + g.kw, g.w + g.pw) - x0);
    }
    return (rowEnd(g, oy) - rowStart(g, oy)) * (colEnd(g, ox) - colStart(g, ox));
}

#define GRID_LOOP(i, n) for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < (n); i += (long) gridDim.x * blockDim.x)

// col [c*kh*kw, n*oh*ow] from x [n, c, h, w]
extern "C" __global__ void im2col_f32(const float* __restrict__ x, float* __restrict__ col, Window2d g) {
    long np = (long) g.n * g.oh * g.ow, total = (long) g.c * g.kh * g.kw * np;
    GRID_LOOP(e, total) {
        long row = e / np, q = e % np;
        int ox = (int) (q % g.ow), oy = (int) (q / g.ow % g.oh), b = (int) (q / ((long) g.ow * g.oh));
        int j = (int) (row % g.kw), i = (int) (row / g.kw % g.kh), ci = (int) (row / ((long) g.kw * g.kh));
        int y = oy * g.sh - g.ph + i * g.dh, xx = ox * g.sw - g.pw + j * g.dw;
        col[e] = (y >= 0 && y < g.h && xx >= 0 && xx < g.w) ? x[(((long) b * g.c + ci) * g.h + y) * g.w + xx] : 0.0f;
    }
}

// gx [n, c, h, w] = sum of the col entries that read each element (a gather: no atomics)
extern "C" __global__ void col2im_f32(const float* __restrict__ col, float* __restrict__ gx, Window2d g) {
    long np = (long) g.n * g.oh * g.ow, total = (long) g.n * g.c * g.h * g.w;
    GRID_LOOP(e, total) {
        int xx = (int) (e % g.w), y = (int) (e / g.w % g.h);
        long p = e / ((long) g.w * g.h);
        int ci = (int) (p % g.c), b = (int) (p / g.c);
        float acc = 0.0f;
        for (int i = 0; i < g.kh; i++) {
            int ty = y + g.ph - i * g.dh;
            if (ty < 0 || ty % g.sh != 0) continue;
            int oy = ty / g.sh;
            if (oy >= g.oh) continue;
            for (int j = 0; j < g.kw; j++) {
                int tx = xx + g.pw - j * g.dw;
                if (tx < 0 || tx % g.sw != 0) continue;
                int ox = tx / g.sw;
                if (ox >= g.ow) continue;
                acc += col[(((long) ci * g.kh + i) * g.kw + j) * np + ((long) b * g.oh + oy) * g.ow + ox];
            }
        }
        gx[e] = acc;
    }
}

extern "C" __global__ void max_pool2d_f32(const float* __restrict__ x, float* __restrict__ out, long long* __restrict__ idx, Window2d g) {
    long total = (long) g.n * g.c * g.oh * g.ow;
    GRID_LOOP(e, total) {
        int ox = (int) (e % g.ow), oy = (int) (e / g.ow % g.oh);
        long p = e / ((long) g.ow * g.oh);
        const float* plane = x + p * g.h * g.w;
        int y0 = oy * g.sh - g.ph, x0 = ox * g.sw - g.pw;
        int y1 = min(y0 + (g.kh - 1) * g.dh + 1, g.h), x1 = min(x0 + (g.kw - 1) * g.dw + 1, g.w);
        while (y0 < 0) y0 += g.dh;
        while (x0 < 0) x0 += g.dw;
        int best = y0 * g.w + x0;
        float m = __int_as_float(0xff800000);
        for (int y = y0; y < y1; y += g.dh) {
            for (int xx = x0; xx < x1; xx += g.dw) {
                float v = plane[y * g.w + xx];
                if (v > m || v != v) { m = v; best = y * g.w + xx; }
            }
        }
        out[e] = m;
        idx[e] = best;
    }
}

// gx must be zeroed by the caller
extern "C" __global__ void max_pool2d_backward_f32(const float* __restrict__ gy, const long long* __restrict__ idx, float* __restrict__ gx,
                                                   Window2d g) {
    long total = (long) g.n * g.c * g.oh * g.ow, ohw = (long) g.oh * g.ow;
    GRID_LOOP(e, total) {
        long p = e / ohw;
        atomicAdd(&gx[p * g.h * g.w + idx[e]], gy[e]);
    }
}

extern "C" __global__ void avg_pool2d_f32(const float* __restrict__ x, float* __restrict__ out, Window2d g, int countIncludePad,
                                          int divisorOverride) {
    long total = (long) g.n * g.c * g.oh * g.ow;
    GRID_LOOP(e, total) {
        int ox = (int) (e % g.ow), oy = (int) (e / g.ow % g.oh);
        long p = e / ((long) g.ow * g.oh);
        const float* plane = x + p * g.h * g.w;
        float sum = 0.0f;
        for (int y = rowStart(g, oy); y < rowEnd(g, oy); y++)
            for (int xx = colStart(g, ox); xx < colEnd(g, ox); xx++) sum += plane[y * g.w + xx];
        out[e] = sum / divisor(g, oy, ox, countIncludePad, divisorOverride);
    }
}

// gx must be zeroed by the caller
extern "C" __global__ void avg_pool2d_backward_f32(const float* __restrict__ gy, float* __restrict__ gx, Window2d g, int countIncludePad,
                                                   int divisorOverride) {
    long total = (long) g.n * g.c * g.oh * g.ow;
    GRID_LOOP(e, total) {
        int ox = (int) (e % g.ow), oy = (int) (e / g.ow % g.oh);
        long p = e / ((long) g.ow * g.oh);
        float v = gy[e] / divisor(g, oy, ox, countIncludePad, divisorOverride);
        for (int y = rowStart(g, oy); y < rowEnd(g, oy); y++)
            for (int xx = colStart(g, ox); xx < colEnd(g, ox); xx++) atomicAdd(&gx[p * g.h * g.w + y * g.w + xx], v);
    }
}
