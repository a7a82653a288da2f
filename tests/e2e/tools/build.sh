#!/usr/bin/env bash
# Builds the pinned tools the e2e suite needs (pulumi CLI + plugins and language hosts, our
# pulumi-sdkgen, kube-apiserver, etcd, cert-manager's controller and webhook) from
# their published Go modules into a cache outside the work tree, and prints the bin directory as
# the last line of stdout. Idempotent: tools already in the cache are skipped. See README.md.
#
#   tests/e2e/tools/build.sh           build what is missing, print the bin dir
#   tests/e2e/tools/build.sh --check   exit 0 (and print the bin dir) if every tool is built, else 1
#
# Cache: ${KUBEDB_MSSQL_E2E_CACHE:-$HOME/.cache/kubedb-mssql-e2e}/<key>/bin, where <key> hashes the
# pinned files in this folder and the Go version, so changing a pin builds into a new directory.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE_ROOT=${KUBEDB_MSSQL_E2E_CACHE:-$HOME/.cache/kubedb-mssql-e2e}

# ---- pins that live in this script (the rest are in the tools' go.mod / go.sum) ----
PULUMI_VERSION=v3.248.0
LANGUAGE_NODEJS_VERSION=v3.68.0   # version of the sdk/v3 module the language host comes from
LANGUAGE_PYTHON_VERSION=v3.68.0   # likewise (pulumi-language-python/go.mod); its -exec shim is copied from it
LANGUAGE_YAML_VERSION=v1.25.0     # github.com/pulumi/pulumi-yaml (pulumi-language-yaml/go.mod)
K8S_PROVIDER_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
K8S_PROVIDER_PSEUDO=v4.0.0-20260115033456-f47bc2d6f199   # = tag v4.25.0
K8S_PROVIDER_SUM=h1:j2bphCf7c2YhnBrhwht2f3TNRRgcMImltUlAgzxr9H4=
K8S_PROVIDER_VERSION=4.25.0
RANDOM_PROVIDER_VERSION=4.21.1
KUBE_VERSION=v1.36.3
CERT_MANAGER_VERSION=v1.21.2  # the module both cert-manager/*/go.mod require

TOOLS=(pulumi pulumi-language-nodejs pulumi-language-python pulumi-language-python-exec
  pulumi-language-yaml pulumi-sdkgen pulumi-resource-pulumi-nodejs pulumi-resource-kubernetes
  pulumi-resource-random kube-apiserver kube-controller-manager etcd
  cert-manager-controller cert-manager-webhook)

die() { echo "build.sh: error: $*" >&2; exit 1; }

command -v go >/dev/null || die "go is not on PATH (Go >= 1.26 is needed)"

