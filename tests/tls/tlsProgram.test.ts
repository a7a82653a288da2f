/**
 * TLS changes from stack config, at the level of the program: each trigger reaches the TLS ledger
 * (and so one ReconfigureTLS request), the database object keeps its creation-time TLS fields,
 * a password rotation and a TLS change in one `pulumi up` run one after the other, and bad values
 * are refused before anything is created.
 */
import { strict as assert } from "assert";
import { ConfigError } from "../../components/core/problems";
import { assertAllObjectsValid } from "../support/checks";
import { changes } from "../support/diff";
import { ProgramRun, runProgram } from "../support/program";

const T = {
    secret: "kubernetes:core/v1:Secret",
    db: "kubernetes:kubedb.com/v1alpha2:MSSQLServer",
    certificate: "kubernetes:cert-manager.io/v1:Certificate",
    password: "random:index/randomPassword:RandomPassword",
    rotation: "kubedb-mssql:credential:RotationLedger",
    tls: "kubedb-mssql:tls:TlsLedger",
};
const base = { acceptEula: true };

describe("TLS from config: each trigger", () => {
    let initial: ProgramRun;
    before(async () => {
        initial = await runProgram({ config: base });
    });

    it("a bumped tls.rotation.generation changes only the TLS ledger", async () => {
        const after = await runProgram({ config: { ...base, tls: { rotation: { generation: 1 } } } });
        assert.deepEqual(changes(initial, after), { [`${T.tls}::tls-ledger`]: ["rotationGeneration"] });
        assert.equal((after.outputs.tls as { rotationGeneration: number }).rotationGeneration, 1);
    });

    it("moving to an existing issuer changes the ledger's issuer; the database object keeps its creation-time TLS", async () => {
        const after = await runProgram({ config: { ...base, tls: { issuer: { kind: "ClusterIssuer", name: "corp-ca" } } } });
        const ledger = after.one(T.tls).inputs;
        assert.deepEqual(ledger.issuerRef, { apiGroup: "cert-manager.io", kind: "ClusterIssuer", name: "corp-ca" });
        assert.equal(ledger.caRevision, "");
        const db = after.one(T.db);
        assert.ok(db.ignoreChanges.includes("spec.tls"), "the new issuer reaches the database only through ReconfigureTLS");
        assert.equal(after.ofType(T.certificate).length, 0, "the bootstrapped CA is no longer declared (removed once the switch succeeded)");
    });

    it("changed certificate settings reach the ledger in KubeDB's shape", async () => {
        const after = await runProgram({
            config: { ...base, tls: { certificates: { server: { dnsNames: ["sql.example.com"], duration: "2160h", renewBefore: "240h" } } } },
        });
        const diff = changes(initial, after);
        assert.deepEqual(diff[`${T.tls}::tls-ledger`], ["certificates"]);
        assert.deepEqual(after.one(T.tls).inputs.certificates, [{ alias: "server", dnsNames: ["sql.example.com"], duration: "2160h", renewBefore: "240h" }]);
        assert.deepEqual(diff[`${T.db}::database`], ["spec.tls.certificates"], "changed in the object, ignored by Pulumi after creation");
    });

    it("changed CA settings re-issue the CA and mark the ledger with a new CA revision", async () => {
        const after = await runProgram({ config: { ...base, tls: { ca: { duration: "43800h", algorithm: "RSA" }, privateKeyRotationPolicy: "Never" } } });
        const diff = changes(initial, after);
        assert.deepEqual(diff[`${T.tls}::tls-ledger`], ["caRevision"]);
        assert.deepEqual(diff[`${T.certificate}::ca-ca`], [
            "spec.duration",
            "spec.privateKey.algorithm",
            "spec.privateKey.rotationPolicy",
            "spec.privateKey.size",
        ]);
        assert.deepEqual(after.one(T.certificate).inputs.spec.privateKey, { algorithm: "RSA", size: 3072, rotationPolicy: "Never" });
        assertAllObjectsValid(after);
    });

    it("renewBefore alone, or a new duration for a CA that keeps its key, changes no certificate of the database", async () => {
        const renew = await runProgram({ config: { ...base, tls: { ca: { renewBefore: "1440h" } } } });
        assert.equal(changes(initial, renew)[`${T.tls}::tls-ledger`], undefined);
        const keep = await runProgram({ config: { ...base, tls: { privateKeyRotationPolicy: "Never" } } });
        const keepLonger = await runProgram({ config: { ...base, tls: { privateKeyRotationPolicy: "Never", ca: { duration: "175200h" } } } });
        assert.equal(changes(keep, keepLonger)[`${T.tls}::tls-ledger`], undefined);
        const longer = await runProgram({ config: { ...base, tls: { ca: { duration: "175200h" } } } });
        assert.deepEqual(changes(initial, longer)[`${T.tls}::tls-ledger`], ["caRevision"], "with the default policy a new lifetime means a new key");
    });

    it("moving the bootstrapped CA to a ClusterIssuer declares a new CA next to the old one's names", async () => {
        const after = await runProgram({ config: { ...base, tls: { ca: { kind: "ClusterIssuer" } } } });
        const names = after.registrations
            .filter((r) => r.type.startsWith("kubernetes:cert-manager.io"))
            .map((r) => r.name)
            .sort();
        assert.deepEqual(names, ["ca-cluster-ca", "ca-cluster-issuer", "ca-cluster-selfsigned"]);
        const before = initial.registrations
            .filter((r) => r.type.startsWith("kubernetes:cert-manager.io"))
            .map((r) => r.name)
            .sort();
        assert.deepEqual(before, ["ca-ca", "ca-issuer", "ca-selfsigned"], "no logical name is shared, so nothing is replaced in place");
        assert.deepEqual(after.one(T.tls).inputs.issuerRef, { apiGroup: "cert-manager.io", kind: "ClusterIssuer", name: "mssql-mssql-ca" });
    });

    it("an existing ClusterIssuer may say where it keeps its CA", async () => {
        const run = await runProgram({
            config: { ...base, tls: { issuer: { kind: "ClusterIssuer", name: "corp" }, ca: { clusterResourceNamespace: "security" } } },
        });
        assert.equal(run.one(T.tls).inputs.clusterResourceNamespace, "security");
    });

    it("the same config twice changes nothing, so no request", async () => {
        const config = { ...base, tls: { rotation: { generation: 4 }, certificates: { client: { duration: "720h" } } } };
        assert.deepEqual(changes(await runProgram({ config }), await runProgram({ config })), {});
    });
});

