# Helpers shared by the scripts in this directory. Source it; do not run it.

# Tools are built once per machine into the user's cache, keyed by version,
# so every clone and every later run on the same machine reuses them.
cache_dir() {
  printf '%s/terraform-provider-sms\n' "${XDG_CACHE_HOME:-$HOME/.cache}"
}

# Progress goes to stderr: stdout of the *-path scripts is the answer.
log() {
  printf '%s\n' "$*" >&2
}

# cached_tool DIR NAME BUILD prints DIR/NAME. When it is missing it first
# calls "BUILD STAGING", which must leave NAME in the fresh directory
# STAGING; the final rename is atomic, so an interrupted build never leaves
# a half-written binary that a later run would trust.
cached_tool() {
  local dir=$1 name=$2 build=$3 staging cleanup
  if [[ ! -x $dir/$name ]]; then
    mkdir -p "$dir"
    staging=$(mktemp -d "$dir/.staging.XXXXXX")
    printf -v cleanup 'rm -rf %q' "$staging"
    trap "$cleanup" EXIT
    log "Building $name into $dir (once per machine; this takes a few minutes)..."
    "$build" "$staging" >&2
    mv -f "$staging/$name" "$dir/$name"
    rm -rf "$staging"
    trap - EXIT
  fi
  printf '%s\n' "$dir/$name"
}
