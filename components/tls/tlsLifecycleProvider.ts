/**
 * The provider behind {@link TlsLifecycle}: turns a change of the TLS config into one or
 * two KubeDB ReconfigureTLS requests in sequence (plan: tlsPlan.ts → queue: ../ops/queue.ts), waits
 * for each with fail-fast, and keeps clients able to verify the server throughout.
 *
 * - create: the database was just created with this TLS config: nothing to do but read the CA.
 * - update: a planned change runs one request, or two in sequence when the first does not re-issue
 *   everything that must be; after an unfinished attempt the change is retried (or, when the config
 *   went back, the whole TLS configuration re-asserted); no change makes no API call.
 * - When the signing CA changes, the connection Secret's `ca.crt` first gets the old and the new
 *   CA (clients then trust both while pods restart one by one); after success the declared
 *   connection Secret carries the CA the database now presents.
 * - Failure: an initialization error that keeps the previous applied state, so the next
 *   `pulumi up` retries with a fresh request. The CA bundle keeps both CAs (some pods may already
 *   present the new certificate).
 */
import { CLUSTER_ISSUERS, ISSUERS, KubeApi, MSSQL_SERVERS, kubeApi } from "../kube/client";
import { reconfigureTlsRequestManifest } from "../ops/manifests";
import { REQUEST_TYPES } from "../ops/requestTypes";
import { names, valueFingerprint } from "../core/names";
import { QueuedRequest, queueStop, runQueue } from "../ops/queue";
import { TlsPlan, TlsState, afterRequest, planTlsChange, reassertTls } from "./tlsPlan";
import { initializationError, withoutKubeconfig } from "../resourceProtocol";
import { isSettled, ledgerProvider, unsettledPhase } from "../ops/ledger";
import { failureMessage, mayStillRun } from "../ops/outcomes";
import { X509Certificate } from "crypto";

export interface TlsLifecycleInputs extends TlsState {
    namespace: string;
    database: string;
    /** cert-manager's cluster resource namespace, where a ClusterIssuer's CA Secret lives. */
    clusterResourceNamespace: string;
    /** Secret of the server certificate (its `ca.crt` is what clients must trust). */
    serverCertSecret: string;
    /** The app-facing connection Secret whose CA key is widened during a CA switch. */
    connectionSecret: string;
    /** Its data key holding the CA; absent = "ca.crt", "" = none (nothing to widen). */
    connectionCaKey?: string;
    /** The connection ConfigMap and its CA key, when it holds the CA (widened the same way). */
    connectionConfigMap?: string;
    connectionConfigMapCaKey?: string;
    stepTimeout: string;
    timeoutSeconds: number;
    kubeconfig?: string;
}

export interface TlsLifecycleOutputs extends Omit<TlsLifecycleInputs, "kubeconfig"> {
    /** The TLS state the database was last brought to. */
    applied: TlsState;
    /** `Initial`, or the phase of the last request. */
    lastPhase: string;
    lastRequest: string;
    lastAction: string;
    /**
     * How many changes succeeded. Part of each request's name, so that a change back to an earlier
     * state gets a new request rather than adopting the old, finished one.
     */
    sequence: number;
    /** PEM CA bundle clients need to verify the server. */
    caBundle: string;
    /** SHA-256 fingerprint and expiry of the first CA in the bundle ("" when unknown). */
    caFingerprint: string;
    caNotAfter: string;
}

export function desiredTls(inputs: TlsLifecycleInputs | TlsLifecycleOutputs): TlsState {
    return {
        issuerRef: inputs.issuerRef,
        certificates: inputs.certificates,
        clientTLS: inputs.clientTLS,
        rotationGeneration: inputs.rotationGeneration,
        caRevision: inputs.caRevision,
    };
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The distinct certificates of several PEM bundles, in order. */
export function mergeBundles(...bundles: string[]): string {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const bundle of bundles) {
        for (const pem of bundle.match(PEM) ?? []) {
            const key = pem.replace(/\s+/g, "");
            if (!seen.has(key)) {
                seen.add(key);
                out.push(pem.trim());
            }
        }
    }
    return out.length ? out.join("\n") + "\n" : "";
}

