/**
 * The dynamic provider behind {@link DayTwoChanges}: brings the database's version, replicas,
 * resources, storage and mssql.conf to what the config says, and restarts it on request, through
 * KubeDB ops requests run one at a time (plan → queue → runner → waiter).
 *
 * - check: refuses a change no request can make (a smaller volume, …), without the cluster.
 * - diff: pure, so `pulumi preview` shows which settings change without touching the cluster.
 * - create: the database was just created (or adopted) with these settings: nothing to run but
 *   what the live object lacks.
 * - update: before the first request, every planned request is checked against the cluster (the
 *   version catalog's update paths, the live volume size, the storage classes): a change KubeDB
 *   cannot make is refused and nothing is sent. Then the requests run in order; after success
 *   the result is read back from the MSSQLServer.
 * - A request that does not succeed is an initialization error keeping the state reached before
 *   it; the next `pulumi up` plans again from there and retries with a new request name.
 */
import * as pulumi from "@pulumi/pulumi";
import { MSSQLServerVersion, MSSQL_CONF, ResourceRequirements } from "./api/kubedb";
import { KubeApi, KubeObject, MSSQL_SERVERS, MSSQL_SERVER_VERSIONS, STORAGE_CLASSES, kubeApi, statusCode } from "./kube";
import { diffLedger, initializationError, isSettled, unsettledPhase, withoutKubeconfig } from "./ops/ledger";
import { dayTwoRequestManifest } from "./manifests";
import { names, valueFingerprint } from "./names";
import { compareQuantities, parseQuantity } from "./validation";
import { opsRequestFailure } from "./ops/waitForOpsRequest";
import { checkUpgrade } from "./ops/catalog";
import { DayTwoSettings, DayTwoState, DayTwoStep, REQUEST_WORD, nextDayTwoStep, planDayTwo, refusedDayTwoChanges } from "./ops/dayTwoPlan";
import { QueuedRequest, queueStop, runQueue } from "./ops/queue";

export interface DayTwoInputs extends DayTwoState, DayTwoSettings {
    namespace: string;
    database: string;
    stepTimeout: string;
    timeoutSeconds: number;
    kubeconfig?: string;
}

export interface DayTwoOutputs extends Omit<DayTwoInputs, "kubeconfig"> {
    /** What the database was last brought to (request by request). */
    applied: DayTwoState;
    /** How many requests succeeded; part of request names, so a change back gets a new request. */
    sequence: number;
    /** `Initial`, `Withdrawn`, or the phase of the last request. */
    lastPhase: string;
    lastRequest: string;
    /** e.g. "UpdateVersion: version 2022-cu16 → 2022-cu19". */
    lastAction: string;
    /** Read back from the MSSQLServer after the last run. */
    currentVersion: string;
    currentReplicas: number;
    currentStorageSize: string;
}

type DayTwoRequest = QueuedRequest<DayTwoState> & { step: DayTwoStep };

export function desiredDayTwo(inputs: DayTwoInputs | DayTwoOutputs): DayTwoState {
    return {
        version: inputs.version, replicas: inputs.replicas, resources: inputs.resources ?? {}, storageSize: inputs.storageSize,
        storageClass: inputs.storageClass ?? "", mssqlConf: inputs.mssqlConf ?? "", restartGeneration: inputs.restartGeneration ?? 0,
    };
}

const settingsOf = (inputs: DayTwoInputs): DayTwoSettings => ({ topology: inputs.topology, expansionMode: inputs.expansionMode });

/** What the live MSSQLServer says of each day-2 field; undefined where it says nothing. */
export function liveDayTwo(db: KubeObject): Partial<DayTwoState> {
    const spec = db.spec ?? {};
    const mssql = (spec.podTemplate?.spec?.containers ?? []).find((c: { name?: string }) => c.name === "mssql");
    return {
        version: spec.version,
        replicas: spec.replicas,
        storageSize: spec.storage?.resources?.requests?.storage,
        storageClass: spec.storage?.storageClassName,
        resources: mssql?.resources,
        mssqlConf: spec.configuration?.inline?.[MSSQL_CONF],
    };
}

/** Every quantity `wanted` states is one `live` has (KubeDB's webhook adds defaults beside them). */
export function coversResources(live: ResourceRequirements | undefined, wanted: ResourceRequirements): boolean {
    return (["requests", "limits"] as const).every((part) => Object.entries(wanted[part] ?? {}).every(([key, value]) => {
        const have = parseQuantity(live?.[part]?.[key]);
        const want = parseQuantity(value);
        return have !== undefined && want !== undefined && compareQuantities(have, want) === 0;
    }));
}

