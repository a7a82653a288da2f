/**
 * The day-2 provider against a Kubernetes-shaped API server with a scripted KubeDB ops-manager —
 * each change sends exactly its request and reads the result back, several run strictly one after
 * another, a failure stops within moments with KubeDB's message and is retried with a new name, and
 * what KubeDB cannot do is refused before any request. (The planner: dayTwoPlan.test.ts; the
 * catalog's update paths: versionCatalog.test.ts; the serialized provider in Pulumi's host:
 * providerHost.test.ts.)
 */
import { strict as assert } from "assert";
import {
    DayTwoInputs,
    DayTwoOutputs,
    checkDayTwo,
    dayTwoProvider,
    fromLive,
    liveDayTwo,
    previewPlan,
    reconcileDayTwo,
} from "../../components/database/dayTwoProvider";
import { FakeKubeApi } from "../support/fakeKubeApi";
import { labelsFor } from "../../components/core/names";
import { DB, NS, OPS, applyDayTwo, installOperator, putCatalog, putDatabase, putRequest, putStorageClass } from "../support/fakeKubeDb";
import { dayTwoChangeCases } from "../support/dayTwoCases";

const inputs = (fake: FakeKubeApi, change: Partial<DayTwoInputs> = {}): DayTwoInputs => ({
    namespace: NS,
    database: "mssql",
    topology: "Standalone",
    expansionMode: "Online",
    version: "2022-cu22",
    replicas: 1,
    resources: {},
    storageSize: "10Gi",
    storageClass: "",
    mssqlConf: "",
    restartGeneration: 0,
    stepTimeout: "10m",
    timeoutSeconds: 20,
    kubeconfig: fake.kubeconfig(),
    ...change,
});

const opsPosts = (fake: FakeKubeApi) => fake.countRequests({ method: "POST", path: /mssqlserveropsrequests$/ });
const requests = (fake: FakeKubeApi) =>
    fake
        .list(OPS, "mssqlserveropsrequests", NS)
        .sort(
            (a, b) =>
                a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) ||
                Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
        );
const db = (fake: FakeKubeApi) => fake.get(DB, "mssqlservers", NS, "mssql")!;