/** Fingerprint and expiry of the first certificate of a bundle, or "" when it cannot be parsed. */
export function describeCa(bundle: string): { fingerprint: string; notAfter: string } {
    const first = bundle.match(PEM)?.[0];
    if (!first) return { fingerprint: "", notAfter: "" };
    try {
        const cert = new X509Certificate(first);
        return { fingerprint: `SHA256:${cert.fingerprint256}`, notAfter: new Date(cert.validTo).toISOString() };
    } catch {
        return { fingerprint: "", notAfter: "" };
    }
}

function decode(base64: string | undefined): string {
    return base64 ? Buffer.from(base64, "base64").toString("utf8") : "";
}

async function secretText(api: KubeApi, namespace: string, name: string, keys: string[]): Promise<string> {
    const secret = await api.getSecret(namespace, name).catch(() => undefined);
    const key = keys.find((k) => secret?.data?.[k]);
    return decode(key ? secret?.data?.[key] : undefined);
}

/** The CA a cert-manager `ca` issuer signs with; "" for other issuer types (ACME, Vault, …). */
async function issuerCa(api: KubeApi, inputs: TlsLifecycleInputs): Promise<string> {
    const ref = inputs.issuerRef;
    const issuer =
        ref.kind === "ClusterIssuer" ? await api.getClusterObject(CLUSTER_ISSUERS, ref.name) : await api.getObject(ISSUERS, inputs.namespace, ref.name);
    const secretName: string | undefined = issuer?.spec?.ca?.secretName;
    if (!secretName) return "";
    const namespace = ref.kind === "ClusterIssuer" ? inputs.clusterResourceNamespace : inputs.namespace;
    return secretText(api, namespace, secretName, ["ca.crt", "tls.crt"]);
}

async function outputs(
    api: KubeApi,
    inputs: TlsLifecycleInputs,
    fields: Pick<TlsLifecycleOutputs, "lastPhase" | "lastRequest" | "lastAction" | "sequence">,
): Promise<TlsLifecycleOutputs> {
    const caBundle = await secretText(api, inputs.namespace, inputs.serverCertSecret, ["ca.crt"]);
    const ca = describeCa(caBundle);
    return { ...withoutKubeconfig(inputs), applied: desiredTls(inputs), ...fields, caBundle, caFingerprint: ca.fingerprint, caNotAfter: ca.notAfter };
}

/** Brings the database from `previous.applied` to the desired TLS state, one request at a time. */
export async function reconcileTls(
    inputs: TlsLifecycleInputs,
    previous: Partial<TlsLifecycleOutputs>,
    api: KubeApi = kubeApi(inputs.kubeconfig),
): Promise<TlsLifecycleOutputs> {
    const desired = desiredTls(inputs);
    const applied = previous.applied ?? desired;
    const sequence = previous.sequence ?? 0;
    const unsettled = previous.lastPhase !== undefined && !isSettled(previous);
    const plan = planTlsChange(applied, desired) ?? (unsettled ? reassertTls(desired) : undefined);
    if (!plan) {
        return outputs(api, inputs, {
            lastPhase: previous.lastPhase ?? "Initial",
            lastRequest: previous.lastRequest ?? "",
            lastAction: previous.lastAction ?? "",
            sequence,
        });
    }

    const { namespace, database } = inputs;
    const db = await api.getObject(MSSQL_SERVERS, namespace, database);
    if (!db) throw new Error(`MSSQLServer ${namespace}/${database} not found; cannot reconfigure its TLS`);

    // The first request may be a re-assertion; each later one is planned from what the last reached.
    const first = plan;
    const requestFor = (state: TlsState, seq: number, p: TlsPlan): TlsRequest => ({
        plan: p,
        action: `${p.kind}: ${p.reason}`,
        after: afterRequest(state, desired, p),
        manifest: reconfigureTlsRequestManifest({
            name: names.opsRequest(database, REQUEST_TYPES.ReconfigureTLS.word, valueFingerprint({ sequence: seq, from: state, to: desired, kind: p.kind })),
            namespace,
            database,
            stepTimeout: inputs.stepTimeout,
            action: p.action,
        }),
    });
    let widening: CaWidening = { widened: false, includesNewCa: false };
    let ran;
    try {
        ran = await runQueue<TlsState, TlsRequest>({
            api,
            database: db,
            applied,
            sequence,
            timeoutSeconds: inputs.timeoutSeconds,
            maxRequests: 3,
            next: (state, seq) => {
                const p = seq === sequence ? first : planTlsChange(state, desired);
                return p && requestFor(state, seq, p);
            },
            beforeEach: async (request) => {
                if (!request.plan.caChanges) return;
                const now = await widenCaBundle(api, inputs, previous);
                widening = {
                    widened: widening.widened || now.widened,
                    includesNewCa: widening.includesNewCa || now.includesNewCa,
                    holders: now.holders ?? widening.holders,
                };
            },
        });
    } catch (error) {
        const stop = queueStop<TlsState, TlsRequest>(error);
        if (!stop) throw error;
        throw await tlsFailure(api, stop.cause, inputs, previous, {
            applied: stop.applied,
            sequence: stop.sequence,
            attemptName: stop.attemptName,
            plan: stop.request.plan,
            widening,
        });
    }
    const result = await outputs(api, inputs, {
        lastPhase: "Successful",
        lastRequest: ran.last?.name ?? "",
        lastAction: ran.last?.request.action ?? "",
        sequence: ran.sequence,
    });
    // The switch is done: clients now need only the CA the database presents. (The declared
    // connection Secret says the same, but would not be re-applied if its value did not change.)
    if (widening.widened && result.caBundle) {
        for (const holder of widening.holders ?? []) await holder.write(result.caBundle);
    }
    return result;
}

