/**
 * `saPasswordSecret` as `pulumi up` runs it: the stack program under mocks registers the
 * PasswordReference, the CredentialSecret and the RotationLedger; each of them goes through the
 * provider plugin's executable over gRPC (Check, Diff, Create or Update, as the engine calls them)
 * against the loopback API server with a scripted KubeDB; the program is run again with what the
 * plugin returned, as the engine feeds outputs to dependents. A changed referenced Secret rotates
 * with exactly one RotateAuth; an unchanged one sends nothing; a missing Secret or key or a weak
 * value is refused at Check, before any request; the value appears only in the credential Secret
 * and the connection Secret (and as a secret in the state), nowhere in names, logs, outputs or errors.
 */
import { strict as assert } from "assert";
import { FakeKubeApi } from "../support/fakeKubeApi";
import { NS, OPS, installOperator, putDatabase } from "../support/fakeKubeDb";
import { FakeEngine } from "../support/fakeEngine";
import { ProviderHost, Props } from "../support/providerHost";
import { ProgramRun, runProgram, statefulRandom } from "../support/program";
import { checkPasswordReference, diffPasswordReference, passwordFingerprint } from "../../components/credential/passwordReference";
import { kubeApi } from "../../components/kube/client";

const REF = "kubedb-mssql:credential:PasswordReference";
const CRED = "kubedb-mssql:credential:CredentialSecret";
const ROT = "kubedb-mssql:credential:RotationLedger";
const urnOf = (type: string) => `urn:pulumi:test::kubedb-mssql::kubedb-mssql:index:SqlServer$${type}::${type.split(":").pop()}`;
const SIG = "4dabf18193072939515e22adb298388d";

const V1 = "Vault-Issued-Passw0rd-1!";
const V2 = "Vault-Rotated-Passw0rd-2#";

/** The value with every secret mark removed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- engine property structs are arbitrary JSON
function unmarked(value: unknown): any {
    if (Array.isArray(value)) return value.map(unmarked);
    if (value && typeof value === "object") {
        const record = value as Props;
        if (record[SIG]) return unmarked(record.value);
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unmarked(v)]));
    }
    return value;
}

/** The value with every secret-marked part replaced: what is in the clear. */
function clear(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(clear);
    if (value && typeof value === "object") {
        const record = value as Props;
        if (record[SIG]) return "[secret]";
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, clear(v)]));
    }
    return value;
}

/** A registration's inputs with its secret paths replaced (`a.b` paths, as program.ts records them). */
function registrationInClear(inputs: Props, secretPaths: string[]): Props {
    const copy = JSON.parse(JSON.stringify(inputs));
    for (const p of secretPaths) {
        if (p === "") return { "[secret]": true };
        const parts = p.split(".");
        let at = copy;
        for (const part of parts.slice(0, -1)) at = at?.[part];
        if (at && typeof at === "object") at[parts[parts.length - 1]] = "[secret]";
    }
    return copy;
}

interface Deployed {
    id: string;
    /** Inputs after the last Check (the engine's "olds" for the next Check). */
    inputs: Props;
    /** What the engine stores. */
    props: Props;
}
type Stack = Partial<Record<typeof REF | typeof CRED | typeof ROT, Deployed>>;