# Key: the pinned inputs (not README.md, not generated files) plus the Go version.
key=$(
  cd "$HERE"
  {
    go env GOVERSION GOOS GOARCH
    find . -type f \( -name go.mod -o -name go.sum -o -name '*.go' -o -name build.sh \
      -o -name pulumi-resource-pulumi-nodejs \) -not -path '*/.gen/*' -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
)
DIR=$CACHE_ROOT/$key
BIN=$DIR/bin

missing=()
for t in "${TOOLS[@]}"; do [[ -x $BIN/$t ]] || missing+=("$t"); done

if [[ ${1:-} == --check ]]; then
  if ((${#missing[@]})); then
    echo "build.sh: cache $DIR is missing: ${missing[*]}" >&2
    exit 1
  fi
  echo "$BIN"
  exit 0
elif [[ $# -gt 0 ]]; then
  die "unknown argument: $1 (usage: build.sh [--check])"
fi

mkdir -p "$BIN" "$DIR/build"
exec 9>"$DIR/.lock"
flock 9 # one build per cache key at a time

export CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false"
LDFLAGS="-s -w"

# stage <tool>: fresh copy of tools/<tool> in the cache, to build (and generate sources) in.
stage() {
  local src=$HERE/$1 dst=$DIR/build/$1
  rm -rf "$dst"
  mkdir -p "$dst"
  (cd "$src" && tar --exclude=./.gen -cf - .) | (cd "$dst" && tar -xf -)
  echo "$dst"
}

build_pulumi() {
  cd "$(stage pulumi)"
  go build -tags osusergo,grpcnotrace -o "$1" \
    -ldflags "$LDFLAGS -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_pulumi-language-nodejs() {
  cd "$(stage pulumi-language-nodejs)"
  go build -tags osusergo,grpcnotrace -o "$1" \
    -ldflags "$LDFLAGS -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANGUAGE_NODEJS_VERSION" \
    github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
}

build_pulumi-language-python() {
  cd "$(stage pulumi-language-python)"
  go build -tags osusergo,grpcnotrace -o "$1" \
    -ldflags "$LDFLAGS -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANGUAGE_PYTHON_VERSION" \
    github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python
}

# The host runs `python3 <dir of its executable>/pulumi-language-python-exec …`: a Python script in the
# same module (python/cmd/pulumi-language-python-exec), copied out of the downloaded module.
build_pulumi-language-python-exec() {
  local d info dir version
  d=$(stage pulumi-language-python)
  info=$(cd "$d" && GOFLAGS= go mod download -json github.com/pulumi/pulumi/sdk/v3) ||
    die "go mod download github.com/pulumi/pulumi/sdk/v3 failed: $info"
  dir=$(jq -r .Dir <<<"$info")
  version=$(jq -r .Version <<<"$info")
  [[ $version == "$LANGUAGE_PYTHON_VERSION" ]] ||
    die "pulumi-language-python/go.mod selects sdk/v3 $version, build.sh pins $LANGUAGE_PYTHON_VERSION"
  install -m 0755 "$dir/python/cmd/pulumi-language-python-exec" "$1"
}

build_pulumi-language-yaml() {
  cd "$(stage pulumi-language-yaml)"
  go build -o "$1" \
    -ldflags "$LDFLAGS -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$LANGUAGE_YAML_VERSION" \
    github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
}

# Ours (pulumi-sdkgen/main.go): pkg/v3 v3.248.0's nodejs/python/go SDK generators, no plugin host.
build_pulumi-sdkgen() {
  cd "$(stage pulumi-sdkgen)"
  go build -o "$1" -ldflags "$LDFLAGS" .
}

build_pulumi-resource-pulumi-nodejs() {
  install -m 0755 "$HERE/pulumi-resource-pulumi-nodejs" "$1"
}

build_pulumi-resource-kubernetes() {
  local d info dir sum
  d=$(stage pulumi-resource-kubernetes)
  # The module's main //go:embeds schema-embed.json and terraform-mapping-embed.json, which are
  # generated, not published: build from a writable copy of the module with them added.
  info=$(cd "$d" && GOFLAGS= go mod download -json "$K8S_PROVIDER_MODULE@$K8S_PROVIDER_PSEUDO") ||
    die "go mod download $K8S_PROVIDER_MODULE@$K8S_PROVIDER_PSEUDO failed: $info"
  dir=$(jq -r .Dir <<<"$info")
  sum=$(jq -r .Sum <<<"$info")
  [[ $sum == "$K8S_PROVIDER_SUM" ]] || die "$K8S_PROVIDER_MODULE@$K8S_PROVIDER_PSEUDO has sum $sum, want $K8S_PROVIDER_SUM"
  mkdir -p "$d/.gen"
  cp -R "$dir" "$d/.gen/provider"
  chmod -R u+w "$d/.gen/provider"
  cd "$d"
  go run ./genembed -version "$K8S_PROVIDER_VERSION" .gen/provider/cmd/pulumi-resource-kubernetes
  go build -o "$1" \
    -ldflags "$LDFLAGS -X $K8S_PROVIDER_MODULE/pkg/version.Version=$K8S_PROVIDER_VERSION" \
    "$K8S_PROVIDER_MODULE/cmd/pulumi-resource-kubernetes"
}

build_pulumi-resource-random() {
  cd "$(stage pulumi-resource-random)"
  local ld="$LDFLAGS -X kubedb-mssql/e2e-tools/pulumi-random/provider.Version=$RANDOM_PROVIDER_VERSION"
  local out=cmd/pulumi-resource-random
  # Generate the Pulumi schema + bridge metadata from the Terraform provider (what upstream
  # commits as schema.json / bridge-metadata.json), then stamp the version into schema-embed.json.
  go build -o .gen/pulumi-tfgen-random -ldflags "$ld" ./cmd/pulumi-tfgen-random
  .gen/pulumi-tfgen-random schema --skip-examples --quiet --out "$out" >.gen/tfgen.log 2>&1 ||
    { tail -n 30 .gen/tfgen.log >&2; die "pulumi-tfgen-random schema failed (log: $PWD/.gen/tfgen.log)"; }
  go run ./genembed -version "$RANDOM_PROVIDER_VERSION" "$out"
  go build -o "$1" -ldflags "$ld" ./cmd/pulumi-resource-random
}

# build_k8s <out> <cmd>: a k8s.io/kubernetes command, version stamped like hack/lib/version.sh does.
build_k8s() {
  [[ -d $DIR/build/kubernetes ]] || stage kubernetes >/dev/null
  cd "$DIR/build/kubernetes"
  local minor=${KUBE_VERSION#v1.}
  minor=${minor%%.*}
  local ld="$LDFLAGS" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  go build -o "$1" -ldflags "$ld" "k8s.io/kubernetes/cmd/$2"
}
build_kube-apiserver() { build_k8s "$1" kube-apiserver; }
build_kube-controller-manager() { build_k8s "$1" kube-controller-manager; }

build_etcd() {
  cd "$(stage etcd)"
  go build -o "$1" -ldflags "$LDFLAGS" .
}

# cert-manager: our mains over upstream's packages (its own binary modules are not served).
build_cert-manager-controller() {
  cd "$(stage cert-manager/controller)"
  go build -o "$1" -ldflags "$LDFLAGS -X github.com/cert-manager/cert-manager/pkg/util.AppVersion=$CERT_MANAGER_VERSION" .
}
build_cert-manager-webhook() {
  cd "$(stage cert-manager/webhook)"
  go build -o "$1" -ldflags "$LDFLAGS -X github.com/cert-manager/cert-manager/pkg/util.AppVersion=$CERT_MANAGER_VERSION" .
}

total_start=$SECONDS
for t in "${TOOLS[@]}"; do
  if [[ -x $BIN/$t ]]; then
    echo "build.sh: $t: cached" >&2
    continue
  fi
  echo "build.sh: $t: building..." >&2
  start=$SECONDS
  tmp=$BIN/.$t.tmp
  rm -f "$tmp"
  if ! ("build_$t" "$tmp") >&2; then
    rm -f "$tmp"
    die "building $t failed (see output above; build dir: $DIR/build)"
  fi
  mv -f "$tmp" "$BIN/$t"
  echo "build.sh: $t: built in $((SECONDS - start))s" >&2
done
rm -rf "$DIR/build" # generated sources; only the binaries are kept
echo "build.sh: all tools in $BIN (this run: $((SECONDS - total_start))s)" >&2
echo "$BIN"
