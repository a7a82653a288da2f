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
import { TERMINAL_FAILURE_PHASES } from "./api/kubedb";
import { Condition } from "./api/meta";
import { KubeApi, KubeObject, OPS_REQUESTS, apiErrorMessage, kubeApi, statusCode } from "./kube";

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

/** The request reached a phase after which KubeDB does no more work, other than `Successful`. */
export class OpsRequestFailedError extends Error {
    constructor(
        readonly request: string,
        readonly phase: string,
        readonly condition: Condition | undefined,
        readonly conditions: Condition[],
    ) {
        super(`MSSQLServerOpsRequest ${request} is ${phase}: ${describeCondition(condition)}`);
        this.name = "OpsRequestFailedError";
    }
}

/** The request did not finish in time, was deleted, or never appeared. */
export class OpsRequestWaitError extends Error {
    constructor(
        readonly request: string,
        readonly kind: "Timeout" | "Deleted" | "NotFound" | "ApiError",
        readonly phase: string | undefined,
        readonly condition: Condition | undefined,
        detail: string,
    ) {
        super(`MSSQLServerOpsRequest ${request}: ${detail} (last phase: ${phase ?? "none"}; last condition: ${describeCondition(condition)})`);
        this.name = "OpsRequestWaitError";
    }
}


export function describeCondition(condition: Condition | undefined): string {
    if (!condition) return "no condition reported";
    const reason = condition.reason ? ` (${condition.reason})` : "";
    const message = condition.message ? `: ${condition.message}` : "";
    return `${condition.type}=${condition.status}${reason}${message}`;
}

/**
 * The condition that explains a failure: the latest one that is not True (KubeDB marks the step
 * that failed False), else the latest one.
 */
export function explainingCondition(conditions: Condition[]): Condition | undefined {
    const byTime = [...conditions].sort((a, b) => Date.parse(a.lastTransitionTime ?? "") - Date.parse(b.lastTransitionTime ?? "") || 0);
    const notTrue = byTime.filter((c) => c.status !== "True");
    return notTrue[notTrue.length - 1] ?? byTime[byTime.length - 1];
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
    private lastCondition: Condition | undefined;
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
                () => this.fail("Timeout", `not finished after ${this.timeoutMs / 1000}s`), this.timeoutMs);
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

    private fail(kind: OpsRequestWaitError["kind"], detail: string): void {
        this.finish(new OpsRequestWaitError(this.request, kind, this.phase, this.lastCondition, detail));
    }

    private observe(object: KubeObject): void {
        clearTimeout(this.timers.grace);
        this.timers.grace = undefined;
        const status = object.status ?? {};
        const conditions: Condition[] = Array.isArray(status.conditions) ? status.conditions : [];
        for (const condition of conditions) {
            const key = `${condition.status}/${condition.reason ?? ""}/${condition.message ?? ""}`;
            if (this.seen.get(condition.type) === key) continue;
            this.seen.set(condition.type, key);
            this.lastCondition = condition;
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
            this.finish(new OpsRequestFailedError(this.request, this.phase, explainingCondition(conditions), conditions));
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
                else this.timers.grace ??= setTimeout(() => this.fail("NotFound", `not found after ${this.graceMs / 1000}s`), this.graceMs);
                if (!this.settled) this.startWatch();
            },
            (error) => this.retry(error, true),
        );
    }

    private startWatch(): void {
        const { namespace, name } = this.options;
        let expired = false;
        this.api.watchObject(OPS_REQUESTS, namespace, name, this.resourceVersion,
            (type, object) => {
                if (type === "ERROR") {
                    // 410 Gone: our resourceVersion is older than the server keeps; start over from a list.
                    expired = true;
                    return;
                }
                this.failures = 0;
                if (object.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
                if (type === "BOOKMARK") return;
                if (type === "DELETED") this.fail("Deleted", "was deleted before it finished");
                else this.observe(object);
            },
            // A dropped connection resumes from the last resourceVersion; only a 410 needs a new list.
            (error) => this.retry(error, expired),
        ).then(
            (handle) => {
                if (this.settled) handle.abort();
                else this.watch = handle;
            },
            (error) => this.retry(error, true),
        );
    }

    /** Reconnects back off from 250 ms to 5 s; refused access is not worth retrying. */
    private retry(error: unknown, relist: boolean): void {
        if (this.settled) return;
        const code = statusCode(error);
        if (code === 401 || code === 403) {
            this.fail("ApiError", `the API server refused access (${code}): ${apiErrorMessage(error)}`);
            return;
        }
        this.failures += 1;
        const delay = Math.min(5000, 250 * 2 ** Math.min(this.failures - 1, 5));
        this.timers.retry = setTimeout(() => (relist ? this.listThenWatch() : this.startWatch()), delay);
    }
}
