/**
 * The request path's pure decisions at their edges — names, the catalog's ranges, the day-2 and
 * TLS planners, the ledger's diff and phases, the queue's bound — and the ChangeGuard provider as
 * the engine calls it. Written from the mutation report of issue 9: each case here is one a broken
 * copy of the code used to pass.
 */
import { strict as assert } from "assert";
import { MSSQLServerVersion } from "../components/api/kubedb";
import { GuardedConfig, changeGuardProvider, guardedConfig } from "../components/database/changeGuard";
import { dayTwoInputs } from "../components/database/dayTwoChanges";
import { KubeObject, kubeApi } from "../components/kube/client";
import { dayTwoRequestManifest } from "../components/ops/manifests";
import { retryRequestName, stableJson, valueFingerprint } from "../components/core/names";
import { admittedTargets, checkUpgrade, toSemver, toSemverRange } from "../components/database/versionCatalog";
import {
    DAY_TWO_ORDER,
    DayTwoState,
    mssqlConfSettings,
    nextDayTwoStep,
    planDayTwo,
    refusedDayTwoChanges,
    sameResources,
} from "../components/database/dayTwoPlan";
import { diffLedger, logProgress, unsettledPhase } from "../components/ops/ledger";
import { QueuedRequest, queueStop, runQueue } from "../components/ops/queue";
import { TlsState, afterRequest, planTlsChange, reassertTls } from "../components/tls/tlsPlan";
import { MAX_ATTEMPTS, runOpsRequest, sameIntent } from "../components/ops/runner";
import { failureCondition, opsRequestError } from "../components/ops/waiter";
import { FakeKubeApi } from "./support/fakeKubeApi";
import { DB, NS, OPS, installOperator, putDatabase, putRequest } from "./support/fakeKubeDb";
import { runProgram } from "./support/program";

describe("ops edges: names", () => {
    it("a retry's name stays a DNS label: the end of a full-length base gives way to the suffix", () => {
        const base = `mssql-tls-${"a".repeat(53)}`;
        assert.equal(base.length, 63);
        assert.equal(retryRequestName(base, 1), base);
        assert.equal(retryRequestName(base, 2), `${base.slice(0, 60)}-r2`);
        assert.equal(retryRequestName(base, 12), `${base.slice(0, 59)}-r12`);
        assert.equal(retryRequestName("mssql-restart-0123456789", 3), "mssql-restart-0123456789-r3");
    });

    it("stable JSON sorts keys, drops undefined fields and keeps arrays in order", () => {
        assert.equal(stableJson({ b: 1, a: [2, 1], c: undefined, d: { z: null, y: "x" } }), '{"a":[2,1],"b":1,"d":{"y":"x","z":null}}');
        assert.equal(stableJson([{ b: 1, a: 2 }]), '[{"a":2,"b":1}]');
        assert.equal(valueFingerprint({ b: 1, a: 2 }), valueFingerprint({ a: 2, b: 1 }));
    });

    it("a value's fingerprint does not change between releases (request names already in stacks depend on it)", () => {
        // Computed once and pinned: a new key, algorithm or JSON form would rename every request.
        assert.equal(valueFingerprint({ a: 1, b: [1, "x"] }), "6019ed1bce");
    });
});

