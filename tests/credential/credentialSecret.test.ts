/**
 * The credential Secret provider against the loopback API server: a version's Secret created as
 * KubeDB needs it; a database re-created after `pulumi destroy` resumed on the retained Secret its
 * data knows (no new password, no rotation); an ambiguous set refused at check, before anything is
 * created; an upgrade from the release that made the Secret with pulumi-kubernetes changes nothing.
 * (Through Pulumi's dynamic-provider host: providerHost.test.ts.)
 */
import { strict as assert } from "assert";
import {
    CredentialSecretInputs,
    CredentialSecretOutputs,
    checkCredentialSecret,
    createCredentialSecret,
    credentialSecretProvider,
    diffCredentialSecret,
    updateCredentialSecret,
} from "../../components/credential/credentialSecretProvider";
import { ambiguousRetainedCredential, chooseRetainedCredential, markReferenced } from "../../components/credential/retainedCredential";
import { rotateCredential } from "../../components/credential/credentialRotationProvider";
import { rotateAuthRequestManifest } from "../../components/ops/manifests";
import { ANNOTATION_REFERENCED_AT, labelsFor } from "../../components/core/names";
import { kubeApi } from "../../components/kube/client";
import { FakeKubeApi, KubeObject } from "../support/fakeKubeApi";
import { DB, NS, putDatabase, putSecret } from "../support/fakeKubeDb";

const VERSION = "mssql-auth-2222222222";
const RETAINED = "mssql-auth-1111111111";
const OLDER = "mssql-auth-0000000000";
const GENERATED = "Gen-Fresh-Passw0rd-X9";
const RETAINED_PASSWORD = "Retained-Passw0rd-7!";

function inputs(kubeconfig: string, overrides: Partial<CredentialSecretInputs> = {}): CredentialSecretInputs {
    return {
        namespace: NS,
        database: "mssql",
        versionSecretName: VERSION,
        password: GENERATED,
        annotations: { "kubedb-mssql.io/rotation-generation": "0", "kubedb-mssql.io/rotation-period-start": "none" },
        passwordGiven: false,
        resumeRetained: true,
        kubeconfig,
        ...overrides,
    };
}

const password = (secret: KubeObject | undefined) => Buffer.from(secret?.data?.password ?? "", "base64").toString("utf8");

