/**
 * The request-running providers as `pulumi up` runs them: in the kubedb-mssql provider plugin (its
 * executable, the compiled provider, a fresh process), called over gRPC like the engine calls them,
 * with the inputs the real program registers, against a Kubernetes-shaped API server on 127.0.0.1
 * with a scripted KubeDB operator. Every terminal outcome is checked on what the engine receives —
 * the error text, the initialization-failure details that make the next `pulumi up` retry, the
 * outputs — and compared with the same provider run in-process.
 */
import { strict as assert } from "assert";
import { FakeKubeApi } from "../support/fakeKubeApi";
import { NS, OPS, installOperator } from "../support/fakeKubeDb";
import { FakeEngine } from "../support/fakeEngine";
import { ProviderHost, Props } from "../support/providerHost";
import {
    DAY_TWO,
    EVICTION,
    Outcome,
    ROTATION,
    Subject,
    TLS,
    assertFailureOutcome,
    cases,
    inProcess,
    normalized,
    pointed,
    providerSubjects,
} from "../support/providerOutcomes";

async function throughHost(host: ProviderHost, subject: Subject, fake: FakeKubeApi, overrides: Props, arrange?: (fake: FakeKubeApi) => void): Promise<Outcome> {
    const urn = `urn:pulumi:test::kubedb-mssql::${subject.type}::${subject.name}`;
    const first = pointed(subject.before, fake);
    const checked = await host.check(urn, {}, first);
    assert.ok(checked.ok && checked.value.failures.length === 0, "Check accepts the program's inputs");
    const created = await host.create(urn, checked.ok ? checked.value.inputs : first);
    assert.ok(created.ok, `the first deployment succeeds: ${!created.ok && created.error.message}`);
    arrange?.(fake);
    const news = pointed(subject.after, fake, overrides);
    const diff = await host.diff(urn, created.value.id, created.value.properties, news);
    assert.ok(diff.ok && diff.value.changes === "some" && diff.value.replaces.length === 0, "the change is an update, not a replacement");
    const updated = await host.update(urn, created.value.id, created.value.properties, news);
    if (updated.ok) return { ok: true, properties: updated.value.properties };
    return { ok: false, message: updated.error.message, initFailed: updated.error.initFailed };
}

