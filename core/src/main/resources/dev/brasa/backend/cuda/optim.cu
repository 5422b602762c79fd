// Fused optimizer updates of the CUDA backend: the same rules, in the same order of float
// operations, as the CPU backends' sgdStep and adamStep (PyTorch's SGD and Adam/AdamW). The host computes
// every coefficient in double and rounds it to float once, as the CPU backends do (1 - beta2 in float
// arithmetic would be 0.99999871e-3 for beta2 = 0.999, not 1e-3).

extern "C" __global__ void sgd_step_f32(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ buf, long n,
                                        int firstStep, float lr, float momentum, float damp, float weightDecay,
                                        int nesterov, int maximize) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        float d = maximize ? -g[i] : g[i];
        if (weightDecay != 0.0f) d = __fadd_rn(d, __fmul_rn(weightDecay, p[i]));
        if (buf != 0) {
            float v = firstStep ? d : __fadd_rn(__fmul_rn(buf[i], momentum), __fmul_rn(damp, d));
            buf[i] = v;
            d = nesterov ? __fadd_rn(d, __fmul_rn(momentum, v)) : v;
        }
        p[i] = __fsub_rn(p[i], __fmul_rn(lr, d));
    }
}

extern "C" __global__ void adam_step_f32(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                                         float* __restrict__ v, float* __restrict__ vmax, long n, float stepSize,
                                         float bc2Sqrt, float eps, float beta1, float beta2, float a1, float a2, float weightDecay,
                                         float decay, int decoupled, int maximize) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        float gi = maximize ? -g[i] : g[i];
        float pi = p[i];
        if (decoupled) pi = __fmul_rn(pi, decay);
        else if (weightDecay != 0.0f) gi = __fadd_rn(gi, __fmul_rn(weightDecay, pi));
        float mi = __fadd_rn(__fmul_rn(m[i], beta1), __fmul_rn(a1, gi));
        float vi = __fadd_rn(__fmul_rn(v[i], beta2), __fmul_rn(__fmul_rn(a2, gi), gi));
        m[i] = mi;
        v[i] = vi;
        float second = vi;
        if (vmax != 0) {
            second = fmaxf(vmax[i], vi);
            vmax[i] = second;
        }
        float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(second), bc2Sqrt), eps);
        p[i] = __fsub_rn(pi, __fmul_rn(stepSize, __fdiv_rn(mi, denom)));
    }
}