describe("ops edges: the catalog's ranges", () => {
    const entry = (name: string, allowlist: string[] = [], extra: Partial<MSSQLServerVersion["spec"]> = {}, version = name): MSSQLServerVersion => ({
        apiVersion: "catalog.kubedb.com/v1alpha1",
        kind: "MSSQLServerVersion",
        metadata: { name },
        spec: { version, updateConstraints: { allowlist }, ...extra },
    });

    it("reads a range term by term: a bare version is equality, empty terms are skipped, anything unreadable makes the range unreadable", () => {
        assert.equal(toSemver(" 2022-cu16 "), "2022.0.0-cu16");
        assert.equal(toSemverRange("2022-cu16"), "=2022.0.0-cu16");
        assert.equal(toSemverRange(">= 2022-cu16,, < 2025-cu1"), ">=2022.0.0-cu16 <2025.0.0-cu1");
        for (const unreadable of ["", ",", ">= 2022-cu16 2025", ">= 2022-cu16, != 2022-cu19", "2022-cu16 || != 1.0", "2022-cu16 - 2022-cu19"]) {
            assert.equal(toSemverRange(unreadable), undefined, JSON.stringify(unreadable));
        }
    });

    it("an open-ended allowlist admits every later version, across years (prerelease parts included)", () => {
        const catalog = [entry("2022-cu16", [">= 2022-cu16"]), entry("2022-cu19"), entry("2025-cu0")];
        assert.deepEqual(admittedTargets(catalog[0], catalog), ["2022-cu19", "2025-cu0"]);
    });

    it("an allowlist that stops short leaves the later versions out", () => {
        const catalog = [entry("2022-cu16", [">= 2022-cu16, < 2025-cu0"]), entry("2022-cu19"), entry("2025-cu0")];
        assert.deepEqual(admittedTargets(catalog[0], catalog), ["2022-cu19"]);
        assert.match(
            checkUpgrade("2022-cu16", "2025-cu0", catalog).problem!,
            /does not support an update from 2022-cu16 to 2025-cu0.*allowed targets from 2022-cu16: 2022-cu19$/,
        );
    });

    it("without constraints: later versions only, oldest first, ties by name, entries without a version skipped", () => {
        const catalog = [
            entry("2025-cu0"),
            entry("2022-cu22"),
            entry("2022-cu16", []),
            entry("2022-cu12"),
            entry("2022-cu22-ubi", [], {}, "2022-cu22"),
            entry("latest", [], {}, "latest"),
            entry("2022-cu19", [], { deprecated: true }),
        ];
        assert.deepEqual(admittedTargets(catalog[2], catalog), ["2022-cu22", "2022-cu22-ubi", "2025-cu0"]);
    });

    it("names constraints it cannot read instead of guessing, and lists nothing for a version it does not know", () => {
        const catalog = [entry("2022-cu16", ["!= 2022-cu19"]), entry("2022-cu19"), entry("2022-cu22")];
        assert.match(checkUpgrade("2022-cu16", "2022-cu22", catalog).problem!, /^the update constraints of 2022-cu16 cannot be read \(!= 2022-cu19\); /);
        assert.deepEqual(checkUpgrade("2019-cu1", "2022-cu22", catalog).allowed, []);
    });
});

