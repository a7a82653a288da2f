/**
 * A real Kubernetes control plane on loopback: etcd and kube-apiserver built from their Go modules
 * (tests/e2e/tools), with the upstream CRDs this project targets and KubeDB's version catalog
 * installed, so that the API server itself validates, defaults and prunes what `pulumi up` sends.
 * The real cert-manager v1.21.2 runs beside it: its controller and its webhook (registered with
 * `url` and `caBundle`), built from its Go module. Nothing runs pods: there is no kubelet or
 * scheduler (KubeDB alone is stood in for by standIns.ts). kube-controller-manager runs the garbage
 * collector and the namespace controller.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import type * as k8sClient from "@kubernetes/client-node";
import * as https from "https";

const FIXTURES = path.join(__dirname, "..", "fixtures");
/** cert-manager v1.21.2's own CRDs (deploy/crds, CertificateRequest included), installed raw. */
const CERT_MANAGER_CRDS = path.join(__dirname, "..", "tools", "cert-manager", "crds");
export const CERT_MANAGER_NAMESPACE = "cert-manager";
/** The identity `pulumi up` runs as in the suite: a ServiceAccount, as from CI. */
export const DEPLOYER = { namespace: "ci", name: "deployer" };
const AUDITED_USER = `system:serviceaccount:${DEPLOYER.namespace}:${DEPLOYER.name}`;

export interface AuditedCall {
    verb: string;
    apiGroup: string;
    resource: string;
    namespace?: string;
    name?: string;
    code?: number;
}

/** What the stack's identity asked the API server for, from the audit log. */
export function auditedCalls(auditLogPath: string): AuditedCall[] {
    if (!fs.existsSync(auditLogPath)) return [];
    return fs
        .readFileSync(auditLogPath, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((e) => e.user?.username === AUDITED_USER && e.objectRef?.resource && e.stage === "ResponseComplete")
        .map((e) => ({
            verb: e.verb,
            apiGroup: e.objectRef.apiGroup ?? "",
            resource: e.objectRef.subresource ? `${e.objectRef.resource}/${e.objectRef.subresource}` : e.objectRef.resource,
            namespace: e.objectRef.namespace,
            name: e.objectRef.name,
            code: e.responseStatus?.code,
        }));
}

export interface ControlPlane {
    /** Path of a kubeconfig file for the cluster (admin token, CA-verified TLS). */
    kubeconfigPath: string;
    kubeconfig: string;
    server: string;
    /** Directory with the processes' logs. */
    logDir: string;
    /** The API server's audit log (JSON lines): what the stack's own identity did, at metadata level. */
    auditLogPath: string;
    /** The real cert-manager's processes: whether each still runs (a test fails when one is gone). */
    certManager: { controllerRunning(): boolean; webhookRunning(): boolean };
    stop(): Promise<void>;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
    });
}

