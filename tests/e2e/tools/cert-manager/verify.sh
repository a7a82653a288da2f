#!/usr/bin/env bash
# Checks cert-manager-controller + cert-manager-webhook against etcd + kube-apiserver on 127.0.0.1
# (flags as tests/e2e/support/controlPlane.ts, RBAC authorization, admin token):
#   (a) selfSigned Issuer -> isCA Certificate -> ca Issuer -> leaf Certificate all Ready, leaf
#       Secret has ca.crt/tls.crt/tls.key (and the issuer annotations)
#   (a2) the same with ClusterIssuers (CA Secret in --cluster-resource-namespace=cert-manager)
#   (b) the webhook refuses a Certificate with duration 30m, with cert-manager's message
#   (c) an Issuing=True/ManuallyTriggered condition set via /status re-issues (new tls.crt,
#       status.revision + 1), as `cmctl renew` does
#   (d) the controller exits within a few seconds of SIGTERM
#
#   tests/e2e/tools/cert-manager/verify.sh CM_BIN_DIR [K8S_BIN_DIR]
# CM_BIN_DIR holds cert-manager-controller and cert-manager-webhook; K8S_BIN_DIR etcd and
# kube-apiserver (default: the output of tests/e2e/tools/build.sh --check). Needs curl, jq, openssl,
# python3 (for free ports). Every process is stopped and the temp dir removed on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CM_BIN=${1:?usage: verify.sh CM_BIN_DIR [K8S_BIN_DIR]}
BIN=${2:-$("$HERE/../build.sh" --check)}
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  local i p
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do # reverse start order: etcd last
    p=${PIDS[i]}
    kill "$p" 2>/dev/null || continue
    timeout 15 tail --pid="$p" -f /dev/null || kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  [[ -n ${KEEP:-} ]] && { echo "kept $TMP"; return; }
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() {
  echo "verify: FAIL: $*" >&2
  for f in "$TMP"/*.log; do echo "--- $f (tail)" >&2; tail -n 25 "$f" >&2; done
  exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.2f}')" "$1" "$(now)"; }

ETCD_CLIENT=$(free_port) ETCD_PEER=$(free_port) KAS_PORT=$(free_port) WEBHOOK_PORT=$(free_port)
WEBHOOK_HEALTHZ_PORT=$(free_port) CONTROLLER_HEALTHZ_PORT=$(free_port)
"$BIN/etcd" --name=e2e --data-dir="$TMP/etcd" \
  --listen-client-urls="http://127.0.0.1:$ETCD_CLIENT" --advertise-client-urls="http://127.0.0.1:$ETCD_CLIENT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster="e2e=http://127.0.0.1:$ETCD_PEER" --unsafe-no-fsync --log-level=warn >"$TMP/etcd.log" 2>&1 &
PIDS+=($!)
openssl genrsa -out "$TMP/sa.key" 2048 2>/dev/null
openssl rsa -in "$TMP/sa.key" -pubout -out "$TMP/sa.pub" 2>/dev/null
TOKEN=$(openssl rand -hex 16)
echo "$TOKEN,admin,admin,system:masters" >"$TMP/tokens.csv"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ETCD_CLIENT/health" >/dev/null && break; sleep 0.2; done

"$BIN/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_CLIENT" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$KAS_PORT" \
  --cert-dir="$TMP/certs" --service-cluster-ip-range=10.0.0.0/24 \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$TMP/sa.pub" --service-account-signing-key-file="$TMP/sa.key" \
  --token-auth-file="$TMP/tokens.csv" --authorization-mode=RBAC -v=1 >"$TMP/kube-apiserver.log" 2>&1 &
PIDS+=($!)
SERVER=https://127.0.0.1:$KAS_PORT
start=$SECONDS
until [[ -f $TMP/certs/apiserver.crt ]] && curl -sf --cacert "$TMP/certs/apiserver.crt" -H "Authorization: Bearer $TOKEN" "$SERVER/readyz" >/dev/null; do
  ((SECONDS - start < 90)) || fail "kube-apiserver not ready after 90s"
  sleep 0.5
done
echo "kube-apiserver ready after $((SECONDS - start))s"

cat >"$TMP/kubeconfig" <<EOF
apiVersion: v1
kind: Config
current-context: e2e
clusters: [{name: e2e, cluster: {server: "$SERVER", certificate-authority-data: "$(base64 -w0 "$TMP/certs/apiserver.crt")"}}]
users: [{name: admin, user: {token: "$TOKEN"}}]
contexts: [{name: e2e, context: {cluster: e2e, user: admin}}]
EOF
chmod 600 "$TMP/kubeconfig"

# api METHOD PATH [CONTENT-TYPE] < body  -> prints the response body; HTTP code in $TMP/code
api() {
  curl -sS --max-time 20 --cacert "$TMP/certs/apiserver.crt" -H "Authorization: Bearer $TOKEN" \
    -X "$1" -H "Content-Type: ${3:-application/yaml}" -o "$TMP/resp" -w '%{http_code}' \
    ${4:+--data-binary @-} "$SERVER$2" >"$TMP/code"
  cat "$TMP/resp"
}
create() { api POST "$1" application/yaml body >/dev/null; [[ $(cat "$TMP/code") == 201 ]] || fail "POST $1: $(cat "$TMP/code") $(cat "$TMP/resp")"; }
get() { curl -sf --max-time 10 --cacert "$TMP/certs/apiserver.crt" -H "Authorization: Bearer $TOKEN" "$SERVER$1"; }
# wait_for WHAT SECONDS PATH JQ-EXPR: polls until the jq expression is true
wait_for() {
  local t0 deadline; t0=$(now); deadline=$((SECONDS + $2))
  until get "$3" 2>/dev/null | jq -e "$4" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "$1 not true after $2s: $(get "$3" | jq -c '.status // .' 2>/dev/null)"
    sleep 0.1
  done
  echo "  $1 after $(since "$t0")s"
}

echo "== namespaces + CRDs"
for ns in cert-manager e2e; do printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n' "$ns" | create /api/v1/namespaces; done
for f in "$HERE"/crds/*.yaml; do create /apis/apiextensions.k8s.io/v1/customresourcedefinitions <"$f"; done
for f in "$HERE"/crds/*.yaml; do
  name=$(sed -n 's/^  name: //p' "$f" | head -1)
  wait_for "CRD $name Established" 30 "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$name" \
    '.status.conditions[]? | select(.type=="Established" and .status=="True")'
done

echo "== webhook"
# A CA and a serving certificate for 127.0.0.1 (kube-apiserver verifies it against caBundle).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/wh-ca.key" -out "$TMP/wh-ca.crt" -days 1 \
  -subj /CN=e2e-webhook-ca 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$TMP/wh.key" -out "$TMP/wh.csr" -subj /CN=127.0.0.1 2>/dev/null
openssl x509 -req -in "$TMP/wh.csr" -CA "$TMP/wh-ca.crt" -CAkey "$TMP/wh-ca.key" -CAcreateserial -days 1 \
  -extfile <(printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') -out "$TMP/wh.crt" 2>/dev/null
"$CM_BIN/cert-manager-webhook" --kubeconfig="$TMP/kubeconfig" --secure-port="$WEBHOOK_PORT" \
  --tls-cert-file="$TMP/wh.crt" --tls-private-key-file="$TMP/wh.key" --healthz-port="$WEBHOOK_HEALTHZ_PORT" \
  >"$TMP/webhook.log" 2>&1 &
WEBHOOK_PID=$!
PIDS+=("$WEBHOOK_PID")
t0=$(now) wh_deadline=$((SECONDS + 30))
until curl -s --max-time 2 --cacert "$TMP/wh-ca.crt" -o /dev/null "https://127.0.0.1:$WEBHOOK_PORT/"; do # 404, over TLS verified against our CA
  ((SECONDS < wh_deadline)) || fail "webhook not listening after 30s"
  kill -0 "$WEBHOOK_PID" 2>/dev/null || fail "webhook exited"
  sleep 0.1
done
echo "  webhook serving TLS after $(since "$t0")s"
curl -sf --max-time 2 "http://127.0.0.1:$WEBHOOK_HEALTHZ_PORT/healthz" >/dev/null || fail "webhook /healthz"
if command -v ss >/dev/null; then # every listener of the webhook process is on 127.0.0.1
  ss -Hltnp | grep "pid=$WEBHOOK_PID," | awk '{print $4}' | sort | tr '\n' ' ' | sed 's/^/  webhook listens on: /;s/$/\n/'
  ! ss -Hltnp | grep "pid=$WEBHOOK_PID," | awk '{print $4}' | grep -qv '^127\.0\.0\.1:' || fail "webhook listens beyond 127.0.0.1"
fi
CA_BUNDLE=$(base64 -w0 "$TMP/wh-ca.crt")
# The rules of deploy/charts/cert-manager/templates/webhook-{mutating,validating}-webhook.yaml
# (timeoutSeconds = the chart's default 30), clientConfig.url instead of a Service.
cat >"$TMP/webhook-configs.yaml" <<EOF
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: cert-manager-webhook
webhooks:
  - name: webhook.cert-manager.io
    rules:
      - apiGroups: ["cert-manager.io"]
        apiVersions: ["v1"]
        operations: ["CREATE"]
        resources: ["certificaterequests"]
    admissionReviewVersions: ["v1"]
    matchPolicy: Equivalent
    timeoutSeconds: 30
    failurePolicy: Fail
    sideEffects: None
    clientConfig:
      url: https://127.0.0.1:$WEBHOOK_PORT/mutate
      caBundle: $CA_BUNDLE
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: cert-manager-webhook
webhooks:
  - name: webhook.cert-manager.io
    rules:
      - apiGroups: ["cert-manager.io", "acme.cert-manager.io"]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["*/*"]
    admissionReviewVersions: ["v1"]
    matchPolicy: Equivalent
    timeoutSeconds: 30
    failurePolicy: Fail
    sideEffects: None
    clientConfig:
      url: https://127.0.0.1:$WEBHOOK_PORT/validate
      caBundle: $CA_BUNDLE
EOF
awk '/^---$/{exit} {print}' "$TMP/webhook-configs.yaml" | create /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations
awk 'f; /^---$/{f=1}' "$TMP/webhook-configs.yaml" | create /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations

echo "== (b) webhook refuses duration: 30m"
# Before the controller starts: nothing else is using the webhook yet. Retried for a few seconds:
# kube-apiserver picks up new webhook configurations asynchronously.
bad='apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: too-short, namespace: e2e}
spec: {secretName: too-short, commonName: too-short.example, duration: 30m, issuerRef: {name: ca, kind: Issuer}}'
t0=$(now) deadline=$((SECONDS + 10))
while :; do
  api POST /apis/cert-manager.io/v1/namespaces/e2e/certificates application/yaml body <<<"$bad" >/dev/null
  code=$(cat "$TMP/code")
  [[ $code != 201 ]] && break
  api DELETE /apis/cert-manager.io/v1/namespaces/e2e/certificates/too-short application/json </dev/null >/dev/null
  ((SECONDS < deadline)) || fail "30m Certificate was accepted"
  sleep 0.3
done
msg=$(jq -r .message "$TMP/resp")
echo "  HTTP $code after $(since "$t0")s: $msg"
# field.Invalid prints the time.Duration value as nanoseconds; the apiserver answers 403 Forbidden.
[[ $code == 403 && $msg == 'admission webhook "webhook.cert-manager.io" denied the request: spec.duration: Invalid value: 1800000000000: certificate duration must be greater than 1h0m0s' ]] ||
  fail "unexpected refusal: $code $msg"

echo "== controller"
"$CM_BIN/cert-manager-controller" --kubeconfig="$TMP/kubeconfig" --cluster-resource-namespace=cert-manager \
  --healthz-listen-address="127.0.0.1:$CONTROLLER_HEALTHZ_PORT" >"$TMP/controller.log" 2>&1 &
CONTROLLER_PID=$!
PIDS+=("$CONTROLLER_PID")

echo "== (a) selfSigned Issuer -> CA Certificate -> ca Issuer -> leaf Certificate"
t_all=$(now)
NS=/apis/cert-manager.io/v1/namespaces/e2e
ready='.status.conditions[]? | select(.type=="Ready" and .status=="True")'
create $NS/issuers <<'EOF'
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: selfsigned, namespace: e2e}
spec: {selfSigned: {}}
EOF
create $NS/certificates <<'EOF'
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: ca, namespace: e2e}
spec:
  isCA: true
  commonName: e2e-ca
  secretName: ca
  privateKey: {algorithm: ECDSA, size: 256}
  issuerRef: {name: selfsigned, kind: Issuer}
