/**
 * The runner: the attempts of one request against the loopback API server.
 */
import { strict as assert } from "assert";
import { kubeApi, statusCode } from "../../components/kube/client";
import { retryRequestName } from "../../components/core/names";
import { dayTwoRequestManifest } from "../../components/ops/manifests";
import { MAX_ATTEMPTS, runOpsRequest, waitForUnfinishedRequests } from "../../components/ops/runner";
import { opsRequestFailure } from "../../components/ops/waiter";
import { FakeKubeApi } from "../support/fakeKubeApi";
import { DB, NS, OPS, installOperator, putRequest, restartRequest, useFakeDatabase } from "../support/fakeKubeDb";

/** The base name of the request the runner is given. */
const BASE = "mssql-restart-0123456789";

describe("ops edges: attempts of one request", () => {
    let fake: FakeKubeApi;
    const fakeDatabase = useFakeDatabase();
    beforeEach(() => (fake = fakeDatabase()));
    const manifest = () =>
        dayTwoRequestManifest({
            name: "mssql-restart-0123456789",
            namespace: NS,
            database: "mssql",
            stepTimeout: "10m",
            type: "Restart",
            section: { restart: {} } as never,
        });
    const failedAttempt = (attempt: number) =>
        fake.put({ ...manifest(), metadata: { name: retryRequestName("mssql-restart-0123456789", attempt), namespace: NS }, status: { phase: "Failed" } });

    it("uses the last of its attempt names, then refuses to send more, naming the first and the last", async () => {
        for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) failedAttempt(attempt);
        installOperator(fake, { outcomes: ["Successful"] });
        const result = await runOpsRequest({ api: kubeApi(fake.kubeconfig()), manifest: manifest(), timeoutSeconds: 10 });
        assert.equal(result.attempt, MAX_ATTEMPTS);
        assert.equal(result.name, `mssql-restart-0123456789-r${MAX_ATTEMPTS}`);
        fake.patchStatus(OPS, "mssqlserveropsrequests", NS, `mssql-restart-0123456789-r${MAX_ATTEMPTS}`, { phase: "Failed" });
        await assert.rejects(runOpsRequest({ api: kubeApi(fake.kubeconfig()), manifest: manifest(), timeoutSeconds: 10 }), {
            message: `Restart for db/mssql failed ${MAX_ATTEMPTS} times (mssql-restart-0123456789 … mssql-restart-0123456789-r${MAX_ATTEMPTS}); inspect them with \`kubectl describe mssqlserveropsrequests.ops.kubedb.com -n db\``,
        });
    });

    it("adopts an attempt someone created between its read and its create (409)", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        let raced = false;
        fake.onRequest((req) => {
            if (raced || req.method !== "POST" || !/mssqlserveropsrequests$/.test(req.path)) return undefined;
            raced = true;
            fake.put({ ...manifest(), status: { phase: "Successful" } });
            return { code: 409, reason: "AlreadyExists", message: 'mssqlserveropsrequests.ops.kubedb.com "mssql-restart-0123456789" already exists' };
        });
        const result = await runOpsRequest({ api: kubeApi(fake.kubeconfig()), manifest: manifest(), timeoutSeconds: 10 });
        assert.deepEqual([result.attempt, result.phase], [1, "Successful"]);
    });

    it("names a database that does not exist", async () => {
        fake.remove(DB, "mssqlservers", NS, "mssql");
        await assert.rejects(runOpsRequest({ api: kubeApi(fake.kubeconfig()), manifest: manifest(), timeoutSeconds: 10 }), {
            message: "MSSQLServer db/mssql does not exist; cannot run Restart",
        });
    });
});