function started(command: string, args: string[], log: string): ChildProcess {
    const out = fs.openSync(log, "a");
    const child = spawn(command, args, { stdio: ["ignore", out, out] });
    fs.closeSync(out);
    return child;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>, log?: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (await check().catch(() => false)) return;
        await new Promise((r) => setTimeout(r, 250));
    }
    const tail = log && fs.existsSync(log) ? `\n--- ${log} (tail)\n${fs.readFileSync(log, "utf8").split("\n").slice(-30).join("\n")}` : "";
    throw new Error(`${what} not ready after ${timeoutMs / 1000}s${tail}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
}

/** Starts etcd and kube-apiserver from `bin`, installs the CRDs and the catalog. */
export async function startControlPlane(bin: string): Promise<ControlPlane> {
    const missing = ["etcd", "kube-apiserver", "kube-controller-manager", "cert-manager-webhook", "cert-manager-controller"].filter(
        (t) => !fs.existsSync(path.join(bin, t)),
    );
    if (missing.length > 0) throw new Error(`${bin} lacks ${missing.join(", ")}: build the tools with tests/e2e/tools/build.sh`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubedb-mssql-e2e-cluster-"));
    const logDir = path.join(dir, "logs");
    fs.mkdirSync(logDir);
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];

    const etcdLog = path.join(logDir, "etcd.log");
    const etcd = started(
        path.join(bin, "etcd"),
        [
            "--name=e2e",
            `--data-dir=${path.join(dir, "etcd")}`,
            `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
            `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
            `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
            `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
            `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`,
            "--unsafe-no-fsync",
            "--log-level=warn",
        ],
        etcdLog,
    );
    const processes: ChildProcess[] = [etcd];
    // Should the test process end without `stop` (a cancelled run, a signal), take the control
    // plane and its directory (the admin token, the keys) with it.
    const killAll = () => {
        processes.forEach((p) => p.exitCode === null && p.kill("SIGKILL"));
        if (!process.env.KUBEDB_MSSQL_E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    };
    const onSignal = (signal: NodeJS.Signals) => {
        killAll();
        process.exit(128 + (os.constants.signals[signal] ?? 15));
    };
    process.once("exit", killAll);
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const stop = async () => {
        // Newest first: cert-manager's controller before its webhook, the controller-manager, etcd
        // last (an apiserver without its etcd may ignore SIGTERM).
        for (const p of [...processes].reverse()) await stopProcess(p);
        process.off("exit", killAll);
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        // The directory holds the admin token and the service-account key: keep it only when asked.
        if (!process.env.KUBEDB_MSSQL_E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        await until("etcd", 30_000, async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok, etcdLog);

        // Service-account signing keys and a static admin token: the minimum kube-apiserver starts with.
        const saKey = path.join(dir, "sa.key");
        execFileSync("openssl", ["genrsa", "-out", saKey, "2048"], { stdio: "ignore" });
        execFileSync("openssl", ["rsa", "-in", saKey, "-pubout", "-out", path.join(dir, "sa.pub")], { stdio: "ignore" });
        const token = execFileSync("openssl", ["rand", "-hex", "16"]).toString().trim();
        fs.writeFileSync(path.join(dir, "tokens.csv"), `${token},admin,admin,system:masters\n`);

        const apiLog = path.join(logDir, "kube-apiserver.log");
        // Audit what the stack's identity (AUDITED_USER) asks for, and nothing else.
        const auditPolicy = path.join(dir, "audit-policy.yaml");
        fs.writeFileSync(
            auditPolicy,
            yaml.dump({
                apiVersion: "audit.k8s.io/v1",
                kind: "Policy",
                omitStages: ["RequestReceived"],
                rules: [{ level: "Metadata", users: [AUDITED_USER] }, { level: "None" }],
            }),
        );
        const auditLogPath = path.join(logDir, "audit.log");
        const certDir = path.join(dir, "certs");
        processes.push(
            started(
                path.join(bin, "kube-apiserver"),
                [
                    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
                    "--bind-address=127.0.0.1",
                    "--advertise-address=127.0.0.1",
                    `--secure-port=${apiPort}`,
                    `--cert-dir=${certDir}`,
                    "--service-cluster-ip-range=10.0.0.0/24",
                    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                    `--service-account-key-file=${path.join(dir, "sa.pub")}`,
                    `--service-account-signing-key-file=${saKey}`,
                    `--token-auth-file=${path.join(dir, "tokens.csv")}`,
                    "--authorization-mode=RBAC",
                    `--audit-policy-file=${auditPolicy}`,
                    `--audit-log-path=${auditLogPath}`,
                    "--audit-log-format=json",
                    "--audit-log-mode=blocking",
                    "-v=1",
                ],
                apiLog,
            ),
        );

        const server = `https://127.0.0.1:${apiPort}`;
        const servingCert = path.join(certDir, "apiserver.crt");
        await until(
            "kube-apiserver",
            120_000,
            async () => fs.existsSync(servingCert) && (await fetchWithToken(`${server}/readyz`, token, fs.readFileSync(servingCert, "utf8"))) === 200,
            apiLog,
        );

        // The self-signed serving certificate is its own CA: clients verify it, no skip-TLS.
        const kubeconfig = yaml.dump({
            apiVersion: "v1",
            kind: "Config",
            "current-context": "e2e",
            clusters: [{ name: "e2e", cluster: { server, "certificate-authority-data": Buffer.from(fs.readFileSync(servingCert)).toString("base64") } }],
            users: [{ name: "admin", user: { token } }],
            contexts: [{ name: "e2e", context: { cluster: "e2e", user: "admin" } }],
        });
        const kubeconfigPath = path.join(dir, "kubeconfig");
        fs.writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });

        // The garbage collector and the namespace controller, as in any cluster: pulumi-kubernetes
        // deletes in the foreground, which waits for the garbage collector to finish.
        processes.push(
            started(
                path.join(bin, "kube-controller-manager"),
                [
                    `--kubeconfig=${kubeconfigPath}`,
                    "--bind-address=127.0.0.1",
                    "--secure-port=0",
                    "--leader-elect=false",
                    `--service-account-private-key-file=${saKey}`,
                    "--use-service-account-credentials=false",
                    "--controllers=garbagecollector,namespace,serviceaccount,serviceaccount-token",
                    "-v=1",
                ],
                path.join(logDir, "kube-controller-manager.log"),
            ),
        );
        await installFixtures(kubeconfig);
        const [webhook, controller] = await startCertManager(bin, dir, kubeconfig, kubeconfigPath, logDir, processes);
        const running = (p: ChildProcess) => p.exitCode === null && p.signalCode === null;
        return {
            kubeconfigPath,
            kubeconfig,
            server,
            logDir,
            auditLogPath,
            stop,
            certManager: { controllerRunning: () => running(controller), webhookRunning: () => running(webhook) },
        };
    } catch (error) {
        await stop();
        throw error;
    }
}

