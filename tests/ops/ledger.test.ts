/**
 * The ledger: the phase an attempt ended in, what is a change, and a request's progress line.
 */
import { strict as assert } from "assert";
import { diffLedger, unsettledPhase } from "../../components/ops/ledger";
import { logProgress } from "../../components/ops/report";
import { opsRequestError } from "../../components/ops/waiter";

describe("ops edges: the ledger", () => {
    const failure = (outcome: "Finished" | "Timeout" | "Deleted", phase?: string) =>
        opsRequestError({ request: "db/r", outcome, phase, conditions: [] }, "failed");

    it("names the phase an attempt ended in", () => {
        assert.equal(unsettledPhase(new Error("nothing sent")), "NotStarted");
        assert.equal(unsettledPhase(failure("Finished", "Denied")), "Denied");
        assert.equal(unsettledPhase(failure("Finished")), "Failed");
        assert.equal(unsettledPhase(failure("Timeout", "Progressing")), "Progressing (still running)");
        assert.equal(unsettledPhase(failure("Timeout")), "Pending (still running)");
        assert.equal(unsettledPhase(failure("Deleted")), "Deleted");
    });

    it("a new kubeconfig or provider alone is no change; any other input is; an unsettled attempt is retried", () => {
        const olds = { database: "mssql", generation: 1, kubeconfig: "a", __provider: "p1", lastPhase: "Successful" };
        assert.equal(diffLedger(olds, { database: "mssql", generation: 1, kubeconfig: "b", __provider: "p2" }, ["database"]).changes, false);
        assert.equal(diffLedger(olds, { database: "mssql", generation: 2, kubeconfig: "a", __provider: "p1" }, ["database"]).changes, true);
        assert.equal(
            diffLedger({ ...olds, lastPhase: "Failed" }, { database: "mssql", generation: 1, kubeconfig: "a", __provider: "p1" }, ["database"]).changes,
            true,
        );
        const { lastPhase: _none, ...noPhase } = olds;
        assert.equal(diffLedger(noPhase, { database: "mssql", generation: 1, kubeconfig: "a", __provider: "p1" }, ["database"]).changes, false);
        assert.deepEqual(diffLedger(olds, { database: "other", generation: 1, kubeconfig: "a", __provider: "p1" }, ["database"]).replaces, ["database"]);
    });

    it("prints a request's progress on one line: name, phase, KubeDB's condition", () => {
        const lines: string[] = [];
        const realError = console.error;
        console.error = (line: string) => {
            lines.push(line);
        };
        try {
            logProgress({
                request: "db/mssql-restart-1",
                phase: "Progressing",
                condition: { type: "RestartNodes", status: "True", reason: "Restarted", message: "pods restarted" },
            } as never);
            logProgress({ request: "db/mssql-restart-1" } as never);
        } finally {
            console.error = realError;
        }
        assert.deepEqual(lines, [
            "[kubedb-mssql] db/mssql-restart-1: Progressing pods restarted [RestartNodes=True, reason Restarted]",
            "[kubedb-mssql] db/mssql-restart-1: ",
        ]);
    });
});
