/**
 * What a user reads about a request that did not succeed, written once for every ledger: how it
 * ended (the waiter's outcome), what the database has now (each ledger reads back its own part and
 * passes it as data), and what to do next. The credential rotation, the TLS lifecycle and the day-2
 * changes all say it in these words; the queue's stop carries what they need.
 */
import { OpsRequestOutcome, opsRequestFailure } from "./waiter";

export interface FailureReport {
    /** What did not succeed, e.g. "RotateAuth" or "UpdateVersion (version 2022-cu16 → 2022-cu19)". */
    request: string;
    namespace: string;
    database: string;
    /** The runner's error (with the waiter's failure, when the request was sent). */
    cause: unknown;
    /** The name of the attempt that did not succeed. */
    attemptName: string;
    /** The ledger's other requests of this run, when it runs several. */
    progress?: { done: string[]; notStarted: string[] };
    /** What the database has now, as the ledger read it back: whole sentences. */
    now: string;
    /** What the next `pulumi up` does, e.g. "it retries with a new request for the same Secret". */
    retry: string;
    /** A last pointer, e.g. to a runbook. */
    seeAlso?: string;
}

/** How the request ended, in a sentence; "" when the error's own message says it (KubeDB's reason). */
const HOW_IT_ENDED: Record<OpsRequestOutcome, string> = {
    Finished: "",
    Timeout: "The request is still running in the cluster.",
    ApiError: "Its progress could not be watched, so it may still be running or may have finished.",
    Deleted: "The request was deleted before it finished.",
    NotFound: "The API server accepted the request but it never appeared (something removed it at once).",
};

/** Whether the request may still change the database (so what it has now may still move). */
export function mayStillRun(cause: unknown): boolean {
    const outcome = opsRequestFailure(cause)?.outcome;
    return outcome === "Timeout" || outcome === "ApiError";
}

function whatToDo(r: FailureReport, outcome: OpsRequestOutcome | undefined): string {
    const again = `run \`pulumi up\` again: ${r.retry}.`;
    switch (outcome) {
        case "Timeout":
            return "Run `pulumi up` again to keep waiting for it (it is adopted, not repeated).";
        case "ApiError":
            return "Once access is restored, run `pulumi up` again: it adopts that request instead of sending another.";
        case "Finished":
            return `Fix the cause (\`kubectl describe mssqlserveropsrequests.ops.kubedb.com ${r.attemptName} -n ${r.namespace}\`), then ${again}`;
        case "Deleted":
        case "NotFound":
            return capitalize(again);
        default:
            return `Fix the cause, then ${again}`;
    }
}

/** The whole message: the error, then how it ended, what the database has now, and what to do. */
export function failureMessage(r: FailureReport): string {
    const outcome = opsRequestFailure(r.cause)?.outcome;
    const progress = r.progress
        ? [
              r.progress.done.length ? `Done before it: ${r.progress.done.join(", ")}.` : "",
              r.progress.notStarted.length ? `Not started: ${r.progress.notStarted.join(", ")}.` : "",
          ]
        : [];
    const story = [...progress, outcome ? HOW_IT_ENDED[outcome] : "", r.now, whatToDo(r, outcome), r.seeAlso ?? ""].filter((s) => s !== "").join(" ");
    return `${r.request} for ${r.namespace}/${r.database} did not succeed: ${(r.cause as Error)?.message ?? String(r.cause)}\n${story}`;
}

/** Another request of the database outlasted the wait for it: nothing of ours was started. */
export function blockedMessage(blocked: string, other: string, phase: string | undefined): string {
    return (
        `${blocked}: MSSQLServerOpsRequest ${other} of the same database is still ${phase ?? "Pending"}, and KubeDB must run one request at a time. ` +
        "Let it finish (approve it if it is WaitingForApproval) or delete it, then run `pulumi up` again."
    );
}

/** Every attempt name of a request is used up by failed attempts. */
export function attemptsExhaustedMessage(type: string, namespace: string, database: string, first: string, last: string, attempts: number): string {
    return `${type} for ${namespace}/${database} failed ${attempts} times (${first} … ${last}); inspect them with \`kubectl describe mssqlserveropsrequests.ops.kubedb.com -n ${namespace}\``;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