EOF
create $NS/issuers <<'EOF'
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: ca, namespace: e2e}
spec: {ca: {secretName: ca}}
EOF
create $NS/certificates <<'EOF'
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: leaf, namespace: e2e}
spec:
  secretName: leaf-tls
  dnsNames: [leaf.e2e.svc, leaf.e2e.svc.cluster.local]
  duration: 2160h
  issuerRef: {name: ca, kind: Issuer}
EOF
wait_for "Issuer selfsigned Ready" 30 $NS/issuers/selfsigned "$ready"
wait_for "Certificate ca Ready" 30 $NS/certificates/ca "$ready"
wait_for "Issuer ca Ready" 30 $NS/issuers/ca "$ready"
wait_for "Certificate leaf Ready" 30 $NS/certificates/leaf "$ready"
echo "  all four Ready $(since "$t_all")s after the controller started"
secret=$(get /api/v1/namespaces/e2e/secrets/leaf-tls)
jq -e '.type == "kubernetes.io/tls" and (.data | has("ca.crt") and has("tls.crt") and has("tls.key"))' <<<"$secret" >/dev/null ||
  fail "leaf Secret lacks ca.crt/tls.crt/tls.key: $(jq -c '.data | keys' <<<"$secret")"
echo "  leaf-tls keys: $(jq -c '.data | keys' <<<"$secret")"
echo "  leaf-tls annotations: $(jq -c '.metadata.annotations' <<<"$secret")"
jq -e '.metadata.annotations["cert-manager.io/issuer-group"] == ""' <<<"$secret" >/dev/null || fail "issuer-group annotation"
jq -r '.data["tls.crt"]' <<<"$secret" | base64 -d | openssl verify -CAfile <(jq -r '.data["ca.crt"]' <<<"$secret" | base64 -d) >/dev/null ||
  fail "tls.crt does not verify against ca.crt"