describe("the providers as `pulumi up` runs them: the provider plugin over gRPC", function () {
    this.timeout(120_000);
    let host: ProviderHost;
    /** Where the plugin logs: lines for the user, against a resource's URN. */
    let engine: FakeEngine;
    let subjects: Subject[] = [];

    before(async () => {
        ({ subjects } = await providerSubjects());
        engine = await FakeEngine.start("kubedb-mssql", "test");
        host = await ProviderHost.start({}, engine.address);
        assert.deepEqual(await host.configure(), { acceptSecrets: true }, "the plugin takes secrets marked, and marks them again in what it returns");
    });
    after(async () => {
        await host?.stop();
        await engine?.stop();
    });

    it("the program registers the package's own types, with no code among the inputs", () => {
        assert.deepEqual(
            subjects.map((s) => s.type),
            [ROTATION, TLS, DAY_TWO],
        );
        for (const s of subjects) assert.equal(s.after.__provider, undefined);
    });

    for (const [subjectIndex, title] of [
        [0, "CredentialRotation"],
        [1, "TlsLifecycle"],
        [2, "DayTwoChanges"],
    ] as const) {
        describe(title, () => {
            let fake: FakeKubeApi;
            const subject = () => subjects[subjectIndex];
            beforeEach(async () => {
                fake = await FakeKubeApi.start();
                subject().seed(fake);
            });
            afterEach(async () => {
                await fake.stop();
            });
            const sentRequests = () => fake.list(OPS, "mssqlserveropsrequests", NS).map((r) => r.metadata.name);

            it("Successful: one request of the program's making, outputs the engine stores, no kubeconfig among them", async () => {
                installOperator(fake, { outcomes: ["Successful"] });
                const loggedBefore = engine.logged.length;
                const result = await throughHost(host, subject(), fake, {});
                assert.ok(result.ok, result.message);
                const created = fake.list(OPS, "mssqlserveropsrequests", NS);
                assert.equal(created.length, 1);
                const urn = `urn:pulumi:test::kubedb-mssql::${subject().type}::${subject().name}`;
                await new Promise((r) => setTimeout(r, 200)); // the log calls are not awaited by the plugin
                const progress = engine.logged.slice(loggedBefore).filter((l) => l.message.startsWith(`${NS}/${created[0].metadata.name}:`));
                assert.ok(
                    progress.length > 0 && progress.every((l) => l.urn === urn && l.ephemeral),
                    `progress on the ledger's row: ${JSON.stringify(engine.logged.slice(loggedBefore))}`,
                );
                assert.equal(created[0].spec.type, subject().requestType);
                const props = result.properties!;
                assert.equal(props.lastPhase, "Successful");
                assert.equal(props.lastRequest, created[0].metadata.name);
                assert.equal(props.kubeconfig, undefined, "the kubeconfig never lands in the state");
                assert.equal(props.__provider, undefined, "no code in what the engine stores");
                if (subject().type === ROTATION) {
                    assert.deepEqual(created[0].spec, subject().after.request.spec, "exactly the request the program built");
                    assert.equal(props.appliedSecretName, subject().after.secretName);
                    assert.equal(props.activeSecretName, subject().after.secretName);
                    assert.deepEqual(props.removedSecrets, [subject().before.secretName]);
                } else if (subject().type === TLS) {
                    assert.deepEqual(created[0].spec.tls, { rotateCertificates: true });
                    assert.equal(props.applied.rotationGeneration, 1);
                } else {
                    assert.deepEqual(created[0].spec.updateVersion, { targetVersion: "2025-cu0" });
                    assert.equal(props.applied.version, "2025-cu0");
                    assert.equal(props.currentVersion, "2025-cu0", "read back from the MSSQLServer");
                }
            });

            for (const c of cases) {
                it(`${c.title}: the engine gets the request, the phase and KubeDB's reason, serialized as in-process`, async () => {
                    if (c.script) installOperator(fake, c.script);
                    const started = Date.now();
                    const viaHost = await throughHost(host, subject(), fake, c.overrides ?? {}, c.arrange);
                    const elapsed = Date.now() - started;
                    const request = sentRequests()[0] ?? fake.requests.find((r) => r.method === "POST" && /mssqlserveropsrequests$/.test(r.path))?.body;
                    const requestName = typeof request === "string" ? request : ((request as Props | undefined)?.metadata?.name ?? "");

                    assertFailureOutcome(viaHost, c, subject(), requestName, elapsed);

                    // The same case in-process, on a fresh API server: the serialized provider must not differ.
                    await fake.stop();
                    fake = await FakeKubeApi.start();
                    subject().seed(fake);
                    if (c.script) installOperator(fake, c.script);
                    const local = await inProcess(subject(), fake, c.overrides ?? {}, c.arrange);
                    assert.equal(viaHost.message, local.message);
                    assert.deepEqual(normalized(viaHost.initFailed?.properties), normalized(local.initFailed?.properties));
                });
            }

            it("state from a release before the plugin (a dynamic resource's, with its code): one update drops the code and sends nothing", async () => {
                const urn = `urn:pulumi:test::kubedb-mssql::${subject().type}::${subject().name}`;
                const first = pointed(subject().before, fake);
                const created = await host.create(urn, first);
                assert.ok(created.ok, !created.ok ? created.error.message : "");
                const dynamicState = { ...created.value.properties, __provider: "exports.handler = function () { return {}; };\n" };
                const requestsBefore = fake.countRequests({ method: "POST" });
                const diff = await host.diff(urn, created.value.id, dynamicState, first);
                assert.ok(diff.ok && diff.value.changes === "some" && diff.value.replaces.length === 0, "an update, not a replacement");
                const taken = await host.update(urn, created.value.id, dynamicState, first);
                assert.ok(taken.ok, !taken.ok ? taken.error.message : "");
                assert.equal(taken.value.properties.__provider, undefined, "the code is gone from the state");
                assert.deepEqual(normalized(taken.value.properties), normalized(created.value.properties), "everything else is kept");
                assert.equal(fake.countRequests({ method: "POST" }), requestsBefore, "no request, nothing created");
                const again = await host.diff(urn, created.value.id, taken.value.properties, first);
                assert.ok(again.ok && again.value.changes === "none", "and the next `pulumi up` changes nothing");
            });

            it("after a failure, the next `pulumi up` retries with a new request name and succeeds", async () => {
                const failing = installOperator(fake, { outcomes: ["Failed"], failureMessage: EVICTION });
                const failed = await throughHost(host, subject(), fake, {});
                assert.ok(!failed.ok && failed.initFailed);
                failing.uninstall();
                // What the engine can do with the failed attempt's state before the next `pulumi up`.
                const urnOf = `urn:pulumi:test::kubedb-mssql::${subject().type}::${subject().name}`;
                const refreshed = await host.read(urnOf, failed.initFailed.id, failed.initFailed.properties);
                assert.ok(refreshed.ok, "`pulumi refresh` keeps the state");
                assert.deepEqual(refreshed.value.properties, failed.initFailed.properties);
                const requestsBefore = fake.requests.length;
                assert.ok((await host.delete(urnOf, failed.initFailed.id, failed.initFailed.properties)).ok, "`pulumi destroy` works on it");
                assert.equal(fake.requests.length, requestsBefore, "and deletes nothing in the cluster");
                installOperator(fake, { outcomes: ["Successful"] });
                const urn = `urn:pulumi:test::kubedb-mssql::${subject().type}::${subject().name}`;
                const news = pointed(subject().after, fake);
                const diff = await host.diff(urn, failed.initFailed.id, failed.initFailed.properties, news);
                assert.ok(diff.ok && diff.value.changes === "some", "the failed attempt shows as a pending change");
                const retried = await host.update(urn, failed.initFailed.id, failed.initFailed.properties, news);
                assert.ok(retried.ok, !retried.ok ? retried.error.message : "");
                const names = sentRequests().sort();
                assert.equal(names.length, 2);
                assert.equal(names[1], `${names[0]}-r2`);
                assert.equal(retried.value.properties.lastRequest, names[1]);
                assert.equal(retried.value.properties.lastPhase, "Successful");
            });
        });
    }
});