describe("credential Secret provider", () => {
    let fake: FakeKubeApi;
    let kubeconfig: string;
    const secrets = () =>
        fake
            .list("v1", "secrets", NS)
            .map((s) => s.metadata.name)
            .sort();
    const writes = () => fake.countRequests({ method: "POST" }) + fake.countRequests({ method: "PATCH" }) + fake.countRequests({ method: "DELETE" });

    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        kubeconfig = fake.kubeconfig();
    });
    afterEach(async () => {
        await fake.stop();
    });

    /** check, then create, as the engine calls them for a new resource. */
    async function deploy(given: CredentialSecretInputs): Promise<CredentialSecretOutputs> {
        const checked = await credentialSecretProvider.check!({}, given);
        assert.deepEqual(checked.failures ?? [], []);
        return (await credentialSecretProvider.create(checked.inputs as CredentialSecretInputs)).outs as CredentialSecretOutputs;
    }

    it("a first deployment creates the version's Secret as KubeDB needs it: basic-auth, username sa, labels, annotations", async () => {
        const outs = await deploy(inputs(kubeconfig));
        const secret = fake.get("v1", "secrets", NS, VERSION)!;
        assert.equal(secret.type, "kubernetes.io/basic-auth");
        assert.equal(Buffer.from(secret.data!.username, "base64").toString(), "sa");
        assert.equal(password(secret), GENERATED);
        assert.deepEqual(secret.metadata.labels, labelsFor("mssql", "credential"));
        assert.deepEqual(secret.metadata.annotations, inputs(kubeconfig).annotations);
        assert.deepEqual([outs.secretName, outs.initialSecretName, outs.resumedFrom, outs.password, outs.retained], [VERSION, VERSION, "none", GENERATED, ""]);
        assert.equal((outs as unknown as Record<string, unknown>).kubeconfig, undefined, "the kubeconfig never lands in the state");
    });

    it("a database destroyed with Halt is re-created on the retained Secret its data knows: no new Secret, its password, no rotation", async () => {
        putSecret(fake, RETAINED, RETAINED_PASSWORD, labelsFor("mssql", "credential"));
        const checked = await checkCredentialSecret({}, inputs(kubeconfig));
        assert.equal((checked.inputs as CredentialSecretInputs).retained, RETAINED, "decided at check, so the preview shows it");
        const before = writes();
        const outs = (await credentialSecretProvider.create(checked.inputs as CredentialSecretInputs)).outs as CredentialSecretOutputs;
        assert.deepEqual([outs.initialSecretName, outs.secretName, outs.resumedFrom], [RETAINED, RETAINED, RETAINED]);
        assert.equal(outs.password, RETAINED_PASSWORD, "the connection Secret gets the password the data knows");
        assert.deepEqual(secrets(), [RETAINED], "the password is copied into no new Secret");
        assert.equal(writes(), before, "nothing written to the cluster");

        // The rotation ledger then finds the database on that very Secret: nothing to rotate.
        putDatabase(fake, "mssql", outs.initialSecretName);
        const ledger = await rotateCredential(
            {
                namespace: NS,
                database: "mssql",
                secretName: outs.secretName,
                generation: 0,
                periodStart: "none",
                stepTimeout: "10m",
                timeoutSeconds: 30,
                kubeconfig,
                request: rotateAuthRequestManifest({
                    name: "mssql-rotate-auth-1111111111",
                    namespace: NS,
                    database: "mssql",
                    stepTimeout: "10m",
                    secretName: outs.secretName,
                }),
            },
            {},
        );
        assert.equal(ledger.lastPhase, "Initial");
        assert.equal(fake.countRequests({ method: "POST", path: /mssqlserveropsrequests$/ }), 0, "no RotateAuth");
    });

    it("a saPassword other than the retained one is asked for: created on the retained Secret, then the rotation moves it to the version's", async () => {
        putSecret(fake, RETAINED, RETAINED_PASSWORD, labelsFor("mssql", "credential"));
        const outs = await deploy(inputs(kubeconfig, { password: "Users-Own-Passw0rd!", passwordGiven: true }));
        assert.deepEqual([outs.initialSecretName, outs.secretName, outs.resumedFrom], [RETAINED, VERSION, RETAINED]);
        assert.equal(password(fake.get("v1", "secrets", NS, VERSION)), "Users-Own-Passw0rd!");
        // The same password as the retained one is no request for a change.
        await fake.stop();
        fake = await FakeKubeApi.start();
        kubeconfig = fake.kubeconfig();
        putSecret(fake, RETAINED, RETAINED_PASSWORD, labelsFor("mssql", "credential"));
        const same = await deploy(inputs(kubeconfig, { password: RETAINED_PASSWORD, passwordGiven: true }));
        assert.deepEqual([same.initialSecretName, same.secretName], [RETAINED, RETAINED]);
        assert.deepEqual(secrets(), [RETAINED]);
    });

    it("several retained Secrets: the one last seen referenced wins; none marked is refused at check, naming them, never a password", async () => {
        putSecret(fake, OLDER, "Older-Passw0rd-1!", labelsFor("mssql", "credential"));
        putSecret(fake, RETAINED, RETAINED_PASSWORD, labelsFor("mssql", "credential"));
        putSecret(fake, "someone-elses", "Other-Passw0rd-2!", labelsFor("billing", "credential"));
        const refused = await checkCredentialSecret({}, inputs(kubeconfig));
        assert.equal(refused.failures?.length, 1);
        assert.equal(refused.failures![0].property, "database");
        assert.equal(refused.failures![0].reason, ambiguousRetainedCredential(NS, "mssql", [OLDER, RETAINED]));
        assert.match(
            refused.failures![0].reason,
            /2 credential Secrets of it were retained \(mssql-auth-0000000000, mssql-auth-1111111111\)[\s\S]*nothing was created/,
        );
        assert.doesNotMatch(refused.failures![0].reason, /Passw0rd/);
        assert.equal(fake.countRequests({ method: "POST" }), 0);

        const api = kubeApi(kubeconfig);
        const later = new Date(Date.now() + 2000);
        await markReferenced(api, NS, "mssql", OLDER, new Date(Date.now() + 1000));
        await markReferenced(api, NS, "mssql", RETAINED, later);
        assert.equal(fake.get("v1", "secrets", NS, RETAINED)!.metadata.annotations?.[ANNOTATION_REFERENCED_AT], later.toISOString());
        const outs = await deploy(inputs(kubeconfig));
        assert.deepEqual([outs.secretName, outs.password], [RETAINED, RETAINED_PASSWORD]);
    });

    it("only a database that is gone is resumed; an existing one (an upgrade, an adoption) and resumeRetained false are not", async () => {
        putSecret(fake, RETAINED, RETAINED_PASSWORD, labelsFor("mssql", "credential"));
        const off = await checkCredentialSecret({}, inputs(kubeconfig, { resumeRetained: false }));
        assert.equal((off.inputs as CredentialSecretInputs).retained, "");
        assert.equal(fake.requests.length, 0, "not even read");
        putDatabase(fake, "mssql", RETAINED);
        const live = await checkCredentialSecret({}, inputs(kubeconfig));
        assert.equal((live.inputs as CredentialSecretInputs).retained, "");
        const calls = fake.requests.length;
        const later = await checkCredentialSecret({ ...inputs(kubeconfig), retained: RETAINED }, inputs(kubeconfig));
        assert.equal((later.inputs as CredentialSecretInputs).retained, RETAINED, "the first decision is kept");
        assert.equal(fake.requests.length, calls, "and the cluster is not read again");
    });

    it("an upgrade from the release that made the Secret itself adopts the identical Secret; another one of that name is refused", async () => {
        putSecret(fake, VERSION, GENERATED, labelsFor("mssql", "credential"));
        putDatabase(fake, "mssql", VERSION);
        const outs = await deploy(inputs(kubeconfig));
        assert.deepEqual([outs.secretName, outs.initialSecretName], [VERSION, VERSION]);
        assert.equal(fake.countRequests({ method: "PATCH" }) + fake.countRequests({ method: "DELETE" }), 0, "the Secret is left as it is");
        fake.remove("v1", "secrets", NS, VERSION);
        putSecret(fake, VERSION, "Not-The-Same-Passw0rd!", labelsFor("mssql", "credential"));
        await assert.rejects(createCredentialSecret(inputs(kubeconfig)), (e: Error) => {
            assert.match(e.message, /Secret db\/mssql-auth-2222222222 already exists and is not this credential/);
            assert.doesNotMatch(e.message, /Passw0rd/);
            return true;
        });
    });

    it("another namespace or database is a replacement (chosen again); an unknown kubeconfig at preview leaves the choice to create", async () => {
        const first = await deploy(inputs(kubeconfig));
        assert.deepEqual(diffCredentialSecret(first, inputs(kubeconfig, { namespace: "other" })).replaces, ["namespace"]);
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const checked = await checkCredentialSecret({}, inputs(unknown));
        assert.deepEqual([checked.failures ?? [], (checked.inputs as CredentialSecretInputs).retained], [[], undefined]);
        putSecret(fake, RETAINED, RETAINED_PASSWORD, labelsFor("mssql", "credential"));
        fake.remove("v1", "secrets", NS, VERSION);
        const outs = await createCredentialSecret({ ...inputs(kubeconfig), retained: undefined });
        assert.equal(outs.secretName, RETAINED, "decided at create, the same way");
    });

    it("a retained Secret gone between preview and update is an error that creates nothing", async () => {
        await assert.rejects(
            createCredentialSecret({ ...inputs(kubeconfig), retained: RETAINED }),
            /retained credential Secret db\/mssql-auth-1111111111 .* is gone/,
        );
        assert.deepEqual(secrets(), []);
    });

    it("a new credential version is a new Secret, and what a database created again would use; the same version changes nothing", async () => {
        putSecret(fake, RETAINED, RETAINED_PASSWORD, labelsFor("mssql", "credential"));
        const first = await deploy(inputs(kubeconfig));
        assert.equal(
            diffCredentialSecret(first, { ...inputs(kubeconfig, { kubeconfig: "another" }), retained: first.retained }).changes,
            false,
            "the same version (a refreshed kubeconfig) is no change, though the password in use is the retained one",
        );
        const next = inputs(kubeconfig, {
            versionSecretName: "mssql-auth-3333333333",
            password: "Gen-Next-Passw0rd-X9",
            annotations: { "kubedb-mssql.io/rotation-generation": "1", "kubedb-mssql.io/rotation-period-start": "none" },
        });
        assert.equal(diffCredentialSecret(first, next).changes, true);
        const outs = await updateCredentialSecret(first, next);
        assert.deepEqual(
            [outs.initialSecretName, outs.secretName, outs.resumedFrom, outs.password],
            ["mssql-auth-3333333333", "mssql-auth-3333333333", RETAINED, "Gen-Next-Passw0rd-X9"],
        );
        assert.deepEqual(secrets(), [RETAINED, "mssql-auth-3333333333"], "the retained one stays until the rotation confirms the new one");
        await credentialSecretProvider.delete!("db/x", outs);
        assert.deepEqual(secrets(), [RETAINED, "mssql-auth-3333333333"], "delete removes no credential Secret");
    });
});