/** GET with a bearer token against a server whose certificate is `ca`; resolves to the status code. */
function fetchWithToken(url: string, token: string, ca: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const req = https.get(url, { headers: { Authorization: `Bearer ${token}` }, ca }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
    });
}

export function clientNode(): typeof k8sClient {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- client-node is loaded only when a test reads the cluster
    return require("@kubernetes/client-node");
}

/** Applies the vendored CRDs, waits until they are Established, then the MSSQLServerVersion catalog. */
async function installFixtures(kubeconfig: string): Promise<void> {
    const k8s = clientNode();
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfig);
    // Sent as they are: client-node's typed models would drop the `x-kubernetes-*` schema keys.
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    const load = (folder: string) =>
        fs
            .readdirSync(folder)
            .filter((f) => f.endsWith(".yaml"))
            .sort()
            .map((f) => yaml.load(fs.readFileSync(path.join(folder, f), "utf8")) as { metadata: { name: string } });
    const crds = [...load(path.join(FIXTURES, "crds")), ...load(CERT_MANAGER_CRDS)];
    for (const body of crds)
        await custom.createClusterCustomObject({ group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", body });
    for (const crd of crds) {
        await until(`CRD ${crd.metadata.name}`, 30_000, async () => {
            const live = await ext.readCustomResourceDefinition({ name: crd.metadata.name });
            return (live.status?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True");
        });
    }
    for (const body of load(path.join(FIXTURES, "catalog")))
        await custom.createClusterCustomObject({ group: "catalog.kubedb.com", version: "v1alpha1", plural: "mssqlserverversions", body });
    await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: CERT_MANAGER_NAMESPACE } } });
}

/**
 * cert-manager's webhook (a serving certificate for 127.0.0.1 from a CA of the test's own, that CA
 * as the configurations' `caBundle`; the rules of its Helm chart), then its controller once the API
 * server calls the webhook. Stopped in reverse order: the controller before the webhook, whose
 * `failurePolicy: Fail` refuses every cert-manager write while it is down.
 */
