/**
 * Runs one KubeDB ops request to its end: waits for any other unfinished request of the same
 * database (KubeDB skips or interleaves concurrent ones), creates the request unless an earlier
 * `pulumi up` already did, and waits for it with fail-fast.
 *
 * Retries: a request's spec is immutable and a failed request stays failed, so a retry is a new
 * object. Attempt 1 uses the base name; when the object of that name already failed, attempt n
 * is `<base>-r<n>`. An attempt that is still running or already succeeded is adopted, not repeated,
 * so an interrupted `pulumi up` never starts a second rotation.
 */
import { FINISHED_PHASES, MSSQLServerOpsRequest, TERMINAL_FAILURE_PHASES } from "../api/kubedb";
import { KubeApi, KubeObject, MSSQL_SERVERS, OPS_REQUESTS, describeApiError, statusCode } from "../kube/client";
import { retryRequestName, stableJson } from "../core/names";
import { OpsRequestProgress, OpsRequestResult, opsRequestFailure, waitForOpsRequest } from "./waiter";

export const MAX_ATTEMPTS = 20;

export interface RunOpsRequestOptions {
    api: KubeApi;
    /** The request to run, with its base name. */
    manifest: MSSQLServerOpsRequest;
    timeoutSeconds: number;
    onProgress?: (progress: OpsRequestProgress) => void;
    /** Called with the name of the attempt before it is waited on (so a failure can name it). */
    onAttempt?: (name: string, attempt: number) => void;
    /** The database object, when the caller has just read it (saves a request). */
    database?: KubeObject;
}

export interface RunOpsRequestResult extends OpsRequestResult {
    attempt: number;
}

export async function runOpsRequest(options: RunOpsRequestOptions): Promise<RunOpsRequestResult> {
    const { api, manifest } = options;
    const namespace = manifest.metadata.namespace!;
    const database = manifest.spec.databaseRef.name;
    const base = manifest.metadata.name;
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    const remaining = () => Math.max(1, Math.round((deadline - Date.now()) / 1000));
    const wait = (name: string) => waitForOpsRequest({ api, namespace, name, timeoutSeconds: remaining(), onProgress: options.onProgress });

    const ours = new Set(Array.from({ length: MAX_ATTEMPTS }, (_, i) => retryRequestName(base, i + 1)));
    await waitForUnfinishedRequests({ api, namespace, database, exclude: ours, blocked: `${base} was not started`, remaining, onProgress: options.onProgress });

    const db = options.database ?? (await api.getObject(MSSQL_SERVERS, namespace, database));
    if (!db) throw new Error(`MSSQLServer ${namespace}/${database} does not exist; cannot run ${manifest.spec.type}`);

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const name = retryRequestName(base, attempt);
        const existing = await api.getObject(OPS_REQUESTS, namespace, name);
        const phase: string | undefined = existing?.status?.phase;
        if (existing && phase !== undefined && TERMINAL_FAILURE_PHASES.includes(phase)) continue;
        // A request of this name that asks for something else is not ours to adopt.
        if (existing && !sameIntent(existing.spec, manifest.spec)) continue;
        options.onAttempt?.(name, attempt);
        if (!existing) {
            try {
                await api.createObject(OPS_REQUESTS, namespace, withName(manifest, name, db));
            } catch (error) {
                // Someone created it between our read and our create: adopt it like any existing attempt.
                if (statusCode(error) !== 409) {
                    // A validating webhook's denial and RBAC both land here; the server's message says which.
                    throw new Error(`the API server refused to create ${manifest.spec.type} request ${namespace}/${name}: ${describeApiError(error)}`, {
                        cause: error,
                    });
                }
            }
        }
        return { ...(await wait(name)), attempt };
    }
    throw new Error(
        `${manifest.spec.type} for ${namespace}/${database} failed ${MAX_ATTEMPTS} times (${base} … ${retryRequestName(base, MAX_ATTEMPTS)}); inspect them with \`kubectl describe mssqlserveropsrequests.ops.kubedb.com -n ${namespace}\``,
    );
}

/**
 * Whether an existing request asks for what we would ask (KubeDB's mutating webhook fills
 * defaults, so only the fields that say what the request does are compared).
 */
