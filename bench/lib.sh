# Shell helpers shared by the side-by-side benchmarks (bench/copy, bench/scrape).
# Source it from the repository root after `set -euo pipefail`; it defines functions only,
# plus oci_manifest. The functions that write files write under $work (bench_workdir sets it).
. scripts/lib/registry.sh

oci_manifest=application/vnd.oci.image.manifest.v1+json

# bench_setup: what reg needs, and GNU time for peak RSS.
bench_setup() {
  scripts/setup
  [ -x /usr/bin/time ] || { apt-get install -y -qq time >/dev/null 2>&1 || sudo apt-get install -y -qq time >/dev/null; }
}

# bench_workdir: makes the temporary folder $work; at exit, stops every registry started in a
# folder directly under it and removes it.
bench_workdir() {
  work=$(mktemp -d)
  trap bench_cleanup EXIT
}
bench_cleanup() {
  local d
  for d in "$work"/*/; do stop_registry "${d%/}"; done
  rm -rf "$work"
}

# upload_location REGISTRY REPO: starts a blob upload; prints its URL.
upload_location() {
  local loc
  loc=$(curl -fsS -o /dev/null -D - -X POST "$1/v2/$2/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  case $loc in http*) echo "$loc" ;; *) echo "$1$loc" ;; esac
}

# push_random_image REGISTRY REPO MIB...: pushes REPO:1, an OCI image with a layer for each
# MIB: that many MiB of random data, gzipped (gzip, so that skopeo copies the layer as it is
# rather than compressing it on the way; random, so that it stays that size). One layer on
# disk at a time.
push_random_image() {
  local registry=$1 repo=$2 mib d size layers="" diffs="" sep=""
  shift 2
  for mib in "$@"; do
    head -c $((mib << 20)) /dev/urandom | gzip -1 > "$work/layer"
    d=$(sha256sum "$work/layer" | cut -c1-64)
    size=$(stat -c %s "$work/layer")
    curl -fsS -o /dev/null -T "$work/layer" -H 'Content-Type: application/octet-stream' \
      "$(upload_location "$registry" "$repo")&digest=sha256:$d"
    layers+="$sep{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$size}"
    diffs+="$sep\"sha256:$(gzip -dc "$work/layer" | sha256sum | cut -c1-64)\""
    sep=,
    rm -f "$work/layer"
  done
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs" > "$work/config"
  d=$(sha256sum "$work/config" | cut -c1-64)
  curl -fsS -o /dev/null -T "$work/config" -H 'Content-Type: application/octet-stream' \
    "$(upload_location "$registry" "$repo")&digest=sha256:$d"
  printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
    "$oci_manifest" "$d" "$(stat -c %s "$work/config")" "$layers" > "$work/manifest"
  curl -fsS -o /dev/null -X PUT -H "Content-Type: $oci_manifest" --data-binary @"$work/manifest" "$registry/v2/$repo/manifests/1"
  rm -f "$work/config" "$work/manifest"
}

# timed NAME COMMAND...: runs it (a program or a function) and appends its seconds to $work/NAME.t.
timed() {
  local name=$1 s e
  shift
  s=$(date +%s.%N)
  "$@"
  e=$(date +%s.%N)
  python3 -c "print(f'{$e-$s:.3f}')" >> "$work/$name.t"
}
# with_rss NAME PROGRAM...: runs the program under /usr/bin/time, its standard output to
# $work/out, and appends its peak RSS in MiB to $work/NAME.rss.
with_rss() {
  local name=$1
  shift
  /usr/bin/time -f %M -o "$work/rss" "$@" > "$work/out"
  python3 -c "print(f'{$(tail -1 "$work/rss")/1024:.1f}')" >> "$work/$name.rss"
}
# median FILE [DIGITS]: the median of the numbers in FILE, and their range: "4.21 (3.98-4.90)".
median() {
  python3 -c "import statistics, sys; v = [float(x) for x in open(sys.argv[1])]; d = int(sys.argv[2]); print(f'{statistics.median(v):.{d}f} ({min(v):.{d}f}-{max(v):.{d}f})')" "$1" "${2:-2}"
}
value() { median "$1" | cut -d' ' -f1; }
ratio() { python3 -c "print(f'{$(value "$1")/$(value "$2"):.2f}')"; }

# machine_text LOAD: the opening of a section: date, cores, CPU, MACHINE_NOTE, the load average
# at the start (LOAD) and now, and that busy runs are noisy.
machine_text() {
  echo "$(date -u +%Y-%m-%d), $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1))${MACHINE_NOTE:+, $MACHINE_NOTE}; load average
$1 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end. Runs on a busy machine are noisy: each figure is the
median of the runs, with their range in brackets."
}
