/**
 * The CUDA backend (in progress): the CUDA C kernel sources shipped as resources and their NVRTC
 * compiler with a disk cache. Device storage, the caching allocator and the op dispatch are not
 * written yet; see the project's issue on the GPU backend.
 */
package dev.brasa.backend.cuda;