/**
 * Before a request that changes the signing CA: clients must trust every CA the database may
 * present until the switch is done — what the connection Secret already trusts (a failed attempt
 * may have left pods on the new CA), the CA of the server certificate, and the new issuer's CA.
 */
async function widenCaBundle(api: KubeApi, inputs: TlsLifecycleInputs, previous: Partial<TlsLifecycleOutputs>): Promise<CaWidening> {
    const present: Array<{ holder: CaHolder; bundle: string }> = [];
    // Where apps read the CA now (the last run's connection Secret, key and ConfigMap, which a rename
    // in this run replaces only after this change) and where they will read it.
    const before = previous.connectionSecret === undefined ? [] : caHolders(api, { ...inputs, ...connectionPlaces(previous as TlsLifecycleInputs) });
    const holders = [...before, ...caHolders(api, inputs)].filter((h, i, all) => all.findIndex((o) => o.place === h.place) === i);
    for (const holder of holders) {
        const bundle = await holder.read();
        if (bundle !== undefined) present.push({ holder, bundle });
    }
    if (present.length === 0) return { widened: false, includesNewCa: false };
    const newCa = await issuerCa(api, inputs);
    const serverCa = await secretText(api, inputs.namespace, inputs.serverCertSecret, ["ca.crt"]);
    const widened: CaHolder[] = [];
    for (const { holder, bundle: current } of present) {
        const bundle = mergeBundles(current, serverCa, newCa);
        if (!bundle) continue;
        await holder.write(bundle);
        widened.push(holder);
    }
    if (widened.length === 0) return { widened: false, includesNewCa: false };
    return { widened: true, includesNewCa: newCa !== "", holders: widened };
}

/** Where clients read the CA from: its text (undefined when the object is absent) and how to replace it. */
interface CaHolder {
    /** `Secret/<name>/<key>` or `ConfigMap/<name>/<key>`. */
    place: string;
    read(): Promise<string | undefined>;
    write(bundle: string): Promise<void>;
}

/** The connection Secret's CA key, and the ConfigMap's when it holds the CA. */
function caHolders(api: KubeApi, inputs: TlsLifecycleInputs): CaHolder[] {
    const { namespace } = inputs;
    const holders: CaHolder[] = [];
    const key = caKey(inputs);
    if (key !== "") {
        holders.push({
            place: `Secret/${inputs.connectionSecret}/${key}`,
            read: async () => {
                const secret = await api.getSecret(namespace, inputs.connectionSecret);
                return secret ? decode(secret.data?.[key]) : undefined;
            },
            write: (bundle) => api.patchSecretData(namespace, inputs.connectionSecret, { [key]: Buffer.from(bundle).toString("base64") }),
        });
    }
    const configMap = inputs.connectionConfigMap;
    const configMapKey = inputs.connectionConfigMapCaKey;
    if (configMap && configMapKey) {
        holders.push({
            place: `ConfigMap/${configMap}/${configMapKey}`,
            read: async () => {
                const object = await api.getConfigMap(namespace, configMap);
                return object ? String(object.data?.[configMapKey] ?? "") : undefined;
            },
            write: (bundle) => api.patchConfigMapData(namespace, configMap, { [configMapKey]: bundle }),
        });
    }
    return holders;
}

