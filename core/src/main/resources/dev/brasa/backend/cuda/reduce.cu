// Reductions, softmax and cross-entropy of the CUDA backend over a contiguous [outer, n, inner] input along the
// middle axis. One block per (outer, inner) column; a shared-memory tree in each block.

#define BLOCK 256

// Block-wide max and sum over blockDim.x threads (a power of two, at most BLOCK): every thread gets the
// result, and buf is free again on return.
__device__ float block_max(float v, float* buf) {
    buf[threadIdx.x] = v;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) buf[threadIdx.x] = fmaxf(buf[threadIdx.x], buf[threadIdx.x + s]);
        __syncthreads();
    }
    float r = buf[0];
    __syncthreads();
    return r;
}

__device__ float block_sum(float v, float* buf) {
    buf[threadIdx.x] = v;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) buf[threadIdx.x] += buf[threadIdx.x + s];
        __syncthreads();
    }
    float r = buf[0];
    __syncthreads();
    return r;
}

// op: REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX or REDUCE_MIN (ReduceOp's codes, put in front of this text by KernelCompiler)
extern "C" __global__ void reduce_f32(int op, const float* __restrict__ x, float* __restrict__ out, int outer, int n, int inner) {
    __shared__ float buf[BLOCK];
    int col = blockIdx.x;                       // outer * inner columns
    int o = col / inner, in = col % inner;
    const float* base = x + (long) o * n * inner + in;
    float acc = op == REDUCE_MAX ? __int_as_float(0xff800000) : op == REDUCE_MIN ? __int_as_float(0x7f800000) : 0.0f;
    bool nan = false;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        float v = base[(long) i * inner];
        if (v != v) nan = true;
        if (op == REDUCE_MAX) acc = fmaxf(acc, v);
        else if (op == REDUCE_MIN) acc = fminf(acc, v);
        else acc += v;
    }
    if (nan && (op == REDUCE_MAX || op == REDUCE_MIN)) acc = __int_as_float(0x7fc00000);
    buf[threadIdx.x] = acc;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) {
            float a = buf[threadIdx.x], b = buf[threadIdx.x + s];
            if (op == REDUCE_MAX) buf[threadIdx.x] = (a != a || b != b) ? __int_as_float(0x7fc00000) : fmaxf(a, b);
            else if (op == REDUCE_MIN) buf[threadIdx.x] = (a != a || b != b) ? __int_as_float(0x7fc00000) : fminf(a, b);
            else buf[threadIdx.x] = a + b;
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) out[col] = op == REDUCE_MEAN ? buf[0] / n : buf[0];
}

// REDUCE_SUM, REDUCE_MAX or REDUCE_MIN of a contiguous int64 or BOOL input (xk: KIND_I64 or KIND_BOOL) into int64,
// wrapping as Java's long arithmetic; MAX and MIN need n > 0
extern "C" __global__ void reduce_i64(int op, const char* __restrict__ x, int xk, long long* __restrict__ out, int outer, int n,
                                      int inner) {
    __shared__ long long buf[BLOCK];
    int col = blockIdx.x;
    int o = col / inner, in = col % inner;
    long base = (long) o * n * inner + in;
    bool any = false;
    long long acc = 0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        long j = base + (long) i * inner;
        long long v = xk == KIND_I64 ? ((const long long*) x)[j] : (long long) ((const signed char*) x)[j];
        if (op == REDUCE_SUM) acc = (long long) ((unsigned long long) acc + (unsigned long long) v);
        else if (!any) acc = v;
        else acc = op == REDUCE_MAX ? (v > acc ? v : acc) : (v < acc ? v : acc);
        any = true;
    }
    __shared__ bool has[BLOCK];
    buf[threadIdx.x] = acc;
    has[threadIdx.x] = any;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) {
            long long a = buf[threadIdx.x], b = buf[threadIdx.x + s];
            bool ha = has[threadIdx.x], hb = has[threadIdx.x + s];
            if (op == REDUCE_SUM) buf[threadIdx.x] = (long long) ((unsigned long long) a + (unsigned long long) b);
            else if (!ha) buf[threadIdx.x] = b;
            else if (hb) buf[threadIdx.x] = op == REDUCE_MAX ? (b > a ? b : a) : (b < a ? b : a);
            has[threadIdx.x] = ha || hb;
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) out[col] = buf[0];
}

// softmax (or log-softmax) of each row of a contiguous [rows, n] input; one block per row
extern "C" __global__ void softmax_f32(const float* __restrict__ x, float* __restrict__ y, int rows, int n, int logMode) {
    __shared__ float buf[BLOCK];
    const float* xr = x + (long) blockIdx.x * n;
    float* yr = y + (long) blockIdx.x * n;
    float m = __int_as_float(0xff800000);
    for (int i = threadIdx.x; i < n; i += blockDim.x) m = fmaxf(m, xr[i]);
    m = block_max(m, buf);
    float sum = 0.0f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) sum += expf(xr[i] - m);
    sum = block_sum(sum, buf);
    float lse = m + logf(sum);
    for (int i = threadIdx.x; i < n; i += blockDim.x) yr[i] = logMode ? xr[i] - lse : expf(xr[i] - m) / sum;
}