describe("TLS from config: together with a password rotation", () => {
    it("both ledgers change in one run; the credential rotation waits for the TLS change", async () => {
        const before = await runProgram({ config: base });
        const after = await runProgram({ config: { ...base, rotation: { generation: 1 }, tls: { rotation: { generation: 1 } } } });
        const diff = changes(before, after);
        assert.ok(diff[`${T.rotation}::rotation-ledger`]);
        assert.deepEqual(diff[`${T.tls}::tls-ledger`], ["rotationGeneration"]);
        assert.ok(after.one(T.rotation).dependencies.includes(after.one(T.tls).urn));
        assert.ok(!after.one(T.tls).dependencies.includes(after.one(T.rotation).urn));
    });
});

describe("TLS from config: bad values are refused before anything is created", () => {
    const cases: Array<[string, object, RegExp]> = [
        ["an unknown issuer kind", { issuer: { kind: "Vault", name: "v" } }, /"tls.issuer.kind": "Vault" is not allowed/],
        ["an empty issuer name", { issuer: { kind: "Issuer", name: "" } }, /"tls.issuer.name": is empty/],
        [
            "a CA whose renewBefore is not shorter than its duration",
            { ca: { duration: "720h", renewBefore: "720h" } },
            /"tls.ca.renewBefore": "720h" must be shorter than the duration "720h"/,
        ],
        [
            "a certificate duration shorter than its renewBefore",
            { certificates: { client: { duration: "24h", renewBefore: "48h" } } },
            /"tls.certificates.client.renewBefore"/,
        ],
        ["an unknown key algorithm", { ca: { algorithm: "DSA" } }, /"tls.ca.algorithm": "DSA" is not allowed/],
        ["an unknown rotation policy", { privateKeyRotationPolicy: "Sometimes" }, /"tls.privateKeyRotationPolicy"/],
        ["a negative rotation generation", { rotation: { generation: -2 } }, /"tls.rotation.generation"/],
        [
            "CA settings together with an existing issuer",
            { issuer: { kind: "Issuer", name: "mine" }, ca: { duration: "8760h" } },
            /"tls.ca": configures the bootstrapped CA/,
        ],
    ];
    for (const [title, tls, message] of cases) {
        it(title, async () => {
            let registered = 0;
            await assert.rejects(
                runProgram({
                    config: { ...base, tls },
                    state: () => {
                        registered++;
                        return undefined;
                    },
                }),
                (e: Error) => e instanceof ConfigError && message.test(e.message),
            );
            assert.equal(registered, 0);
        });
    }
});
