/**
 * The queue against the loopback API server: requests run until the plan is done, within a bound, and a stop names its attempt.
 */
import { strict as assert } from "assert";
import { KubeObject, kubeApi } from "../../components/kube/client";
import { dayTwoRequestManifest } from "../../components/ops/manifests";
import { QueuedRequest, queueStop, runQueue } from "../../components/ops/queue";
import { FakeKubeApi } from "../support/fakeKubeApi";
import { DB, NS, installOperator, putDatabase, putRequest } from "../support/fakeKubeDb";

describe("ops edges: the queue", function () {
    this.timeout(20_000);
    let fake: FakeKubeApi;
    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        putDatabase(fake, "mssql", "mssql-auth-1");
    });
    afterEach(async () => {
        await fake.stop();
    });

    const restart = (name: string, after: number): QueuedRequest<number> => ({
        manifest: dayTwoRequestManifest({ name, namespace: NS, database: "mssql", stepTimeout: "10m", type: "Restart", section: { restart: {} } }),
        action: `restart ${after}`,
        after,
    });
    const options = (next: (applied: number, sequence: number) => QueuedRequest<number> | undefined, maxRequests?: number) => ({
        api: kubeApi(fake.kubeconfig()),
        database: fake.get(DB, "mssqlservers", NS, "mssql") as KubeObject,
        applied: 0,
        sequence: 0,
        next,
        timeoutSeconds: 10,
        maxRequests,
    });

    it("runs requests until the plan is done, counting each, and stops a planner that never ends at its bound", async () => {
        installOperator(fake, { outcomes: ["Successful"], stepMs: 5 });
        const done = await runQueue(options((applied) => (applied < 2 ? restart(`mssql-restart-${applied}`, applied + 1) : undefined)));
        assert.equal(done.applied, 2);
        assert.equal(done.sequence, 2);
        assert.equal(done.last?.name, "mssql-restart-1");
        await assert.rejects(
            runQueue(options((applied) => restart(`mssql-endless-${applied}`, applied + 1), 2)),
            /^Error: planned more than 2 requests in one run for db\/mssql; this is a bug in kubedb-mssql$/,
        );
        assert.equal(fake.list("ops.kubedb.com/v1alpha1", "mssqlserveropsrequests", NS).filter((r) => r.metadata.name.startsWith("mssql-endless")).length, 2);
    });

    it("a stop names the attempt that failed (a retry's own name) and the state reached before it", async () => {
        putRequest(fake, "mssql-restart-b", { phase: "Failed" });
        installOperator(fake, { outcomes: ["Successful", "Failed"], stepMs: 5 });
        const error = await runQueue(
            options((applied) => (applied === 0 ? restart("mssql-restart-a", 1) : applied === 1 ? restart("mssql-restart-b", 2) : undefined)),
        ).then(
            () => assert.fail("expected the queue to stop"),
            (e: unknown) => e,
        );
        const stop = queueStop<number, QueuedRequest<number>>(error)!;
        assert.equal(stop.attemptName, "mssql-restart-b-r2");
        assert.equal(stop.applied, 1);
        assert.equal(stop.sequence, 1);
        assert.equal(stop.request.action, "restart 2");
    });
});
