// Elementwise kernels of the CUDA backend: unary ops, their backward, binary ops with broadcasting.
// Compiled at run time by NVRTC (no headers); op codes are the ordinals of dev.brasa.backend.UnaryOp
// and BinaryOp, passed by the backend. Broadcasting: up to 8 dims, per-operand element strides
// (0 on a broadcast dim), the output contiguous.

#define MAX_DIMS 8

struct Strides { int rank; int shape[MAX_DIMS]; int a[MAX_DIMS]; int b[MAX_DIMS]; };

// UnaryOp ordinals: NEG, EXP, LOG, TANH, SIGMOID, RELU, SQRT, ABS, RECIPROCAL, POW, CLAMP, LEAKY_RELU, GELU, SIGN, IDENTITY
__device__ __forceinline__ float unary_op(int op, float x, float p, float q) {
    switch (op) {
        case 0: return -x;
        case 1: return expf(x);
        case 2: return logf(x);
        case 3: return tanhf(x);
        case 4: return 1.0f / (1.0f + expf(-x));
        case 5: return x > 0.0f ? x : (x != x ? x : 0.0f);
        case 6: return sqrtf(x);
        case 7: return fabsf(x);
        case 8: return 1.0f / x;
        case 9: return powf(x, p);
        case 10: return fminf(fmaxf(x, p), q);
        case 11: return x > 0.0f ? x : x * p;
        case 12: return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
        case 13: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);
        default: return x;
    }
}

extern "C" __global__ void unary_f32(int op, const float* __restrict__ x, float* __restrict__ y, long n, float p, float q) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        y[i] = unary_op(op, x[i], p, q);
    }
}

// gradient of a unary op given the output gradient g, the input x and the output y (either may be unused)
extern "C" __global__ void unary_backward_f32(int op, const float* __restrict__ g, const float* __restrict__ x,
                                              const float* __restrict__ y, float* __restrict__ out, long n, float p, float q) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        // ops whose gradient uses the output accept y = null and recompute it from x, and vice versa
        float gi = g[i], r;
        float xi = x ? x[i] : 0.0f;
        float yi = y ? y[i] : unary_op(op, xi, p, q);
        switch (op) {
            case 0: r = -gi; break;
            case 1: r = gi * yi; break;
            case 2: r = gi / xi; break;
            case 3: r = gi * (1.0f - yi * yi); break;
            case 4: r = gi * yi * (1.0f - yi); break;
            case 5: r = yi > 0.0f ? gi : 0.0f; break;
            case 6: r = gi / (2.0f * yi); break;
            case 7: r = xi > 0.0f ? gi : (xi < 0.0f ? -gi : 0.0f); break;
            case 8: r = -gi * yi * yi; break;
            case 9: r = p == 0.0f ? 0.0f : gi * p * powf(xi, p - 1.0f); break;
            case 10: r = (xi >= p && xi <= q) ? gi : 0.0f; break;
            case 11: r = xi > 0.0f ? gi : gi * p; break;
            case 12: {
                float cdf = 0.5f * (1.0f + erff(xi * 0.70710678118654752f));
                float pdf = 0.3989422804014327f * expf(-0.5f * xi * xi);
                r = gi * (cdf + xi * pdf);
                break;
            }
            case 13: r = 0.0f; break;
            default: r = gi;
        }
        out[i] = r;
    }
}

// log clamped below at -100 as PyTorch's BCE does; NaN (a probability outside [0, 1]) stays NaN, unlike fmaxf
__device__ __forceinline__ float log_clamped(float l) { return l < -100.0f ? -100.0f : l; }

// BinaryOp ordinals: ADD, SUB, MUL, DIV, POW, MAX, MIN, EQ, NE, GT, GE, LT, LE, MASK_POSITIVE, BCE, BCE_WITH_LOGITS
__device__ __forceinline__ float binary_op(int op, float a, float b) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        case 4: return powf(a, b);
        case 5: return (a != a || b != b) ? __int_as_float(0x7fc00000) : fmaxf(a, b);
        case 6: return (a != a || b != b) ? __int_as_float(0x7fc00000) : fminf(a, b);
        case 7: return a == b ? 1.0f : 0.0f;
        case 8: return a != b ? 1.0f : 0.0f;
        case 9: return a > b ? 1.0f : 0.0f;
        case 10: return a >= b ? 1.0f : 0.0f;
        case 11: return a < b ? 1.0f : 0.0f;
        case 12: return a <= b ? 1.0f : 0.0f;
        case 13: return b > 0.0f ? a : 0.0f;
        case 14: return -(b * log_clamped(logf(a)) + (1.0f - b) * log_clamped(log1pf(-a)));
        case 15: {
            float m = fmaxf(-a, 0.0f);
            return (1.0f - b) * a + m + logf(expf(-m) + expf(-a - m));
        }
        default: return 0.0f;
    }
}

// out[i] = a[ia] op b[ib] over the broadcast shape; offsets in elements
extern "C" __global__ void binary_f32(int op, const float* __restrict__ a, long aOff, const float* __restrict__ b, long bOff,
                                      float* __restrict__ out, long n, Strides s) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        long rem = i, ia = aOff, ib = bOff;
        for (int d = s.rank - 1; d >= 0; d--) {
            long c = rem % s.shape[d];
            rem /= s.shape[d];
            ia += c * s.a[d];
            ib += c * s.b[d];
        }
        out[i] = binary_op(op, a[ia], b[ib]);
    }
}

// the dense case: both operands contiguous and of the output's shape
extern "C" __global__ void binary_dense_f32(int op, const float* __restrict__ a, const float* __restrict__ b,
                                            float* __restrict__ out, long n) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        out[i] = binary_op(op, a[i], b[i]);
    }
}

// strided copy into a contiguous output (contiguous(), cat, transposes)
extern "C" __global__ void copy_strided_f32(const float* __restrict__ x, long off, float* __restrict__ out, long n, Strides s) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        long rem = i, ix = off;
        for (int d = s.rank - 1; d >= 0; d--) {
            long c = rem % s.shape[d];
            rem /= s.shape[d];
            ix += c * s.a[d];
        }
        out[i] = x[ix];
    }
}

extern "C" __global__ void fill_f32(float* __restrict__ y, long n, float v) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) y[i] = v;
}

// comparisons (BinaryOp EQ..LE) into a BOOL output of 0/1 bytes, with broadcasting
extern "C" __global__ void compare_f32(int op, const float* __restrict__ a, const float* __restrict__ b,
                                       unsigned char* __restrict__ out, long n, Strides s) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        long rem = i, ia = 0, ib = 0;
        for (int d = s.rank - 1; d >= 0; d--) {
            long c = rem % s.shape[d];
            rem /= s.shape[d];
            ia += c * s.a[d];
            ib += c * s.b[d];
        }
        out[i] = binary_op(op, a[ia], b[ib]) != 0.0f ? 1 : 0;
    }
}

// binary cross-entropy backward: g * (p - y) / max(p (1 - p), 1e-12) for probabilities (logits == 0),
// g * (sigmoid(x) - y) for logits; g is read at i * gStride (0 for a reduced loss)
extern "C" __global__ void binary_loss_backward_f32(int logits, const float* __restrict__ a, const float* __restrict__ y,
                                                    const float* __restrict__ g, int gStride, float* __restrict__ out, long n) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        float x = a[i], d;
        if (logits) d = 1.0f / (1.0f + expf(-x)) - y[i];
        else d = (x - y[i]) / fmaxf(x * (1.0f - x), 1e-12f);
        out[i] = g[i * gStride] * d;
    }
}