describe("ops edges: the day-2 planner", () => {
    const STATE: DayTwoState = { version: "2022-cu16", replicas: 3, resources: {}, storageSize: "10Gi", storageClass: "", mssqlConf: "", restartGeneration: 0 };
    const AG = { topology: "AvailabilityGroup" as const, expansionMode: "Online" as const };

    it("compares resources by value, and text it cannot read as text", () => {
        assert.ok(sameResources({ requests: { cpu: "x" } }, { requests: { cpu: "x" } }));
        assert.ok(!sameResources({ requests: { cpu: "x" } }, { requests: { cpu: "y" } }));
        assert.ok(!sameResources({ requests: { cpu: "1" } }, { requests: { memory: "1" } }));
        assert.ok(!sameResources({}, { limits: { cpu: "1" } }));
    });

    it("every step at once, with an mssql.conf that drops a setting, is eight requests in order", () => {
        const from = { ...STATE, mssqlConf: "[memory]\nmemorylimitmb = 4096\n[sqlagent]\nenabled = true" };
        const desired: DayTwoState = {
            version: "2025-cu0",
            replicas: 5,
            resources: { limits: { memory: "8Gi" } },
            storageSize: "20Gi",
            storageClass: "fast",
            mssqlConf: "[memory]\nmemorylimitmb = 8192",
            restartGeneration: 1,
        };
        const plan = planDayTwo(from, desired, AG);
        assert.equal(plan.length, DAY_TWO_ORDER.length + 1);
        assert.deepEqual(
            plan.map((s) => s.type),
            ["VolumeExpansion", "StorageMigration", "UpdateVersion", "HorizontalScaling", "VerticalScaling", "Reconfigure", "Reconfigure", "Restart"],
        );
        assert.equal(plan[5].reason, "mssqlConf drops sqlagent.enabled: custom configuration removed first, then the new text applied");
        assert.equal(plan[6].reason, "mssqlConf set");
        assert.deepEqual(plan[plan.length - 1].after, desired);
    });

    it("mssqlConf removed goes back to SQL Server's defaults in one request; a text that keeps every setting is 'changed'", () => {
        const from = { ...STATE, mssqlConf: "[memory]\nmemorylimitmb = 4096" };
        const removed = nextDayTwoStep(from, STATE, AG)!;
        assert.deepEqual(removed.section, { configuration: { removeCustomConfig: true } });
        assert.equal(removed.reason, "mssqlConf removed (back to SQL Server's defaults)");
        assert.equal(removed.after.mssqlConf, "");
        assert.deepEqual(planDayTwo(from, STATE, AG).length, 1);
        const changed = nextDayTwoStep(from, { ...from, mssqlConf: "[memory]\nmemorylimitmb = 2048" }, AG)!;
        assert.equal(changed.reason, "mssqlConf changed");
        assert.deepEqual(changed.section, { configuration: { applyConfig: { "mssql.conf": "[memory]\nmemorylimitmb = 2048" } } });
    });

    it("reads mssql.conf settings as SQL Server does: indented lines, headers alone on their line, comments are not settings", () => {
        assert.deepEqual(
            [...mssqlConfSettings("  [Memory]  \n  MemoryLimitMB = 1\n# old = 2\nx[sqlagent]\nenabled = true")],
            ["memory.memorylimitmb", "memory.enabled"],
        );
        assert.deepEqual([...mssqlConfSettings("[memory] x\nlimit = 1")], [".limit"]);
    });

    it("no refusal when nothing was removed, and each refusal says what to do instead", () => {
        assert.deepEqual(refusedDayTwoChanges(STATE, STATE), []);
        assert.deepEqual(refusedDayTwoChanges({ ...STATE, storageClass: "fast" }, STATE), [
            ["storage.storageClass", 'was fast and is now unset: no request moves volumes back to "the default class". Name the class to migrate to'],
        ]);
    });
});

