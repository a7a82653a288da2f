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
import { labelsFor } from "../components/names";
import { FAILED_ATTEMPT_PROVIDER } from "../components/ops/ledger";
import { FakeKubeApi } from "./support/fakeKubeApi";
import { DB, DEFAULT_FAILURE, NS, OPS, OperatorScript, installOperator, putCatalog, putDatabase, putSecret, putStorageClass } from "./support/fakeKubeDb";
import { ProviderHost, Props } from "./support/providerHost";
import { runProgram } from "./support/program";
import { dayTwoChangeCases } from "./support/dayTwoCases";

const ROTATION = "pulumi-nodejs:dynamic/kubedb-mssql:CredentialRotation";
const TLS = "pulumi-nodejs:dynamic/kubedb-mssql:TlsLifecycle";
const DAY_TWO = "pulumi-nodejs:dynamic/kubedb-mssql:DayTwoChanges";
const GUARD = "pulumi-nodejs:dynamic/kubedb-mssql:ChangeGuard";
const CA = "-----BEGIN CERTIFICATE-----\nMIIBCA\n-----END CERTIFICATE-----\n";
const EVICTION = "failed to evict pod mssql-0: Cannot evict pod as it would violate the pod's disruption budget";
const PLACEHOLDER_KUBECONFIG = "apiVersion: v1\nkind: Config\n";

type Provider = pulumi.dynamic.ResourceProvider;

/** What a provider call came to, in the engine's terms, whichever way it ran. */
interface Outcome {
    ok: boolean;
    message?: string;
    initFailed?: { id: string; properties: Props };
    properties?: Props;
}

/** One provider under test: the inputs the program registers before and after a change. */
interface Subject {
    name: string;
    type: string;
    provider: Provider;
    requestType: string;
    /** The step of its request type at which the scripted operator fails by default. */
    failingStep: string;
    before: Props;
    after: Props;
    /** The cluster as the first `pulumi up` left it. */
    seed(fake: FakeKubeApi): void;
}

/** The inputs the program registers, pointed at this test's API server. */
function pointed(inputs: Props, fake: FakeKubeApi, overrides: Props = {}): Props {
    return { ...inputs, kubeconfig: fake.kubeconfig(), ...overrides };
}

/** Without what differs by nature: clock readings, and the serialized provider the host passes along. */
function normalized(props: Props | undefined): Props | undefined {
    if (!props) return props;
    const { activeSince, __provider, ...rest } = props;
    void activeSince, void __provider;
    return rest;
}

async function inProcess(subject: Subject, fake: FakeKubeApi, overrides: Props, arrange?: (fake: FakeKubeApi) => void): Promise<Outcome> {
    const { __provider: _before, ...olds0 } = pointed(subject.before, fake);
    void _before;
    const created = await subject.provider.create(olds0);
    arrange?.(fake);
    const { __provider: _after, ...news } = pointed(subject.after, fake, overrides);
    void _after;
    try {
        const result = await subject.provider.update!(created.id, created.outs, news);
        return { ok: true, properties: result.outs };
    } catch (e) {
        const error = e as Error & { id?: string; properties?: Props };
        return { ok: false, message: error.message, initFailed: error.id ? { id: error.id, properties: error.properties! } : undefined };
    }
}

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

interface Case {
    title: string;
    script?: OperatorScript;
    /** Changes to the API server or operator beyond the script, after the first deployment. */
    arrange?: (fake: FakeKubeApi) => void;
    overrides?: Props;
    /** Checks on the error text; `request` is the name of the request the provider sent. */
    message: (request: string, subject: Subject) => RegExp[];
    /** The `lastPhase` kept for the retry; undefined when the failure is not an initialization error. */
    lastPhase?: string | RegExp;
}

