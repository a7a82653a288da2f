/**
 * Waits for a KubeDB MSSQLServerOpsRequest to finish, and fails fast.
 *
 * The Kubernetes provider's `pulumi.com/waitFor` waits out its whole timeout on a request that
 * KubeDB has already marked `Failed`, then says only that it timed out. This function lists the
 * request once, then watches it from that resourceVersion: it resolves on `Successful`, rejects
 * as soon as the phase is `Failed`, `Denied` or `Skipped` with KubeDB's own reason, and rejects on
 * timeout with the last phase and condition it saw. A dropped watch resumes from the last
 * resourceVersion; an expired one (410) re-lists. It never polls.
 *
 * It is self-contained on purpose: the dynamic provider that runs it during `pulumi up` is
 * serialized by Pulumi, so everything it uses is either in this file or required at call time.
 */
import { TERMINAL_FAILURE_PHASES } from "../api/kubedb";
import { Condition } from "../api/meta";
import { KubeApi, KubeObject, OPS_REQUESTS, apiErrorMessage, describeApiError, kubeApi, statusCode } from "../kube/client";

export interface OpsRequestProgress {
    /** `<namespace>/<name>` of the request. */
    request: string;
    phase?: string;
    /** The condition that just appeared or changed, if any. */
    condition?: Condition;
}

export interface WaitForOpsRequestOptions {
    namespace: string;
    name: string;
    /** Kubeconfig text, as the Kubernetes provider takes it; absent = the ambient kubeconfig. */
    kubeconfig?: string;
    /** Overall limit; default 1800 s (30 min). */
    timeoutSeconds?: number;
    /** Called when the phase changes and when a condition appears or changes. */
    onProgress?: (progress: OpsRequestProgress) => void;
    /** How long the request may be absent before giving up (it may not be cached yet); default 30 s. */
    notFoundGraceSeconds?: number;
    /** An API client to use instead of one built from `kubeconfig` (tests, reuse). */
    api?: KubeApi;
}

export interface OpsRequestResult {
    name: string;
    namespace: string;
    phase: "Successful";
    conditions: Condition[];
    /** When this function saw the request succeed (RFC 3339). */
    observedAt: string;
}

/**
 * How a wait ended without success:
 * - `Finished`: KubeDB finished the request as Failed, Denied or Skipped;
 * - `Timeout`: still unfinished when the time was up (it may still be running);
 * - `Deleted`: removed before it finished; `NotFound`: never appeared;
 * - `ApiError`: the API server refused access.
 */
export type OpsRequestOutcome = "Finished" | "Timeout" | "Deleted" | "NotFound" | "ApiError";

/** What a failed wait knows, attached to the Error as `opsRequest`. */
export interface OpsRequestFailure {
    /** `<namespace>/<name>` of the request. */
    request: string;
    outcome: OpsRequestOutcome;
    /** The last phase seen (undefined when the request was never seen). */
    phase?: string;
    /** The condition that explains the outcome: KubeDB's failure condition, else the latest one seen. */
    condition?: Condition;
    conditions: Condition[];
}

export type OpsRequestError = Error & { opsRequest: OpsRequestFailure };

// Errors are plain `Error`s carrying data, never subclasses: Pulumi's closure serializer rewrites
// `super(message)` in a captured class as `Error.call(this, message)`, which leaves the instance
// without a message in the dynamic-provider host (see tests/provider/providerHost.test.ts).
export function opsRequestError(failure: OpsRequestFailure, message: string): OpsRequestError {
    const error = new Error(message) as OpsRequestError;
    error.name = "OpsRequestError";
    error.opsRequest = failure;
    return error;
}

/** The failure details of an error thrown by a wait, or undefined for any other error. */
export function opsRequestFailure(error: unknown): OpsRequestFailure | undefined {
    const failure = (error as { opsRequest?: OpsRequestFailure } | undefined)?.opsRequest;
    return failure && typeof failure.request === "string" && typeof failure.outcome === "string" ? failure : undefined;
}

