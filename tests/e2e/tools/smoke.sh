#!/usr/bin/env bash
# Smoke test of the tools built by build.sh: versions, plugins start, etcd + kube-apiserver on
# 127.0.0.1 answer /api/v1/namespaces, and the pulumi CLI runs a Node.js program that uses
# @pulumi/random and @pulumi/kubernetes against that API server. Everything stays on loopback.
#
#   tests/e2e/tools/smoke.sh [BIN_DIR]     (default: the output of build.sh --check)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=${1:-$("$HERE/build.sh" --check)}
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  local i p
  # Stop in reverse start order (controller-manager, apiserver, etcd); SIGKILL after 15s.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    p=${PIDS[i]}
    kill "$p" 2>/dev/null || continue
    timeout 15 tail --pid="$p" -f /dev/null || kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== versions"
"$BIN/kube-controller-manager" --version
"$BIN/pulumi" version | grep -qx v3.248.0 || fail "pulumi version"
"$BIN/pulumi" version
"$BIN/kube-apiserver" --version
"$BIN/etcd" --version | sed -n 1p # not head: under pipefail, etcd may die of SIGPIPE (exit 141)
"$BIN/pulumi-resource-random" --version
[[ -x $BIN/pulumi-language-python-exec ]] || fail "pulumi-language-python-exec missing"
{ "$BIN/pulumi-sdkgen" 2>&1 || true; } | grep '^usage: pulumi-sdkgen' >/dev/null || fail "pulumi-sdkgen usage"

echo "== plugins start and print a port"
for p in pulumi-resource-kubernetes pulumi-resource-random pulumi-language-nodejs \
  pulumi-language-python pulumi-language-yaml; do
  "$BIN/$p" >"$TMP/$p.out" 2>"$TMP/$p.err" &
  pid=$!
  for _ in $(seq 50); do [[ -s $TMP/$p.out ]] && break; sleep 0.2; done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  grep -qE '^[0-9]+$' "$TMP/$p.out" || { cat "$TMP/$p.err" >&2; fail "$p did not print a port"; }
  echo "$p: listened on port $(head -1 "$TMP/$p.out")"
done

echo "== etcd + kube-apiserver + kube-controller-manager"
ETCD_CLIENT=$(free_port) ETCD_PEER=$(free_port) KAS_PORT=$(free_port)
"$BIN/etcd" --name=e2e --data-dir="$TMP/etcd" \
  --listen-client-urls="http://127.0.0.1:$ETCD_CLIENT" --advertise-client-urls="http://127.0.0.1:$ETCD_CLIENT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster="e2e=http://127.0.0.1:$ETCD_PEER" --unsafe-no-fsync >"$TMP/etcd.log" 2>&1 &
PIDS+=($!)

openssl genrsa -out "$TMP/sa.key" 2048 2>/dev/null
openssl rsa -in "$TMP/sa.key" -pubout -out "$TMP/sa.pub" 2>/dev/null
TOKEN=$(openssl rand -hex 16)
echo "$TOKEN,admin,admin,system:masters" >"$TMP/tokens.csv"

for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ETCD_CLIENT/health" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$ETCD_CLIENT/health" >/dev/null || { tail "$TMP/etcd.log" >&2; fail "etcd not healthy"; }

"$BIN/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$ETCD_CLIENT" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$KAS_PORT" \
  --cert-dir="$TMP/certs" \
  --service-cluster-ip-range=10.0.0.0/24 \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$TMP/sa.pub" \
  --service-account-signing-key-file="$TMP/sa.key" \
  --token-auth-file="$TMP/tokens.csv" \
  --authorization-mode=AlwaysAllow \
  --allow-privileged=true >"$TMP/kas.log" 2>&1 &
PIDS+=($!)
start=$SECONDS
until curl -skf -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$KAS_PORT/readyz" >/dev/null; do
  ((SECONDS - start < 90)) || { tail -30 "$TMP/kas.log" >&2; fail "kube-apiserver not ready after 90s"; }
  sleep 0.5
