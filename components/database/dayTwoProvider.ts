/**
 * The provider behind {@link DayTwoChanges}: brings the database's version, replicas,
 * resources, storage and mssql.conf to what the config says, and restarts it on request, through
 * KubeDB ops requests run one at a time (plan → queue → runner → waiter).
 *
 * - check: refuses a change no request can make (a smaller volume, …), without the cluster.
 * - diff: pure, so `pulumi preview` shows which settings change, and prints the requests planned
 *   from the last known state, without touching the cluster.
 * - create: the database was just created (or adopted) with these settings: nothing to run but
 *   what the live object lacks.
 * - update: first any request of the database still running finishes (one an interrupted run
 *   left is adopted when it succeeds); the plan starts from what the live database then has.
 *   Before the first request, every planned request is checked against the cluster (the
 *   version catalog's update paths, the live volume size, the storage classes): a change KubeDB
 *   cannot make is refused and nothing is sent. Then the requests run in order; after success
 *   the result is read back from the MSSQLServer.
 * - A request that does not succeed is an initialization error keeping the state reached before
 *   it; the next `pulumi up` plans again from there and retries with a new request name.
 */
import * as pulumi from "@pulumi/pulumi";
import { KubeApi, KubeObject, MSSQL_SERVERS, OPS_REQUESTS, kubeApi } from "../kube/client";
import { storageClassOf } from "../kube/storageClasses";
import { initializationError, withoutKubeconfig } from "../resourceProtocol";
import { isSettled, ledgerProvider, unsettledPhase } from "../ops/ledger";
import { logProgress, report } from "../ops/report";
import { dayTwoRequestManifest } from "../ops/manifests";
import { failureMessage } from "../ops/outcomes";
import { QueuedRequest, queueStop, runQueue } from "../ops/queue";
import { REQUEST_TYPES, sameIntent } from "../ops/requestTypes";
import { waitForUnfinishedRequests } from "../ops/runner";
import { labelsFor, names, valueFingerprint } from "../core/names";
import { coversResources } from "../core/quantities";
import { DAY_TWO_ORDER, DayTwoSettings, DayTwoState, DayTwoStep, dayTwoRequestType, nextDayTwoStep, planDayTwo, refusedDayTwoChanges } from "./dayTwoPlan";

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
        version: inputs.version,
        replicas: inputs.replicas,
        resources: inputs.resources ?? {},
        storageSize: inputs.storageSize,
        storageClass: inputs.storageClass ?? "",
        mssqlConf: inputs.mssqlConf ?? "",
        restartGeneration: inputs.restartGeneration ?? 0,
    };
}

const settingsOf = (inputs: DayTwoInputs): DayTwoSettings => ({ topology: inputs.topology, expansionMode: inputs.expansionMode });

/** What the live MSSQLServer says of each day-2 field (each request type's `live.read`); undefined where it says nothing. */
export function liveDayTwo(db: KubeObject): Partial<DayTwoState> {
    const live: Partial<Record<keyof DayTwoState, unknown>> = {};
    for (const type of DAY_TWO_ORDER) {
        const entry = dayTwoRequestType(type);
        if (entry.live) live[entry.field] = entry.live.read(db);
    }
    return live as Partial<DayTwoState>;
}

/**
 * The state to plan from: the ledger's, corrected by what the live database says. The database is
 * the truth where it states a value (a request whose report was lost, one an interrupted run left
 * running, a hand edit): version, replicas, volume size and class are taken from it; resources
 * the database already has as desired count as done (KubeDB adds defaults beside them), other live
 * resources count as different. mssql.conf and restarts leave no reliable trace on the object
 * (KubeDB may keep the merged configuration elsewhere), so they stay as the ledger knows them.
 */
export function fromLive(applied: DayTwoState, desired: DayTwoState, live: Partial<DayTwoState>): DayTwoState {
    const resources =
        Object.keys(desired.resources).length > 0 && coversResources(live.resources, desired.resources)
            ? desired.resources
            : (live.resources ?? applied.resources);
    return {
        ...applied,
        ...(live.version !== undefined ? { version: live.version } : {}),
        ...(live.replicas !== undefined ? { replicas: live.replicas } : {}),
        ...(live.storageSize !== undefined ? { storageSize: live.storageSize } : {}),
        ...(live.storageClass ? { storageClass: live.storageClass } : {}),
        resources,
    };
}

export function checkDayTwo(olds: Partial<DayTwoInputs>, news: DayTwoInputs): pulumi.dynamic.CheckResult {
    const failures =
        olds.version === undefined
            ? []
            : refusedDayTwoChanges(desiredDayTwo(olds as DayTwoInputs), desiredDayTwo(news)).map(([property, reason]) => ({ property, reason }));
    return { inputs: news, failures };
}