describe("saPasswordSecret through the provider plugin: the referenced Secret drives the rotation", function () {
    this.timeout(180_000);
    let host: ProviderHost;
    let engine: FakeEngine;
    let fake: FakeKubeApi;
    /** Every text the engine or the user sees: outputs, registrations, errors, log lines. */
    const seen: string[] = [];
    const random = statefulRandom();
    const config = (extra: Props = {}) => ({
        acceptEula: true,
        namespace: NS,
        kubeconfig: "apiVersion: v1\nkind: Config\n",
        saPasswordSecret: { name: "mssql-sa", key: "password" },
        ...extra,
    });
    const putUserSecret = (data: Record<string, string>) =>
        fake.put({ apiVersion: "v1", kind: "Secret", metadata: { name: "mssql-sa", namespace: NS }, type: "Opaque", stringData: data });
    const requests = () => fake.list(OPS, "mssqlserveropsrequests", NS);
    const posts = () => fake.countRequests({ method: "POST" });
    const stack: Stack = {};
    let lastRun: ProgramRun | undefined;

    /** One resource through the host: Check against the last inputs, then Create, or Diff and Update when it changed. */
    async function step(
        type: typeof REF | typeof CRED | typeof ROT,
        news: Props,
    ): Promise<{ changed: boolean; failures?: { property: string; reason: string }[] }> {
        const urn = urnOf(type);
        const before = stack[type];
        const checked = await host.check(urn, before?.inputs ?? {}, { ...news, kubeconfig: fake.kubeconfig() });
        assert.ok(checked.ok, !checked.ok ? checked.error.message : "");
        seen.push(JSON.stringify(clear(checked.value.inputs)), JSON.stringify(checked.value.failures));
        if (checked.value.failures.length > 0) return { changed: false, failures: checked.value.failures };
        if (!before) {
            const created = await host.create(urn, checked.value.inputs);
            assert.ok(created.ok, !created.ok ? created.error.message : "");
            seen.push(JSON.stringify(clear(created.value.properties)));
            stack[type] = { id: created.value.id, inputs: checked.value.inputs, props: created.value.properties };
            return { changed: true };
        }
        const diff = await host.diff(urn, before.id, before.props, checked.value.inputs);
        assert.ok(diff.ok && diff.value.replaces.length === 0, "never a replacement");
        if (diff.value.changes === "none") {
            stack[type] = { ...before, inputs: checked.value.inputs };
            return { changed: false };
        }
        const updated = await host.update(urn, before.id, before.props, checked.value.inputs);
        assert.ok(updated.ok, !updated.ok ? updated.error.message : "");
        seen.push(JSON.stringify(clear(updated.value.properties)));
        stack[type] = { id: before.id, inputs: checked.value.inputs, props: updated.value.properties };
        return { changed: true };
    }

    /** The program under mocks, fed the plugin's outputs for the package's resources, as the engine does. */
    async function program(): Promise<ProgramRun> {
        const run = await runProgram({
            config: config(),
            state: (args) => {
                if (args.type === REF && stack[REF]) return unmarked(stack[REF].props);
                if (args.type === CRED && stack[CRED]) return unmarked(stack[CRED].props);
                return random(args);
            },
        });
        for (const r of run.registrations) seen.push(JSON.stringify(registrationInClear(r.inputs, r.secretPaths)));
        seen.push(JSON.stringify(run.outputs));
        lastRun = run;
        return run;
    }

    /** One `pulumi up`: the reference first, then the credential and the ledger from the program's inputs. */
    async function up(): Promise<{ changed: string[]; refused?: { property: string; reason: string }[] }> {
        const changed: string[] = [];
        const first = await program();
        const ref = await step(REF, first.one(REF).inputs);
        if (ref.failures) return { changed, refused: ref.failures };
        if (ref.changed) changed.push(REF);
        const run = await program();
        if ((await step(CRED, run.one(CRED).inputs)).changed) changed.push(CRED);
        if (!fake.get("kubedb.com/v1alpha2", "mssqlservers", NS, "mssql")) putDatabase(fake, "mssql", unmarked(stack[CRED]!.props).initialSecretName);
        const final = await program();
        if ((await step(ROT, final.one(ROT).inputs)).changed) changed.push(ROT);
        return { changed };
    }

    before(async () => {
        fake = await FakeKubeApi.start();
        installOperator(fake, { outcomes: ["Successful"] });
        engine = await FakeEngine.start("kubedb-mssql", "test");
        host = await ProviderHost.start({}, engine.address);
        await host.configure();
        putUserSecret({ password: V1, other: "x" });
    });
    after(async () => {
        await host?.stop();
        await engine?.stop();
        await fake?.stop();
    });

    it("the program registers the reference (name and key, no value) before the credential, which waits for it", async () => {
        const run = await program();
        const ref = run.one(REF);
        assert.deepEqual(
            { namespace: ref.inputs.namespace, database: ref.inputs.database, name: ref.inputs.name, key: ref.inputs.key },
            { namespace: NS, database: "mssql", name: "mssql-sa", key: "password" },
        );
        assert.ok(ref.additionalSecretOutputs.includes("password") && ref.additionalSecretOutputs.includes("fingerprintKey"));
        assert.ok(run.one(CRED).dependencies.includes(ref.urn), "the credential Secret waits for the reference");
        assert.equal(run.ofType("random:index/randomPassword:RandomPassword").length, 0, "no generated password");
    });

    it("first `pulumi up`: the database is created on the referenced password; no request", async () => {
        const result = await up();
        assert.deepEqual(result.changed, [REF, CRED, ROT]);
        const cred = unmarked(stack[CRED]!.props);
        assert.equal(cred.password, V1);
        assert.equal(Buffer.from(fake.get("v1", "secrets", NS, cred.secretName)!.data!.password, "base64").toString(), V1);
        assert.deepEqual(requests(), []);
        const ref = stack[REF]!.props;
        assert.ok(ref.password[SIG] && ref.fingerprintKey[SIG], "the password and the fingerprint's key are stored as secrets");
        assert.equal(ref.kubeconfig, undefined, "no kubeconfig in the state");
        assert.equal(ref.fingerprint, passwordFingerprint(unmarked(ref.fingerprintKey), V1), "HMAC under the stack's own key");
        assert.notEqual(ref.fingerprint, passwordFingerprint("another key", V1), "not a bare hash of the password");
    });

    it("the same Secret again: every resource unchanged, nothing sent to the cluster", async () => {
        const before = posts();
        const result = await up();
        assert.deepEqual(result.changed, []);
        assert.equal(posts(), before, "no object created");
        assert.deepEqual(requests(), []);
    });

    it("a missing key, a missing Secret, a weak value: refused at Check naming the Secret and key, nothing sent", async () => {
        const before = posts();
        putUserSecret({ pass: V1 });
        let result = await up();
        assert.deepEqual(
            result.refused?.map((f) => f.property),
            ["key"],
        );
        assert.match(
            result.refused![0].reason,
            /saPasswordSecret \(Secret db\/mssql-sa, key "password"\): the Secret has no key "password" \(its keys: pass\)/,
        );

        putUserSecret({ password: "weak" });
        result = await up();
        assert.match(result.refused![0].reason, /saPasswordSecret \(Secret db\/mssql-sa, key "password"\): the password it holds is too short/);
        assert.doesNotMatch(result.refused![0].reason, /weak/, "never the value");

        fake.remove("v1", "secrets", NS, "mssql-sa");
        result = await up();
        assert.deepEqual(
            result.refused?.map((f) => f.property),
            ["name"],
        );
        assert.match(result.refused![0].reason, /Secret db\/mssql-sa.*does not exist in namespace db/);
        assert.equal(posts(), before, "nothing created, no request");
        assert.deepEqual(requests(), []);
    });

    it("a changed value: the preview's Check says so, then exactly one RotateAuth to a new credential Secret holding it", async () => {
        putUserSecret({ password: V2 });
        const loggedBefore = engine.logged.length;
        const oldSecret = unmarked(stack[CRED]!.props).secretName;
        const result = await up();
        assert.deepEqual(result.changed, [REF, CRED, ROT]);
        await new Promise((r) => setTimeout(r, 200)); // the plugin does not await its log calls
        const lines = engine.logged.slice(loggedBefore);
        seen.push(...lines.map((l) => l.message));
        assert.ok(
            lines.some((l) => l.urn === urnOf(REF) && /the password changed since the last run; the database is rotated to it/.test(l.message)),
            JSON.stringify(lines),
        );
        const sent = requests();
        assert.equal(sent.length, 1, "exactly one request");
        assert.equal(sent[0].spec.type, "RotateAuth");
        const newSecret = sent[0].spec.authentication.secretRef.name;
        assert.notEqual(newSecret, oldSecret);
        assert.equal(Buffer.from(fake.get("v1", "secrets", NS, newSecret)!.data!.password, "base64").toString(), V2);
        assert.equal(fake.get("kubedb.com/v1alpha2", "mssqlservers", NS, "mssql")!.spec.authSecret.name, newSecret);
        // The connection Secret is written from the rotation's outcome with the new password (secret).
        const connection = lastRun!.ofType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "mssql-connection")!;
        assert.equal(connection.inputs.stringData.password, V2);
        assert.ok(connection.secretPaths.includes("stringData"));
        assert.ok(connection.dependencies.length > 0);
    });

    it("then the same value again sends nothing more", async () => {
        const result = await up();
        assert.deepEqual(result.changed, []);
        assert.equal(requests().length, 1);
    });

    it("the values are nowhere in the clear: registrations, state, outputs, errors, log lines, object names", () => {
        seen.push(...engine.logged.map((l) => l.message), host.stderr);
        for (const value of [V1, V2, "weak"]) {
            for (const text of seen) assert.ok(!text.includes(value), `a value in the clear: ${text.slice(0, 300)}`);
        }
        // In the cluster: only in the user's Secret and in the credential Secrets made from it.
        const holders = fake
            .list("v1", "secrets", NS)
            .filter((s) => Object.values(s.data ?? {}).some((v) => [V1, V2].includes(Buffer.from(String(v), "base64").toString())))
            .map((s) => s.metadata.labels?.["kubedb-mssql.io/role"] ?? s.metadata.name);
        assert.deepEqual(holders.sort(), ["credential", "mssql-sa"].sort());
        for (const o of [...fake.list("v1", "secrets", NS), ...requests()]) {
            assert.ok(!JSON.stringify(o.metadata).includes(V2) && !JSON.stringify(o.metadata).includes(V1), "no name, label or annotation");
        }
    });

    it("a cluster that cannot be reached at preview: Check says it cannot know, and leaves the value unknown", async () => {
        const loggedBefore = engine.logged.length;
        const inputs = { ...stack[REF]!.inputs, kubeconfig: fake.kubeconfig().replace(/server: http:\/\/127\.0\.0\.1:\d+/, "server: http://127.0.0.1:1") };
        const checked = await host.check(urnOf(REF), stack[REF]!.inputs, unmarked(inputs));
        assert.ok(checked.ok && checked.value.failures.length === 0);
        assert.equal(checked.value.inputs.password, undefined);
        assert.equal(checked.value.inputs.fingerprint, undefined);
        const diff = await host.diff(urnOf(REF), stack[REF]!.id, stack[REF]!.props, checked.value.inputs);
        assert.ok(diff.ok && diff.value.changes === "some", "shown as a possible change");
        await new Promise((r) => setTimeout(r, 200));
        assert.ok(
            engine.logged.slice(loggedBefore).some((l) => /cannot be reached .*whether a rotation is due is not known/.test(l.message)),
            JSON.stringify(engine.logged.slice(loggedBefore)),
        );
        // `pulumi up` would then read it itself, or fail before anything downstream runs.
        const updated = await host.update(urnOf(REF), stack[REF]!.id, stack[REF]!.props, checked.value.inputs);
        assert.ok(!updated.ok && /saPasswordSecret \(Secret db\/mssql-sa, key "password"\): cannot be read/.test(updated.error.message));
    });
});

