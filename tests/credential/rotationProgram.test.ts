/**
 * Rotation from stack config, at the level of the program: what a generation bump, a schedule
 * boundary or a changed saPassword changes in the objects sent to the cluster, what must stay
 * the same, and that the same config twice changes nothing.
 */
import { strict as assert } from "assert";
import { assertAllObjectsValid, assertNeverLeaked } from "../support/checks";
import { ProgramRun, UNKNOWN, runProgram, statefulRandom } from "../support/program";
import { changes } from "../support/diff";
import { assertValid } from "../support/crdSchema";
import { webhookViolations } from "../support/webhookRules";

const T = {
    secret: "kubernetes:core/v1:Secret",
    credentialSecret: "kubedb-mssql:credential:CredentialSecret",
    db: "kubernetes:kubedb.com/v1alpha2:MSSQLServer",
    password: "random:index/randomPassword:RandomPassword",
    rotation: "kubedb-mssql:credential:RotationLedger",
};
const DAY = 86_400_000;

const base = { acceptEula: true };

describe("rotation: a bumped rotation.generation", () => {
    let previous: ProgramRun;
    let after: ProgramRun;
    before(async () => {
        previous = await runProgram({ config: { ...base, rotation: { generation: 0 } } });
        after = await runProgram({ config: { ...base, rotation: { generation: 1 } } });
    });

    it("changes exactly: the password, the credential Secret, the rotation ledger and the connection Secret", () => {
        assert.deepEqual(changes(previous, after), {
            [`${T.password}::sa-password`]: ["keepers.generation"],
            ["random:index/randomId:RandomId::sa-version"]: ["keepers.credential"],
            [`${T.credentialSecret}::sa-secret`]: ["annotations.kubedb-mssql.io/rotation-generation", "password", "versionSecretName"],
            [`${T.db}::database`]: ["spec.authSecret.name"],
            [`${T.rotation}::rotation-ledger`]: ["generation", "request.metadata.name", "request.spec.authentication.secretRef.name", "secretName"],
            [`${T.secret}::connection-secret`]: ["stringData.connection-string", "stringData.jdbc-url", "stringData.password"],
        });
    });

    it("the database's authSecret is the only spec change, and the program leaves it to the operator", () => {
        const db = after.one(T.db);
        assert.ok(db.ignoreChanges.includes("spec.authSecret"), "ignored: no update of the MSSQLServer, no fight with the operator");
    });

    it("names a new Secret and one new RotateAuth request for the new credential version", () => {
        const oldName = previous.one(T.credentialSecret, "sa-secret").inputs.versionSecretName;
        const newName = after.one(T.credentialSecret, "sa-secret").inputs.versionSecretName;
        assert.notEqual(newName, oldName);
        assert.match(newName, /^mssql-auth-[0-9a-f]{10}$/);
        const ledger = after.one(T.rotation).inputs;
        assert.equal(ledger.secretName, newName);
        // The exact request the provider sends when the database does not use the new Secret yet.
        assert.deepEqual(ledger.request, {
            apiVersion: "ops.kubedb.com/v1alpha1",
            kind: "MSSQLServerOpsRequest",
            metadata: {
                name: `mssql-rotate-auth-${newName.slice("mssql-auth-".length)}`,
                namespace: "mssql",
                labels: { "app.kubernetes.io/managed-by": "kubedb-mssql", "kubedb-mssql.io/database": "mssql", "kubedb-mssql.io/role": "ops-request" },
            },
            spec: {
                type: "RotateAuth",
                authentication: { secretRef: { kind: "Secret", name: newName } },
                databaseRef: { name: "mssql" },
                timeout: "10m",
                apply: "IfReady",
            },
        });
        assertValid(ledger.request);
        assert.deepEqual(webhookViolations(ledger.request), []);
        assert.equal(after.ofType(T.rotation).length, 1, "one rotation resource, so one request, per database");
    });

    it("keeps the old credential Secret on replacement and the new one valid", () => {
        assert.equal(after.one(T.credentialSecret, "sa-secret").retainOnDelete, true);
        assert.equal(after.one(T.credentialSecret, "sa-secret").deleteBeforeReplace, false, "create the new Secret before anything lets go of the old");
        assertAllObjectsValid(after);
    });

    it("never leaks either password", () => {
        assertNeverLeaked(after, after.one(T.credentialSecret, "sa-secret").inputs.password);
        assertNeverLeaked(after, previous.one(T.credentialSecret, "sa-secret").inputs.password);
    });

    it("exports a ledger without secrets", () => {
        // Phase, request and time are the mocked ledger's (credentialRotation.test.ts checks the provider's).
        const {
            lastRequest: _r,
            lastPhase: _p,
            activeSince: _s,
            activeSecret,
            appliedSecret,
            ...fromConfig
        } = after.outputs.credentialRotation as Record<string, unknown>;
        assert.deepEqual(fromConfig, { generation: 1, interval: "none", periodStart: "none", nextScheduledRotation: "none", resumedFrom: "none" });
        const secret = after.one(T.credentialSecret, "sa-secret").inputs.versionSecretName;
        assert.deepEqual([activeSecret, appliedSecret], [secret, secret], "the ledger stands for the new credential Secret");
    });
});

