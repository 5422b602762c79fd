# Sourced by the benchmark scripts after the bench jar is built: makes sure OpenBLAS (called directly,
# and by PyTorch through Debian's libblas) runs the kernels this CPU can run, not a generic fallback.
# Debian's OpenBLAS 0.3.21 takes newer Intel CPUs (family 6 model 207) for Prescott (SSE3), 4-6x slow,
# which would make every ratio against it too kind to Brasa. When OpenBLAS's choice is weaker than the
# CPU's flags allow, this sets OPENBLAS_CORETYPE (SKYLAKEX for AVX-512, HASWELL for AVX2) and checks
# again; if the kernels are still wrong it refuses (returns 1), so no table is written against them.
# Exports BRASA_OPENBLAS_CORE, the line the reports print.
openblas_core_check() {
  local out core want torch_core
  out=$("$JAVA" "${BRASA_JVM_FLAGS[@]}" -cp "$BRASA_ROOT/bench/target/benchmarks.jar" dev.brasa.bench.OpenBlas 2>/dev/null) || {
    echo "error: could not ask OpenBLAS which kernels it uses" >&2; return 1; }
  if grep -q '^MISSING' <<<"$out"; then echo "error: ${out#MISSING }" >&2; return 1; fi
  core=$(sed -n 's/^CORE //p' <<<"$out"); want=$(sed -n 's/^WANT //p' <<<"$out")
  if [ -n "$want" ]; then
    echo "OpenBLAS chose its $core kernels on this CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs));" \
         "setting OPENBLAS_CORETYPE=$want for the reference runs" >&2
    export OPENBLAS_CORETYPE=$want
    out=$("$JAVA" "${BRASA_JVM_FLAGS[@]}" -cp "$BRASA_ROOT/bench/target/benchmarks.jar" dev.brasa.bench.OpenBlas 2>/dev/null)
    core=$(sed -n 's/^CORE //p' <<<"$out"); want=$(sed -n 's/^WANT //p' <<<"$out")
    if [ -n "$want" ]; then
      echo "error: OpenBLAS still runs its $core kernels with OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE; refusing to write a table against them" >&2
      return 1
    fi
  fi
  if [ "${1:-}" = torch ]; then   # PyTorch's OpenBLAS (Debian's libblas) says its choice under OPENBLAS_VERBOSE=2
    torch_core=$(OPENBLAS_VERBOSE=2 /usr/bin/python3 -c 'import torch; torch.mm(torch.ones(64, 64), torch.ones(64, 64))' 2>&1 \
                 | sed -n 's/^Core: //p' | head -n1)
    if [ -n "$torch_core" ] && [ "$(tr 'A-Z' 'a-z' <<<"$torch_core")" != "$(tr 'A-Z' 'a-z' <<<"$core")" ]; then
      echo "error: PyTorch's OpenBLAS runs its $torch_core kernels, the OpenBLAS checked here its $core ones; refusing" >&2
      return 1
    fi
    core="$core (PyTorch's too)"
  fi
  export BRASA_OPENBLAS_CORE="OpenBLAS core: $core${OPENBLAS_CORETYPE:+, with OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE}"
  echo "$BRASA_OPENBLAS_CORE" >&2
}
