# Shell helpers shared by the demo, the benchmarks and the pipelines' tests.
# Source it; it defines functions only.

# free_port: prints a free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_registry DIR: starts a throwaway docker-registry (plain HTTP, deletion
# enabled) with its storage in DIR, waits until it answers, and prints its
# address as the tools write it (http://127.0.0.1:PORT). Its pid is in DIR/pid.
start_registry() {
  local dir=$1 port
  port=$(free_port)
  mkdir -p "$dir/data"
  cat > "$dir/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: reg-throwaway
YAML
  docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
  echo $! > "$dir/pid"
  for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then
      echo "http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  echo "start_registry: docker-registry did not start; see $dir/log" >&2
  return 1
}

# stop_registry DIR: stops the registry started in DIR.
stop_registry() {
  [ -f "$1/pid" ] && kill "$(cat "$1/pid")" 2>/dev/null || true
}

# write_bench_section NAME TEXT: replaces the lines between <!-- NAME:begin -->
# and <!-- NAME:end --> in BENCHMARKS.md with TEXT (appending the section if new).
write_bench_section() {
  local name=$1 text=$2 file=BENCHMARKS.md
  [ -f "$file" ] || printf '# Benchmarks\n\nMeasured by the scripts in bench/ on this machine; each script rewrites its own section.\n' > "$file"
  python3 - "$file" "$name" "$text" <<'PY'
import sys
path, name, text = sys.argv[1:4]
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
doc = open(path).read()
block = f"{begin}\n{text.rstrip()}\n{end}"
if begin in doc and end in doc:
    doc = doc[:doc.index(begin)] + block + doc[doc.index(end) + len(end):]
else:
    doc = doc.rstrip() + "\n\n" + block + "\n"
open(path, "w").write(doc)
PY
}

# build_release TOOL...: builds the tools in release mode; prints the bin folder.
build_release() {
  local tool
  for tool in "$@"; do
    swift build -c release --product "$tool" >/dev/null 2>&1 || swift build -c release --product "$tool" >&2 || return 1
  done
  swift build -c release --show-bin-path
}