/**
 * The applied state, with every field the live database already has as desired counted as done
 * (set by hand, or by a request whose report was lost): no request is sent for those.
 */
export function alreadyLive(applied: DayTwoState, desired: DayTwoState, live: Partial<DayTwoState>): DayTwoState {
    const size = (a?: string, b?: string) => {
        const qa = parseQuantity(a);
        const qb = parseQuantity(b);
        return qa !== undefined && qb !== undefined && compareQuantities(qa, qb) === 0;
    };
    return {
        ...applied,
        ...(live.version === desired.version ? { version: desired.version } : {}),
        ...(live.replicas === desired.replicas ? { replicas: desired.replicas } : {}),
        ...(size(live.storageSize, desired.storageSize) ? { storageSize: desired.storageSize } : {}),
        ...(desired.storageClass !== "" && live.storageClass === desired.storageClass ? { storageClass: desired.storageClass } : {}),
        ...(Object.keys(desired.resources).length > 0 && coversResources(live.resources, desired.resources) ? { resources: desired.resources } : {}),
        ...(live.mssqlConf !== undefined && live.mssqlConf === desired.mssqlConf ? { mssqlConf: desired.mssqlConf } : {}),
    };
}

export function checkDayTwo(olds: Partial<DayTwoInputs>, news: DayTwoInputs): pulumi.dynamic.CheckResult {
    const failures = olds.version === undefined ? [] : refusedDayTwoChanges(desiredDayTwo(olds as DayTwoInputs), desiredDayTwo(news))
        .map(([property, reason]) => ({ property, reason }));
    return { inputs: news, failures };
}

export function diffDayTwo(olds: Partial<DayTwoOutputs>, news: DayTwoInputs): pulumi.dynamic.DiffResult {
    return diffLedger(olds, news, ["namespace", "database"]);
}

function outputsFor(inputs: DayTwoInputs, db: KubeObject | undefined, fields: Pick<DayTwoOutputs, "applied" | "sequence" | "lastPhase" | "lastRequest" | "lastAction">, previous?: Partial<DayTwoOutputs>): DayTwoOutputs {
    const live = db ? liveDayTwo(db) : {};
    return {
        ...withoutKubeconfig(inputs),
        ...fields,
        currentVersion: live.version ?? previous?.currentVersion ?? "",
        currentReplicas: live.replicas ?? previous?.currentReplicas ?? 0,
        currentStorageSize: live.storageSize ?? previous?.currentStorageSize ?? "",
    };
}

/** The request for a step, named after the change and how many requests succeeded before. */
export function requestFor(inputs: DayTwoInputs, applied: DayTwoState, sequence: number, step: DayTwoStep): DayTwoRequest {
    const fingerprint = valueFingerprint({ sequence, type: step.type, from: applied, to: step.after });
    return {
        step,
        action: `${step.type}: ${step.reason}`,
        after: step.after,
        manifest: dayTwoRequestManifest({
            name: names.dayTwoRequest(inputs.database, REQUEST_WORD[step.type], fingerprint),
            namespace: inputs.namespace, database: inputs.database, stepTimeout: inputs.stepTimeout, type: step.type, section: step.section,
        }),
    };
}

/**
 * The requests a change from `applied` to the inputs' settings makes, in order, exactly as the
 * provider sends them (before retry suffixes and the owner reference). Pure: for previews and tests.
 */
export function plannedRequests(inputs: DayTwoInputs, applied: DayTwoState, sequence = 0): DayTwoRequest[] {
    const requests: DayTwoRequest[] = [];
    let state = applied;
    for (const step of planDayTwo(applied, desiredDayTwo(inputs), settingsOf(inputs))) {
        requests.push(requestFor(inputs, state, sequence + requests.length, step));
        state = step.after;
    }
    return requests;
}

/**
 * What KubeDB would refuse or could not do, for every planned request, before the first one is
 * sent: an update path the catalog does not admit, a volume that would shrink, a storage class
 * that does not exist or cannot expand.
 */
