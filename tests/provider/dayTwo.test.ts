/**
 * DayTwoChanges and ChangeGuard as `pulumi up` runs them: through the provider plugin
 * over gRPC, against the loopback API server (the setup of tests/providerHost.test.ts; a file of its
 * own so that mocha's parallel workers share the host tests).
 */
import { strict as assert } from "assert";
import { FakeKubeApi } from "../support/fakeKubeApi";
import { DB, NS, OPS, installOperator, putStorageClass } from "../support/fakeKubeDb";
import { ProviderHost, Props } from "../support/providerHost";
import { runProgram } from "../support/program";
import { dayTwoChangeCases } from "../support/dayTwoCases";
import { DAY_TWO, GUARD, ProgramRun, Subject, pointed, providerSubjects } from "../support/providerOutcomes";

describe("DayTwoChanges and ChangeGuard through the provider plugin", function () {
    this.timeout(120_000);
    let host: ProviderHost;
    let subjects: Subject[] = [];
    let programs: { first: ProgramRun; upgraded: ProgramRun; config: (extra: object) => Record<string, unknown> };

    before(async () => {
        ({ subjects, programs } = await providerSubjects());
        host = await ProviderHost.start();
        assert.deepEqual(await host.configure(), { acceptSecrets: true }, "the plugin takes secrets marked, and marks them again in what it returns");
    });
    after(async () => {
        await host?.stop();
    });

    describe("DayTwoChanges and ChangeGuard: what only day-2 changes do", () => {
        let fake: FakeKubeApi;
        const urn = (type: string, name: string) => `urn:pulumi:test::kubedb-mssql::${type}::${name}`;
        beforeEach(async () => {
            fake = await FakeKubeApi.start();
            subjects[2].seed(fake);
            putStorageClass(fake, "standard", true, true);
        });
        afterEach(async () => {
            await fake.stop();
        });
        const posts = () => fake.countRequests({ method: "POST", path: /mssqlserveropsrequests$/ });

        async function deployed(): Promise<{ id: string; properties: Props }> {
            const created = await host.create(urn(DAY_TWO, "day2-ledger"), pointed(subjects[2].before, fake));
            assert.ok(created.ok, !created.ok ? created.error.message : "");
            return created.value;
        }

        for (const c of dayTwoChangeCases(() => fake)) {
            it(`${c.title}: exactly its request, read back; the same config again calls nothing`, async () => {
                c.arrange?.();
                installOperator(fake, { outcomes: ["Successful"] });
                const first = pointed({ ...subjects[2].before, ...c.before }, fake);
                const created = await host.create(urn(DAY_TWO, "day2-ledger"), first);
                assert.ok(created.ok, !created.ok ? created.error.message : "");
                assert.equal(posts(), 0, "the first deployment sends nothing");
                const news = pointed({ ...subjects[2].before, ...c.before, ...c.change }, fake);
                const updated = await host.update(urn(DAY_TWO, "day2-ledger"), created.value.id, created.value.properties, news);
                assert.ok(updated.ok, !updated.ok ? updated.error.message : "");
                const sent = fake.list(OPS, "mssqlserveropsrequests", NS);
                assert.equal(sent.length, 1, "exactly one request");
                const { type, databaseRef, timeout, apply, ...section } = sent[0].spec;
                assert.deepEqual([databaseRef, timeout, apply], [{ name: "mssql" }, subjects[2].before.stepTimeout, "IfReady"]);
                assert.deepEqual(section, c.spec);
                assert.equal(updated.value.properties.lastRequest, sent[0].metadata.name);
                assert.match(updated.value.properties.lastAction, new RegExp(`^${type}: `));
                assert.deepEqual(c.readBack(fake.get(DB, "mssqlservers", NS, "mssql")!), c.expected);
                const callsBefore = fake.requests.length;
                const diff = await host.diff(urn(DAY_TWO, "day2-ledger"), created.value.id, updated.value.properties, news);
                assert.ok(diff.ok && diff.value.changes === "none", "the next preview shows nothing");
                assert.equal(fake.requests.length, callsBefore, "and did not call the cluster");
            });
        }

        it("two changes in one `pulumi up`: two requests, the second only after the first succeeded", async () => {
            const phasesAtCreation: string[][] = [];
            fake.onCreate(
                "mssqlserveropsrequests",
                (r) =>
                    void phasesAtCreation.push(
                        fake
                            .list(OPS, "mssqlserveropsrequests", NS)
                            .filter((o) => o.metadata.name !== r.metadata.name)
                            .map((o) => `${o.spec.type}=${o.status?.phase}`),
                    ),
            );
            installOperator(fake, { outcomes: ["Successful"] });
            const { id, properties } = await deployed();
            const news = pointed(subjects[2].after, fake, { storageSize: "40Gi" });
            const updated = await host.update(urn(DAY_TWO, "day2-ledger"), id, properties, news);
            assert.ok(updated.ok, !updated.ok ? updated.error.message : "");
            assert.deepEqual(phasesAtCreation, [[], ["VolumeExpansion=Successful"]]);
            assert.deepEqual([updated.value.properties.currentVersion, updated.value.properties.currentStorageSize], ["2025-cu0", "40Gi"]);
            assert.match(
                host.stderr,
                /VolumeExpansion \(storage\.size 10Gi → 40Gi \(Online\)\) → UpdateVersion \(version 2022-cu22 → 2025-cu0\)/,
                "the plan is logged before the first request",
            );
        });

        it("an inadmissible upgrade is refused before any request reaches the server", async () => {
            const { id, properties } = await deployed();
            const news = pointed(subjects[2].after, fake, { version: "2022-cu16" });
            const updated = await host.update(urn(DAY_TWO, "day2-ledger"), id, properties, news);
            assert.ok(!updated.ok);
            assert.match(
                updated.error.message,
                /no request was sent:\n {2}- version: 2022-cu16 is older than 2022-cu22, and KubeDB does not downgrade; allowed targets from 2022-cu22: 2025-cu0/,
            );
            assert.equal(updated.error.initFailed, undefined, "the state stays as it was");
            assert.equal(posts(), 0);
        });

        it("a shrink is refused before any request reaches the server", async () => {
            const { id, properties } = await deployed();
            const updated = await host.update(urn(DAY_TWO, "day2-ledger"), id, properties, pointed(subjects[2].before, fake, { storageSize: "5Gi" }));
            assert.ok(!updated.ok);
            assert.match(updated.error.message, /no request was sent:\n {2}- storage.size: the database's volumes have 10Gi; 5Gi would shrink them/);
            assert.equal(posts(), 0);
        });

        it("a removed setting is refused at Check, without the cluster", async () => {
            const checked = await host.check(
                urn(DAY_TWO, "day2-ledger"),
                pointed(subjects[2].before, fake, { storageClass: "fast" }),
                pointed(subjects[2].before, fake),
            );
            assert.ok(checked.ok);
            assert.deepEqual(
                checked.value.failures.map((f) => f.property),
                ["storage.storageClass"],
            );
            assert.equal(fake.requests.length, 0, "Check never calls the cluster");
        });

        it("the guard refuses changes no request can make at Check, saying how to do it deliberately", async () => {
            const guardBefore = programs.first.one(GUARD).inputs;
            const renamed = (await runProgram({ config: programs.config({ name: "orders", edition: "Enterprise" }) })).one(GUARD).inputs;
            const checked = await host.check(urn(GUARD, "guard-config"), guardBefore, renamed);
            assert.ok(checked.ok);
            assert.deepEqual(
                checked.value.failures.map((f) => f.property),
                ["name", "edition"],
            );
            assert.match(checked.value.failures[0].reason, /second, empty database.*To do it deliberately: create the new database in a new stack/);
            // With nothing refused, the guard asks the API server for the stack's permissions (here: all granted).
            const allowed: string[] = [];
            fake.onRequest((req) => {
                if (!/selfsubjectaccessreviews$/.test(req.path)) return undefined;
                allowed.push((req.body as { spec: { resourceAttributes: { verb: string } } }).spec.resourceAttributes.verb);
                return { code: 201, body: { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", status: { allowed: true } } };
            });
            const first = await host.check(urn(GUARD, "guard-config"), {}, pointed(renamed, fake));
            assert.ok(first.ok && first.value.failures.length === 0, "nothing to compare with on the first run");
            assert.ok(allowed.length > 20, "every permission asked");
            const same = await host.check(urn(GUARD, "guard-config"), guardBefore, pointed(programs.upgraded.one(GUARD).inputs, fake));
            assert.ok(same.ok && same.value.failures.length === 0, "an upgrade is a request, not a refusal");
        });
    });
});
