/**
 * What the three request-running dynamic providers (credential rotation, TLS lifecycle, day-2
 * changes) share:
 * their resource is a ledger of what the database was last brought to, and
 * - its diff is pure (preview never calls the cluster) and also reports a change after a failed
 *   attempt, so the next `pulumi up` retries;
 * - the kubeconfig is an input but never an output (state keeps it only as an encrypted input);
 * - a failed attempt is an initialization error that carries the state before the attempt.
 */
import * as pulumi from "@pulumi/pulumi";
import { AsyncLocalStorage } from "async_hooks";
import { OpsRequestProgress, describeCondition, opsRequestFailure } from "./waiter";

export interface LedgerOutputs {
    /**
     * `Initial` (nothing to do at creation), the phase of the last request, or `Withdrawn` (the
     * config went back to what the database has after a request that did not succeed).
     */
    lastPhase?: string;
}

/** Phases after which there is nothing to retry. */
export const SETTLED_PHASES: readonly string[] = ["Initial", "Successful", "Withdrawn"];

export function isSettled(olds: LedgerOutputs): boolean {
    return olds.lastPhase !== undefined && SETTLED_PHASES.includes(olds.lastPhase);
}

/** `lastPhase` of a ledger after an attempt that did not succeed (never a settled phase). */
export function unsettledPhase(error: unknown): string {
    const failure = opsRequestFailure(error);
    if (!failure) return "NotStarted";
    if (failure.outcome === "Finished") return failure.phase ?? "Failed";
    if (failure.outcome === "Timeout") return `${failure.phase ?? "Pending"} (still running)`;
    return failure.outcome;
}

export function diffLedger<I extends { kubeconfig?: string }>(
    olds: Partial<Record<keyof I, unknown>> & LedgerOutputs,
    news: I,
    replacingFields: readonly (keyof I)[],
): pulumi.dynamic.DiffResult {
    const replaces = replacingFields.filter((f) => olds[f] !== news[f]).map(String);
    const changed = (Object.keys(news) as (keyof I)[])
        // The kubeconfig (e.g. a refreshed token) and the serialized provider (a new release of this
        // code) change nothing the ledger stands for.
        .filter((k) => k !== "kubeconfig" && k !== "__provider" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes: changed.length > 0 || (olds.lastPhase !== undefined && !isSettled(olds)), replaces, deleteBeforeReplace: false };
}

/** Pulumi's placeholder for an input not known yet (a preview), as a dynamic provider receives it. */
export function isUnknown(value: unknown): boolean {
    return value === "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
}

/** The inputs without the kubeconfig, fit to be stored as outputs. */
export function withoutKubeconfig<I extends { kubeconfig?: string }>(inputs: I): Omit<I, "kubeconfig"> {
    const copy: Partial<I> = { ...inputs };
    delete copy.kubeconfig;
    return copy as Omit<I, "kubeconfig">;
}

/**
 * An error the provider plugin reports as "created but failed to initialize": the resource is
 * kept with `properties` and updated again on the next `pulumi up`.
 */
export function initializationError(message: string, id: string, properties: object): Error {
    return Object.assign(new Error(message), { id, properties: { ...properties }, reasons: [message] });
}

/**
 * Where a provider's lines for the user go. The provider plugin runs each operation inside
 * {@link withReporter} with a reporter that logs against the resource's URN, so `pulumi up` shows the
 * line on that resource's row; outside one (a test calling a provider directly) they go to stderr.
 */
export type Reporter = (line: string, kind: "progress" | "notice") => void;

const reporters = new AsyncLocalStorage<Reporter>();

export function withReporter<T>(reporter: Reporter, run: () => Promise<T>): Promise<T> {
    return reporters.run(reporter, run);
}

/** A line for the user: `notice` stays in the update's diagnostics, `progress` only on the row while it runs. */
export function report(line: string, kind: "progress" | "notice" = "notice"): void {
    const reporter = reporters.getStore();
    if (reporter) reporter(line, kind);
    else console.error(`[kubedb-mssql] ${line}`);
}

/** Progress of a request: shown on the resource's row while it runs. */
export function logProgress(progress: OpsRequestProgress): void {
    const condition = progress.condition ? ` ${describeCondition(progress.condition)}` : "";
    report(`${progress.request}: ${progress.phase ?? ""}${condition}`, "progress");
}
