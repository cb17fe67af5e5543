# Sourced by the tool wrappers (tools/dlq.sh, tools/kafka-exporter.sh): builds the tool's module
# when its sources are newer than its jar, then runs its main class with the module's runtime jars.
#   run_java_tool <module, e.g. dlq-tool> <main class> [java options --] [args...]
run_java_tool() {
  local module=$1 main=$2; shift 2
  local root; root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  local jar="$root/tools/ops/$module/target/$module-0.1.0-SNAPSHOT.jar"
  local log="${TMPDIR:-/tmp}/$module-build.log"
  if [[ ! -f "$jar" || -n "$(find "$root/tools/ops/$module/src" "$root/libs/event-contracts/src" -newer "$jar" -type f -print -quit)" ]]; then
    echo "[$module] building it (mvn install -pl tools/ops/$module -am) ..." >&2
    # target/lib is copied, never pruned: a jar left from an older version would share the classpath
    rm -rf "$root/tools/ops/$module/target/lib"
    "$root/mvnw" -B -q -f "$root/pom.xml" -pl "tools/ops/$module" -am -DskipTests install >"$log" 2>&1 \
      || { tail -n 30 "$log" >&2; echo "[$module] build failed (log: $log)" >&2; exit 1; }
  fi
  local jvm=()
  while [[ $# -gt 0 && "$1" == -X* ]]; do jvm+=("$1"); shift; done
  exec java "${jvm[@]}" -cp "$jar:$root/tools/ops/$module/target/lib/*" "$main" "$@"
}