async function preflight(api: KubeApi, db: KubeObject, plan: DayTwoStep[]): Promise<string[]> {
    const problems: string[] = [];
    const live = liveDayTwo(db);
    for (const step of plan) {
        if (step.type === "UpdateVersion") {
            const catalog = (await api.listClusterObjects(MSSQL_SERVER_VERSIONS)) as unknown as MSSQLServerVersion[];
            const verdict = checkUpgrade(live.version ?? "", step.after.version, catalog);
            if (verdict.problem) problems.push(`version: ${verdict.problem}`);
        }
        if (step.type === "VolumeExpansion") {
            const have = parseQuantity(live.storageSize);
            const want = parseQuantity(step.after.storageSize);
            if (have && want && compareQuantities(want, have) < 0) {
                problems.push(`storage.size: the database's volumes have ${live.storageSize}; ${step.after.storageSize} would shrink them, which no request can do`);
            }
            const cls = await storageClass(api, live.storageClass);
            if (cls && cls.object.allowVolumeExpansion !== true) {
                problems.push(`storage.size: StorageClass ${cls.object.metadata.name}${cls.isDefault ? " (the cluster's default)" : ""} does not allow volume expansion (allowVolumeExpansion is not true); `
                    + "ask the cluster's administrator to allow it, or migrate to a class that does (storage.storageClass) before expanding");
            }
        }
        if (step.type === "StorageMigration") {
            const found = await readOrUnknown(() => api.getClusterObject(STORAGE_CLASSES, step.after.storageClass));
            if (found === null) problems.push(`storage.storageClass: StorageClass ${step.after.storageClass} does not exist (\`kubectl get storageclasses\`)`);
        }
    }
    return problems;
}

/** undefined when it cannot be read (e.g. no RBAC for storage classes): then KubeDB's webhook decides. */
async function readOrUnknown<T>(read: () => Promise<T | undefined>): Promise<T | null | undefined> {
    try {
        return (await read()) ?? null;
    } catch (error) {
        if (statusCode(error) === 403) return undefined;
        throw error;
    }
}