describe("day-2 provider against the API server", function () {
    this.timeout(20_000);
    let fake: FakeKubeApi;
    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        putDatabase(fake, "mssql", "mssql-auth-1");
        putCatalog(fake);
    });
    afterEach(async () => {
        assert.deepEqual(fake.hookErrors, []);
        await fake.stop();
    });

    /** The first deployment, then an update to `change`, as the engine calls them. */
    async function deployThenChange(
        change: Partial<DayTwoInputs>,
        before: Partial<DayTwoInputs> = {},
    ): Promise<{ created: DayTwoOutputs; updated: DayTwoOutputs }> {
        const created = (await dayTwoProvider.create!(inputs(fake, before))).outs as DayTwoOutputs;
        const news = inputs(fake, { ...before, ...change });
        assert.equal((await dayTwoProvider.diff!("db/mssql", created, news)).changes, true);
        const updated = (await dayTwoProvider.update!("id", created, news)).outs as DayTwoOutputs;
        return { created, updated };
    }

    it("the plan for `pulumi preview`, from the last known state, without the cluster", async () => {
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        const before = fake.requests.length;
        assert.equal(
            previewPlan(created, inputs(fake, { storageSize: "20Gi", version: "2025-cu0" })),
            "db/mssql: planned VolumeExpansion (storage.size 10Gi → 20Gi (Online)) → UpdateVersion (version 2022-cu22 → 2025-cu0)",
        );
        assert.equal(previewPlan(created, inputs(fake, { timeoutSeconds: 60 })), undefined, "nothing to send, nothing printed");
        assert.equal(previewPlan({}, inputs(fake)), undefined, "a new ledger plans at creation, from the live database");
        assert.equal(fake.requests.length, before);
    });

    it("prints the plan where `pulumi` shows it: at diff (preview) and when the update starts", async () => {
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        installOperator(fake, { outcomes: ["Successful"] });
        const printed: string[] = [];
        const realError = console.error;
        console.error = (line: unknown) => void printed.push(String(line));
        try {
            await dayTwoProvider.diff!("id", created, inputs(fake, { version: "2025-cu0" }));
            await dayTwoProvider.diff!("id", created, inputs(fake));
            await dayTwoProvider.update!("id", created, inputs(fake, { version: "2025-cu0", restartGeneration: 1 }));
        } finally {
            console.error = realError;
        }
        assert.deepEqual(printed.filter((l) => !l.includes("phase")).slice(0, 2), [
            "[kubedb-mssql] db/mssql: planned UpdateVersion (version 2022-cu22 → 2025-cu0)",
            "[kubedb-mssql] db/mssql: UpdateVersion (version 2022-cu22 → 2025-cu0) → Restart (restart.generation 0 → 1)",
        ]);
    });

    it("first deployment: nothing to do, no request; reads what the database has", async () => {
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        assert.equal(opsPosts(fake), 0);
        assert.equal(created.lastPhase, "Initial");
        assert.deepEqual([created.currentVersion, created.currentReplicas, created.currentStorageSize], ["2022-cu22", 1, "10Gi"]);
        assert.equal((created as unknown as Record<string, unknown>).kubeconfig, undefined, "the kubeconfig is never an output");
    });

    it("first deployment with resources: KubeDB's added defaults are not a change", async () => {
        const created = (await dayTwoProvider.create!(inputs(fake, { resources: { limits: { memory: "4096Mi" } } }))).outs as DayTwoOutputs;
        assert.equal(opsPosts(fake), 0);
        assert.equal(created.lastPhase, "Initial");
    });

    const changesCases = dayTwoChangeCases(() => fake);
    for (const c of changesCases) {
        it(`${c.title}, waited on and read back`, async () => {
            c.arrange?.();
            const operator = installOperator(fake, { outcomes: ["Successful"] });
            const { updated } = await deployThenChange(c.change, c.before);
            assert.equal(opsPosts(fake), 1, "exactly one request");
            const [sent] = requests(fake);
            const { type, databaseRef, timeout, apply, ...section } = sent.spec;
            assert.deepEqual([databaseRef, timeout, apply], [{ name: "mssql" }, "10m", "IfReady"]);
            assert.deepEqual(section, c.spec);
            assert.equal(sent.metadata.ownerReferences?.[0]?.uid, db(fake).metadata.uid, "owned by the database");
            assert.deepEqual(operator.created, [sent.metadata.name]);
            assert.equal(updated.lastPhase, "Successful");
            assert.equal(updated.lastRequest, sent.metadata.name);
            assert.match(updated.lastAction, new RegExp(`^${type}: `));
            assert.deepEqual(c.readBack(db(fake)), c.expected);
            assert.deepEqual(
                [updated.currentVersion, updated.currentStorageSize],
                [db(fake).spec.version, db(fake).spec.storage.resources.requests.storage],
                "outputs read back",
            );
            // The same config again: no API call at all.
            const before = fake.requests.length;
            const again = await dayTwoProvider.update!("id", updated, inputs(fake, { ...c.before, ...c.change }));
            assert.equal(fake.requests.length, before);
            assert.equal((again.outs as DayTwoOutputs).lastRequest, updated.lastRequest);
            assert.equal(
                (await dayTwoProvider.diff!("db/mssql", updated, inputs(fake, { ...c.before, ...c.change }))).changes,
                false,
                "and the next diff shows nothing",
            );
        });
    }

    it("two changes in one run: the second request is created only after the first succeeded", async () => {
        putStorageClass(fake, "standard", true, true);
        const seenAtCreation: Array<[string, string[]]> = [];
        fake.onCreate("mssqlserveropsrequests", (r) => {
            seenAtCreation.push([
                r.spec.type,
                fake
                    .list(OPS, "mssqlserveropsrequests", NS)
                    .filter((o) => o.metadata.name !== r.metadata.name)
                    .map((o) => o.status?.phase),
            ]);
        });
        installOperator(fake, { outcomes: ["Successful"] });
        const { updated } = await deployThenChange({ version: "2025-cu0", storageSize: "30Gi" });
        assert.deepEqual(seenAtCreation, [
            ["VolumeExpansion", []],
            ["UpdateVersion", ["Successful"]],
        ]);
        assert.deepEqual([updated.currentVersion, updated.currentStorageSize, updated.sequence], ["2025-cu0", "30Gi", 2]);
        assert.match(updated.lastAction, /^UpdateVersion: version 2022-cu22 → 2025-cu0$/);
    });

    it("a failure stops within moments with KubeDB's message, keeps what succeeded, and the retry sends a new name for the rest only", async () => {
        putStorageClass(fake, "standard", true, true);
        const message = "failed to update image of petset mssql: image pull back-off";
        installOperator(fake, { outcomes: ["Successful", "Failed", "Successful"], failureMessage: message });
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        const news = inputs(fake, { version: "2025-cu0", storageSize: "30Gi" });
        const started = Date.now();
        const error = await dayTwoProvider.update!("id", created, news).then(
            () => undefined,
            (e) => e as Error & { id: string; properties: DayTwoOutputs },
        );
        assert.ok(error, "the update fails");
        assert.ok(Date.now() - started < 5_000, "fails fast, not at the timeout");
        const failedName = requests(fake)[1].metadata.name;
        assert.match(
            error.message,
            new RegExp(
                `^UpdateVersion \\(version 2022-cu22 → 2025-cu0\\) for db/mssql did not succeed: MSSQLServerOpsRequest db/${failedName} is Failed: ${message}`,
            ),
        );
        assert.match(
            error.message,
            /Done before it: VolumeExpansion\. The database has version 2022-cu22, 1 replica\(s\), 30Gi per volume now\. Fix the cause \(`kubectl describe/,
        );
        assert.equal(error.id, "db/mssql", "an initialization error: the engine keeps the state and retries next time");
        assert.equal(error.properties.lastPhase, "Failed");
        assert.equal(error.properties.lastRequest, failedName);
        assert.deepEqual([error.properties.applied.storageSize, error.properties.applied.version], ["30Gi", "2022-cu22"], "the expansion is kept as done");
        assert.equal((error.properties as unknown as Record<string, unknown>).kubeconfig, undefined);

        assert.equal((await dayTwoProvider.diff!("db/mssql", error.properties, news)).changes, true, "the next `pulumi up` retries");
        const retried = (await dayTwoProvider.update!("id", error.properties, news)).outs as DayTwoOutputs;
        const names = requests(fake).map((r) => `${r.spec.type}:${r.metadata.name}`);
        assert.deepEqual(
            names,
            [`VolumeExpansion:${requests(fake)[0].metadata.name}`, `UpdateVersion:${failedName}`, `UpdateVersion:${failedName}-r2`],
            "only the failed request again, under a new name",
        );
        assert.equal(retried.lastPhase, "Successful");
        assert.equal(retried.currentVersion, "2025-cu0");
    });

    it("a failure in the middle of three changes says what was done, what was not started and what the database has, exactly", async () => {
        putStorageClass(fake, "standard", true, true);
        installOperator(fake, { outcomes: ["Successful", "Failed"] });
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        const error = await dayTwoProvider.update!("id", created, inputs(fake, { version: "2025-cu0", storageSize: "30Gi", restartGeneration: 1 })).then(
            () => assert.fail("it fails"),
            (e) => e as Error,
        );
        const failed = requests(fake)[1].metadata.name;
        assert.equal(
            error.message.split("\n")[1],
            "Done before it: VolumeExpansion. Not started: Restart. " +
                "The database has version 2022-cu22, 1 replica(s), 30Gi per volume now. " +
                `Fix the cause (\`kubectl describe mssqlserveropsrequests.ops.kubedb.com ${failed} -n db\`), then run \`pulumi up\` again: it retries with a new request, then runs the rest.`,
        );
    });

    it("a failed StorageMigration says which class the volumes are on now", async () => {
        putStorageClass(fake, "standard", true, true);
        putStorageClass(fake, "fast", true, false);
        installOperator(fake, { outcomes: ["Failed"] });
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        const error = await dayTwoProvider.update!("id", created, inputs(fake, { storageClass: "fast" })).then(
            () => assert.fail("it fails"),
            (e) => e as Error,
        );
        assert.ok(error.message.includes("10Gi per volume, volumes on StorageClass (the cluster's default) now."), error.message);
    });

    it("a failed VerticalScaling says which resources the database has now", async () => {
        installOperator(fake, { outcomes: ["Failed"] });
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        const error = await dayTwoProvider.update!("id", created, inputs(fake, { resources: { limits: { memory: "8Gi" } } })).then(
            () => assert.fail("it fails"),
            (e) => e as Error,
        );
        assert.deepEqual(db(fake).spec.podTemplate.spec.containers[0].resources, { requests: { cpu: "500m", memory: "1536Mi" }, limits: { memory: "4Gi" } });
        assert.ok(
            error.message.includes('10Gi per volume, mssql container resources {"limits":{"memory":"4Gi"},"requests":{"cpu":"500m","memory":"1536Mi"}} now.'),
            error.message,
        );
    });

    it("an inadmissible upgrade is refused before any request, listing the allowed targets", async () => {
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        for (const [target, why] of [
            ["2022-cu16", /older than 2022-cu22, and KubeDB does not downgrade/],
            ["2022-cu99", /not in the cluster's MSSQLServerVersion catalog/],
        ] as const) {
            await assert.rejects(
                dayTwoProvider.update!("id", created, inputs(fake, { version: target, storageSize: "20Gi" })),
                (e: Error & { id?: string }) => {
                    assert.match(e.message, /^cannot change db\/mssql; no request was sent:\n {2}- version: /);
                    assert.match(e.message, why);
                    assert.match(e.message, /allowed targets from 2022-cu22: 2025-cu0/);
                    assert.equal(e.id, undefined, "a plain error: the state stays as it was");
                    return true;
                },
            );
        }
        assert.equal(opsPosts(fake), 0, "no request reached the server, not even the expansion planned before it");
    });

    it("a removed setting is refused by check (preview); a shrink, against the live volume, before any request", async () => {
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        const check = checkDayTwo(inputs(fake, { resources: { limits: { memory: "4Gi" } } }), inputs(fake));
        assert.equal(check.failures?.[0]?.property, "resources");
        assert.match(check.failures![0].reason, /no request goes back to KubeDB's defaults/);
        await assert.rejects(
            dayTwoProvider.update!("id", created, inputs(fake, { storageSize: "5Gi" })),
            /storage.size: the database's volumes have 10Gi; 5Gi would shrink them/,
        );
        // Someone grew the volumes to 40Gi by hand; the config asks for 20Gi.
        fake.patch(DB, "mssqlservers", NS, "mssql", { spec: { storage: { resources: { requests: { storage: "40Gi" } } } } });
        await assert.rejects(
            dayTwoProvider.update!("id", created, inputs(fake, { storageSize: "20Gi" })),
            /storage.size: the database's volumes have 40Gi; 20Gi would shrink them/,
        );
        assert.equal(opsPosts(fake), 0);
    });

    it("an expansion on a StorageClass that cannot expand is refused before any request", async () => {
        putStorageClass(fake, "standard", false, true);
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        await assert.rejects(
            dayTwoProvider.update!("id", created, inputs(fake, { storageSize: "20Gi" })),
            /StorageClass standard \(the cluster's default\) does not allow volume expansion/,
        );
        await assert.rejects(dayTwoProvider.update!("id", created, inputs(fake, { storageClass: "missing" })), /StorageClass missing does not exist/);
        assert.equal(opsPosts(fake), 0);
    });

    it("a request left running by an interrupted run is adopted, not sent again", async () => {
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        const news = inputs(fake, { version: "2025-cu0" });
        // What the interrupted run sent, under the name this run computes.
        installOperator(fake, { outcomes: ["Hang"] }).uninstall();
        const probe = await dayTwoProvider.update!("id", created, { ...news, timeoutSeconds: 1 }).catch((e) => e as Error & { properties: DayTwoOutputs });
        const name = (probe as { properties: DayTwoOutputs }).properties.lastRequest;
        assert.equal(opsPosts(fake), 1);
        fake.patchStatus(OPS, "mssqlserveropsrequests", NS, name, { phase: "Progressing" });
        fake.schedule(100, () => {
            fake.patch(DB, "mssqlservers", NS, "mssql", { spec: { version: "2025-cu0" } });
            fake.patchStatus(OPS, "mssqlserveropsrequests", NS, name, { phase: "Successful", conditions: [] });
        });
        const adopted = (await dayTwoProvider.update!("id", (probe as { properties: DayTwoOutputs }).properties, news)).outs as DayTwoOutputs;
        assert.equal(opsPosts(fake), 1, "no second request");
        assert.equal(adopted.lastRequest, name);
        assert.equal(adopted.currentVersion, "2025-cu0");
    });

    it("waits for another request of the database (e.g. KubeDB's own) before sending its own", async () => {
        putRequest(fake, "someone-elses", { phase: "Progressing" });
        fake.schedule(300, () => void fake.patchStatus(OPS, "mssqlserveropsrequests", NS, "someone-elses", { phase: "Successful" }));
        let otherAtCreation: string | undefined;
        fake.onCreate("mssqlserveropsrequests", () => (otherAtCreation = fake.get(OPS, "mssqlserveropsrequests", NS, "someone-elses")?.status?.phase));
        installOperator(fake, { outcomes: ["Successful"] });
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        const updated = (await dayTwoProvider.update!("id", created, inputs(fake, { restartGeneration: 3 }))).outs as DayTwoOutputs;
        assert.equal(otherAtCreation, "Successful", "ours was created only once the other one finished");
        assert.equal(updated.lastPhase, "Successful");
    });

    it("what the live database already has is not requested again; a config set back after a failure is Withdrawn", async () => {
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        fake.patch(DB, "mssqlservers", NS, "mssql", { spec: { version: "2025-cu0" } });
        const updated = (await dayTwoProvider.update!("id", created, inputs(fake, { version: "2025-cu0" }))).outs as DayTwoOutputs;
        assert.equal(opsPosts(fake), 0);
        assert.equal(updated.currentVersion, "2025-cu0");

        installOperator(fake, { outcomes: ["Failed"] });
        const failed = await dayTwoProvider.update!("id", updated, inputs(fake, { version: "2025-cu0", restartGeneration: 1 })).then(
            () => assert.fail("the restart fails"),
            (e) => (e as { properties: DayTwoOutputs }).properties,
        );
        assert.equal(failed.lastPhase, "Failed");
        const withdrawn = (await dayTwoProvider.update!("id", failed, inputs(fake, { version: "2025-cu0" }))).outs as DayTwoOutputs;
        assert.equal(withdrawn.lastPhase, "Withdrawn");
        assert.equal(opsPosts(fake), 1);
        assert.equal((await dayTwoProvider.diff!("db/mssql", withdrawn, inputs(fake, { version: "2025-cu0" }))).changes, false, "settled");
    });

    /** A request a run sent and then lost track of (interrupted), finishing `afterMs` later as KubeDB would. */
    function leftRunning(
        name: string,
        spec: object,
        afterMs: number,
        outcome: "Successful" | "Failed" = "Successful",
        labels = labelsFor("mssql", "ops-request"),
    ): void {
        fake.put({
            apiVersion: OPS,
            kind: "MSSQLServerOpsRequest",
            metadata: { name, namespace: NS, labels },
            spec: { databaseRef: { name: "mssql" }, timeout: "10m", apply: "IfReady", ...spec },
            status: { phase: "Progressing" },
        });
        fake.schedule(afterMs, () => {
            const request = fake.get(OPS, "mssqlserveropsrequests", NS, name)!;
            if (outcome === "Successful") applyDayTwo(fake, request);
            fake.patchStatus(
                OPS,
                "mssqlserveropsrequests",
                NS,
                name,
                outcome === "Successful"
                    ? {
                          phase: "Successful",
                          conditions: [
                              { type: "Successful", status: "True", reason: "Successful", message: "done", lastTransitionTime: new Date().toISOString() },
                          ],
                      }
                    : {
                          phase: "Failed",
                          conditions: [
                              { type: "Failed", status: "True", reason: "Failed", message: "the upgrade failed", lastTransitionTime: new Date().toISOString() },
                          ],
                      },
            );
        });
    }

    it("after an interrupted run, its running request is waited for and adopted, never sent again (nor what it already did)", async () => {
        putStorageClass(fake, "standard", true, true);
        installOperator(fake, { outcomes: ["Successful"] });
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        // The interrupted run: its VolumeExpansion succeeded, its UpdateVersion was still running when it stopped; no state was saved.
        fake.patch(DB, "mssqlservers", NS, "mssql", { spec: { storage: { resources: { requests: { storage: "20Gi" } } } } });
        leftRunning("mssql-update-interrupted", { type: "UpdateVersion", updateVersion: { targetVersion: "2025-cu0" } }, 300);
        const updated = (await dayTwoProvider.update!("id", created, inputs(fake, { storageSize: "20Gi", version: "2025-cu0" }))).outs as DayTwoOutputs;
        assert.equal(opsPosts(fake), 0, "neither the expansion nor the upgrade is sent again");
        assert.deepEqual([updated.lastPhase, updated.lastRequest], ["Successful", "mssql-update-interrupted"]);
        assert.deepEqual(
            [updated.currentVersion, updated.currentStorageSize, updated.applied.version, updated.applied.storageSize],
            ["2025-cu0", "20Gi", "2025-cu0", "20Gi"],
        );
        assert.equal((await dayTwoProvider.diff!("db/mssql", updated, inputs(fake, { storageSize: "20Gi", version: "2025-cu0" }))).changes, false);
    });

    it("an interrupted Restart that succeeded while waited for is adopted; one that failed is retried", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        leftRunning("mssql-restart-interrupted", { type: "Restart", restart: {} }, 200);
        const adopted = (await dayTwoProvider.update!("id", created, inputs(fake, { restartGeneration: 1 }))).outs as DayTwoOutputs;
        assert.equal(opsPosts(fake), 0);
        assert.equal(adopted.lastRequest, "mssql-restart-interrupted");

        leftRunning("mssql-restart-interrupted-2", { type: "Restart", restart: {} }, 200, "Failed");
        const retried = (await dayTwoProvider.update!("id", adopted, inputs(fake, { restartGeneration: 2 }))).outs as DayTwoOutputs;
        assert.equal(opsPosts(fake), 1, "a failed one is not adopted: a new Restart is sent");
        assert.equal(retried.lastPhase, "Successful");
        assert.notEqual(retried.lastRequest, "mssql-restart-interrupted-2");
    });

    it("a Restart someone else made, succeeding while waited for, does not stand in for ours", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        leftRunning("by-hand-restart", { type: "Restart", restart: {} }, 200, "Successful", {});
        const updated = (await dayTwoProvider.update!("id", created, inputs(fake, { restartGeneration: 1 }))).outs as DayTwoOutputs;
        assert.equal(opsPosts(fake), 1, "our own Restart is sent");
        assert.notEqual(updated.lastRequest, "by-hand-restart");
    });

    it("a request that timed out and then succeeded before the next run is recorded as Successful, not Withdrawn", async () => {
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        fake.put({
            apiVersion: OPS,
            kind: "MSSQLServerOpsRequest",
            metadata: { name: "mssql-update-slow", namespace: NS, labels: labelsFor("mssql", "ops-request") },
            spec: { type: "UpdateVersion", databaseRef: { name: "mssql" }, updateVersion: { targetVersion: "2025-cu0" } },
            status: { phase: "Successful" },
        });
        fake.patch(DB, "mssqlservers", NS, "mssql", { spec: { version: "2025-cu0" } });
        const timedOut: DayTwoOutputs = { ...created, lastPhase: "Progressing (still running)", lastRequest: "mssql-update-slow" };
        const updated = (await dayTwoProvider.update!("id", timedOut, inputs(fake, { version: "2025-cu0" }))).outs as DayTwoOutputs;
        assert.deepEqual([updated.lastPhase, updated.lastRequest, updated.currentVersion], ["Successful", "mssql-update-slow", "2025-cu0"]);
        assert.equal(opsPosts(fake), 0);
    });

    it("a config set back while the last request still runs: waited for, then the truth (here: a downgrade, refused), never a false Withdrawn", async () => {
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        // The last run timed out waiting for its UpdateVersion, which KubeDB then finishes.
        const timedOut: DayTwoOutputs = { ...created, lastPhase: "Progressing (still running)", lastRequest: "mssql-update-slow", version: "2025-cu0" };
        leftRunning("mssql-update-slow", { type: "UpdateVersion", updateVersion: { targetVersion: "2025-cu0" } }, 300);
        await assert.rejects(
            dayTwoProvider.update!("id", timedOut, inputs(fake)),
            /cannot change db\/mssql; no request was sent:\n {2}- version: 2022-cu22 is older than 2025-cu0, and KubeDB does not downgrade/,
        );
        assert.equal(opsPosts(fake), 0);
        assert.equal(db(fake).spec.version, "2025-cu0");
    });

    it("another database's unfinished request, and this database's finished or status-less ones, hold nothing back", async () => {
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        putRequest(fake, "other-db-upgrade", { phase: "Progressing" }, "other");
        putRequest(fake, "old-success", { phase: "Successful" });
        putRequest(fake, "old-failure", { phase: "Failed" });
        installOperator(fake, { outcomes: ["Successful"] });
        const started = Date.now();
        const updated = (await dayTwoProvider.update!("id", created, inputs(fake, { restartGeneration: 1, timeoutSeconds: 5 }))).outs as DayTwoOutputs;
        assert.equal(updated.lastPhase, "Successful");
        assert.ok(Date.now() - started < 4000, "it did not wait for the other database's request");
        assert.equal(fake.get(OPS, "mssqlserveropsrequests", NS, "other-db-upgrade")?.status?.phase, "Progressing");
    });

    it("another request of the database running past the timeout: no request is sent, and the blocking one is named", async () => {
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        putRequest(fake, "kubedb-own", { phase: "Progressing" });
        await assert.rejects(
            dayTwoProvider.update!("id", created, inputs(fake, { restartGeneration: 1, timeoutSeconds: 1 })),
            /no day-2 request for db\/mssql was started: MSSQLServerOpsRequest db\/kubedb-own of the same database is still Progressing/,
        );
        assert.equal(opsPosts(fake), 0);
    });

    it("naming the class the volumes already use (the cluster's default) moves nothing", async () => {
        putStorageClass(fake, "standard", true, true);
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        assert.equal(db(fake).spec.storage.storageClassName, undefined);
        const updated = (await dayTwoProvider.update!("id", created, inputs(fake, { storageClass: "standard" }))).outs as DayTwoOutputs;
        assert.equal(opsPosts(fake), 0, "no StorageMigration to the class it is on");
        assert.equal(updated.applied.storageClass, "standard");
    });

    it("mssqlConf that drops a setting: the custom configuration is removed first, then the new text applied (KubeDB merges applyConfig)", async () => {
        const before = "[memory]\nmemorylimitmb = 4096\n[sqlagent]\nenabled = true";
        fake.patch(DB, "mssqlservers", NS, "mssql", { spec: { configuration: { inline: { "mssql.conf": before } } } });
        installOperator(fake, { outcomes: ["Successful"] });
        const created = (await dayTwoProvider.create!(inputs(fake, { mssqlConf: before }))).outs as DayTwoOutputs;
        const updated = (await dayTwoProvider.update!("id", created, inputs(fake, { mssqlConf: "[memory]\nmemorylimitmb = 8192" }))).outs as DayTwoOutputs;
        assert.deepEqual(
            requests(fake).map((r) => r.spec.configuration),
            [{ removeCustomConfig: true }, { applyConfig: { "mssql.conf": "[memory]\nmemorylimitmb = 8192" } }],
        );
        assert.equal(db(fake).spec.configuration.inline["mssql.conf"], "[memory]\nmemorylimitmb = 8192", "sqlagent.enabled is gone");
        assert.equal(updated.applied.mssqlConf, "[memory]\nmemorylimitmb = 8192");

        const changed = (await dayTwoProvider.update!("id", updated, inputs(fake, { mssqlConf: "[memory]\nmemorylimitmb = 6144" }))).outs as DayTwoOutputs;
        assert.equal(opsPosts(fake), 3, "a change that drops nothing is one request");
        assert.equal(db(fake).spec.configuration.inline["mssql.conf"], "[memory]\nmemorylimitmb = 6144");
        assert.equal(changed.lastPhase, "Successful");
    });

    it("a two-step mssqlConf change failing at its second request says the first one ran", async () => {
        const before = "[memory]\nmemorylimitmb = 4096\n[sqlagent]\nenabled = true";
        fake.patch(DB, "mssqlservers", NS, "mssql", { spec: { configuration: { inline: { "mssql.conf": before } } } });
        installOperator(fake, { outcomes: ["Successful", "Failed"] });
        const created = (await dayTwoProvider.create!(inputs(fake, { mssqlConf: before }))).outs as DayTwoOutputs;
        const error = await dayTwoProvider.update!("id", created, inputs(fake, { mssqlConf: "[memory]\nmemorylimitmb = 8192" })).then(
            () => assert.fail("it fails"),
            (e) => e as Error & { properties: DayTwoOutputs },
        );
        assert.match(error.message, /Done before it: Reconfigure\. The database has .*, no custom configuration in its spec now\./);
        assert.doesNotMatch(error.message, /Not started/);
        assert.equal(error.properties.applied.mssqlConf, "", "the removal is kept as done; the retry only applies the new text");
    });

    it("a catalog it may not read (403) leaves the upgrade to KubeDB's webhook instead of failing", async () => {
        fake.onRequest((req) =>
            req.method === "GET" && /mssqlserverversions$/.test(req.path)
                ? { code: 403, reason: "Forbidden", message: "mssqlserverversions.catalog.kubedb.com is forbidden" }
                : undefined,
        );
        installOperator(fake, { outcomes: ["Successful"] });
        const created = (await dayTwoProvider.create!(inputs(fake))).outs as DayTwoOutputs;
        const updated = (await dayTwoProvider.update!("id", created, inputs(fake, { version: "2025-cu0" }))).outs as DayTwoOutputs;
        assert.equal(opsPosts(fake), 1);
        assert.equal(updated.currentVersion, "2025-cu0");
    });

    it("a database that is gone is an error naming it", async () => {
        fake.remove(DB, "mssqlservers", NS, "mssql");
        await assert.rejects(reconcileDayTwo(inputs(fake), {}), /MSSQLServer db\/mssql not found/);
    });
});

describe("day-2: the state to plan from, where the live database is the truth", () => {
    const applied = {
        version: "2022-cu22",
        replicas: 3,
        resources: { limits: { memory: "4Gi" } },
        storageSize: "10Gi",
        storageClass: "standard",
        mssqlConf: "",
        restartGeneration: 0,
    };

    it("reads each field from the MSSQLServer, and nothing from what it leaves out", () => {
        const db = {
            metadata: { name: "mssql" },
            spec: {
                version: "2025-cu0",
                replicas: 5,
                storage: { storageClassName: "fast", resources: { requests: { storage: "20Gi" } } },
                podTemplate: {
                    spec: {
                        containers: [
                            { name: "mssql-coordinator", resources: { limits: { cpu: "1" } } },
                            { name: "mssql", resources: { limits: { memory: "8Gi" } } },
                        ],
                    },
                },
                configuration: { inline: { "mssql.conf": "[memory]\nmemorylimitmb = 2048" } },
            },
        };
        assert.deepEqual(liveDayTwo(db), {
            version: "2025-cu0",
            replicas: 5,
            storageSize: "20Gi",
            storageClass: "fast",
            resources: { limits: { memory: "8Gi" } },
            mssqlConf: "[memory]\nmemorylimitmb = 2048",
        });
        for (const spec of [undefined, {}, { storage: {}, podTemplate: {}, configuration: {} }, { storage: { resources: {} }, podTemplate: { spec: {} } }]) {
            const sparse = { metadata: { name: "mssql" }, ...(spec ? { spec } : {}) };
            assert.deepEqual(
                Object.values(liveDayTwo(sparse)).filter((v) => v !== undefined),
                [],
                JSON.stringify(sparse),
            );
        }
    });

    it("takes what the database states over the ledger, and keeps the ledger's value where it states nothing", () => {
        assert.deepEqual(fromLive(applied, applied, {}), applied);
        assert.deepEqual(fromLive(applied, applied, { version: "2025-cu0", replicas: 1, storageSize: "30Gi", storageClass: "fast" }), {
            ...applied,
            version: "2025-cu0",
            replicas: 1,
            storageSize: "30Gi",
            storageClass: "fast",
        });
        assert.equal(
            fromLive(applied, applied, { storageClass: "" }).storageClass,
            "standard",
            "no class on the object: the cluster's default, as the ledger knows it",
        );
    });

    it("counts desired resources the database has as done, and other live resources as different", () => {
        const desired = { ...applied, resources: { limits: { memory: "8Gi" } } };
        assert.deepEqual(fromLive(applied, desired, { resources: { limits: { memory: "8192Mi", cpu: "2" } } }).resources, { limits: { memory: "8Gi" } });
        assert.deepEqual(fromLive(applied, desired, { resources: { limits: { memory: "6Gi" } } }).resources, { limits: { memory: "6Gi" } });
        const none = { ...applied, resources: {} };
        assert.deepEqual(
            fromLive(applied, none, { resources: { limits: { cpu: "1" } } }).resources,
            { limits: { cpu: "1" } },
            "wanting no resources is not having them",
        );
        assert.deepEqual(fromLive(applied, desired, {}).resources, applied.resources);
    });
});
