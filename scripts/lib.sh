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

# release_tool NAME MODULE PACKAGE prints the path of a tool that
# tools/release/go.mod pins, building PACKAGE there once per version of
# MODULE. Building inside that module uses its go.sum, so the tool and each
# of its dependencies are the versions committed there, and the dependency
# bot's updates of that file also rename the cached copy.
release_tool() {
  local name=$1 module=$2 package=$3 tools version
  tools=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools/release" && pwd)
  version=$(cd "$tools" && go list -m -f '{{.Version}}' "$module")
  build_release_tool() {
    (cd "$tools" && go build -o "$1/$name" "$package")
  }
  cached_tool "$(cache_dir)/$name-$version" "$name" build_release_tool
}

# terraform_release MINOR prints the path of the Terraform release that
# tools/terraform-MINOR/go.mod pins, building it there once per version.
# `go install` cannot build Terraform 1.9 and later: their go.mod replaces
# state backends with folders that the module zip leaves out, and that
# module stands in for them (see tools/terraform-stand-ins).
terraform_release() {
  local minor=$1 tools version
  tools=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools/terraform-$minor" && pwd)
  version=$(cd "$tools" && go list -m -f '{{.Version}}' github.com/hashicorp/terraform)
  # Release builds set version.dev=no; without it the CLI calls itself a
  # -dev prerelease, which version checks treat as older than the release.
  build_terraform_release() {
    (cd "$tools" && go build -ldflags '-X github.com/hashicorp/terraform/version.dev=no' \
      -o "$1/terraform" github.com/hashicorp/terraform)
  }
  cached_tool "$(cache_dir)/terraform-${version#v}" terraform build_terraform_release
}

# copy_examples REPO DIR copies the whole examples tree of REPO to DIR, so
# that relative module sources still resolve, minus anything a local run
# there may have left behind.
copy_examples() {
  cp -R "$1/examples" "$2"
  find "$2" \( -name .terraform -o -name '.terraform.lock.hcl' -o -name '*.tfstate' \
    -o -name '*.tfstate.backup' \) -prune -exec rm -rf {} +
}

# start_sandbox BIN DIR starts the sandbox API of the provider binary BIN
# on a free loopback port, with its output in DIR, waits until it has
# printed its address and key, and exports them as SMS_ENDPOINT and
# SMS_API_KEY, replacing the caller's. stop_sandbox ends it; call that from
# an EXIT trap too.
start_sandbox() {
  local bin=$1 dir=$2 tries line
  # Created here, not by the redirection, which may not have happened when
  # the loop below first reads it.
  : >"$dir/sandbox.env"
  "$bin" sandbox --listen 127.0.0.1:0 >"$dir/sandbox.env" 2>"$dir/sandbox.log" &
  sandbox_pid=$!
  # Wait for both whole lines, for at most ten seconds.
  for ((tries = 0; ; tries++)); do
    (($(wc -l <"$dir/sandbox.env") >= 2)) && break
    if ! kill -0 "$sandbox_pid" 2>/dev/null || ((tries >= 100)); then
      log "The sandbox did not start; its log follows."
      cat "$dir/sandbox.log" >&2
      return 1
    fi
    sleep 0.1
  done
  unset SMS_ENDPOINT SMS_API_KEY
  while IFS= read -r line; do
    case ${line%%=*} in
      SMS_ENDPOINT | SMS_API_KEY) export "${line%%=*}=${line#*=}" ;;
    esac
  done <"$dir/sandbox.env"
  if [[ -z ${SMS_ENDPOINT:-} || -z ${SMS_API_KEY:-} ]]; then
    log "The sandbox did not print SMS_ENDPOINT and SMS_API_KEY."
    return 1
  fi
}

stop_sandbox() {
  if [[ -n ${sandbox_pid:-} ]]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
    sandbox_pid=
  fi
}
