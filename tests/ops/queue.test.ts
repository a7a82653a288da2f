/**
 * The queue against the loopback API server: requests run until the plan is done, within a bound, and a stop names its attempt.
 */
import { strict as assert } from "assert";
import { KubeObject, kubeApi } from "../../components/kube/client";
import { QueuedRequest, queueStop, runQueue } from "../../components/ops/queue";
import { FakeKubeApi } from "../support/fakeKubeApi";
import { DB, NS, OPS, installOperator, putRequest, restartRequest, useFakeDatabase } from "../support/fakeKubeDb";

/** A queued Restart whose success brings the applied state to `after`. */
const restart = (name: string, after: number): QueuedRequest<number> => ({ manifest: restartRequest(name), action: `restart ${after}`, after });

describe("ops edges: the queue", function () {
    this.timeout(20_000);
    let fake: FakeKubeApi;
    const fakeDatabase = useFakeDatabase();
    beforeEach(() => (fake = fakeDatabase()));

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

describe("ops edges: the queue's bound, its hook and what it returns", function () {
    this.timeout(20_000);
    let fake: FakeKubeApi;
    const fakeDatabase = useFakeDatabase();
    beforeEach(() => (fake = fakeDatabase()));

    const base = () => ({
        api: kubeApi(fake.kubeconfig()),
        database: fake.get(DB, "mssqlservers", NS, "mssql") as KubeObject,
        timeoutSeconds: 10,
    });

    it("stops a planner that never ends after ten requests when no bound is given", async () => {
        installOperator(fake, { outcomes: ["Successful"], stepMs: 1 });
        await assert.rejects(
            runQueue({ ...base(), applied: 0, sequence: 0, next: (applied) => restart(`mssql-endless-${applied}`, applied + 1) }),
            /^Error: planned more than 10 requests in one run for db\/mssql; this is a bug in kubedb-mssql$/,
        );
        assert.equal(fake.list(OPS, "mssqlserveropsrequests", NS).length, 10);
    });

    it("counts on from the sequence it was given, asks the planner with the state and sequence reached, and returns the last request", async () => {
        installOperator(fake, { outcomes: ["Successful"], stepMs: 1 });
        const asked: Array<[number, number]> = [];
        const requests = [restart("mssql-restart-a", 1), restart("mssql-restart-b", 2)];
        const done = await runQueue({
            ...base(),
            applied: 0,
            sequence: 5,
            next: (applied, sequence) => {
                asked.push([applied, sequence]);
                return requests[applied];
            },
        });
        assert.deepEqual(asked, [
            [0, 5],
            [1, 6],
            [2, 7],
        ]);
        assert.deepEqual([done.applied, done.sequence, done.last?.name, done.last?.request], [2, 7, "mssql-restart-b", requests[1]]);
        assert.ok(Date.parse(done.last!.observedAt) <= Date.now(), done.last!.observedAt);
        assert.deepEqual(await runQueue({ ...base(), applied: 3, sequence: 4, next: () => undefined }), { applied: 3, sequence: 4, last: undefined });
    });

    it("calls its hook before each request is sent; a hook that fails sends nothing and is not the request's failure", async () => {
        installOperator(fake, { outcomes: ["Successful"], stepMs: 1 });
        const sentBefore: Array<[string, number]> = [];
        const requests = [restart("mssql-restart-a", 1), restart("mssql-restart-b", 2)];
        await runQueue({
            ...base(),
            applied: 0,
            sequence: 0,
            next: (applied) => requests[applied],
            beforeEach: async (request) => {
                sentBefore.push([request.action, fake.list(OPS, "mssqlserveropsrequests", NS).length]);
            },
        });
        assert.deepEqual(sentBefore, [
            ["restart 1", 0],
            ["restart 2", 1],
        ]);
        const error = await runQueue({
            ...base(),
            applied: 0,
            sequence: 0,
            next: () => restart("mssql-restart-c", 1),
            beforeEach: async () => {
                throw new Error("the CA bundle could not be widened");
            },
        }).then(
            () => assert.fail("expected the hook's failure"),
            (e: unknown) => e,
        );
        assert.equal((error as Error).message, "the CA bundle could not be widened");
        assert.equal(queueStop(error), undefined);
        assert.equal(fake.get(OPS, "mssqlserveropsrequests", NS, "mssql-restart-c"), undefined);
    });

    it("a stop carries the runner's message and error, and the base name when no attempt was made", async () => {
        fake.remove(DB, "mssqlservers", NS, "mssql");
        const error = await runQueue({
            ...base(),
            database: { metadata: { name: "mssql", namespace: NS, uid: "u" } },
            applied: 7,
            sequence: 3,
            next: () => restart("mssql-restart-a", 8),
            timeoutSeconds: 1,
            beforeEach: async () => void putRequest(fake, "mssql-other", { phase: "Progressing" }),
        }).then(
            () => assert.fail("expected the queue to stop"),
            (e: unknown) => e,
        );
        const stop = queueStop<number, QueuedRequest<number>>(error)!;
        assert.match(
            (error as Error).message,
            /^mssql-restart-a was not started: MSSQLServerOpsRequest db\/mssql-other of the same database is still Progressing/,
        );
        assert.equal((stop.cause as Error).message, (error as Error).message);
        assert.deepEqual([stop.applied, stop.sequence, stop.attemptName, stop.request.after], [7, 3, "mssql-restart-a", 8]);
        assert.equal(queueStop(new Error("other")), undefined);
        assert.equal(queueStop(undefined), undefined);
    });

    it("a runner that fails with something other than an Error still stops the queue, with what it was as the message", async () => {
        const api = { ...kubeApi(fake.kubeconfig()), listObjects: () => Promise.reject(undefined) };
        const error = await runQueue({ ...base(), api, applied: 0, sequence: 0, next: () => restart("mssql-restart-a", 1) }).then(
            () => assert.fail("expected the queue to stop"),
            (e: unknown) => e,
        );
        assert.equal((error as Error).message, "undefined");
        assert.equal(queueStop<number, QueuedRequest<number>>(error)?.cause, undefined);
        assert.equal(queueStop<number, QueuedRequest<number>>(error)?.attemptName, "mssql-restart-a");
    });
});