/** `<KubeDB's message> [<type>=<status>, reason <reason>]`, or what there is of it. */
export function describeCondition(condition: Condition | undefined): string {
    if (!condition) return "no condition reported";
    const facts = `${condition.type}=${condition.status}${condition.reason ? `, reason ${condition.reason}` : ""}`;
    return condition.message ? `${condition.message} [${facts}]` : facts;
}

/** Conditions from the earliest to the latest transition; equal times keep their list order. */
function byTransition(conditions: Condition[]): Condition[] {
    const time = (c: Condition) => {
        const t = Date.parse(c.lastTransitionTime ?? "");
        return Number.isNaN(t) ? -Infinity : t;
    };
    return conditions
        .map((c, i) => [c, i] as const)
        .sort(([a, i], [b, j]) => time(a) - time(b) || i - j)
        .map(([c]) => c);
}

/** A step's status in KubeDB's generic words ("evict pod; ConditionStatus:False"): a step left behind, not an error. */
const STEP_STATUS_MESSAGE = /ConditionStatus:/i;
/** A reason that names a failure: `Failed`, `UpdateCredentialFailed`, `RestartNodesError`, `TimedOut`. */
const FAILURE_REASON = /(fail(ed|ure)?|error|timeout|timedout)$/i;
/** The phases whose own condition says why: a request refused or passed over. */
const EXPLAINED_PHASES: readonly string[] = ["Denied", "Skipped"];

/** A condition's reason without a per-pod suffix (`EvictPod--failover-0` → `EvictPod`): a pod's name is no evidence. */
function stepReason(c: Condition): string {
    return (c.reason ?? "").split("--")[0];
}

/**
 * How strongly a condition says why a terminal request failed (0: it does not). KubeDB records a
 * failure as a condition with `reason: Failed` or of type `Failed` (or the phase: `Denied`,
 * `Skipped`) carrying the error; failing that, the failing step's own condition goes False with
 * the error and a failure-like reason (`UpdateCredentialFailed`). A condition with status True —
 * the request's own start condition ("has started to rotate auth …") or a step done — never is.
 * Per-step conditions (`EvictPod--<pod>`) can stay False from earlier steps or earlier requests,
 * even in requests that succeed: with KubeDB's generic step wording they rank below any False
 * condition with an error of its own, and among equals the latest transition wins.
 */
function failureEvidence(c: Condition, phase: string | undefined): number {
    const asserted = c.reason === "Failed" || c.type === "Failed" || (phase !== undefined && EXPLAINED_PHASES.includes(phase) && c.type === phase);
    const message = !!c.message;
    if (asserted && message) return 5;
    if (c.status === "True") return asserted ? 1 : 0;
    const failureReason = FAILURE_REASON.test(stepReason(c));
    if (message && failureReason) return 4;
    if (message && !STEP_STATUS_MESSAGE.test(c.message!)) return 3;
    if (message) return 2;
    return asserted || failureReason ? 1 : 0;
}

/**
 * The condition that says why a request ended Failed, Denied or Skipped, or undefined when KubeDB
 * recorded none: the strongest evidence ({@link failureEvidence}), the latest transition among
 * equals. `requestType` is kept for callers' clarity; the request's own type is no evidence in itself.
 */
export function failureCondition(conditions: Condition[], _requestType?: string, phase?: string): Condition | undefined {
    let best: Condition | undefined;
    let bestScore = 0;
    for (const c of byTransition(conditions)) {
        const score = failureEvidence(c, phase);
        if (score > 0 && score >= bestScore) {
            best = c;
            bestScore = score;
        }
    }
    return best;
}

/** The latest condition, by transition time and then list order. */
export function latestCondition(conditions: Condition[]): Condition | undefined {
    return byTransition(conditions).pop();
}

/**
 * Where a request that did not finish (a timeout, a deletion, a refused watch) had got to: an
 * explicit failure KubeDB recorded, else the latest condition — not a stale step left False.
 */
