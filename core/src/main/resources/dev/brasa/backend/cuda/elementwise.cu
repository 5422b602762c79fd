// Elementwise kernels of the CUDA backend: unary ops, their backward, binary ops with broadcasting.
// Compiled at run time by NVRTC (no headers). KernelCompiler puts in front of this text the op codes
// (UNARY_*, BINARY_*, REDUCE_*: dev.brasa.backend's enums, so they cannot drift from Java) and the
// functions unary_op(op, x, p, q) and unary_grad(op, g, x, y, p, q), generated from UnaryOp's rows. Broadcasting: up to 8 dims, per-operand element strides
// (0 on a broadcast dim), the output contiguous.

#define MAX_DIMS 8

struct Strides { int rank; int shape[MAX_DIMS]; int a[MAX_DIMS]; int b[MAX_DIMS]; };

extern "C" __global__ void unary_f32(int op, const float* __restrict__ x, float* __restrict__ y, long n, float p, float q) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        y[i] = unary_op(op, x[i], p, q);
    }
}

// gradient of a unary op given the output gradient g, the input x and the output y (either may be unused)
extern "C" __global__ void unary_backward_f32(int op, const float* __restrict__ g, const float* __restrict__ x,
                                              const float* __restrict__ y, float* __restrict__ out, long n, float p, float q) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        // ops whose gradient uses the output get y = null and recompute it from x; those using the input get x = null
        float xi = x ? x[i] : 0.0f;
        float yi = y ? y[i] : unary_op(op, xi, p, q);
        out[i] = unary_grad(op, g[i], xi, yi, p, q);
    }
}

// log clamped below at -100 as PyTorch's BCE does; NaN (a probability outside [0, 1]) stays NaN, unlike fmaxf
__device__ __forceinline__ float log_clamped(float l) { return l < -100.0f ? -100.0f : l; }

__device__ __forceinline__ float binary_op(int op, float a, float b) {
    switch (op) {
        case BINARY_ADD: return a + b;
        case BINARY_SUB: return a - b;
        case BINARY_MUL: return a * b;
        case BINARY_DIV: return a / b;
        case BINARY_POW: return powf(a, b);
        case BINARY_MAX: return (a != a || b != b) ? __int_as_float(0x7fc00000) : fmaxf(a, b);
        case BINARY_MIN: return (a != a || b != b) ? __int_as_float(0x7fc00000) : fminf(a, b);
        case BINARY_EQ: return a == b ? 1.0f : 0.0f;
        case BINARY_NE: return a != b ? 1.0f : 0.0f;
        case BINARY_GT: return a > b ? 1.0f : 0.0f;
        case BINARY_GE: return a >= b ? 1.0f : 0.0f;
        case BINARY_LT: return a < b ? 1.0f : 0.0f;
        case BINARY_LE: return a <= b ? 1.0f : 0.0f;
        case BINARY_MASK_POSITIVE: return b > 0.0f ? a : 0.0f;
        case BINARY_BCE: return -(b * log_clamped(logf(a)) + (1.0f - b) * log_clamped(log1pf(-a)));
        case BINARY_BCE_WITH_LOGITS: {
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
