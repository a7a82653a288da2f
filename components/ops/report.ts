/**
 * The lines a provider writes for the user. The provider plugin runs each operation inside
 * {@link withReporter} with a reporter that logs against the resource's URN, so `pulumi up` shows the
 * line on that resource's row; outside one (a test calling a provider directly) they go to stderr.
 */
import { AsyncLocalStorage } from "async_hooks";
import { OpsRequestProgress, describeCondition } from "./waiter";

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