/**
 * The requests a change would send, from the ledger's last known state, for `pulumi preview`
 * (which shows a dynamic resource's changed inputs, not the requests). Pure: no cluster. `up`
 * plans again from the live database and prints the plan it runs.
 */
export function previewPlan(olds: Partial<DayTwoOutputs>, news: DayTwoInputs): string | undefined {
    if (!olds.applied) return undefined;
    const plan = planDayTwo(olds.applied, desiredDayTwo(news), settingsOf(news));
    return plan.length === 0 ? undefined : `${news.namespace}/${news.database}: planned ${plan.map((s) => `${s.type} (${s.reason})`).join(" → ")}`;
}

function outputsFor(
    inputs: DayTwoInputs,
    db: KubeObject | undefined,
    fields: Pick<DayTwoOutputs, "applied" | "sequence" | "lastPhase" | "lastRequest" | "lastAction">,
    previous?: Partial<DayTwoOutputs>,
): DayTwoOutputs {
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
            name: names.opsRequest(inputs.database, REQUEST_TYPES[step.type].word, fingerprint),
            namespace: inputs.namespace,
            database: inputs.database,
            stepTimeout: inputs.stepTimeout,
            type: step.type,
            section: step.section,
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
 * sent (each request type's preflight: an update path the catalog does not admit, a volume that
 * would shrink, a storage class that does not exist or cannot expand).
 */
async function preflight(api: KubeApi, db: KubeObject, plan: DayTwoStep[]): Promise<string[]> {
    const cluster = { api, live: liveDayTwo(db) };
    const problems: string[] = [];
    for (const step of plan) {
        const entry = dayTwoRequestType(step.type);
        if (entry.preflight) problems.push(...(await entry.preflight(cluster, { section: step.section, reason: step.reason, value: step.after[entry.field] })));
    }
    return problems;
}

/** Brings the database from `previous.applied` (or what it has) to the desired settings. */
export async function reconcileDayTwo(
    inputs: DayTwoInputs,
    previous: Partial<DayTwoOutputs>,
    api: KubeApi = kubeApi(inputs.kubeconfig),
): Promise<DayTwoOutputs> {
    const { namespace, database } = inputs;
    const desired = desiredDayTwo(inputs);
    const settings = settingsOf(inputs);
    const deadline = Date.now() + inputs.timeoutSeconds * 1000;
    // A request still running (left by an interrupted run, or KubeDB's own) finishes first, so the
    // plan starts from what the database then has and an interrupted run's request is not sent again.
    const settled = await waitForUnfinishedRequests({
        api,
        namespace,
        database,
        blocked: `no day-2 request for ${namespace}/${database} was started`,
        remaining: () => Math.max(1, Math.round((deadline - Date.now()) / 1000)),
        onProgress: logProgress,
    });
    const db = await api.getObject(MSSQL_SERVERS, namespace, database);
    if (!db) throw new Error(`MSSQLServer ${namespace}/${database} not found; cannot change its ${Object.keys(desired).join(", ")}`);
    const live = liveDayTwo(db);
    if (desired.storageClass !== "" && !live.storageClass) {
        // Volumes without a named class are on the cluster's default: naming that class moves nothing.
        live.storageClass = (await storageClassOf(api, undefined))?.object.metadata.name;
    }
    // A new ledger (first deployment, or a stack from before this ledger) starts from what the database has.
    const start = previous.applied ?? ({ ...desired, ...Object.fromEntries(Object.entries(live).filter(([, v]) => v !== undefined)) } as DayTwoState);
    // Requests of this ledger an interrupted run left running, which succeeded while we waited: adopted, not repeated.
    const ledgerPlan = planDayTwo(start, desired, settings);
    // Only this project's own requests of this database: a hand-made or KubeDB's own Restart is not ours to count.
    const ownRequest = labelsFor(database, "ops-request");
    const adoptedRequests = settled
        .filter((r) => r.phase === "Successful" && Object.entries(ownRequest).every(([k, v]) => r.labels[k] === v))
        .flatMap((r) => {
            const step = ledgerPlan.find((s) => sameIntent(r.spec, requestFor(inputs, start, 0, s).manifest.spec));
            return step ? [{ name: r.name, step }] : [];
        });
    const known = adoptedRequests.reduce((state, { step }) => {
        const { field } = dayTwoRequestType(step.type);
        return { ...state, [field]: step.after[field] };
    }, start);
    const applied = fromLive(known, desired, live);
    const sequence = (previous.sequence ?? 0) + adoptedRequests.length;
    const last = adoptedRequests[adoptedRequests.length - 1];
    const adopted = last && { name: last.name, action: `${last.step.type}: ${last.step.reason}` };
    const plan = planDayTwo(applied, desired, settings);

    if (plan.length === 0) {
        // After a timeout or a lost watch the last request may have succeeded since: then it is no withdrawal.
        const lastSucceeded =
            !adopted &&
            !isSettled(previous) &&
            previous.lastRequest &&
            (await api.getObject(OPS_REQUESTS, namespace, previous.lastRequest).catch(() => undefined))?.status?.phase === "Successful";
        const lastPhase =
            adopted || lastSucceeded ? "Successful" : previous.lastPhase === undefined ? "Initial" : isSettled(previous) ? previous.lastPhase : "Withdrawn";
        return outputsFor(
            inputs,
            db,
            {
                applied: desired,
                sequence,
                lastPhase,
                lastRequest: adopted?.name ?? previous.lastRequest ?? "",
                lastAction: adopted?.action ?? previous.lastAction ?? "",
            },
            previous,
        );
    }
    report(`${namespace}/${database}: ${plan.map((s) => `${s.type} (${s.reason})`).join(" → ")}`);

    const problems = await preflight(api, db, plan);
    if (problems.length > 0) {
        throw new Error(`cannot change ${namespace}/${database}; no request was sent:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }

    try {
        const result = await runQueue<DayTwoState, DayTwoRequest>({
            api,
            database: db,
            applied,
            sequence,
            timeoutSeconds: inputs.timeoutSeconds,
            next: (state, seq) => {
                const step = nextDayTwoStep(state, desired, settings);
                return step && requestFor(inputs, state, seq, step);
            },
        });
        const after = await api.getObject(MSSQL_SERVERS, namespace, database).catch(() => undefined);
        return outputsFor(
            inputs,
            after,
            {
                applied: result.applied,
                sequence: result.sequence,
                lastPhase: "Successful",
                lastRequest: result.last?.name ?? "",
                lastAction: result.last?.request.action ?? "",
            },
            previous,
        );
    } catch (error) {
        throw await dayTwoFailure(api, error, inputs, previous, plan, sequence);
    }
}

/** The initialization error of a queue that stopped: what was done, where it stopped, what the database has now. */
async function dayTwoFailure(
    api: KubeApi,
    error: unknown,
    inputs: DayTwoInputs,
    previous: Partial<DayTwoOutputs>,
    plan: DayTwoStep[],
    startSequence: number,
): Promise<Error> {
    const stop = queueStop<DayTwoState, DayTwoRequest>(error);
    if (!stop) return error as Error;
    const { namespace, database } = inputs;
    // The queue's own position (a two-step mssql.conf change has two Reconfigures).
    const index = Math.min(Math.max(0, stop.sequence - startSequence), plan.length - 1);
    let db: KubeObject | undefined;
    try {
        db = await api.getObject(MSSQL_SERVERS, namespace, database);
    } catch {
        /* reported as unknown below */
    }
    const live = db ? liveDayTwo(db) : undefined;
    const own = live && db ? (dayTwoRequestType(stop.request.step.type).now?.(live, db) ?? "") : "";
    const state: Partial<DayTwoOutputs> = outputsFor(
        inputs,
        db,
        {
            applied: stop.applied,
            sequence: stop.sequence,
            lastPhase: unsettledPhase(stop.cause),
            lastRequest: stop.attemptName,
            lastAction: stop.request.action,
        },
        previous,
    );
    const message = failureMessage({
        request: `${stop.request.step.type} (${stop.request.step.reason})`,
        namespace,
        database,
        cause: stop.cause,
        attemptName: stop.attemptName,
        progress: { done: plan.slice(0, index).map((s) => s.type), notStarted: plan.slice(index + 1).map((s) => s.type) },
        now: live
            ? `The database has version ${live.version}, ${live.replicas} replica(s), ${live.storageSize} per volume${own} now.`
            : "What the database has now could not be read.",
        retry: "it retries with a new request, then runs the rest",
    });
    return initializationError(message, `${namespace}/${database}`, state);
}

export const dayTwoProvider = ledgerProvider<DayTwoInputs, DayTwoOutputs>({
    check: checkDayTwo,
    preview: previewPlan,
    reconcile: (inputs, previous) => reconcileDayTwo(inputs, previous),
    // Nothing to run (e.g. only a timeout changed): no API call.
    nothingToRun: (olds, news) => olds.applied !== undefined && planDayTwo(olds.applied, desiredDayTwo(news), settingsOf(news)).length === 0,
});
