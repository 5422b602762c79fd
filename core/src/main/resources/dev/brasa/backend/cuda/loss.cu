// Losses of the CUDA backend. Cross-entropy over rows of logits [rows, classes] with int64 targets,
// fused with log-softmax: forward writes each row's loss and keeps the log-probabilities for backward.

#define BLOCK 256

extern "C" __global__ void cross_entropy_f32(const float* __restrict__ logits, const long long* __restrict__ target,
                                             float* __restrict__ logp, float* __restrict__ loss, int rows, int classes,
                                             long long ignoreIndex, int* __restrict__ badTarget) {
    __shared__ float buf[BLOCK];
    int r = blockIdx.x;
    const float* x = logits + (long) r * classes;
    float* lp = logp + (long) r * classes;
    float m = __int_as_float(0xff800000);
    for (int i = threadIdx.x; i < classes; i += blockDim.x) m = fmaxf(m, x[i]);
    buf[threadIdx.x] = m;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) buf[threadIdx.x] = fmaxf(buf[threadIdx.x], buf[threadIdx.x + s]);
        __syncthreads();
    }
    m = buf[0];
    __syncthreads();
    float sum = 0.0f;
    for (int i = threadIdx.x; i < classes; i += blockDim.x) sum += expf(x[i] - m);
    buf[threadIdx.x] = sum;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) buf[threadIdx.x] += buf[threadIdx.x + s];
        __syncthreads();
    }
    float lse = m + logf(buf[0]);
    for (int i = threadIdx.x; i < classes; i += blockDim.x) lp[i] = x[i] - lse;
    if (threadIdx.x == 0) {
        long long t = target[r];
        if (t == ignoreIndex) loss[r] = 0.0f;
        else if (t < 0 || t >= classes) { loss[r] = 0.0f; atomicExch(badTarget, 1); }
        else loss[r] = lse - x[t];
    }
}

// d loss_r / d logits = scale * (softmax - onehot(target)); scale = upstream gradient / count of used rows
extern "C" __global__ void cross_entropy_backward_f32(const float* __restrict__ logp, const long long* __restrict__ target,
                                                      float* __restrict__ grad, int rows, int classes, long long ignoreIndex,
                                                      const float* __restrict__ scale) {
    long n = (long) rows * classes;
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        int r = (int) (i / classes), c = (int) (i % classes);
        long long t = target[r];
        grad[i] = t == ignoreIndex ? 0.0f : scale[0] * (expf(logp[i]) - (c == t ? 1.0f : 0.0f));
    }
}

// binary cross-entropy backward for probabilities p and targets y: g * (p - y) / max(p (1 - p), 1e-12)
extern "C" __global__ void bce_backward_f32(const float* __restrict__ p, const float* __restrict__ y, const float* __restrict__ g,
                                            float* __restrict__ out, long n, float scale) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        float pi = p[i];
        out[i] = scale * g[i] * (pi - y[i]) / fmaxf(pi * (1.0f - pi), 1e-12f);
    }
}

// BCE with logits backward: g * (sigmoid(x) - y)
extern "C" __global__ void bce_logits_backward_f32(const float* __restrict__ x, const float* __restrict__ y, const float* __restrict__ g,
                                                   float* __restrict__ out, long n, float scale) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        out[i] = scale * g[i] * (1.0f / (1.0f + expf(-x[i])) - y[i]);
    }
}
