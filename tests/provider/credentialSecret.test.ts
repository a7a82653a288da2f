/**
 * The credential Secret resource as `pulumi up` runs it: the inputs the real program registers,
 * through the provider plugin over gRPC, against the loopback API server. A re-creation
 * after `pulumi destroy` resumes on the retained Secret (decided at Check, so a preview shows it);
 * an ambiguous set is refused at Check; a fresh deployment creates the version's Secret.
 */
import { strict as assert } from "assert";
import { labelsFor } from "../../components/core/names";
import { FakeKubeApi } from "../support/fakeKubeApi";
import { NS, putSecret } from "../support/fakeKubeDb";
import { ProviderHost, markedSecret, Props } from "../support/providerHost";
import { runProgram } from "../support/program";
import { pointed } from "../support/providerOutcomes";

const CREDENTIAL = "kubedb-mssql:credential:CredentialSecret";
const urn = `urn:pulumi:test::kubedb-mssql::kubedb-mssql:credential:SaCredential$${CREDENTIAL}::sa-secret`;
const RETAINED_PASSWORD = "Retained-Passw0rd-7!";

describe("CredentialSecret through the provider plugin", function () {
    this.timeout(120_000);
    let host: ProviderHost;
    let registered: Props;
    let fake: FakeKubeApi;

    before(async () => {
        const run = await runProgram({ config: { acceptEula: true, namespace: NS, kubeconfig: "apiVersion: v1\nkind: Config\n" } });
        registered = run.one(CREDENTIAL).inputs;
        host = await ProviderHost.start();
        await host.configure();
    });
    after(async () => {
        await host?.stop();
    });
    beforeEach(async () => {
        fake = await FakeKubeApi.start();
    });
    afterEach(async () => {
        await fake.stop();
    });

    async function checkThenCreate(): Promise<Props> {
        const checked = await host.check(urn, {}, pointed(registered, fake));
        assert.ok(checked.ok && checked.value.failures.length === 0, JSON.stringify(checked));
        const created = await host.create(urn, checked.value.inputs);
        assert.ok(created.ok, !created.ok ? created.error.message : "");
        return created.value.properties;
    }

    it("a first deployment: the version's Secret, with the generated password", async () => {
        const outs = await checkThenCreate();
        const secret = fake.get("v1", "secrets", NS, registered.versionSecretName)!;
        assert.equal(Buffer.from(secret.data!.password, "base64").toString(), registered.password);
        assert.deepEqual([outs.secretName, outs.initialSecretName, outs.resumedFrom], [registered.versionSecretName, registered.versionSecretName, "none"]);
        assert.equal(outs.kubeconfig, undefined);
        assert.deepEqual(
            [outs.password, outs.versionPassword],
            [markedSecret(registered.password), markedSecret(registered.password)],
            "both passwords are stored as secrets",
        );
    });

    it("Check hands the engine the password and the kubeconfig marked secret, even when they arrive plain", async () => {
        const checked = await host.check(urn, {}, pointed(registered, fake));
        assert.ok(checked.ok);
        assert.deepEqual(checked.value.inputs.password, markedSecret(registered.password));
        assert.deepEqual(checked.value.inputs.kubeconfig, markedSecret(fake.kubeconfig()));
        assert.equal(checked.value.inputs.versionSecretName, registered.versionSecretName, "what is not secret stays plain");
    });

    it("after `pulumi destroy`: resumed on the retained Secret, no new one; the same inputs again are no change", async () => {
        putSecret(fake, "mssql-auth-1111111111", RETAINED_PASSWORD, labelsFor("mssql", "credential"));
        const outs = await checkThenCreate();
        assert.deepEqual(
            [outs.secretName, outs.initialSecretName, outs.resumedFrom, outs.password],
            ["mssql-auth-1111111111", "mssql-auth-1111111111", "mssql-auth-1111111111", markedSecret(RETAINED_PASSWORD)],
            "the password the engine stores is marked secret",
        );
        assert.deepEqual(
            fake.list("v1", "secrets", NS).map((s) => s.metadata.name),
            ["mssql-auth-1111111111"],
        );
        const rechecked = await host.check(urn, { ...pointed(registered, fake), retained: outs.retained }, pointed(registered, fake));
        assert.ok(rechecked.ok);
        const diff = await host.diff(urn, "db/x", outs, rechecked.value.inputs);
        assert.ok(diff.ok && diff.value.changes === "none", "the next `pulumi up` changes nothing");
    });

    it("several retained Secrets and no record of the last: refused at Check, naming them", async () => {
        putSecret(fake, "mssql-auth-0000000000", "Older-Passw0rd-1!", labelsFor("mssql", "credential"));
        putSecret(fake, "mssql-auth-1111111111", RETAINED_PASSWORD, labelsFor("mssql", "credential"));
        const checked = await host.check(urn, {}, pointed(registered, fake));
        assert.ok(checked.ok);
        assert.deepEqual(
            checked.value.failures.map((f) => f.property),
            ["database"],
        );
        assert.match(checked.value.failures[0].reason, /2 credential Secrets of it were retained \(mssql-auth-0000000000, mssql-auth-1111111111\)/);
        assert.doesNotMatch(checked.value.failures[0].reason, /Passw0rd/);
        assert.equal(fake.countRequests({ method: "POST" }), 0);
    });
});