jq -r '.data["tls.crt"]' <<<"$secret" | base64 -d | openssl x509 -noout -subject -issuer -ext subjectAltName | sed 's/^/  /'
# The mutating webhook set the requester's identity on the CertificateRequest.
get "$NS/certificaterequests?labelSelector=" | jq -r '.items[] | "  CertificateRequest \(.metadata.name): username=\(.spec.username) groups=\(.spec.groups) approved=\([.status.conditions[]?|select(.type=="Approved")|.status][0])"'
get "$NS/certificaterequests" | jq -e '[.items[].spec.username] | all(. == "admin")' >/dev/null || fail "CertificateRequest identity not set by the mutating webhook"

curl -sf --max-time 2 "http://127.0.0.1:$CONTROLLER_HEALTHZ_PORT/livez" >/dev/null || fail "controller /livez"
if command -v ss >/dev/null; then
  ! ss -Hltnp | grep "pid=$CONTROLLER_PID," | awk '{print $4}' | grep -qv '^127\.0\.0\.1:' || fail "controller listens beyond 127.0.0.1"
  echo "  controller listens on: $(ss -Hltnp | grep "pid=$CONTROLLER_PID," | awk '{print $4}' | tr '\n' ' ')"
fi
echo "== (a2) ClusterIssuers: the CA Secret lives in --cluster-resource-namespace (cert-manager)"
create /apis/cert-manager.io/v1/clusterissuers <<'EOF'
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: selfsigned}
spec: {selfSigned: {}}
EOF
create /apis/cert-manager.io/v1/namespaces/cert-manager/certificates <<'EOF'
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: cluster-ca, namespace: cert-manager}
spec: {isCA: true, commonName: e2e-cluster-ca, secretName: cluster-ca, issuerRef: {name: selfsigned, kind: ClusterIssuer}}
EOF
create /apis/cert-manager.io/v1/clusterissuers <<'EOF'
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: cluster-ca}
spec: {ca: {secretName: cluster-ca}}
EOF
create $NS/certificates <<'EOF'
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: leaf-from-cluster-ca, namespace: e2e}
spec: {secretName: leaf-from-cluster-ca, dnsNames: [x.e2e.svc], issuerRef: {name: cluster-ca, kind: ClusterIssuer, group: cert-manager.io}}
EOF
wait_for "ClusterIssuer selfsigned Ready" 30 /apis/cert-manager.io/v1/clusterissuers/selfsigned "$ready"
wait_for "ClusterIssuer cluster-ca Ready" 30 /apis/cert-manager.io/v1/clusterissuers/cluster-ca "$ready"
wait_for "Certificate leaf-from-cluster-ca Ready" 30 $NS/certificates/leaf-from-cluster-ca "$ready"

