# Shared by the scripts: finds a JDK >= 22 and Maven, and defines the JVM flags Brasa runs with.
# Source it; it sets JAVA_HOME, JAVA, MVN and BRASA_JVM_FLAGS, or exits with a one-line reason.

BRASA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BRASA_MIN_JDK=22
BRASA_MAVEN_VERSION=3.9.9
# -XX:Tier4MinInvocationThreshold=40 (HotSpot's default 600): a method whose loops run long gets C2's
# standard compile after 40 calls instead of first an on-stack-replacement compile and later a second,
# standard one (OSR time 0.55 -> 0.24 s of C2's 2.3 s in lesson 000's first two epochs; whole jobs
# 5-12% shorter on 2 cores, same output; bench/results/cold-twins.md, "C2 once, not twice"). The README gives it to users below its JVM flags table.
# --add-exports java.base/jdk.internal.misc: ops' float outputs allocated without zeroing (the JDK's
# allocateUninitializedArray; without the flag, zeroed arrays): bench/results/unset-outputs.md.
BRASA_JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  -XX:Tier4MinInvocationThreshold=40)

# jdk_version DIR: prints the feature version of the JDK in DIR (e.g. 25), or nothing.
jdk_version() {
  local dir="$1" v
  [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] || return 0
  if [ -f "$dir/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$dir/release")
  fi
  if [ -z "${v:-}" ]; then
    v=$("$dir/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  fi
  echo "${v:-}"
}

find_jdk() {
  local best="" best_v=0 v d
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(jdk_version "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$BRASA_MIN_JDK" ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for d in /usr/lib/jvm/*; do
    [ -d "$d" ] || continue
    v=$(jdk_version "$d")
    if [ -n "$v" ] && [ "$v" -ge "$BRASA_MIN_JDK" ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  [ -n "$best" ] && echo "$best"
}

JAVA_HOME_FOUND="$(find_jdk || true)"
if [ -z "$JAVA_HOME_FOUND" ]; then
  echo "error: Brasa needs a JDK >= $BRASA_MIN_JDK (java and javac); none found in JAVA_HOME (${JAVA_HOME:-unset}) or /usr/lib/jvm/*. Install one (for example Temurin 25) or point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME="$JAVA_HOME_FOUND"
JAVA="$JAVA_HOME/bin/java"

# Maven: the one on PATH if it is >= 3.8, else a copy fetched once from Maven Central.
find_mvn() {
  if command -v mvn >/dev/null 2>&1; then
    local v
    v=$(mvn -B -v 2>/dev/null | sed -e "s/\x1b\[[0-9;]*m//g" | sed -n 's/^Apache Maven \([0-9]*\.[0-9]*\).*/\1/p' | head -n1)
    case "$v" in 3.[89]|3.[1-9][0-9]|[4-9].*) command -v mvn; return 0 ;; esac
  fi
  local home="${HOME:-/tmp}/.m2/wrapper/apache-maven-$BRASA_MAVEN_VERSION"
  if [ ! -x "$home/bin/mvn" ]; then
    local url="https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/$BRASA_MAVEN_VERSION/apache-maven-$BRASA_MAVEN_VERSION-bin.tar.gz"
    echo "fetching Maven $BRASA_MAVEN_VERSION from Maven Central" >&2
    mkdir -p "$(dirname "$home")" && curl -fsSL "$url" | tar -xz -C "$(dirname "$home")" || {
      echo "error: no Maven >= 3.8 on PATH and could not fetch $url" >&2; exit 1; }
  fi
  echo "$home/bin/mvn"
}
MVN="$(find_mvn)"
# Maven itself still calls sun.misc.Unsafe; keep JDK 24+ from warning about it on every run.
if [ "$(jdk_version "$JAVA_HOME")" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