describe("ops edges: what an attempt is sent as, and which existing request it adopts", () => {
    let fake: FakeKubeApi;
    const fakeDatabase = useFakeDatabase();
    beforeEach(() => (fake = fakeDatabase()));
    const manifest = () => {
        const m = dayTwoRequestManifest({
            name: BASE,
            namespace: NS,
            database: "mssql",
            stepTimeout: "10m",
            type: "Restart",
            section: { restart: {} } as never,
        });
        return { ...m, metadata: { ...m.metadata, labels: { "app.kubernetes.io/managed-by": "kubedb-mssql" } } };
    };
    const posts = () => fake.countRequests({ method: "POST", path: /mssqlserveropsrequests$/ });
    const run = (extra: Partial<Parameters<typeof runOpsRequest>[0]> = {}) =>
        runOpsRequest({ api: kubeApi(fake.kubeconfig()), manifest: manifest(), timeoutSeconds: 10, ...extra });

    it("owns the request by the database it read (its uid), keeping the manifest's labels, so the request goes when the database goes", async () => {
        installOperator(fake, { outcomes: ["Successful"], stepMs: 5 });
        const uid = fake.get(DB, "mssqlservers", NS, "mssql")!.metadata.uid;
        assert.ok(uid);
        await run();
        const sent = fake.get(OPS, "mssqlserveropsrequests", NS, BASE)!;
        assert.deepEqual(sent.metadata.ownerReferences, [{ apiVersion: DB, kind: "MSSQLServer", name: "mssql", uid }]);
        assert.deepEqual(sent.metadata.labels, { "app.kubernetes.io/managed-by": "kubedb-mssql" });
    });

    it("uses the database it was given instead of reading it again, and sends no owner it does not know", async () => {
        installOperator(fake, { outcomes: ["Successful"], stepMs: 5 });
        await run({ database: { metadata: { name: "mssql", uid: "given-uid" } } });
        assert.deepEqual(fake.get(OPS, "mssqlserveropsrequests", NS, BASE)!.metadata.ownerReferences, [
            { apiVersion: DB, kind: "MSSQLServer", name: "mssql", uid: "given-uid" },
        ]);
        assert.equal(fake.countRequests({ method: "GET", path: /mssqlservers\/mssql$/ }), 0);
        fake.remove(OPS, "mssqlserveropsrequests", NS, BASE);
        await run({ database: { metadata: { name: "mssql" } } });
        assert.equal("ownerReferences" in fake.get(OPS, "mssqlserveropsrequests", NS, BASE)!.metadata, false);
    });

    it("adopts an attempt that already succeeded, or that KubeDB has not picked up yet, without sending another", async () => {
        fake.put({ ...manifest(), status: { phase: "Successful" } });
        const attempts: Array<[string, number]> = [];
        const done = await run({ onAttempt: (name, attempt) => attempts.push([name, attempt]) });
        assert.deepEqual([done.name, done.attempt, done.phase], [BASE, 1, "Successful"]);
        assert.deepEqual(attempts, [[BASE, 1]]);
        assert.equal(posts(), 0);

        fake.remove(OPS, "mssqlserveropsrequests", NS, BASE);
        fake.put(manifest());
        fake.schedule(100, () => void fake.patchStatus(OPS, "mssqlserveropsrequests", NS, BASE, { phase: "Successful" }));
        const progress: string[] = [];
        const adopted = await run({ onProgress: (p) => progress.push(`${p.request} ${p.phase}`) });
        assert.deepEqual([adopted.name, adopted.attempt], [BASE, 1]);
        assert.equal(posts(), 0);
        assert.ok(!progress.some((line) => line.includes("another request")), `its own attempt is not another request: ${progress.join("; ")}`);
    });

    it("leaves a request of its name that asks for something else, and sends the next attempt name", async () => {
        installOperator(fake, { outcomes: ["Successful"], stepMs: 5 });
        putRequest(fake, BASE, { phase: "Successful" });
        const attempts: Array<[string, number]> = [];
        const done = await run({ onAttempt: (name, attempt) => attempts.push([name, attempt]) });
        assert.deepEqual([done.name, done.attempt], [`${BASE}-r2`, 2]);
        assert.deepEqual(attempts, [[`${BASE}-r2`, 2]]);
        assert.equal(fake.get(OPS, "mssqlserveropsrequests", NS, `${BASE}-r2`)!.spec.type, "Restart");
    });

    it("a failed attempt is never adopted, whatever ended it: the next name is sent", async () => {
        installOperator(fake, { outcomes: ["Successful"], stepMs: 5 });
        for (const phase of ["Failed", "Denied", "Skipped"]) {
            fake.put({ ...manifest(), status: { phase } });
            const done = await run();
            assert.deepEqual([done.name, done.attempt], [`${BASE}-r2`, 2], phase);
            fake.remove(OPS, "mssqlserveropsrequests", NS, `${BASE}-r2`);
        }
    });

    it("a create the API server refuses names the request and the server's reason", async () => {
        fake.onRequest((req) =>
            req.method === "POST" && /mssqlserveropsrequests$/.test(req.path)
                ? { code: 403, reason: "Forbidden", message: "admission webhook denied the request: restart not allowed" }
                : undefined,
        );
        const error = await run().then(
            () => assert.fail("expected the create to be refused"),
            (e: Error) => e,
        );
        assert.match(
            error.message,
            new RegExp(
                `^the API server refused to create Restart request db/${BASE}: .*admission webhook denied the request: restart not allowed.*\\(HTTP 403\\)$`,
            ),
        );
        assert.equal(statusCode(error.cause), 403);
    });

    it("waits as long as it was given for its own request, and no longer", async () => {
        installOperator(fake, { outcomes: ["Successful"], stepMs: 300 });
        const done = await run({ timeoutSeconds: 6 });
        assert.equal(done.phase, "Successful");
        fake.remove(OPS, "mssqlserveropsrequests", NS, BASE);
        installOperator(fake, { outcomes: ["Hang"], stepMs: 5 });
        const started = Date.now();
        await assert.rejects(run({ timeoutSeconds: 1 }), (e: unknown) => opsRequestFailure(e)?.outcome === "Timeout");
        assert.ok(Date.now() - started < 5000);
    });
});