done
echo "kube-apiserver ready after $((SECONDS - start))s"
curl -skf -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$KAS_PORT/api/v1/namespaces" |
  jq -r '.items[].metadata.name' | tr '\n' ' '
echo

cat >"$TMP/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: e2e, cluster: {server: "https://127.0.0.1:$KAS_PORT", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: "$TOKEN"}}]
contexts: [{name: e2e, context: {cluster: e2e, user: admin}}]
current-context: e2e
EOF

# The garbage collector and namespace controller live in kube-controller-manager: without it,
# foreground deletes (what pulumi-kubernetes does) and namespace deletion never finish.
"$BIN/kube-controller-manager" \
  --kubeconfig="$TMP/kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=0 \
  --leader-elect=false \
  --service-account-private-key-file="$TMP/sa.key" \
  --use-service-account-credentials=false >"$TMP/kcm.log" 2>&1 &
PIDS+=($!)
sleep 1
kill -0 "${PIDS[-1]}" 2>/dev/null || { tail -20 "$TMP/kcm.log" >&2; fail "kube-controller-manager exited"; }

echo "== pulumi up (nodejs, @pulumi/random + @pulumi/kubernetes + dynamic provider)"
mkdir -p "$TMP/proj" "$TMP/state" "$TMP/home"
cd "$TMP/proj"
cat >Pulumi.yaml <<'EOF'
name: smoke
runtime: nodejs
EOF
cat >package.json <<'EOF'
{"name": "smoke", "main": "index.ts",
 "dependencies": {"@pulumi/pulumi": "3.248.0", "@pulumi/random": "4.21.2", "@pulumi/kubernetes": "4.34.2"}}
EOF
cat >index.ts <<'EOF'
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as k8s from "@pulumi/kubernetes";

const pw = new random.RandomPassword("pw", { length: 24, special: false });
const provider = new k8s.Provider("e2e", { kubeconfig: process.env.SMOKE_KUBECONFIG! });
const ns = new k8s.core.v1.Namespace("smoke", { metadata: { name: "smoke" } }, { provider });
const secret = new k8s.core.v1.Secret("pw", {
  metadata: { namespace: ns.metadata.name },
  stringData: { password: pw.result },
}, { provider });

class Echo extends pulumi.dynamic.Resource {
  public readonly v!: pulumi.Output<number>;
  constructor(name: string) {
    super({ async create() { return { id: "echo", outs: { v: 42 } }; } }, name, { v: undefined }, {});
  }
}
export const secretName = secret.metadata.name;
export const length = pw.result.apply(r => r.length);
export const echo = new Echo("echo").v;
EOF
npm install --no-audit --no-fund --loglevel=error >/dev/null
export PATH="$BIN:$PATH" PULUMI_HOME="$TMP/home" PULUMI_BACKEND_URL="file://$TMP/state" \
  PULUMI_CONFIG_PASSPHRASE=x PULUMI_SKIP_UPDATE_CHECK=1 PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
  SMOKE_KUBECONFIG="$TMP/kubeconfig"
unset PULUMI_IGNORE_AMBIENT_PLUGINS
pulumi login >/dev/null
pulumi stack init test >/dev/null
timeout 300 pulumi up --yes --non-interactive >"$TMP/up.log" 2>&1 || { cat "$TMP/up.log" >&2; fail "pulumi up"; }
grep -E '^\s+\+ ' "$TMP/up.log" | tail -20 || true
[[ $(pulumi stack output length --show-secrets) == 24 ]] || fail "stack output length"
curl -skf -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$KAS_PORT/api/v1/namespaces/smoke/secrets" |
  jq -e '.items | length == 1' >/dev/null || fail "secret not in the API server"
timeout 300 pulumi destroy --yes --non-interactive >"$TMP/destroy.log" 2>&1 ||
  { cat "$TMP/destroy.log" >&2; tail -20 "$TMP/kcm.log" >&2; fail "pulumi destroy"; }
echo "smoke: OK"
