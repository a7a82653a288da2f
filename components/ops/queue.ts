/**
 * The queue: runs a ledger's planned requests strictly one after another. A planner (`next`)
 * gives the request that brings the applied state closer to the desired one; the queue runs it
 * through the runner (which waits for any other request of the database, creates or adopts the
 * request and waits for it with fail-fast), records the state it reached, and asks again.
 *
 *   plan (database/dayTwoPlan.ts, tls/tlsPlan.ts) → queue (here) → runner (runner.ts) → waiter (waiter.ts)
 *
 * When a request does not succeed, the queue throws a plain Error (no subclass: it runs from the
 * serialized provider) carrying `queue`: the state reached before it, so that the provider can
 * keep that state for the next `pulumi up`, which plans again from there.
 */
import { MSSQLServerOpsRequest } from "../api/kubedb";
import { KubeApi, KubeObject } from "../kube/client";
import { logProgress } from "./report";
import { runOpsRequest } from "./runner";

export interface QueuedRequest<S> {
    /** The request under its base name (a retry adds `-r2`, `-r3`, …). */
    manifest: MSSQLServerOpsRequest;
    /** What it does, for the progress log, the ledger and messages. */
    action: string;
    /** The applied state once it succeeded. */
    after: S;
}

export interface QueueOptions<S, R extends QueuedRequest<S>> {
    api: KubeApi;
    /** The database, as just read (its uid owns the requests). */
    database: KubeObject;
    /** The state the database is known to have. */
    applied: S;
    /** How many requests of this ledger succeeded so far (part of request names). */
    sequence: number;
    /** The next request from `applied`, or undefined when there is nothing left to do. */
    next: (applied: S, sequence: number) => R | undefined;
    /** Seconds `pulumi up` waits for each request. */
    timeoutSeconds: number;
    /** Called before each request is run (e.g. to widen a CA bundle). */
    beforeEach?: (request: R) => Promise<void>;
    /** A bound that a planner bug cannot loop past. Default: 10. */
    maxRequests?: number;
}

export interface QueueResult<S, R> {
    applied: S;
    sequence: number;
    /** The last request that succeeded, if any. */
    last?: { name: string; request: R; observedAt: string };
}

/** What a queue that stopped on a request carries on its error. */
export interface QueueStop<S, R> {
    /** The state reached before the request that did not succeed. */
    applied: S;
    sequence: number;
    request: R;
    /** The name of the attempt that did not succeed (with its retry suffix). */
    attemptName: string;
    /** The runner's error (see opsRequestFailure). */
    cause: unknown;
}

export async function runQueue<S, R extends QueuedRequest<S>>(o: QueueOptions<S, R>): Promise<QueueResult<S, R>> {
    let applied = o.applied;
    let sequence = o.sequence;
    let last: QueueResult<S, R>["last"];
    const max = o.maxRequests ?? 10;
    for (let request = o.next(applied, sequence), ran = 0; request; request = o.next(applied, sequence), ran++) {
        if (ran >= max)
            throw new Error(
                `planned more than ${max} requests in one run for ${o.database.metadata.namespace}/${o.database.metadata.name}; this is a bug in kubedb-mssql`,
            );
        let attemptName = request.manifest.metadata.name;
        // Outside the try: a failure here sent nothing, so it is not the request's failure.
        await o.beforeEach?.(request);
        try {
            const result = await runOpsRequest({
                api: o.api,
                manifest: request.manifest,
                timeoutSeconds: o.timeoutSeconds,
                onProgress: logProgress,
                onAttempt: (name) => (attemptName = name),
                database: o.database,
            });
            last = { name: result.name, request, observedAt: result.observedAt };
        } catch (cause) {
            const stop: QueueStop<S, R> = { applied, sequence, request, attemptName, cause };
            throw Object.assign(new Error((cause as Error)?.message ?? String(cause)), { queue: stop });
        }
        applied = request.after;
        sequence += 1;
    }
    return { applied, sequence, last };
}

/** The stop a queue's error carries, or undefined for any other error. */
export function queueStop<S, R>(error: unknown): QueueStop<S, R> | undefined {
    return (error as { queue?: QueueStop<S, R> } | undefined)?.queue;
}