describe("PasswordReference in-process: what Check decides", () => {
    let fake: FakeKubeApi;
    const inputs = (extra: Props = {}) => ({ namespace: NS, database: "mssql", name: "mssql-sa", key: "password", kubeconfig: fake.kubeconfig(), ...extra });
    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        fake.put({ apiVersion: "v1", kind: "Secret", metadata: { name: "mssql-sa", namespace: NS }, stringData: { password: V1 } });
    });
    afterEach(async () => {
        await fake.stop();
    });

    it("a refused read (403) is a failure naming the Secret and the API's answer", async () => {
        fake.failNext(1, 403, { reason: "Forbidden", message: 'secrets "mssql-sa" is forbidden' });
        const checked = await checkPasswordReference({}, inputs(), kubeApi(fake.kubeconfig()));
        assert.deepEqual(
            checked.failures?.map((f) => f.property),
            ["name"],
        );
        assert.match(checked.failures![0].reason, /saPasswordSecret \(Secret db\/mssql-sa, key "password"\): cannot be read: .*forbidden.*HTTP 403/);
    });

    it("keeps the fingerprint key of the last run, so the same value gives the same fingerprint", async () => {
        const first = (await checkPasswordReference({}, inputs(), kubeApi(fake.kubeconfig()))).inputs as Props;
        const again = (await checkPasswordReference(first, inputs(), kubeApi(fake.kubeconfig()))).inputs as Props;
        assert.equal(again.fingerprintKey, first.fingerprintKey);
        assert.equal(again.fingerprint, first.fingerprint);
        assert.equal(diffPasswordReference({ ...first, fingerprintKey: first.fingerprintKey }, again as never).changes, false);
        const other = (await checkPasswordReference({}, inputs(), kubeApi(fake.kubeconfig()))).inputs as Props;
        assert.notEqual(other.fingerprint, first.fingerprint, "another stack's key gives another fingerprint of the same password");
    });

    it("an unknown kubeconfig (a preview before the cluster exists): no read, no value, the diff a change", async () => {
        const checked = await checkPasswordReference({}, inputs({ kubeconfig: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }));
        assert.equal(checked.failures, undefined);
        assert.equal((checked.inputs as Props).password, undefined);
        assert.equal(fake.countRequests(), 0);
        assert.equal(
            diffPasswordReference(
                { fingerprint: "hmac-sha256:x", namespace: NS, database: "mssql", name: "mssql-sa", key: "password" },
                checked.inputs as never,
            ).changes,
            true,
        );
    });

    it("another Secret or key is a change even with the same value; a new kubeconfig alone is not", () => {
        const olds = { namespace: NS, database: "mssql", name: "mssql-sa", key: "password", fingerprint: "f" };
        assert.equal(diffPasswordReference(olds, { ...olds, kubeconfig: "other" } as never).changes, false);
        assert.equal(diffPasswordReference(olds, { ...olds, key: "pw" } as never).changes, true);
        assert.equal(diffPasswordReference(olds, { ...olds, name: "other-sa" } as never).changes, true);
    });
});