async function startCertManager(
    bin: string,
    dir: string,
    kubeconfig: string,
    kubeconfigPath: string,
    logDir: string,
    processes: ChildProcess[],
): Promise<[ChildProcess, ChildProcess]> {
    const certs = path.join(dir, "webhook");
    fs.mkdirSync(certs);
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: certs, stdio: ["ignore", "ignore", "pipe"] });
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=e2e-webhook-ca");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tls.key", "-out", "tls.csr", "-subj", "/CN=127.0.0.1");
    fs.writeFileSync(path.join(certs, "ext.cnf"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    openssl("x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-extfile", "ext.cnf", "-out", "tls.crt");
    const port = await freePort();
    const webhookLog = path.join(logDir, "cert-manager-webhook.log");
    const webhook = started(
        path.join(bin, "cert-manager-webhook"),
        [
            `--kubeconfig=${kubeconfigPath}`,
            `--secure-port=${port}`,
            "--bind-address=127.0.0.1",
            `--tls-cert-file=${path.join(certs, "tls.crt")}`,
            `--tls-private-key-file=${path.join(certs, "tls.key")}`,
        ],
        webhookLog,
    );
    processes.push(webhook);
    await until(
        "cert-manager webhook",
        60_000,
        () =>
            new Promise((resolve) => {
                const socket = net.connect(port, "127.0.0.1", () => {
                    socket.end();
                    resolve(true);
                });
                socket.on("error", () => resolve(false));
            }),
        webhookLog,
    );

    const k8s = clientNode();
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfig);
    const admission = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
    const caBundle = Buffer.from(fs.readFileSync(path.join(certs, "ca.crt"))).toString("base64");
    const hook = (pathName: string, rules: k8sClient.V1RuleWithOperations[]) => ({
        name: "webhook.cert-manager.io",
        rules,
        admissionReviewVersions: ["v1"],
        matchPolicy: "Equivalent",
        timeoutSeconds: 30,
        failurePolicy: "Fail",
        sideEffects: "None",
        clientConfig: { url: `https://127.0.0.1:${port}/${pathName}`, caBundle },
    });
    await admission.createMutatingWebhookConfiguration({
        body: {
            metadata: { name: "cert-manager-webhook" },
            webhooks: [hook("mutate", [{ apiGroups: ["cert-manager.io"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["certificaterequests"] }])],
        },
    });
    await admission.createValidatingWebhookConfiguration({
        body: {
            metadata: { name: "cert-manager-webhook" },
            webhooks: [
                hook("validate", [
                    { apiGroups: ["cert-manager.io", "acme.cert-manager.io"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["*/*"] },
                ]),
            ],
        },
    });
    // The API server takes a new webhook configuration up asynchronously: wait until it refuses
    // what only the webhook refuses (a Certificate shorter than an hour), with a dry run.
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await until(
        "cert-manager webhook registered",
        30_000,
        async () => {
            try {
                await custom.createNamespacedCustomObject({
                    group: "cert-manager.io",
                    version: "v1",
                    plural: "certificates",
                    namespace: CERT_MANAGER_NAMESPACE,
                    dryRun: "All",
                    body: {
                        apiVersion: "cert-manager.io/v1",
                        kind: "Certificate",
                        metadata: { name: "webhook-probe" },
                        spec: { secretName: "webhook-probe", duration: "30m", dnsNames: ["probe"], issuerRef: { name: "none" } },
                    },
                });
                return false;
            } catch (e) {
                return /certificate duration must be greater than/.test(String((e as { body?: unknown }).body ?? e));
            }
        },
        webhookLog,
    );

    const controllerLog = path.join(logDir, "cert-manager-controller.log");
    const healthz = await freePort();
    const controller = started(
        path.join(bin, "cert-manager-controller"),
        [`--kubeconfig=${kubeconfigPath}`, `--cluster-resource-namespace=${CERT_MANAGER_NAMESPACE}`, `--healthz-listen-address=127.0.0.1:${healthz}`],
        controllerLog,
    );
    processes.push(controller);
    // Its control loops run once it answers: a controller that died at start fails here, not in a 5-minute wait.
    await until(
        "cert-manager controller",
        60_000,
        async () => controller.exitCode === null && (await fetch(`http://127.0.0.1:${healthz}/livez`)).ok,
        controllerLog,
    );
    return [webhook, controller];
}