describe("which retained credential Secret a re-created database uses", () => {
    const s = (name: string, referencedAt?: string) => ({ name, referencedAt });
    it("none while the database exists, or with nothing retained but the version's own", () => {
        assert.equal(chooseRetainedCredential({ databaseExists: true, secrets: [s("a")] }).kind, "none");
        assert.equal(chooseRetainedCredential({ databaseExists: false, secrets: [s(VERSION)], exclude: VERSION }).kind, "none");
    });
    it("a Secret created after the last mark (a rotation the ledger could not read back) makes it ambiguous", () => {
        const choice = chooseRetainedCredential({
            databaseExists: false,
            secrets: [
                { name: "a", referencedAt: "2026-01-01T00:00:00Z", createdAt: "2025-12-01T00:00:00Z" },
                { name: "b", createdAt: "2026-01-02T00:00:00Z" },
            ],
        });
        assert.deepEqual(choice, { kind: "ambiguous", secrets: ["a", "b"] });
        const older = chooseRetainedCredential({
            databaseExists: false,
            secrets: [
                { name: "a", referencedAt: "2026-01-03T00:00:00Z" },
                { name: "b", createdAt: "2026-01-02T00:00:00Z" },
            ],
        });
        assert.equal(older.kind === "resume" && older.secret, "a", "a failed rotation's Secret made before the mark is not the one");
    });
    it("the only one; else the latest marked; equal marks or none marked are ambiguous", () => {
        assert.deepEqual(chooseRetainedCredential({ databaseExists: false, secrets: [s("a")] }), {
            kind: "resume",
            secret: "a",
            why: "the only credential Secret retained",
        });
        assert.equal(
            (
                chooseRetainedCredential({ databaseExists: false, secrets: [s("a", "2026-01-02T00:00:00Z"), s("b", "2026-01-01T00:00:00Z"), s("c")] }) as {
                    secret: string;
                }
            ).secret,
            "a",
        );
        assert.equal(
            (chooseRetainedCredential({ databaseExists: false, secrets: [s("a", "2026-01-01T00:00:00Z"), s("b")] }) as { secret: string }).secret,
            "a",
        );
        assert.deepEqual(chooseRetainedCredential({ databaseExists: false, secrets: [s("b", "2026-01-01T00:00:00Z"), s("a", "2026-01-01T00:00:00Z")] }), {
            kind: "ambiguous",
            secrets: ["a", "b"],
        });
        assert.deepEqual(chooseRetainedCredential({ databaseExists: false, secrets: [s("b"), s("a", "not a time")] }), {
            kind: "ambiguous",
            secrets: ["a", "b"],
        });
    });
});

