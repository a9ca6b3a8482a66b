# Options that every networked reg tool takes, for the pipelines: source it after setting
# prog (the pipeline's name, for messages). It defines functions only.
#
# A pipeline runs several tools; transport options must reach each of them (a private CA
# is needed by reg-ls as much as by reg-rm). Credentials cannot be handed out that way:
# --password-stdin gives the one standard input to the first tool, so the tools read
# REG_USERNAME and REG_PASSWORD from the environment, or the Docker config, instead.

# take_transport_option ARGS...: when $1 is a transport option (TLS: -k/--insecure,
# --ca-file, --cert, --key; transfer: -j/--jobs, --retries, --timeout), appends it and its
# value to the array `transport` and sets `taken` to the number of arguments used; else sets
# taken=0. Credential options end the pipeline with status 2 and a message saying what to use.
take_transport_option() {
  taken=0
  case $1 in
    -k | --insecure | --ca-file=* | --cert=* | --key=* | --jobs=* | --retries=* | --timeout=*)
      transport+=("$1")
      taken=1
      ;;
    --ca-file | --cert | --key | -j | --jobs | --retries | --timeout)
      if [ $# -lt 2 ]; then
        echo "$prog: $1 needs a value" >&2
        exit 2
      fi
      transport+=("$1" "$2")
      taken=2
      ;;
    -u | --username | --username=* | --password-stdin)
      echo "$prog: $1: a pipeline cannot hand a password to each of its tools; set REG_USERNAME and REG_PASSWORD in the environment, or log in with docker login (the Docker config)" >&2
      exit 2
      ;;
  esac
}

# add_reg_tools_to_path TOOL: uses the reg tools on PATH, else this checkout's builds.
add_reg_tools_to_path() {
  local here dir
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  for dir in "$here/.build/release" "$here/.build/debug"; do
    command -v "$1" >/dev/null 2>&1 || { [ -x "$dir/$1" ] && PATH="$dir:$PATH"; }
  done
}