export function progressCondition(conditions: Condition[], phase?: string): Condition | undefined {
    const failure = failureCondition(conditions, undefined, phase);
    return failure && failureEvidence(failure, phase) >= 4 ? failure : latestCondition(conditions);
}

export function waitForOpsRequest(options: WaitForOpsRequestOptions): Promise<OpsRequestResult> {
    return new OpsRequestWatch(options).run();
}

/**
 * One wait: list, then watch from the list's resourceVersion, resuming or re-listing as the
 * connection demands. (A class rather than nested closures: Pulumi's closure serializer cannot
 * follow closures that refer to each other before they are declared.)
 */
class OpsRequestWatch {
    private readonly options: WaitForOpsRequestOptions;
    private readonly request: string;
    private readonly api: KubeApi;
    private readonly timeoutMs: number;
    private readonly graceMs: number;
    private readonly seen: Map<string, string>;
    private readonly timers: { deadline?: NodeJS.Timeout; retry?: NodeJS.Timeout; grace?: NodeJS.Timeout };
    private settled: boolean;
    private phase: string | undefined;
    /** Whether the request was ever seen (a timeout before that is reported as NotFound). */
    private found: boolean;
    private requestType: string | undefined;
    private conditions: Condition[];
    private lastApiError: string | undefined;
    private resourceVersion: string;
    private failures: number;
    private watch: { abort(): void } | undefined;
    private resolve: (result: OpsRequestResult) => void;
    private reject: (error: Error) => void;

    // Every field is set here, not in a field initializer: Pulumi's closure serializer rebuilds the
    // class from its constructor and would drop initializers.
    constructor(options: WaitForOpsRequestOptions) {
        this.options = options;
        this.request = `${options.namespace}/${options.name}`;
        this.api = options.api ?? kubeApi(options.kubeconfig);
        this.timeoutMs = (options.timeoutSeconds ?? 1800) * 1000;
        this.graceMs = (options.notFoundGraceSeconds ?? 30) * 1000;
        this.seen = new Map();
        this.found = false;
        this.conditions = [];
        this.timers = {};
        this.settled = false;
        this.resourceVersion = "";
        this.failures = 0;
        this.resolve = () => undefined;
        this.reject = () => undefined;
    }

    run(): Promise<OpsRequestResult> {
        return new Promise<OpsRequestResult>((resolve, reject) => {
            this.resolve = resolve;
            this.reject = reject;
            this.timers.deadline = setTimeout(
                () =>
                    this.found
                        ? this.fail("Timeout", `not finished after ${this.timeoutMs / 1000}s`)
                        : this.fail("NotFound", `did not appear within ${this.timeoutMs / 1000}s`),
                this.timeoutMs,
            );
            this.listThenWatch();
        });
    }

    private finish(error: Error | undefined, result?: OpsRequestResult): void {
        if (this.settled) return;
        this.settled = true;
        clearTimeout(this.timers.deadline);
        clearTimeout(this.timers.retry);
        clearTimeout(this.timers.grace);
        this.watch?.abort();
        if (error) this.reject(error);
        else this.resolve(result!);
    }

    /** Ends the wait without a terminal phase (timeout, deletion, absence, refused access). */
    private fail(outcome: Exclude<OpsRequestOutcome, "Finished">, detail: string): void {
        const condition = progressCondition(this.conditions, this.phase);
        const lastError = this.lastApiError && outcome !== "ApiError" ? `; last API error: ${this.lastApiError}` : "";
        this.finish(
            opsRequestError(
                { request: this.request, outcome, phase: this.phase, condition, conditions: this.conditions },
                `MSSQLServerOpsRequest ${this.request}: ${detail} (last phase: ${this.phase ?? "none"}; last condition: ${describeCondition(condition)}${lastError})`,
            ),
        );
    }