echo "== (c) Issuing=True (ManuallyTriggered) via /status re-issues"
cert=$(get $NS/certificates/leaf)
rev=$(jq .status.revision <<<"$cert")
old_crt=$(jq -r '.data["tls.crt"]' <<<"$secret")
ts=$(date -u +%Y-%m-%dT%H:%M:%SZ)
jq --arg ts "$ts" '.status.conditions = ([.status.conditions[] | select(.type != "Issuing")] + [{type: "Issuing", status: "True",
  reason: "ManuallyTriggered", message: "Certificate re-issuance manually triggered", lastTransitionTime: $ts,
  observedGeneration: .metadata.generation}])' <<<"$cert" |
  api PUT $NS/certificates/leaf/status application/json body >/dev/null
[[ $(cat "$TMP/code") == 200 ]] || fail "PUT status: $(cat "$TMP/code") $(cat "$TMP/resp")"
t0=$(now)
wait_for "revision $rev -> $((rev + 1))" 30 $NS/certificates/leaf ".status.revision == $((rev + 1))"
wait_for "Certificate leaf Ready again" 30 $NS/certificates/leaf "([$ready] | length == 1) and ([.status.conditions[] | select(.type == \"Issuing\")] | length == 0)"
new_crt=$(get /api/v1/namespaces/e2e/secrets/leaf-tls | jq -r '.data["tls.crt"]')
[[ $new_crt != "$old_crt" ]] || fail "tls.crt unchanged after re-issuance"
echo "  tls.crt changed; serial $(base64 -d <<<"$old_crt" | openssl x509 -noout -serial) -> $(base64 -d <<<"$new_crt" | openssl x509 -noout -serial)"

# stop_and_time NAME PID: SIGTERM, then poll every 50 ms (at most 15 s); must exit 0.
stop_and_time() {
  local t0 deadline rc
  t0=$(now) deadline=$((SECONDS + 15))
  kill -TERM "$2"
  while kill -0 "$2" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "$1 still running 15s after SIGTERM"
    sleep 0.05
  done
  set +e; wait "$2"; rc=$?; set -e
  echo "  $1 exited $(since "$t0")s after SIGTERM with status $rc"
  [[ $rc == 0 ]] || fail "$1 exit status $rc"
}
echo "== (d) controller exits on SIGTERM"
stop_and_time cert-manager-controller "$CONTROLLER_PID"
echo "== webhook exits on SIGTERM"
stop_and_time cert-manager-webhook "$WEBHOOK_PID"
grep -c . "$TMP/controller.log" | sed 's/^/  controller log lines: /'
grep -iE '"level"="error"|^E[0-9]{4}' "$TMP/controller.log" | head -5 | sed 's/^/  controller error line: /' || true
cp "$TMP/webhook-configs.yaml" "${WEBHOOK_CONFIGS_OUT:-/dev/null}" 2>/dev/null || true
echo "verify: OK"
