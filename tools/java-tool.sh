# Sourced by the tool wrappers (tools/dlq.sh, tools/replay.sh, tools/schemas.sh,
# tools/kafka-exporter.sh, tools/bench.sh): builds the tool's module when its sources are newer than
# its jar, then runs its main class with the module's runtime jars.
#   run_java_tool <module, e.g. dlq-tool (tools/ops/) or benchmark (tools/)> <main class> [java options --] [args...]
run_java_tool() {
  local module=$1 main=$2; shift 2
  local root; root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  local dir=tools/ops/$module
  [[ -d "$root/$dir" ]] || dir=tools/$module
  local jar="$root/$dir/target/$module-0.1.0-SNAPSHOT.jar"
  local log="${TMPDIR:-/tmp}/$module-build.log"
  if [[ ! -f "$jar" || -n "$(find "$root/$dir/src" "$root/libs/event-contracts/src" -newer "$jar" -type f -print -quit)" ]]; then
    echo "[$module] building it (mvn install -pl $dir -am) ..." >&2
    # target/lib is copied, never pruned: a jar left from an older version would share the classpath
    rm -rf "$root/$dir/target/lib"
    "$root/mvnw" -B -q -f "$root/pom.xml" -pl "$dir" -am -DskipTests install >"$log" 2>&1 \
      || { tail -n 30 "$log" >&2; echo "[$module] build failed (log: $log)" >&2; exit 1; }
  fi
  local jvm=()
  while [[ $# -gt 0 && "$1" == -X* ]]; do jvm+=("$1"); shift; done
  exec java "${jvm[@]}" -cp "$jar:$root/$dir/target/lib/*" "$main" "$@"
}