// gradient of softmax / log-softmax rows given the output y and its gradient g
extern "C" __global__ void softmax_backward_f32(const float* __restrict__ y, const float* __restrict__ g, float* __restrict__ out,
                                                int rows, int n, int logMode) {
    __shared__ float buf[BLOCK];
    const float* yr = y + (long) blockIdx.x * n;
    const float* gr = g + (long) blockIdx.x * n;
    float* o = out + (long) blockIdx.x * n;
    float dot = 0.0f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) dot += logMode ? gr[i] : gr[i] * yr[i];
    dot = block_sum(dot, buf);
    for (int i = threadIdx.x; i < n; i += blockDim.x) o[i] = logMode ? gr[i] - expf(yr[i]) * dot : yr[i] * (gr[i] - dot);
}

// argmax (op REDUCE_ARGMAX) or argmin (REDUCE_ARGMIN) along the middle axis of [outer, n, inner]: the first index of the
// extreme value, a NaN counting as the extreme (as PyTorch); one block per column, int64 output
extern "C" __global__ void argreduce_f32(int op, const float* __restrict__ x, long long* __restrict__ out, int outer, int n, int inner) {
    __shared__ float bv[BLOCK];
    __shared__ int bi[BLOCK];
    int col = blockIdx.x;
    int o = col / inner, in = col % inner;
    const float* base = x + (long) o * n * inner + in;
    float best = 0.0f;
    int idx = -1;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        float v = base[(long) i * inner];
        bool take = idx < 0 || (best == best && (v != v || (op == REDUCE_ARGMAX ? v > best : v < best)));
        if (take) { best = v; idx = i; }
    }
    bv[threadIdx.x] = best;
    bi[threadIdx.x] = idx;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) {
            float v = bv[threadIdx.x + s], b = bv[threadIdx.x];
            int j = bi[threadIdx.x + s], k = bi[threadIdx.x];
            bool take = j >= 0 && (k < 0 || (b == b && (v != v || (op == REDUCE_ARGMAX ? v > b : v < b))
                                           || ((v == b || (v != v && b != b)) && j < k)));
            if (take) { bv[threadIdx.x] = v; bi[threadIdx.x] = j; }
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) out[col] = bi[0];
}

// Cross-entropy over rows of logits [rows, classes] with int64 targets (checked on the host: a valid class or
// ignoreIndex), fused with log-softmax: one block per row writes lse[r] = log sum exp x[r, :] and
// loss[r] = scale * ((1 - eps) (lse - x[t]) + eps (lse - mean x[r, :])), 0 for an ignored row.
extern "C" __global__ void cross_entropy_f32(const float* __restrict__ logits, const long long* __restrict__ target,
                                             float* __restrict__ lse, float* __restrict__ loss, int rows, int classes,
                                             long long ignoreIndex, float smoothing, float scale) {
    __shared__ float buf[BLOCK];
    int r = blockIdx.x;
    const float* x = logits + (long) r * classes;
    float m = __int_as_float(0xff800000), total = 0.0f;
    for (int i = threadIdx.x; i < classes; i += blockDim.x) {
        m = fmaxf(m, x[i]);
        total += x[i];
    }
    m = block_max(m, buf);
    total = block_sum(total, buf);
    float sum = 0.0f;
    for (int i = threadIdx.x; i < classes; i += blockDim.x) sum += expf(x[i] - m);
    sum = block_sum(sum, buf);
    float l = m + logf(sum);
    if (threadIdx.x == 0) {
        lse[r] = l;
        long long t = target[r];
        // without smoothing its term is left out, not multiplied by 0: a masked class's -inf logit makes it infinite
        float nll = l - x[t];
        loss[r] = t == ignoreIndex ? 0.0f
                : scale * (smoothing == 0.0f ? nll : (1.0f - smoothing) * nll + smoothing * (l - total / classes));
    }
}

// d loss / d logits: out[r, c] = scale * g[r * gStride] * (exp(x - lse[r]) - (1 - eps) [c == t] - eps / classes),
// 0 for an ignored row; gStride is 0 for a reduced loss.
extern "C" __global__ void cross_entropy_backward_f32(const float* __restrict__ logits, const long long* __restrict__ target,
                                                      const float* __restrict__ lse, const float* __restrict__ g, int gStride,
                                                      float* __restrict__ out, int rows, int classes, long long ignoreIndex,
                                                      float smoothing, float scale) {
    long n = (long) rows * classes;
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        int r = (int) (i / classes), c = (int) (i % classes);
        long long t = target[r];
        float d = expf(logits[i] - lse[r]) - (c == t ? 1.0f - smoothing : 0.0f) - smoothing / classes;
        out[i] = t == ignoreIndex ? 0.0f : scale * g[(long) r * gStride] * d;
    }
}
