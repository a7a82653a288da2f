/**
 * The request-running providers (and the change guard) as `pulumi up` runs them: serialized into the `__provider`
 * property by the real program, loaded by Pulumi's dynamic-provider host in a fresh Node process,
 * called over gRPC like the engine calls them, against a Kubernetes-shaped API server on
 * 127.0.0.1 with a scripted KubeDB operator. Every terminal outcome is checked on what the
 * engine receives — the error text, the initialization-failure details that make the next
 * `pulumi up` retry, the outputs — and compared with the same provider run in-process, so that
 * nothing the providers capture behaves differently once serialized.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { credentialRotationProvider } from "../components/credentialRotationProvider";
import { tlsLifecycleProvider } from "../components/tlsLifecycleProvider";
import { dayTwoProvider } from "../components/dayTwoProvider";
import { changeGuardProvider } from "../components/changeGuard";
import { FakeKubeApi } from "./support/fakeKubeApi";
import { NS, OPS, installOperator } from "./support/fakeKubeDb";
import { ProviderHost, Props } from "./support/providerHost";
import {
    EVICTION, Outcome, ROTATION, Subject, TLS, assertFailureOutcome, cases, inProcess, normalized, pointed, providerSubjects,
} from "./support/providerOutcomes";

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

describe("the providers as `pulumi up` runs them: Pulumi's dynamic-provider host over gRPC", function () {
    this.timeout(120_000);
    let host: ProviderHost;
    let subjects: Subject[] = [];

    before(async () => {
        ({ subjects } = await providerSubjects());
        host = await ProviderHost.start();
        assert.deepEqual(await host.configure(), { acceptSecrets: false }, "the host asks the engine for plain inputs");
    });
    after(async () => {
        await host?.stop();
    });

    it("registers the serialized providers the host loads (no ts-node, no test code)", () => {
        for (const s of subjects) {
            assert.equal(typeof s.after.__provider, "string");
            assert.match(s.after.__provider, /^exports\.handler = /);
            assert.doesNotMatch(s.after.__provider, /ts-node|mocha/);
        }
    });

    for (const [subjectIndex, title] of [[0, "CredentialRotation"], [1, "TlsLifecycle"], [2, "DayTwoChanges"]] as const) {
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
                const result = await throughHost(host, subject(), fake, {});
                assert.ok(result.ok, result.message);
                const created = fake.list(OPS, "mssqlserveropsrequests", NS);
                assert.equal(created.length, 1);
                assert.equal(created[0].spec.type, subject().requestType);
                const props = result.properties!;
                assert.equal(props.lastPhase, "Successful");
                assert.equal(props.lastRequest, created[0].metadata.name);
                assert.equal(props.kubeconfig, undefined, "the kubeconfig never lands in the state");
                assert.equal(props.__provider, subject().after.__provider, "the host keeps the provider for the next operation");
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
                    const requestName = typeof request === "string" ? request : (request as Props | undefined)?.metadata?.name ?? "";

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

describe("code the providers capture", () => {
    it("has no class that extends a built-in (the serializer drops the built-in's constructor effects)", async () => {
        for (const provider of [credentialRotationProvider, tlsLifecycleProvider, dayTwoProvider, changeGuardProvider]) {
            const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
            assert.doesNotMatch(text, /Object\.setPrototypeOf\(__f\d+, global\.\w+\)/);
        }
    });

    it("the guard above catches a captured Error subclass", async () => {
        const source = fs.readFileSync(path.join(__dirname, "support", "errorSubclassProbe.ts"), "utf8");
        assert.match(source, /extends Error/);
        const { probe } = await import("./support/errorSubclassProbe");
        const { text } = await pulumi.runtime.serializeFunction(() => probe, {});
        assert.match(text, /Object\.setPrototypeOf\(__f\d+, global\.Error\)/);
    });
});
