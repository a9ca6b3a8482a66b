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
