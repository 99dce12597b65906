# Sourced by the project's scripts: finds a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*. Fails with what to install.
asyncio4j_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
asyncio4j_find_jdk() {
  local candidate major
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for candidate in /usr/lib/jvm/*; do candidates+=("$candidate"); done
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(asyncio4j_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      # Maven's bundled Guava uses sun.misc.Unsafe; JDK 24+ warns about it on every build.
      if [ "$major" -ge 24 ]; then
        export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
      fi
      return 0
    fi
  done
  echo "asyncio4j needs a JDK 21 or newer (25 recommended); none found in JAVA_HOME, PATH or /usr/lib/jvm." >&2
  echo "Install one, e.g. 'sudo apt-get install -y openjdk-21-jdk-headless' or Temurin 25, or set JAVA_HOME." >&2
  return 1
}
asyncio4j_find_jdk || exit 1
if ! command -v mvn >/dev/null 2>&1; then
  echo "asyncio4j builds with Apache Maven 3.8+; install it with 'sudo apt-get install -y maven'." >&2
  exit 1
fi