/** Where a ledger's inputs say the connection details are (absent fields: the defaults). */
function connectionPlaces(
    i: TlsLifecycleInputs,
): Pick<TlsLifecycleInputs, "connectionSecret" | "connectionCaKey" | "connectionConfigMap" | "connectionConfigMapCaKey"> {
    return {
        connectionSecret: i.connectionSecret,
        connectionCaKey: i.connectionCaKey,
        connectionConfigMap: i.connectionConfigMap,
        connectionConfigMapCaKey: i.connectionConfigMapCaKey,
    };
}

/** The connection Secret's CA key ("" when it holds no CA). */
function caKey(inputs: TlsLifecycleInputs): string {
    return inputs.connectionCaKey ?? "ca.crt";
}

/** A ReconfigureTLS request in the queue, with the plan it carries out. */
type TlsRequest = QueuedRequest<TlsState> & { plan: TlsPlan };

/** What widening the connection Secret's CA bundle achieved (for a truthful failure message). */
interface CaWidening {
    widened: boolean;
    /** The new issuer's CA could be read (a `ca` issuer) and is in the bundle. */
    includesNewCa: boolean;
    /** What was widened: narrowed to the database's CA once the switch succeeded. */
    holders?: CaHolder[];
}

async function tlsFailure(
    api: KubeApi,
    error: unknown,
    inputs: TlsLifecycleInputs,
    previous: Partial<TlsLifecycleOutputs>,
    at: { applied: TlsState; sequence: number; attemptName: string; plan: TlsPlan; widening: CaWidening },
): Promise<Error> {
    const { namespace, database } = inputs;
    // Say what clients were really given: the new CA is only known for a cert-manager `ca` issuer.
    const trust = !at.plan.caChanges
        ? ""
        : at.widening.includesNewCa
          ? "the connection Secret trusts both the old and the new CA"
          : at.widening.widened
            ? "the connection Secret trusts the old CA (the new issuer's CA could not be read beforehand)"
            : "the connection Secret's CA bundle was not changed";
    let now: string;
    if (mayStillRun(error)) {
        now = trust ? `${trust.charAt(0).toUpperCase()}${trust.slice(1)}.` : "";
    } else {
        // Read back what the database names now: a request that failed half-way may have changed it.
        let issuer = "";
        try {
            const ref = (await api.getObject(MSSQL_SERVERS, namespace, database))?.spec?.tls?.issuerRef;
            issuer = ref ? `${ref.kind} ${ref.name}` : "";
        } catch {
            /* unknown; say nothing rather than guess */
        }
        now = `${issuer ? `The database names ${issuer} as its issuer now` : "KubeDB may have applied part of the change"}${trust ? `; ${trust}` : ""}.`;
    }
    const state: Partial<TlsLifecycleOutputs> = {
        ...previous,
        ...withoutKubeconfig(inputs),
        // What is known to be done: the requests that succeeded before this one.
        applied: at.applied,
        sequence: at.sequence,
        lastPhase: unsettledPhase(error),
        lastRequest: at.attemptName,
        lastAction: `${at.plan.kind}: ${at.plan.reason}`,
    };
    const message = failureMessage({
        request: `ReconfigureTLS (${at.plan.reason})`,
        namespace,
        database,
        cause: error,
        attemptName: at.attemptName,
        now,
        retry: "it retries the whole change with a new request",
    });
    return initializationError(message, `${namespace}/${database}`, state);
}

export const tlsLifecycleProvider = ledgerProvider<TlsLifecycleInputs, TlsLifecycleOutputs>({
    // At creation the database was created with exactly this configuration.
    reconcile: (inputs, previous) => reconcileTls(inputs, previous),
    nothingToRun: (olds, news) => olds.applied !== undefined && planTlsChange(olds.applied, desiredTls(news)) === undefined,
});
