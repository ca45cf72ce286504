#!/usr/bin/env bash
# Builds the binaries `npm run e2e` drives, from Go modules, into a cache outside the work tree:
#   ${AGENT_ESTATE_CACHE:-~/.cache/agent-estate}/tools/<binary>-<version>-<wrapper hash>/<binary>
# Each binary has its own wrapper module under tools/<binary>/ (its own go.mod: their dependency
# versions never meet). A cached binary is reused; the key changes with the version or the wrapper.
# Prints the directory of each binary, one a line, for PATH. Progress goes to stderr.
set -euo pipefail
tools="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$tools")"
cache="${AGENT_ESTATE_CACHE:-$HOME/.cache/agent-estate}/tools"
mkdir -p "$cache"
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -trimpath -mod=mod"

# The version of an npm package as package-lock.json pins it.
npm_version() { node -e 'console.log(require(process.argv[1]).packages["node_modules/" + process.argv[2]].version)' "$repo/package-lock.json" "$1"; }
# The version a wrapper's go.mod requires of a module.
go_version() { (cd "$tools/$1" && go list -m -f '{{.Version}}' "$2"); }
# A short hash of a wrapper's files: a changed wrapper is a new cache entry.
wrapper_hash() { (cd "$tools/$1" && cat go.mod go.sum ./*.go 2>/dev/null | sha256sum | cut -c1-12); }

# build NAME WRAPPER VERSION PACKAGE LDFLAGS [PREPARE]: builds the PACKAGE of tools/WRAPPER as NAME into the
# cache unless it is there. PREPARE, if given, runs in a scratch copy of the wrapper before the build
# (to generate embedded files).
build() {
    local name="$1" wrapper="$2" version="$3" pkg="$4" ldflags="$5" prepare="${6:-}"
    local dir="$cache/$name-$version-$(wrapper_hash "$wrapper")"
    if [[ ! -x "$dir/$name" ]]; then
        echo "building $name $version (cold: minutes; cached in $dir)" >&2
        local started=$SECONDS work
        work="$(mktemp -d)"
        cp -r "$tools/$wrapper/." "$work/"
        if [[ -n "$prepare" ]]; then (cd "$work" && "$prepare" "$version"); fi
        mkdir -p "$work/out"
        (cd "$work" && nice go build -ldflags "-s -w $ldflags" -o "$work/out/$name" "$pkg")
        mkdir -p "$dir"
        mv "$work/out/$name" "$dir/$name.tmp" && mv "$dir/$name.tmp" "$dir/$name"
        rm -rf "$work"
        echo "built $name in $((SECONDS - started)) s" >&2
    fi
    echo "$dir"
}

# The Pulumi CLI, at the SDK's version: the Automation API refuses a CLI older than its SDK.
pulumi_version="$(npm_version @pulumi/pulumi)"
if [[ "v$pulumi_version" != "$(go_version pulumi github.com/pulumi/pulumi/pkg/v3)" ]]; then
    echo "tools/pulumi/go.mod requires pkg/v3 $(go_version pulumi github.com/pulumi/pulumi/pkg/v3) but package-lock pins @pulumi/pulumi $pulumi_version: update the wrapper (go get -tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$pulumi_version)" >&2
    exit 1
fi
# (cgo as go defaults for it: the system's resolver and user lookup; the others are static.)
CGO_ENABLED=1 build pulumi pulumi "$pulumi_version" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version"

# The Kubernetes provider: its main embeds a schema and a Terraform mapping generated at release time.
# The module proxy serves one build of provider/v4 (a pseudo-version), so the plugin carries that version.
k8s_provider_module="$(go_version pulumi-resource-kubernetes github.com/pulumi/pulumi-kubernetes/provider/v4)"
k8s_provider_version="${k8s_provider_module#v}"
embed_schema() {
    local module
    # `go list -m` names no directory until the module is in the cache: download it first (cold cache).
    go mod download github.com/pulumi/pulumi-kubernetes/provider/v4
    module="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)/cmd/pulumi-resource-kubernetes"
    node -e '
        const fs = require("fs");
        const [dir, version] = process.argv.slice(1);
        const schema = JSON.parse(fs.readFileSync(dir + "/schema.json", "utf8"));
        schema.version = version;
        fs.writeFileSync("schema-embed.json", JSON.stringify(schema));
        fs.writeFileSync("terraform-mapping-embed.json", JSON.stringify(JSON.parse(fs.readFileSync(dir + "/terraform-mapping.json", "utf8"))));
    ' "$module" "$1"
}
build pulumi-resource-kubernetes pulumi-resource-kubernetes "$k8s_provider_version" . \
    "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$k8s_provider_version" embed_schema

# kube-apiserver, and kube-controller-manager for what a bare API server leaves to controllers (namespace
# deletion, garbage collection, service accounts), from one wrapper: one Kubernetes release. Their
# version is stamped so /version and the compatibility version are real.
kube_version="$(go_version kubernetes k8s.io/kubernetes)"
kube_minor="$(echo "$kube_version" | cut -d. -f2)"
kube_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    kube_ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
build kube-apiserver kubernetes "$kube_version" k8s.io/kubernetes/cmd/kube-apiserver "$kube_ldflags"
build kube-controller-manager kubernetes "$kube_version" k8s.io/kubernetes/cmd/kube-controller-manager "$kube_ldflags"

# etcd, at the version whose client kube-apiserver is built with.
build etcd etcd "$(go_version etcd go.etcd.io/etcd/server/v3)" . ""

# The policy-pack runner the CLI starts for a Node policy pack (a script, in the repository).
echo "$tools/bin"