describe("the rotation ledger marks the Secret it sees the database reference", () => {
    let fake: FakeKubeApi;
    beforeEach(async () => {
        fake = await FakeKubeApi.start();
    });
    afterEach(async () => {
        await fake.stop();
    });
    it("on the first deployment, not after a timeout, and never another project's Secret", async () => {
        putDatabase(fake, "mssql", RETAINED);
        putSecret(fake, RETAINED, RETAINED_PASSWORD, labelsFor("mssql", "credential"));
        await rotateCredential(
            {
                namespace: NS,
                database: "mssql",
                secretName: RETAINED,
                generation: 0,
                periodStart: "none",
                stepTimeout: "10m",
                timeoutSeconds: 30,
                kubeconfig: fake.kubeconfig(),
                request: rotateAuthRequestManifest({
                    name: "mssql-rotate-auth-1111111111",
                    namespace: NS,
                    database: "mssql",
                    stepTimeout: "10m",
                    secretName: RETAINED,
                }),
            },
            {},
        );
        assert.match(fake.get("v1", "secrets", NS, RETAINED)!.metadata.annotations?.[ANNOTATION_REFERENCED_AT] ?? "", /^\d{4}-\d\d-\d\dT/);
        // A request still running when `pulumi up` stopped waiting may yet switch: no mark then.
        const { installOperator } = await import("../support/fakeKubeDb");
        putSecret(fake, "mssql-auth-2222222222", "New-Passw0rd-2!", labelsFor("mssql", "credential"));
        installOperator(fake, { outcomes: ["Hang"] });
        const marked = fake.get("v1", "secrets", NS, RETAINED)!.metadata.annotations?.[ANNOTATION_REFERENCED_AT];
        await assert.rejects(
            rotateCredential(
                {
                    namespace: NS,
                    database: "mssql",
                    secretName: "mssql-auth-2222222222",
                    generation: 1,
                    periodStart: "none",
                    stepTimeout: "10m",
                    timeoutSeconds: 1,
                    kubeconfig: fake.kubeconfig(),
                    request: rotateAuthRequestManifest({
                        name: "mssql-rotate-auth-2222222222",
                        namespace: NS,
                        database: "mssql",
                        stepTimeout: "10m",
                        secretName: "mssql-auth-2222222222",
                    }),
                },
                { appliedSecretName: RETAINED, lastPhase: "Initial" },
            ),
            /not finished after 1s/,
        );
        assert.equal(fake.get("v1", "secrets", NS, RETAINED)!.metadata.annotations?.[ANNOTATION_REFERENCED_AT], marked, "unchanged after a timeout");
        assert.equal(fake.get("v1", "secrets", NS, "mssql-auth-2222222222")!.metadata.annotations, undefined);
        putSecret(fake, "theirs", "Their-Passw0rd-1!");
        await markReferenced(kubeApi(fake.kubeconfig()), NS, "mssql", "theirs");
        assert.equal(fake.get("v1", "secrets", NS, "theirs")!.metadata.annotations, undefined);
        assert.ok(fake.get(DB, "mssqlservers", NS, "mssql"));
    });
});