describe("rotation: a schedule (rotation.interval)", () => {
    const config = { ...base, rotation: { interval: "30d" } };
    // 30-day periods counted from the Unix epoch: 2026-10-04 is day 20730 = 691 × 30.
    const boundary = Date.parse("2026-10-04T00:00:00Z");

    it("is anchored: the same period everywhere, whatever the hour, and identical objects within it", async () => {
        const early = await runProgram({ config, now: new Date(boundary + 1000) });
        const late = await runProgram({ config, now: new Date(boundary + 29 * DAY) });
        assert.deepEqual(changes(early, late), {});
        assert.equal((early.outputs.credentialRotation as { periodStart: string }).periodStart, "2026-10-04T00:00:00.000Z");
        assert.equal((early.outputs.credentialRotation as { nextScheduledRotation: string }).nextScheduledRotation, "2026-11-03T00:00:00.000Z");
    });

    it("rotates on the first run after a boundary: new period in the keepers, new Secret, new request", async () => {
        const before = await runProgram({ config, now: new Date(boundary - 1000) });
        const after = await runProgram({ config, now: new Date(boundary + 1000) });
        assert.deepEqual(after.one(T.password).inputs.keepers, { generation: "0", period: "2026-10-04T00:00:00.000Z" });
        assert.deepEqual(before.one(T.password).inputs.keepers, { generation: "0", period: "2026-09-04T00:00:00.000Z" });
        const diff = changes(before, after);
        assert.deepEqual(diff[`${T.password}::sa-password`], ["keepers.period"]);
        assert.ok(diff[`${T.rotation}::rotation-ledger`].includes("request.metadata.name"));
        assert.ok(diff[`${T.credentialSecret}::sa-secret`].includes("versionSecretName"));
    });

    it("takes an anchor to put the boundaries where the user wants them", async () => {
        const run = await runProgram({
            config: { ...base, rotation: { interval: "1w", anchor: "2026-01-04T02:00:00Z" } },
            now: new Date("2026-11-23T10:00:00Z"),
        });
        const ledger = run.outputs.credentialRotation as { periodStart: string; nextScheduledRotation: string };
        assert.equal(ledger.periodStart, "2026-11-22T02:00:00.000Z");
        assert.equal(ledger.nextScheduledRotation, "2026-11-29T02:00:00.000Z");
    });
});

