/**
 * What the three request-running providers (credential rotation, TLS lifecycle, day-2 changes)
 * share: their resource is a ledger of what the database was last brought to, and
 * - its diff is pure (preview never calls the cluster) and also reports a change after a failed
 *   attempt, so the next `pulumi up` retries;
 * - the kubeconfig is an input but never an output (state keeps it only as an encrypted input);
 * - a failed attempt is an initialization error that carries the state before the attempt;
 * - deleting it leaves the database, its Secrets and its requests alone.
 * Each ledger gives what is its own ({@link Ledger}); {@link ledgerProvider} is the shell around it.
 */
import * as pulumi from "@pulumi/pulumi";
import { withoutKubeconfig } from "../resourceProtocol";
import { report } from "./report";
import { opsRequestFailure } from "./waiter";

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

/** The inputs every ledger has: which database, and how to reach its cluster. */
export interface LedgerInputs {
    namespace: string;
    database: string;
    kubeconfig?: string;
}

/** What is a ledger's own; the rest is {@link ledgerProvider}'s. */
export interface Ledger<I extends LedgerInputs, O extends LedgerOutputs> {
    /** Brings the database from `previous` (`{}` at creation) to `inputs`; a failed request throws an initialization error. */
    reconcile(inputs: I, previous: Partial<O>): Promise<O>;
    /** Whether a settled ledger has nothing to run for these inputs (then an update makes no API call). */
    nothingToRun(olds: Partial<O>, news: I): boolean;
    /** Refusals without the cluster, also at preview. */
    check?(olds: Partial<I>, news: I): pulumi.dynamic.CheckResult;
    /** What an update would send, for `pulumi preview` (pure; undefined: nothing to say). */
    preview?(olds: Partial<O>, news: I): string | undefined;
}

/** Whether an update runs the ledger: it has something to run, or its last attempt did not succeed. */
export function mustRun<I extends LedgerInputs, O extends LedgerOutputs>(ledger: Ledger<I, O>, olds: Partial<O>, news: I): boolean {
    return !isSettled(olds) || !ledger.nothingToRun(olds, news);
}

/** The provider of a ledger: a pure diff, create and update through `reconcile`, a delete that leaves the database alone. */
export function ledgerProvider<I extends LedgerInputs, O extends LedgerOutputs>(ledger: Ledger<I, O>): pulumi.dynamic.ResourceProvider {
    const { check } = ledger;
    return {
        ...(check ? { check: async (olds: Partial<I>, news: I) => check(olds, news) } : {}),
        async diff(_id: string, olds: Partial<O>, news: I) {
            const planned = ledger.preview?.(olds, news);
            if (planned) report(planned);
            return diffLedger<I>(olds as Partial<Record<keyof I, unknown>> & LedgerOutputs, news, ["namespace", "database"]);
        },
        async create(inputs: I) {
            return { id: `${inputs.namespace}/${inputs.database}`, outs: await ledger.reconcile(inputs, {}) };
        },
        async update(_id: string, olds: Partial<O>, news: I) {
            if (!mustRun(ledger, olds, news)) return { outs: { ...olds, ...withoutKubeconfig(news) } };
            return { outs: await ledger.reconcile(news, olds) };
        },
        async delete() {},
    };
}