describe("ops edges: its own attempts are never another request", () => {
    let fake: FakeKubeApi;
    const fakeDatabase = useFakeDatabase();
    beforeEach(() => (fake = fakeDatabase()));
    const manifest = () => restartRequest(BASE);

    it("adopts its last attempt while it still runs, without waiting for it as another request", async () => {
        for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++)
            fake.put({ ...manifest(), metadata: { name: retryRequestName(BASE, attempt), namespace: NS }, status: { phase: "Failed" } });
        const last = retryRequestName(BASE, MAX_ATTEMPTS);
        fake.put({ ...manifest(), metadata: { name: last, namespace: NS }, status: { phase: "Progressing" } });
        fake.schedule(200, () => void fake.patchStatus(OPS, "mssqlserveropsrequests", NS, last, { phase: "Successful" }));
        const progress: string[] = [];
        const done = await runOpsRequest({
            api: kubeApi(fake.kubeconfig()),
            manifest: manifest(),
            timeoutSeconds: 10,
            onProgress: (p) => progress.push(`${p.request} ${p.phase}`),
        });
        assert.deepEqual([done.name, done.attempt], [last, MAX_ATTEMPTS]);
        assert.ok(!progress.some((line) => line.includes("another request")), progress.join("; "));
    });
});

describe("ops edges: other requests of the database run first", () => {
    let fake: FakeKubeApi;
    const fakeDatabase = useFakeDatabase();
    beforeEach(() => (fake = fakeDatabase()));
    const manifest = () => restartRequest(BASE);

    it("sends its request only once another unfinished request of the database has finished, saying what it waits for", async () => {
        putRequest(fake, "mssql-rotate-auth-a", { phase: "Progressing" });
        putRequest(fake, "mssql-rotate-auth-b");
        fake.schedule(150, () => void fake.patchStatus(OPS, "mssqlserveropsrequests", NS, "mssql-rotate-auth-a", { phase: "Successful" }));
        fake.schedule(250, () => void fake.patchStatus(OPS, "mssqlserveropsrequests", NS, "mssql-rotate-auth-b", { phase: "Failed" }));
        const seenAtCreate: string[] = [];
        fake.onCreate("mssqlserveropsrequests", () => {
            for (const name of ["mssql-rotate-auth-a", "mssql-rotate-auth-b"])
                seenAtCreate.push(fake.get(OPS, "mssqlserveropsrequests", NS, name)!.status.phase);
        });
        installOperator(fake, { outcomes: ["Successful"], stepMs: 5 });
        const progress: Array<[string, string | undefined]> = [];
        await runOpsRequest({
            api: kubeApi(fake.kubeconfig()),
            manifest: manifest(),
            timeoutSeconds: 10,
            onProgress: (p) => progress.push([p.request, p.phase]),
        });
        assert.deepEqual(seenAtCreate, ["Successful", "Failed"]);
        assert.deepEqual(
            progress.filter(([, phase]) => phase?.includes("another request")),
            [
                ["db/mssql-rotate-auth-a", "Progressing (another request of the database: waiting for it to finish first)"],
                ["db/mssql-rotate-auth-b", "Pending (another request of the database: waiting for it to finish first)"],
            ],
        );
    });

    it("does not wait for finished requests, nor for another database's, nor for objects that name no database", async () => {
        for (const phase of ["Successful", "Failed", "Denied", "Skipped"]) putRequest(fake, `mssql-done-${phase.toLowerCase()}`, { phase });
        fake.put({ apiVersion: OPS, kind: "MSSQLServerOpsRequest", metadata: { name: "no-spec", namespace: NS } });
        fake.put({ apiVersion: OPS, kind: "MSSQLServerOpsRequest", metadata: { name: "no-database", namespace: NS }, spec: { type: "Restart" } });
        putRequest(fake, "other-rotate-auth-a", { phase: "Progressing" }, "other");
        installOperator(fake, { outcomes: ["Successful"], stepMs: 5 });
        const progress: string[] = [];
        const done = await runOpsRequest({
            api: kubeApi(fake.kubeconfig()),
            manifest: manifest(),
            timeoutSeconds: 2,
            onProgress: (p) => progress.push(`${p.request} ${p.phase}`),
        });
        assert.equal(done.phase, "Successful");
        assert.ok(!progress.some((line) => line.includes("another request")), progress.join("; "));
    });

    it("names the request that outlasts the wait, and sends nothing", async () => {
        putRequest(fake, "mssql-rotate-auth-a", { phase: "WaitingForApproval" });
        const error = await runOpsRequest({ api: kubeApi(fake.kubeconfig()), manifest: manifest(), timeoutSeconds: 1 }).then(
            () => assert.fail("expected the wait to time out"),
            (e: Error) => e,
        );
        assert.equal(
            error.message,
            `${BASE} was not started: MSSQLServerOpsRequest db/mssql-rotate-auth-a of the same database is still WaitingForApproval, and KubeDB must run one request at a time. ` +
                "Let it finish (approve it if it is WaitingForApproval) or delete it, then run `pulumi up` again.",
        );
        assert.deepEqual([opsRequestFailure(error.cause)?.outcome, opsRequestFailure(error.cause)?.request], ["Timeout", "db/mssql-rotate-auth-a"]);
        assert.equal(fake.get(OPS, "mssqlserveropsrequests", NS, BASE), undefined);
    });

    it("tells how each request it waited for ended: Successful, or not judged (with its spec and labels)", async () => {
        const a = fake.put({
            ...putRequest(fake, "mssql-a", { phase: "Progressing" }),
            metadata: { name: "mssql-a", namespace: NS, labels: { ledger: "tls" } },
        });
        const b = putRequest(fake, "mssql-b", { phase: "Progressing" });
        putRequest(fake, "mssql-mine", { phase: "Progressing" });
        fake.schedule(100, () => void fake.patchStatus(OPS, "mssqlserveropsrequests", NS, "mssql-a", { phase: "Successful" }));
        fake.schedule(150, () => void fake.patchStatus(OPS, "mssqlserveropsrequests", NS, "mssql-b", { phase: "Failed" }));
        const settled = await waitForUnfinishedRequests({
            api: kubeApi(fake.kubeconfig()),
            namespace: NS,
            database: "mssql",
            exclude: new Set(["mssql-mine"]),
            blocked: "x",
            remaining: () => 5,
        });
        assert.deepEqual(settled, [
            { name: "mssql-a", spec: a.spec, labels: { ledger: "tls" }, phase: "Successful" },
            { name: "mssql-b", spec: b.spec, labels: {} },
        ]);
        fake.patchStatus(OPS, "mssqlserveropsrequests", NS, "mssql-mine", { phase: "Successful" });
        assert.deepEqual(
            await waitForUnfinishedRequests({ api: kubeApi(fake.kubeconfig()), namespace: NS, database: "mssql", blocked: "x", remaining: () => 5 }),
            [],
            "nothing left unfinished, and no names excluded",
        );
    });
});