export function sameIntent(existing: MSSQLServerOpsRequest["spec"] | undefined, wanted: MSSQLServerOpsRequest["spec"]): boolean {
    const intent = (spec: MSSQLServerOpsRequest["spec"] | undefined) => {
        const tls = spec?.tls as
            { rotateCertificates?: boolean; issuerRef?: { kind: string; name: string }; clientTLS?: boolean; certificates?: { alias: string }[] } | undefined;
        return stableJson([
            spec?.type,
            spec?.databaseRef?.name,
            spec?.authentication?.secretRef?.name,
            tls && [tls.rotateCertificates === true, tls.issuerRef?.kind, tls.issuerRef?.name, tls.clientTLS, (tls.certificates ?? []).map((c) => c.alias)],
            // Day-2 sections: only what this project sets (the webhook adds e.g. configuration.restart, verticalScaling.mode).
            spec?.updateVersion?.targetVersion,
            spec?.horizontalScaling?.replicas,
            spec?.volumeExpansion && [spec.volumeExpansion.mode, spec.volumeExpansion.mssqlserver],
            spec?.verticalScaling?.mssqlserver?.resources,
            spec?.configuration && [spec.configuration.applyConfig, spec.configuration.removeCustomConfig === true],
            spec?.migration?.storageClassName,
        ]);
    };
    return intent(existing) === intent(wanted);
}

/** The manifest under an attempt's name, owned by the database so that it goes when the database goes. */
function withName(manifest: MSSQLServerOpsRequest, name: string, db: KubeObject): MSSQLServerOpsRequest {
    const ownerReferences = db.metadata.uid
        ? [{ apiVersion: "kubedb.com/v1alpha2", kind: "MSSQLServer", name: db.metadata.name, uid: db.metadata.uid }]
        : undefined;
    return { ...manifest, metadata: { ...manifest.metadata, name, ...(ownerReferences ? { ownerReferences } : {}) } };
}

/** A request of the database that was unfinished when looked at, and how it ended while waited on. */
export interface SettledRequest {
    name: string;
    spec: MSSQLServerOpsRequest["spec"];
    labels: Record<string, string>;
    /** `Successful`, or undefined when it ended otherwise (its failure is not ours to judge). */
    phase?: "Successful";
}

export interface WaitForUnfinishedOptions {
    api: KubeApi;
    namespace: string;
    database: string;
    /** Names not to wait for (the attempts of the request about to run). */
    exclude?: ReadonlySet<string>;
    /** What does not happen while one of them runs, for the error, e.g. "<request> was not started". */
    blocked: string;
    remaining: () => number;
    onProgress?: (progress: OpsRequestProgress) => void;
}

/**
 * Waits until no other request of this database is unfinished (KubeDB runs one at a time); their
 * outcome is not ours to judge, but one that outlasts the wait is named in the error.
 */
export async function waitForUnfinishedRequests(o: WaitForUnfinishedOptions): Promise<SettledRequest[]> {
    const { api, namespace, database } = o;
    const { items } = await api.listObjects(OPS_REQUESTS, namespace);
    const others = items.filter(
        (r) => r.spec?.databaseRef?.name === database && !o.exclude?.has(r.metadata.name) && !FINISHED_PHASES.includes(r.status?.phase),
    );
    const settled: SettledRequest[] = [];
    for (const other of others) {
        const name = other.metadata.name;
        o.onProgress?.({
            request: `${namespace}/${name}`,
            phase: `${other.status?.phase ?? "Pending"} (another request of the database: waiting for it to finish first)`,
        });
        try {
            await waitForOpsRequest({ api, namespace, name, timeoutSeconds: o.remaining(), onProgress: o.onProgress });
            settled.push({ name, spec: other.spec, labels: other.metadata.labels ?? {}, phase: "Successful" });
        } catch (error) {
            const failure = opsRequestFailure(error);
            if (failure?.outcome === "Timeout") {
                throw new Error(
                    `${o.blocked}: MSSQLServerOpsRequest ${namespace}/${name} of the same database is still ${failure.phase ?? "Pending"}, ` +
                        `and KubeDB must run one request at a time. Let it finish (approve it if it is WaitingForApproval) or delete it, then run \`pulumi up\` again.`,
                    { cause: error },
                );
            }
            settled.push({ name, spec: other.spec, labels: other.metadata.labels ?? {} });
        }
    }
    return settled;
}