describe("rotation: a changed saPassword", () => {
    it("rotates to the new password: new Secret, new request, no generated password", async () => {
        const secretKeys = ["saPassword"];
        const before = await runProgram({ config: { ...base, saPassword: "First-Passw0rd!" }, secretKeys });
        const after = await runProgram({ config: { ...base, saPassword: "Second-Passw0rd!" }, secretKeys });
        assert.equal(after.ofType(T.password).length, 0);
        const diff = changes(before, after);
        assert.deepEqual(diff[`${T.credentialSecret}::sa-secret`], ["password", "versionSecretName"]);
        assert.deepEqual(diff[`${T.rotation}::rotation-ledger`], ["request.metadata.name", "request.spec.authentication.secretRef.name", "secretName"]);
        // The Secret's random suffix is drawn again because a keyed fingerprint of the credential changed.
        assert.deepEqual(diff["random:index/randomId:RandomId::sa-version"], ["keepers.credential"]);
        assert.match(after.one("random:index/randomId:RandomId").inputs.keepers.credential, /^[0-9a-f]{10}$/);
        assert.equal(after.one(T.credentialSecret, "sa-secret").inputs.password, "Second-Passw0rd!");
        assertNeverLeaked(after, "Second-Passw0rd!");
        assertNeverLeaked(after, "First-Passw0rd!");
    });
});

describe("rotation: no accidental rotation", () => {
    it("the same config twice gives the same password inputs, Secret name and request name", async () => {
        const config = { ...base, rotation: { generation: 3, interval: "12h" } };
        const now = new Date("2026-11-23T05:00:00Z");
        const first = await runProgram({ config, now });
        const second = await runProgram({ config, now: new Date("2026-11-23T11:59:00Z") });
        assert.deepEqual(changes(first, second), {});
    });
});

describe("rotation: what pulumi preview sees", () => {
    it("a rotation leaves only the Secret name unknown: the database spec stays an object (ignoreChanges needs its paths)", async () => {
        const run = await runProgram({
            config: { ...base, rotation: { generation: 1 } },
            preview: true,
            // During a preview that replaces the RandomPassword (and so the Secret's random suffix)
            // their results are not known yet.
            state: (args) => ([T.password, "random:index/randomId:RandomId"].includes(args.type) ? { ...args.inputs } : undefined),
        });
        const db = run.one(T.db).inputs;
        assert.equal(typeof db.spec, "object");
        assert.equal(db.spec.authSecret.kind, "Secret");
        assert.equal(db.spec.authSecret.name, UNKNOWN, "the new Secret's name is computed from the new password");
        assert.equal(db.spec.version, "2022-cu22");
        assert.equal(typeof db.metadata, "object");
        assert.equal(db.metadata.name, "mssql");
        assert.equal(run.one(T.rotation).inputs.secretName, UNKNOWN, "preview shows the ledger updating to a new Secret");
    });
});

describe("rotation: going back to an earlier credential", () => {
    it("never reuses a Secret name (an earlier Secret of that name may still exist)", async () => {
        const random = statefulRandom(); // one stack, several `pulumi up` runs
        const secretKeys = ["saPassword"];
        const name = async (saPassword: string) =>
            (await runProgram({ config: { ...base, saPassword }, secretKeys, state: random })).one(T.credentialSecret, "sa-secret").inputs
                .versionSecretName as string;
        const first = await name("First-Passw0rd!");
        const same = await name("First-Passw0rd!");
        const second = await name("Second-Passw0rd!");
        const back = await name("First-Passw0rd!");
        assert.equal(same, first, "the same config keeps the Secret");
        assert.equal(new Set([first, second, back]).size, 3, `${first}, ${second}, ${back}`);
    });

    it("a generation set back draws a new password too", async () => {
        const random = statefulRandom();
        const password = async (generation: number) =>
            (await runProgram({ config: { ...base, rotation: { generation } }, state: random })).one(T.credentialSecret, "sa-secret").inputs.password as string;
        const zero = await password(0);
        const one = await password(1);
        const zeroAgain = await password(0);
        assert.equal(new Set([zero, one, zeroAgain]).size, 3);
    });
});
