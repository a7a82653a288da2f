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

const FAILURE_PHASES = ["Failed", "Denied", "Skipped"];

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
    const { namespace, name } = options;
    const request = `${namespace}/${name}`;
    const api = options.api ?? kubeApi(options.kubeconfig);
    const timeoutMs = (options.timeoutSeconds ?? 1800) * 1000;
    const graceMs = (options.notFoundGraceSeconds ?? 30) * 1000;

    return new Promise<OpsRequestResult>((resolve, reject) => {
        let settled = false;
        let phase: string | undefined;
        let lastCondition: Condition | undefined;
        let resourceVersion = "";
        let watch: { abort(): void } | undefined;
        let retryTimer: NodeJS.Timeout | undefined;
        let graceTimer: NodeJS.Timeout | undefined;
        let failures = 0;
        const seen = new Map<string, string>();

        const finish = (error: Error | undefined, result?: OpsRequestResult) => {
            if (settled) return;
            settled = true;
            clearTimeout(deadline);
            clearTimeout(retryTimer);
            clearTimeout(graceTimer);
            watch?.abort();
            if (error) reject(error);
            else resolve(result!);
        };
        const deadline = setTimeout(
            () => finish(new OpsRequestWaitError(request, "Timeout", phase, lastCondition, `not finished after ${timeoutMs / 1000}s`)),
            timeoutMs,
        );

        const observe = (object: KubeObject) => {
            clearTimeout(graceTimer);
            graceTimer = undefined;
            const status = object.status ?? {};
            const conditions: Condition[] = Array.isArray(status.conditions) ? status.conditions : [];
            for (const condition of conditions) {
                const key = `${condition.status}/${condition.reason ?? ""}/${condition.message ?? ""}`;
                if (seen.get(condition.type) === key) continue;
                seen.set(condition.type, key);
                lastCondition = condition;
                options.onProgress?.({ request, phase: status.phase, condition });
            }
            if (status.phase !== phase) {
                phase = status.phase;
                options.onProgress?.({ request, phase });
            }
            if (phase === "Successful") {
                finish(undefined, { name, namespace, phase: "Successful", conditions, observedAt: new Date().toISOString() });
            } else if (phase !== undefined && FAILURE_PHASES.includes(phase)) {
                finish(new OpsRequestFailedError(request, phase, explainingCondition(conditions), conditions));
            }
        };

        const startGrace = () => {
            graceTimer ??= setTimeout(
                () => finish(new OpsRequestWaitError(request, "NotFound", phase, lastCondition, `not found after ${graceMs / 1000}s`)),
                graceMs,
            );
        };

        // Reconnects back off from 250 ms to 5 s; a 403/401 is not worth retrying.
        const retry = (error: unknown, relist: boolean) => {
            if (settled) return;
            const code = statusCode(error);
            if (code === 401 || code === 403) {
                finish(new OpsRequestWaitError(request, "ApiError", phase, lastCondition, `the API server refused access (${code}): ${apiErrorMessage(error)}`));
                return;
            }
            failures += 1;
            const delay = Math.min(5000, 250 * 2 ** Math.min(failures - 1, 5));
            retryTimer = setTimeout(() => (relist ? listThenWatch() : startWatch()), delay);
        };

        const startWatch = () => {
            let expired = false;
            api.watchObject(OPS_REQUESTS, namespace, name, resourceVersion,
                (type, object) => {
                    if (type === "ERROR") {
                        // 410 Gone: our resourceVersion is older than the server keeps; start over from a list.
                        expired = true;
                        return;
                    }
                    failures = 0;
                    if (object.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
                    if (type === "BOOKMARK") return;
                    if (type === "DELETED") {
                        finish(new OpsRequestWaitError(request, "Deleted", phase, lastCondition, "was deleted before it finished"));
                        return;
                    }
                    observe(object);
                },
                (error) => retry(error, expired || error != null),
            ).then(
                (handle) => {
                    if (settled) handle.abort();
                    else watch = handle;
                },
                (error) => retry(error, true),
            );
        };

        const listThenWatch = () => {
            api.listObjects(OPS_REQUESTS, namespace, { fieldSelector: `metadata.name=${name}` }).then(
                (list) => {
                    if (settled) return;
                    failures = 0;
                    resourceVersion = list.resourceVersion;
                    if (list.items.length > 0) observe(list.items[0]);
                    else startGrace();
                    if (!settled) startWatch();
                },
                (error) => retry(error, true),
            );
        };

        listThenWatch();
    });
}
