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
import { FINISHED_PHASES, KUBEDB_API_VERSION, MSSQLServerOpsRequest, TERMINAL_FAILURE_PHASES } from "../api/kubedb";
import { KubeApi, KubeObject, MSSQL_SERVERS, OPS_REQUESTS, describeApiError, statusCode } from "../kube/client";
import { retryRequestName } from "../core/names";
import { attemptsExhaustedMessage, blockedMessage } from "./outcomes";
import { sameIntent } from "./requestTypes";
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
    throw new Error(attemptsExhaustedMessage(manifest.spec.type, namespace, database, base, retryRequestName(base, MAX_ATTEMPTS), MAX_ATTEMPTS));
}

/** The manifest under an attempt's name, owned by the database so that it goes when the database goes. */
function withName(manifest: MSSQLServerOpsRequest, name: string, db: KubeObject): MSSQLServerOpsRequest {
    const ownerReferences = db.metadata.uid
        ? [{ apiVersion: KUBEDB_API_VERSION, kind: "MSSQLServer", name: db.metadata.name, uid: db.metadata.uid }]
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
                throw new Error(blockedMessage(o.blocked, `${namespace}/${name}`, failure.phase), { cause: error });
            }
            settled.push({ name, spec: other.spec, labels: other.metadata.labels ?? {} });
        }
    }
    return settled;
}