describe("ops edges: the TLS planner", () => {
    const ISSUER_A = { apiGroup: "cert-manager.io", kind: "Issuer" as const, name: "mssql-ca" };
    const ISSUER_B = { apiGroup: "cert-manager.io", kind: "ClusterIssuer" as const, name: "corp-ca" };
    const base: TlsState = { issuerRef: ISSUER_A, certificates: [], clientTLS: true, rotationGeneration: 0, caRevision: "rev1" };

    it("says why, for each kind of change", () => {
        assert.equal(planTlsChange(base, { ...base, issuerRef: ISSUER_B, caRevision: "" })!.reason, "issuer Issuer/mssql-ca → ClusterIssuer/corp-ca");
        assert.equal(planTlsChange(base, { ...base, certificates: [{ alias: "server", duration: "720h" }] })!.reason, "certificate settings changed");
        assert.equal(planTlsChange(base, { ...base, clientTLS: false })!.reason, "clientTLS true → false");
        assert.equal(planTlsChange(base, { ...base, rotationGeneration: 2 })!.reason, "tls.rotation.generation 0 → 2");
        assert.equal(planTlsChange(base, { ...base, caRevision: "rev2" })!.reason, "the bootstrapped CA was re-issued");
        assert.equal(reassertTls(base).reason, "the last attempt did not finish; re-applying the whole TLS configuration");
    });

    it("kinds and CA changes: issuer alone, certificates alone, clientTLS under a re-keyed CA, a re-assertion", () => {
        assert.equal(planTlsChange(base, { ...base, issuerRef: ISSUER_B })!.kind, "issuer");
        assert.equal(planTlsChange(base, { ...base, certificates: [{ alias: "client", duration: "720h" }] })!.kind, "certificates");
        const clientTls = planTlsChange(base, { ...base, clientTLS: false, caRevision: "rev2" })!;
        assert.equal(clientTls.kind, "clientTLS");
        assert.equal(clientTls.caChanges, true);
        assert.equal(planTlsChange(base, { ...base, clientTLS: false })!.caChanges, false);
        assert.equal(reassertTls(base).caChanges, true);
    });

    it("after an issuer or a re-assertion the database has the desired state; after a certificates change only its own fields moved", () => {
        const desired = { ...base, issuerRef: ISSUER_B, rotationGeneration: 3, caRevision: "" };
        assert.deepEqual(afterRequest(base, desired, planTlsChange(base, desired)!), desired);
        const both = { ...desired, certificates: [{ alias: "server" as const, duration: "720h" }] };
        assert.deepEqual(afterRequest(base, both, planTlsChange(base, both)!), both);
        assert.deepEqual(afterRequest(base, desired, reassertTls(desired)), desired);
        const certs = { ...base, certificates: [{ alias: "server" as const, duration: "720h" }], rotationGeneration: 3 };
        assert.deepEqual(afterRequest(base, certs, planTlsChange(base, certs)!), { ...base, certificates: certs.certificates });
    });

    it("sends changed aliases in KubeDB's order: server, client, endpoint", () => {
        const before = { ...base, certificates: [{ alias: "endpoint" as const, duration: "720h" }] };
        const after = {
            ...base,
            certificates: [
                { alias: "client" as const, duration: "720h" },
                { alias: "server" as const, duration: "720h" },
            ],
        };
        assert.deepEqual(
            (planTlsChange(before, after)!.action as { certificates: Array<{ alias: string }> }).certificates.map((c) => c.alias),
            ["server", "client", "endpoint"],
        );
    });
});

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

describe("ops edges: the ChangeGuard provider", () => {
    const olds: GuardedConfig = { name: "mssql", namespace: "db", topology: "Standalone", edition: "Developer" };

    it("check lets a first deployment through, and refuses each identity change under its config key", async () => {
        assert.deepEqual(await changeGuardProvider.check!({}, olds), { inputs: olds, failures: [] });
        const toAg = await changeGuardProvider.check!(olds, { ...olds, topology: "AvailabilityGroup", edition: "Enterprise" });
        assert.deepEqual(
            toAg.failures!.map((f) => f.property),
            ["availabilityGroup", "edition"],
        );
        assert.match(
            toAg.failures![0].reason,
            /^turns a Standalone database into an availability group: KubeDB has no request for that\. To do it deliberately/,
        );
        const toStandalone = await changeGuardProvider.check!({ ...olds, topology: "AvailabilityGroup" }, olds);
        assert.match(toStandalone.failures![0].reason, /^turns a AvailabilityGroup database into a Standalone one:/);
    });

    it("diff sees a change of any guarded field, not a new provider; create and update keep the inputs", async () => {
        assert.equal(
            (await changeGuardProvider.diff!("db/mssql", { ...olds, __provider: "a" } as never, { ...olds, __provider: "b" } as never)).changes,
            false,
        );
        assert.equal((await changeGuardProvider.diff!("db/mssql", olds, { ...olds, edition: "Standard" })).changes, true);
        assert.deepEqual((await changeGuardProvider.diff!("db/mssql", olds, olds)).replaces, []);
        assert.deepEqual(await changeGuardProvider.create!(olds), { id: "db/mssql", outs: olds });
        assert.deepEqual(await changeGuardProvider.update!("db/mssql", olds, { ...olds, edition: "Standard" }), { outs: { ...olds, edition: "Standard" } });
    });

    it("its args are checked first, named as ChangeGuard args; the edition defaults to Developer", () => {
        assert.deepEqual(guardedConfig({ name: "mssql", namespace: "db" }), olds);
        assert.throws(
            () => guardedConfig({ name: "mssql", namespace: "DB" }),
            /^ConfigError: Invalid ChangeGuard args \(nothing was created\):\n {2}- "namespace": "DB" is not a DNS-1123 label/,
        );
    });

    it("its dynamic resource is a child of the component", async () => {
        const run = await runProgram({ config: { acceptEula: true } });
        const guard = run.registrations.find((r) => r.type === "kubedb-mssql:database:ChangeGuard")!;
        const resource = run.registrations.find((r) => r.name === `${guard.name}-config`)!;
        assert.equal(resource.parent, guard.urn);
    });
});