/** The database's StorageClass: the named one, else the cluster's default; undefined when unknown. */
async function storageClass(api: KubeApi, name: string | undefined): Promise<{ object: KubeObject & { allowVolumeExpansion?: boolean }; isDefault: boolean } | undefined> {
    if (name) {
        const object = await readOrUnknown(() => api.getClusterObject(STORAGE_CLASSES, name));
        return object ? { object, isDefault: false } : undefined;
    }
    const all = await readOrUnknown(() => api.listClusterObjects(STORAGE_CLASSES));
    const defaults = (all ?? []).filter((c) => (c.metadata as { annotations?: Record<string, string> }).annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
    return defaults.length === 1 ? { object: defaults[0], isDefault: true } : undefined;
}

/** Brings the database from `previous.applied` (or what it has) to the desired settings. */
export async function reconcileDayTwo(inputs: DayTwoInputs, previous: Partial<DayTwoOutputs>, api: KubeApi = kubeApi(inputs.kubeconfig)): Promise<DayTwoOutputs> {
    const { namespace, database } = inputs;
    const desired = desiredDayTwo(inputs);
    const settings = settingsOf(inputs);
    const db = await api.getObject(MSSQL_SERVERS, namespace, database);
    if (!db) throw new Error(`MSSQLServer ${namespace}/${database} not found; cannot change its ${Object.keys(desired).join(", ")}`);
    const live = liveDayTwo(db);
    // A new ledger (first deployment, or a stack from before this ledger) starts from what the database has.
    const start = previous.applied ?? { ...desired, ...Object.fromEntries(Object.entries(live).filter(([, v]) => v !== undefined)) } as DayTwoState;
    const applied = alreadyLive(start, desired, live);
    const sequence = previous.sequence ?? 0;
    const plan = planDayTwo(applied, desired, settings);

    if (plan.length === 0) {
        const lastPhase = previous.lastPhase === undefined ? "Initial" : isSettled(previous) ? previous.lastPhase : "Withdrawn";
        return outputsFor(inputs, db, { applied: desired, sequence, lastPhase, lastRequest: previous.lastRequest ?? "", lastAction: previous.lastAction ?? "" }, previous);
    }
    console.error(`[kubedb-mssql] ${namespace}/${database}: ${plan.map((s) => `${s.type} (${s.reason})`).join(" → ")}`);

    const problems = await preflight(api, db, plan);
    if (problems.length > 0) {
        throw new Error(`cannot change ${namespace}/${database}; no request was sent:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }

    try {
        const result = await runQueue<DayTwoState, DayTwoRequest>({
            api, database: db, applied, sequence, timeoutSeconds: inputs.timeoutSeconds,
            next: (state, seq) => {
                const step = nextDayTwoStep(state, desired, settings);
                return step && requestFor(inputs, state, seq, step);
            },
        });
        const after = await api.getObject(MSSQL_SERVERS, namespace, database).catch(() => undefined);
        return outputsFor(inputs, after, {
            applied: result.applied, sequence: result.sequence, lastPhase: "Successful",
            lastRequest: result.last?.name ?? "", lastAction: result.last?.request.action ?? "",
        }, previous);
    } catch (error) {
        throw await dayTwoFailure(api, error, inputs, previous, plan);
    }
}

/** The initialization error of a queue that stopped: what was done, where it stopped, what the database has now. */
async function dayTwoFailure(api: KubeApi, error: unknown, inputs: DayTwoInputs, previous: Partial<DayTwoOutputs>, plan: DayTwoStep[]): Promise<Error> {
    const stop = queueStop<DayTwoState, DayTwoRequest>(error);
    if (!stop) return error as Error;
    const { namespace, database } = inputs;
    const failure = opsRequestFailure(stop.cause);
    const index = plan.findIndex((s) => s.type === stop.request.step.type);
    const done = plan.slice(0, Math.max(0, index)).map((s) => s.type);
    const notStarted = plan.slice(index + 1).map((s) => s.type);
    let db: KubeObject | undefined;
    try {
        db = await api.getObject(MSSQL_SERVERS, namespace, database);
    } catch {
        /* reported as unknown below */
    }
    const live = db ? liveDayTwo(db) : undefined;
    const now = live ? `The database has version ${live.version}, ${live.replicas} replica(s), ${live.storageSize} per volume now.` : "What the database has now could not be read.";
    const progress = `${done.length ? `Done before it: ${done.join(", ")}. ` : ""}${notStarted.length ? `Not started: ${notStarted.join(", ")}. ` : ""}`;
    const describe = `kubectl describe mssqlserveropsrequests.ops.kubedb.com ${stop.attemptName} -n ${namespace}`;
    const retry = "run `pulumi up` again: it retries with a new request, then runs the rest.";
    const next = failure?.outcome === "Timeout"
        ? "The request is still running in the cluster. Run `pulumi up` again to keep waiting for it (it is adopted, not repeated)."
        : failure?.outcome === "ApiError"
            ? "Its progress could not be watched, so it may still be running or may have finished. Once access is restored, run `pulumi up` again: it adopts that request instead of sending another."
            : failure?.outcome === "Finished" ? `Fix the cause (\`${describe}\`), then ${retry}`
                : failure?.outcome === "Deleted" ? `The request was deleted before it finished; ${retry}`
                    : failure?.outcome === "NotFound" ? `The API server accepted the request but it never appeared (something removed it at once); ${retry}`
                        : `Fix the cause, then ${retry}`;
    const state: Partial<DayTwoOutputs> = {
        ...outputsFor(inputs, db, {
            applied: stop.applied, sequence: stop.sequence, lastPhase: unsettledPhase(stop.cause),
            lastRequest: stop.attemptName, lastAction: stop.request.action,
        }, previous),
    };
    return initializationError(
        `${stop.request.step.type} (${stop.request.step.reason}) for ${namespace}/${database} did not succeed: ${(stop.cause as Error)?.message ?? String(stop.cause)}\n${progress}${now} ${next}`,
        `${namespace}/${database}`, state);
}

export const dayTwoProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds: Partial<DayTwoInputs>, news: DayTwoInputs) {
        return checkDayTwo(olds, news);
    },
    async diff(_id: string, olds: Partial<DayTwoOutputs>, news: DayTwoInputs) {
        return diffDayTwo(olds, news);
    },
    async create(inputs: DayTwoInputs) {
        return { id: `${inputs.namespace}/${inputs.database}`, outs: await reconcileDayTwo(inputs, {}) };
    },
    async update(_id: string, olds: Partial<DayTwoOutputs>, news: DayTwoInputs) {
        // Nothing to run (e.g. only a timeout changed): no API call.
        const unchanged = isSettled(olds) && olds.applied !== undefined && planDayTwo(olds.applied, desiredDayTwo(news), settingsOf(news)).length === 0;
        if (unchanged) return { outs: { ...olds, ...withoutKubeconfig(news) } };
        return { outs: await reconcileDayTwo(news, olds) };
    },
    // Deleting the ledger leaves the database and its requests alone.
    async delete() {},
};