    private observe(object: KubeObject): void {
        clearTimeout(this.timers.grace);
        this.timers.grace = undefined;
        this.found = true;
        this.requestType = object.spec?.type ?? this.requestType;
        const status = object.status ?? {};
        const conditions: Condition[] = Array.isArray(status.conditions) ? status.conditions : [];
        this.conditions = conditions;
        for (const condition of conditions) {
            const key = `${condition.status}/${condition.reason ?? ""}/${condition.message ?? ""}`;
            if (this.seen.get(condition.type) === key) continue;
            this.seen.set(condition.type, key);
            this.options.onProgress?.({ request: this.request, phase: status.phase, condition });
        }
        if (status.phase !== this.phase) {
            this.phase = status.phase;
            this.options.onProgress?.({ request: this.request, phase: this.phase });
        }
        if (this.phase === "Successful") {
            const { namespace, name } = this.options;
            this.finish(undefined, { name, namespace, phase: "Successful", conditions, observedAt: new Date().toISOString() });
        } else if (this.phase !== undefined && TERMINAL_FAILURE_PHASES.includes(this.phase)) {
            const condition = failureCondition(conditions, this.requestType, this.phase);
            this.finish(
                opsRequestError(
                    { request: this.request, outcome: "Finished", phase: this.phase, condition, conditions },
                    `MSSQLServerOpsRequest ${this.request} is ${this.phase}: ${condition ? describeCondition(condition) : `KubeDB recorded no condition that explains it (${conditions.length} condition(s))`}`,
                ),
            );
        }
    }

    private listThenWatch(): void {
        const { namespace, name } = this.options;
        this.api.listObjects(OPS_REQUESTS, namespace, { fieldSelector: `metadata.name=${name}` }).then(
            (list) => {
                if (this.settled) return;
                this.failures = 0;
                this.resourceVersion = list.resourceVersion;
                if (list.items.length > 0) this.observe(list.items[0]);
                // Seen before, gone now (e.g. deleted while the watch was re-listing after a 410).
                else if (this.found) this.fail("Deleted", "was deleted before it finished");
                else this.timers.grace ??= setTimeout(() => this.fail("NotFound", `did not appear within ${this.graceMs / 1000}s`), this.graceMs);
                if (!this.settled) this.startWatch();
            },
            (error) => this.retry(error, true),
        );
    }

    private startWatch(): void {
        const { namespace, name } = this.options;
        let expired = false;
        const startedAt = Date.now();
        this.api
            .watchObject(
                OPS_REQUESTS,
                namespace,
                name,
                this.resourceVersion,
                (type, object) => {
                    if (type === "ERROR") {
                        // 410 Gone: our resourceVersion is older than the server keeps; start over from a list.
                        expired = true;
                        return;
                    }
                    this.failures = 0;
                    if (object.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
                    if (type === "BOOKMARK") return;
                    // The last state of a deleted request may still say how it ended.
                    this.observe(object);
                    if (type === "DELETED") this.fail("Deleted", "was deleted before it finished");
                },
                // The server ends every watch after its timeout: resume at once, it is no failure. A
                // dropped connection resumes from the last resourceVersion; only a 410 needs a new list.
                (error) => (error == null && !expired ? this.resume(startedAt) : this.retry(error, expired)),
            )
            .then(
                (handle) => {
                    if (this.settled) handle.abort();
                    else this.watch = handle;
                },
                (error) => this.retry(error, true),
            );
    }

    /** Re-opens a watch the server ended normally; at most once a second, should a proxy end them at once. */
    private resume(startedAt: number): void {
        if (this.settled) return;
        this.timers.retry = setTimeout(() => this.startWatch(), Math.max(0, 1000 - (Date.now() - startedAt)));
    }

    /** Reconnects back off from 250 ms to 5 s; refused access is not worth retrying. */
    private retry(error: unknown, relist: boolean): void {
        if (this.settled) return;
        const code = statusCode(error);
        if (code === 401 || code === 403) {
            this.fail("ApiError", `the API server refused access (${code}): ${apiErrorMessage(error)}`);
            return;
        }
        this.lastApiError = describeApiError(error);
        this.failures += 1;
        const delay = Math.min(5000, 250 * 2 ** Math.min(this.failures - 1, 5));
        this.timers.retry = setTimeout(() => (relist ? this.listThenWatch() : this.startWatch()), delay);
    }
}