describe("ops edges: attempts of one request", () => {
    let fake: FakeKubeApi;
    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        putDatabase(fake, "mssql", "mssql-auth-1");
    });
    afterEach(() => fake.stop());
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

describe("ops edges: which existing request is ours (sameIntent)", () => {
    const spec = (extra: Record<string, unknown>) => ({ type: "ReconfigureTLS", databaseRef: { name: "mssql" }, ...extra }) as never;

    it("compares what a request does, not what KubeDB's webhook fills in", () => {
        assert.ok(
            sameIntent(
                spec({ configuration: { applyConfig: { "mssql.conf": "a" }, restart: "auto" }, timeout: "10m" }),
                spec({ configuration: { applyConfig: { "mssql.conf": "a" } } }),
            ),
        );
        assert.ok(
            sameIntent(
                spec({ verticalScaling: { mssqlserver: { resources: { limits: { cpu: "1" } } }, mode: "x" } }),
                spec({ verticalScaling: { mssqlserver: { resources: { limits: { cpu: "1" } } } } }),
            ),
        );
        assert.ok(sameIntent({ type: "Restart" } as never, { type: "Restart" } as never), "a spec without databaseRef or authentication is read, not a crash");
        assert.ok(sameIntent(spec({ tls: { rotateCertificates: true } }), spec({ tls: { rotateCertificates: true } })));
        assert.ok(sameIntent(spec({ authentication: {}, verticalScaling: {} }), spec({})), "sections the webhook left empty are read, not a crash");
    });

    it("tells apart requests that do different things", () => {
        const differ: Array<[Record<string, unknown>, Record<string, unknown>]> = [
            [{ tls: { rotateCertificates: true } }, { tls: { issuerRef: { kind: "Issuer", name: "ca" } } }],
            [{ tls: { issuerRef: { kind: "Issuer", name: "ca" } } }, { tls: { issuerRef: { kind: "Issuer", name: "other" } } }],
            [{ tls: { issuerRef: { kind: "Issuer", name: "ca" } } }, { tls: { issuerRef: { kind: "ClusterIssuer", name: "ca" } } }],
            [{ tls: { issuerRef: { kind: "Issuer", name: "ca" }, clientTLS: true } }, { tls: { issuerRef: { kind: "Issuer", name: "ca" }, clientTLS: false } }],
            [{ tls: { certificates: [{ alias: "server" }] } }, { tls: { certificates: [{ alias: "client" }] } }],
            [{ tls: { rotateCertificates: true } }, {}],
            [{ volumeExpansion: { mode: "Online", mssqlserver: "20Gi" } }, { volumeExpansion: { mode: "Offline", mssqlserver: "20Gi" } }],
            [{ volumeExpansion: { mode: "Online", mssqlserver: "20Gi" } }, { volumeExpansion: { mode: "Online", mssqlserver: "30Gi" } }],
            [{ configuration: { applyConfig: { "mssql.conf": "a" } } }, { configuration: { applyConfig: { "mssql.conf": "b" } } }],
            [{ configuration: { removeCustomConfig: true } }, { configuration: { applyConfig: { "mssql.conf": "a" } } }],
            [{ configuration: { removeCustomConfig: true } }, {}],
            [
                { verticalScaling: { mssqlserver: { resources: { limits: { cpu: "1" } } } } },
                { verticalScaling: { mssqlserver: { resources: { limits: { cpu: "2" } } } } },
            ],
            [{ migration: { storageClassName: "fast" } }, { migration: { storageClassName: "slow" } }],
            [{ authentication: { secretRef: { name: "a" } } }, { authentication: { secretRef: { name: "b" } } }],
            [{ tls: { rotateCertificates: true } }, { tls: { remove: true } }],
            [{ configuration: { removeCustomConfig: true } }, { configuration: {} }],
        ];
        for (const [a, b] of differ) assert.ok(!sameIntent(spec(a), spec(b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
        assert.ok(!sameIntent(spec({}), { ...(spec({}) as object), databaseRef: { name: "other" } } as never));
        assert.ok(!sameIntent(undefined, spec({})));
    });
});

describe("ops edges: DayTwoChanges args", () => {
    const good = { namespace: "db", database: "mssql", version: "2022-cu22" };

    it("fills the documented defaults", () => {
        const inputs = dayTwoInputs(good);
        assert.deepEqual(
            { ...inputs, kubeconfig: undefined },
            {
                namespace: "db",
                database: "mssql",
                topology: "Standalone",
                version: "2022-cu22",
                replicas: 1,
                resources: {},
                storageSize: "10Gi",
                storageClass: "",
                expansionMode: "Online",
                mssqlConf: "",
                restartGeneration: 0,
                stepTimeout: "10m",
                timeoutSeconds: 1800,
                kubeconfig: undefined,
            },
        );
        const ag = dayTwoInputs({ ...good, availabilityGroup: true });
        assert.equal(ag.topology, "AvailabilityGroup");
        assert.equal(ag.replicas, 3);
    });

    it("refuses every bad arg at once, each under its own name, as DayTwoChanges args", () => {
        assert.throws(
            () =>
                dayTwoInputs({
                    namespace: "DB",
                    database: "1db",
                    version: "Latest!",
                    availabilityGroup: "yes" as never,
                    replicas: 2,
                    resources: { limits: { memory: "1Gi" } },
                    storage: { size: "1Mi", storageClass: "Fast_SSD", expansionMode: "Sometimes" as never },
                    mssqlConf: "limit = 1",
                    restartGeneration: -1,
                    stepTimeout: "30s",
                    timeoutMinutes: 0,
                }),
            (error: Error) => {
                assert.match(error.message, /^Invalid DayTwoChanges args \(nothing was created\):/);
                const keys = (error as unknown as { problems: string[] }).problems.map((p) => p.slice(1, p.indexOf('"', 1)));
                assert.deepEqual(keys, [
                    "database",
                    "namespace",
                    "availabilityGroup",
                    "version",
                    "resources.limits.memory",
                    "storage.size",
                    "storage.storageClass",
                    "storage.expansionMode",
                    "mssqlConf",
                    "restartGeneration",
                    "stepTimeout",
                    "timeoutMinutes",
                ]);
                return true;
            },
        );
        assert.throws(() => dayTwoInputs({ ...good, replicas: 2 }), /"replicas": is 2, but a Standalone server has exactly 1 replica/);
        assert.throws(() => dayTwoInputs({ ...good, availabilityGroup: true, replicas: 10 }), /"replicas": 10 is not allowed; use a whole number from 1 to 9/);
    });
});

describe("ops edges: which condition explains a failure", () => {
    const c = (type: string, status: string, reason: string, message: string, at: number) => ({
        type,
        status,
        reason,
        message,
        lastTransitionTime: new Date(Date.UTC(2026, 0, 1, 0, at)).toISOString(),
    });

    it("a step of the request's own type that went False with a message beats a later True one and a later bare one", () => {
        const conditions = [
            c("VerticalScaling", "False", "VerticalScalingFailed", "not enough memory on any node", 1),
            c("VerticalScaling", "True", "Progressing", "retrying", 2),
            c("Failed", "False", "Whatever", "", 3),
        ];
        assert.equal(failureCondition(conditions, "VerticalScaling", "Failed")?.message, "not enough memory on any node");
    });

    it("the phase names its own condition (Denied, Skipped); a Failed reason without a message still beats the latest condition", () => {
        const denied = [c("Denied", "True", "Denied", "an ops request of the database is running", 1), c("Progressing", "True", "Started", "started", 2)];
        assert.equal(failureCondition(denied, "Restart", "Denied")?.type, "Denied");
        const bare = [c("UpdatePetSets", "False", "Failed", "", 1), c("RestartNodes", "True", "Restarted", "", 2)];
        assert.equal(failureCondition(bare, "Restart", "Failed")?.type, "UpdatePetSets");
        assert.equal(
            failureCondition([c("RestartNodes", "True", "Restarted", "", 2), c("Other", "True", "Done", "", 1)], "Restart", "Failed"),
            undefined,
            "a True condition is never why",
        );
        assert.equal(
            failureCondition([c("Failed", "True", "Failed", "", 1), c("RestartNodes", "True", "Restarted", "done", 2)], "Restart", "Failed")?.type,
            "Failed",
            "a bare failure condition still beats a True step",
        );
        assert.equal(failureCondition([]), undefined);
        const typedFailed = [c("Failed", "False", "OpsRequestFailed", "the upgrade failed", 1), c("Progressing", "True", "Started", "started", 2)];
        assert.equal(
            failureCondition(typedFailed, "UpdateVersion")?.message,
            "the upgrade failed",
            "a condition of type Failed explains the failure, whatever the request's type",
        );
    });

    it("conditions without a time count as the earliest, and equal times keep the list order", () => {
        const untimed = { type: "Restart", status: "False", reason: "RestartFailed", message: "old" };
        assert.equal(failureCondition([c("Restart", "False", "RestartFailed", "new", 1), untimed], "Restart")?.message, "new");
        assert.equal(
            failureCondition([c("Restart", "False", "RestartFailed", "first", 1), c("Restart", "False", "RestartFailed", "second", 1)], "Restart")?.message,
            "second",
        );
    });

    it("an error carries its failure only in the documented shape, under its own name", () => {
        const error = opsRequestError({ request: "db/r", outcome: "Finished", phase: "Failed", conditions: [] }, "failed");
        assert.equal(error.name, "OpsRequestError");
        assert.equal(unsettledPhase(Object.assign(new Error("x"), { opsRequest: { request: 5, outcome: "Finished" } })), "NotStarted");
        assert.equal(unsettledPhase(Object.assign(new Error("x"), { opsRequest: { request: "db/r", outcome: 5 } })), "NotStarted");
    });
});

describe("ops edges: refusals with resources kept", () => {
    it("resources kept (in any spelling) are no refusal; only their removal is", () => {
        const state: DayTwoState = {
            version: "2022-cu16",
            replicas: 1,
            resources: { limits: { memory: "4Gi" } },
            storageSize: "10Gi",
            storageClass: "fast",
            mssqlConf: "",
            restartGeneration: 0,
        };
        assert.deepEqual(refusedDayTwoChanges(state, state), []);
        assert.deepEqual(refusedDayTwoChanges(state, { ...state, resources: { limits: { memory: "8Gi" } } }), []);
        assert.deepEqual(refusedDayTwoChanges(state, { ...state, resources: {} }), [
            ["resources", "was set and is now removed: no request goes back to KubeDB's defaults. State the requests and limits you want instead"],
        ]);
    });
});