const cases: Case[] = [
    {
        title: "Failed, recorded as a `reason: Failed` condition among stale False step conditions",
        script: { outcomes: ["Failed"], failureShape: "reasonFailed", failureMessage: EVICTION },
        message: (request) => [new RegExp(`MSSQLServerOpsRequest db/${request} is Failed: ${escape(EVICTION)} \\[Failed=True, reason Failed\\]`)],
        lastPhase: "Failed",
    },
    {
        title: "Failed, recorded in a condition of the request's own type",
        script: { outcomes: ["Failed"], failureShape: "ownType" },
        message: (request, s) => [new RegExp(`db/${request} is Failed: ${escape(DEFAULT_FAILURE)} \\[${s.requestType}=False, reason ${s.requestType}Failed\\]`)],
        lastPhase: "Failed",
    },
    {
        title: "Failed, with only the failing step's own condition",
        script: { outcomes: ["Failed"], failureShape: "plain", failureMessage: "timeout waiting for the database to pause" },
        message: (request, s) => [new RegExp(`db/${request} is Failed: timeout waiting for the database to pause \\[${s.failingStep}=False, reason ${s.failingStep}\\]`)],
        lastPhase: "Failed",
    },
    {
        title: "Denied",
        script: { outcomes: ["Denied"] },
        message: (request) => [new RegExp(`db/${request} is Denied: denied by the approval policy of namespace db \\[Denied=True, reason OpsRequestDenied\\]`)],
        lastPhase: "Denied",
    },
    {
        title: "Skipped",
        script: { outcomes: ["Skipped"] },
        message: (request, s) => [new RegExp(`db/${request} is Skipped: a newer ${s.requestType} request exists for mssql \\[Skipped=True, reason NewerOpsRequestExists\\]`)],
        lastPhase: "Skipped",
    },
    {
        title: "a timeout (the request is still running)",
        script: { outcomes: ["Hang"] },
        overrides: { timeoutSeconds: 2 },
        message: (request) => [
            new RegExp(`db/${request}: not finished after 2s \\(last phase: Progressing; last condition: started \\[Progressing=True`),
            /still running in the cluster.*Run `pulumi up` again to keep waiting for it \(it is adopted, not repeated\)/,
        ],
        lastPhase: "Progressing (still running)",
    },
    {
        title: "the request deleted before it finished",
        script: { outcomes: ["Vanish"] },
        message: (request) => [new RegExp(`db/${request}: was deleted before it finished`), /The request was deleted before it finished; run `pulumi up` again/],
        lastPhase: "Deleted",
    },
    {
        title: "the request never appearing",
        arrange: (fake) => void fake.onCreate("mssqlserveropsrequests", (o) => void fake.remove(OPS, "mssqlserveropsrequests", NS, o.metadata.name)),
        overrides: { timeoutSeconds: 2 },
        message: (request) => [new RegExp(`db/${request}: did not appear within 2s \\(last phase: none`), /accepted the request but it never appeared/],
        lastPhase: "NotFound",
    },
    {
        title: "access refused (403) while waiting",
        script: { outcomes: ["Successful"] },
        arrange: (fake) => void fake.onRequest((req) => req.method === "GET" && /mssqlserveropsrequests$/.test(req.path) && req.query.fieldSelector
            ? { code: 403, reason: "Forbidden", message: "mssqlserveropsrequests.ops.kubedb.com is forbidden: User \"ci\" cannot list resource" }
            : undefined),
        message: (request) => [
            new RegExp(`db/${request}: the API server refused access \\(403\\): mssqlserveropsrequests.ops.kubedb.com is forbidden`),
            // Nothing is known about how it ended: never "half done" or "did not finish".
            /progress could not be watched, so it may still be running or may have finished/,
        ],
        lastPhase: "ApiError",
    },
    {
        title: "the request refused on creation (403)",
        arrange: (fake) => void fake.onRequest((req) => req.method === "POST" && /mssqlserveropsrequests$/.test(req.path)
            ? { code: 403, reason: "Forbidden", message: "admission webhook \"mssqlserveropsrequestwebhook.validators.ops.kubedb.com\" denied the request: database is not ready" }
            : undefined),
        message: (request, s) => [new RegExp(`the API server refused to create ${s.requestType} request db/${request}: admission webhook .* denied the request: database is not ready \\(HTTP 403\\)`)],
        lastPhase: "NotStarted",
    },
    {
        title: "a server error (500) reading the database",
        arrange: (fake) => void fake.onRequest((req) => req.method === "GET" && /mssqlservers\/mssql$/.test(req.path)
            ? { code: 500, reason: "InternalError", message: "etcdserver: leader changed" }
            : undefined),
        message: () => [/reading mssqlservers db\/mssql: etcdserver: leader changed \(HTTP 500\)/],
    },
    {
        title: "the database missing",
        arrange: (fake) => void fake.remove(DB, "mssqlservers", NS, "mssql"),
        message: () => [/MSSQLServer db\/mssql not found/],
    },
];

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("the providers as `pulumi up` runs them: Pulumi's dynamic-provider host over gRPC", function () {
    this.timeout(120_000);
    let host: ProviderHost;
    const subjects: Subject[] = [];
    let programs: { first: Awaited<ReturnType<typeof runProgram>>; upgraded: Awaited<ReturnType<typeof runProgram>>; config: (extra: object) => Record<string, unknown> };

    before(async () => {
        const config = (extra: object) => ({ acceptEula: true, namespace: NS, kubeconfig: PLACEHOLDER_KUBECONFIG, ...extra });
        const first = await runProgram({ config: config({}) });
        const rotated = await runProgram({ config: config({ rotation: { generation: 1 } }) });
        const recertified = await runProgram({ config: config({ tls: { clientTLS: true, rotation: { generation: 1 } } }) });
        const upgraded = await runProgram({ config: config({ version: "2025-cu0" }) });
        programs = { first, upgraded, config };
        const rotationBefore = first.one(ROTATION).inputs;
        const rotationAfter = rotated.one(ROTATION).inputs;
        subjects.push({
            name: "rotation-ledger", type: ROTATION, provider: credentialRotationProvider, requestType: "RotateAuth", failingStep: "UpdateCredential",
            before: rotationBefore, after: rotationAfter,
            seed: (fake) => {
                putDatabase(fake, "mssql", rotationBefore.secretName);
                putSecret(fake, rotationBefore.secretName, "Old-Passw0rd!", labelsFor("mssql", "credential"));
                putSecret(fake, rotationAfter.secretName, "New-Passw0rd!", labelsFor("mssql", "credential"));
            },
        });
        subjects.push({
            name: "tls-ledger", type: TLS, provider: tlsLifecycleProvider, requestType: "ReconfigureTLS", failingStep: "UpdateCertificates",
            before: first.one(TLS).inputs, after: recertified.one(TLS).inputs,
            seed: (fake) => {
                putDatabase(fake, "mssql", rotationBefore.secretName);
                fake.put({ apiVersion: "v1", kind: "Secret", type: "kubernetes.io/tls", metadata: { name: "mssql-server-cert", namespace: NS }, stringData: { "ca.crt": CA } });
                fake.put({ apiVersion: "v1", kind: "Secret", metadata: { name: "mssql-connection", namespace: NS }, stringData: { "ca.crt": CA } });
            },
        });
        subjects.push({
            name: "day2-ledger", type: DAY_TWO, provider: dayTwoProvider, requestType: "UpdateVersion", failingStep: "UpdateVersion",
            before: first.one(DAY_TWO).inputs, after: upgraded.one(DAY_TWO).inputs,
            seed: (fake) => {
                putDatabase(fake, "mssql", rotationBefore.secretName);
                putCatalog(fake);
            },
        });
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

                    assert.equal(viaHost.ok, false, "the update fails");
                    assert.ok(viaHost.message && !/undefined/.test(viaHost.message.split("\n")[0]), `a message with its facts: ${viaHost.message}`);
                    for (const expected of c.message(requestName, subject())) assert.match(viaHost.message!, expected);
                    const limit = (c.overrides?.timeoutSeconds ?? 0) * 1000 + 5000;
                    assert.ok(elapsed < limit, `fails fast: ${elapsed} ms`);
                    if (c.lastPhase === undefined) {
                        assert.equal(viaHost.initFailed, undefined, "failed before anything changed: a plain error, the old state stays");
                    } else {
                        assert.ok(viaHost.initFailed, "an initialization error: the engine keeps the resource and retries on the next `pulumi up`");
                        assert.equal(viaHost.initFailed.id, "db/mssql");
                        const kept = viaHost.initFailed.properties;
                        assert.equal(kept.__provider, FAILED_ATTEMPT_PROVIDER, "a small stand-in provider: the real one would not fit in the error's gRPC header");
                        if (typeof c.lastPhase === "string") assert.equal(kept.lastPhase, c.lastPhase);
                        assert.equal(kept.kubeconfig, undefined);
                        if (requestName) assert.equal(kept.lastRequest, requestName);
                        if (subject().type === ROTATION) {
                            assert.equal(kept.appliedSecretName, subject().before.secretName, "the last confirmed credential");
                            assert.equal(kept.secretName, subject().after.secretName);
                        } else if (subject().type === TLS) {
                            assert.equal(kept.applied.rotationGeneration, 0, "the last confirmed TLS state");
                        } else {
                            assert.equal(kept.applied.version, "2022-cu22", "the last confirmed version");
                            assert.equal(kept.version, "2025-cu0");
                        }
                    }

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
            fake.onCreate("mssqlserveropsrequests", (r) => void phasesAtCreation.push(
                fake.list(OPS, "mssqlserveropsrequests", NS).filter((o) => o.metadata.name !== r.metadata.name).map((o) => `${o.spec.type}=${o.status?.phase}`)));
            installOperator(fake, { outcomes: ["Successful"] });
            const { id, properties } = await deployed();
            const news = pointed(subjects[2].after, fake, { storageSize: "40Gi" });
            const updated = await host.update(urn(DAY_TWO, "day2-ledger"), id, properties, news);
            assert.ok(updated.ok, !updated.ok ? updated.error.message : "");
            assert.deepEqual(phasesAtCreation, [[], ["VolumeExpansion=Successful"]]);
            assert.deepEqual([updated.value.properties.currentVersion, updated.value.properties.currentStorageSize], ["2025-cu0", "40Gi"]);
            assert.match(host.stderr, /VolumeExpansion \(storage\.size 10Gi → 40Gi \(Online\)\) → UpdateVersion \(version 2022-cu22 → 2025-cu0\)/, "the plan is logged before the first request");
        });

        it("an inadmissible upgrade is refused before any request reaches the server", async () => {
            const { id, properties } = await deployed();
            const news = pointed(subjects[2].after, fake, { version: "2022-cu16" });
            const updated = await host.update(urn(DAY_TWO, "day2-ledger"), id, properties, news);
            assert.ok(!updated.ok);
            assert.match(updated.error.message, /no request was sent:\n  - version: 2022-cu16 is older than 2022-cu22, and KubeDB does not downgrade; allowed targets from 2022-cu22: 2025-cu0/);
            assert.equal(updated.error.initFailed, undefined, "the state stays as it was");
            assert.equal(posts(), 0);
        });

        it("a shrink is refused before any request reaches the server", async () => {
            const { id, properties } = await deployed();
            const updated = await host.update(urn(DAY_TWO, "day2-ledger"), id, properties, pointed(subjects[2].before, fake, { storageSize: "5Gi" }));
            assert.ok(!updated.ok);
            assert.match(updated.error.message, /no request was sent:\n  - storage.size: the database's volumes have 10Gi; 5Gi would shrink them/);
            assert.equal(posts(), 0);
        });

        it("a removed setting is refused at Check, without the cluster", async () => {
            const checked = await host.check(urn(DAY_TWO, "day2-ledger"), pointed(subjects[2].before, fake, { storageClass: "fast" }), pointed(subjects[2].before, fake));
            assert.ok(checked.ok);
            assert.deepEqual(checked.value.failures.map((f) => f.property), ["storage.storageClass"]);
            assert.equal(fake.requests.length, 0, "Check never calls the cluster");
        });

        it("the guard refuses changes no request can make at Check, saying how to do it deliberately", async () => {
            const guardBefore = programs.first.one(GUARD).inputs;
            const renamed = (await runProgram({ config: programs.config({ name: "orders", edition: "Enterprise" }) })).one(GUARD).inputs;
            const checked = await host.check(urn(GUARD, "guard-config"), guardBefore, renamed);
            assert.ok(checked.ok);
            assert.deepEqual(checked.value.failures.map((f) => f.property), ["name", "edition"]);
            assert.match(checked.value.failures[0].reason, /second, empty database.*To do it deliberately: create the new database in a new stack/);
            const first = await host.check(urn(GUARD, "guard-config"), {}, renamed);
            assert.ok(first.ok && first.value.failures.length === 0, "nothing to compare with on the first run");
            const same = await host.check(urn(GUARD, "guard-config"), guardBefore, programs.upgraded.one(GUARD).inputs);
            assert.ok(same.ok && same.value.failures.length === 0, "an upgrade is a request, not a refusal");
        });
    });
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
