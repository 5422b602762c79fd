// Elementwise kernels of the CUDA backend: unary ops, their backward, binary ops with broadcasting.
// Compiled at run time by NVRTC (no headers). KernelCompiler puts in front of this text the op codes
// (UNARY_*, BINARY_*, REDUCE_*: dev.brasa.backend's enums, so they cannot drift from Java) and the
// functions unary_op(op, x, p, q) and unary_grad(op, g, x, y, p, q), generated from UnaryOp's rows. Broadcasting: up to 8 dims, per-operand element strides
// (0 on a broadcast dim), the output contiguous.

#define MAX_DIMS 8

struct Strides { int rank; int shape[MAX_DIMS]; int a[MAX_DIMS]; int b[MAX_DIMS]; };

// Adds to ia and ib the offsets (in elements) of element i, counted row-major in s.shape, in the views of
// strides s.a and s.b (kernels of one strided operand pass a dummy ib, which the compiler drops).
__device__ __forceinline__ void strided_offsets(const Strides& s, long i, long& ia, long& ib) {
    for (int d = s.rank - 1; d >= 0; d--) {
        long c = i % s.shape[d];
        i /= s.shape[d];
        ia += c * s.a[d];
        ib += c * s.b[d];
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
        long ia = aOff, ib = bOff;
        strided_offsets(s, i, ia, ib);
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
        long ix = off, unused = 0;
        strided_offsets(s, i, ix, unused);
        out[i] = x[ix];
    }
}

// Any element kind (KIND_F32 .. KIND_BOOL, dev.brasa.backend.Kind's codes) read as a double and written from one,
// with CpuStorage's conversions: float rounding, Java's saturating (long) cast with NaN to 0, nonzero to true.
__device__ __forceinline__ double load_any(const char* p, int k, long i) {
    switch (k) {
        case KIND_F32: return ((const float*) p)[i];
        case KIND_F64: return ((const double*) p)[i];
        case KIND_I64: return (double) ((const long long*) p)[i];
        default: return (double) ((const signed char*) p)[i];
    }
}

__device__ __forceinline__ void store_any(char* p, int k, long i, double v) {
    switch (k) {
        case KIND_F32: ((float*) p)[i] = (float) v; break;
        case KIND_F64: ((double*) p)[i] = v; break;
        case KIND_I64:
            ((long long*) p)[i] = v != v ? 0LL : v >= 9223372036854775807.0 ? 0x7fffffffffffffffLL
                : v <= -9223372036854775808.0 ? (-0x7fffffffffffffffLL - 1) : (long long) v;
            break;
        default: ((unsigned char*) p)[i] = v != 0.0 ? 1 : 0;
    }
}

// A copy between any two strided views of any kinds (s.a: the source's strides, s.b: the destination's, both in
// elements from the pointers given): the same kind copies its bits (int64 exact beyond 2^53), another converts
// through a double as CpuStorage.set(get) does.
extern "C" __global__ void copy_any(const char* __restrict__ x, int xk, char* __restrict__ out, int ok, long n, Strides s) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        long ix = 0, io = 0;
        strided_offsets(s, i, ix, io);
        if (xk != ok) store_any(out, ok, io, load_any(x, xk, ix));
        else if (xk == KIND_F32) ((float*) out)[io] = ((const float*) x)[ix];
        else if (xk == KIND_BOOL) ((unsigned char*) out)[io] = ((const unsigned char*) x)[ix];
        else ((long long*) out)[io] = ((const long long*) x)[ix];     // F64 and I64: eight bytes
    }
}

// value into every element of a strided view of any kind (s.a: its strides)
extern "C" __global__ void fill_any(char* __restrict__ out, int k, long n, double v, Strides s) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        long io = 0, unused = 0;
        strided_offsets(s, i, io, unused);
        store_any(out, k, io, v);
    }
}

// BinaryOp.apply(long, long): int64 operands, wrapping as Java's long arithmetic (done unsigned, where it is defined)
__device__ __forceinline__ long long binary_i64_op(int op, long long a, long long b) {
    switch (op) {
        case BINARY_ADD: return (long long) ((unsigned long long) a + (unsigned long long) b);
        case BINARY_SUB: return (long long) ((unsigned long long) a - (unsigned long long) b);
        case BINARY_MUL: return (long long) ((unsigned long long) a * (unsigned long long) b);
        case BINARY_MAX: return a > b ? a : b;
        case BINARY_MIN: return a < b ? a : b;
        case BINARY_EQ: return a == b;
        case BINARY_NE: return a != b;
        case BINARY_GT: return a > b;
        case BINARY_GE: return a >= b;
        case BINARY_LT: return a < b;
        case BINARY_LE: return a <= b;
        case BINARY_MASK_POSITIVE: return b > 0 ? a : 0;
        default: return 0;
    }
}

// out[i] = a[ia] op b[ib] on int64 operands with broadcasting, into an int64 output or (outBool) a BOOL one of 0/1
extern "C" __global__ void binary_i64(int op, const long long* __restrict__ a, const long long* __restrict__ b,
                                      char* __restrict__ out, int outBool, long n, Strides s) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        long ia = 0, ib = 0;
        strided_offsets(s, i, ia, ib);
        long long r = binary_i64_op(op, a[ia], b[ib]);
        if (outBool) ((unsigned char*) out)[i] = r != 0 ? 1 : 0;
        else ((long long*) out)[i] = r;
    }
}

extern "C" __global__ void fill_f32(float* __restrict__ y, long n, float v) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) y[i] = v;
}

// comparisons (BinaryOp EQ..LE) into a BOOL output of 0/1 bytes, with broadcasting
extern "C" __global__ void compare_f32(int op, const float* __restrict__ a, const float* __restrict__ b,
                                       unsigned char* __restrict__ out, long n, Strides s) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        long ia = 0, ib = 0;
        strided_offsets(s, i, ia, ib);
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
