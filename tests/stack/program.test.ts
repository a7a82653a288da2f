/**
 * The stack program under mocks: the exact objects sent to the cluster for each topology and
 * issuer choice, their validity, wait annotations, dependency order, secrecy and determinism.
 */
import { strict as assert } from "assert";
import { assertAllObjectsValid, assertNeverLeaked } from "../support/checks";
import { FAKE_CA, ProgramRun, Registration, fakeGeneratedPassword, runProgram } from "../support/program";

const T = {
    provider: "pulumi:providers:kubernetes",
    namespace: "kubernetes:core/v1:NamespacePatch",
    secret: "kubernetes:core/v1:Secret",
    credentialSecret: "kubedb-mssql:credential:CredentialSecret",
    db: "kubernetes:kubedb.com/v1alpha2:MSSQLServer",
    issuer: "kubernetes:cert-manager.io/v1:Issuer",
    clusterIssuer: "kubernetes:cert-manager.io/v1:ClusterIssuer",
    certificate: "kubernetes:cert-manager.io/v1:Certificate",
    password: "random:index/randomPassword:RandomPassword",
    rotation: "kubedb-mssql:credential:RotationLedger",
    tls: "kubedb-mssql:tls:TlsLedger",
    dayTwo: "kubedb-mssql:database:DayTwoLedger",
};

const USER_PASSWORD = "Str0ng!Passw0rd-For-Sa";

function dependsOn(run: ProgramRun, dependent: Registration, dependency: Registration): boolean {
    return dependent.dependencies.includes(dependency.urn);
}

describe("stack program: Standalone with defaults", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram({ config: { acceptEula: true } });
    });

    it("sends exactly this MSSQLServer", () => {
        const db = run.one(T.db).inputs;
        const credential = run.one(T.credentialSecret, "sa-secret").inputs;
        assert.deepEqual(db, {
            apiVersion: "kubedb.com/v1alpha2",
            kind: "MSSQLServer",
            metadata: {
                name: "mssql",
                namespace: "mssql",
                annotations: { "pulumi.com/waitFor": "jsonpath={.status.phase}=Ready", "pulumi.com/timeoutSeconds": "1500" },
            },
            spec: {
                version: "2022-cu22",
                replicas: 1,
                authSecret: { kind: "Secret", name: credential.versionSecretName },
                tls: { issuerRef: { apiGroup: "cert-manager.io", kind: "Issuer", name: "mssql-ca" }, clientTLS: true },
                storageType: "Durable",
                storage: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
                podTemplate: {
                    spec: {
                        containers: [
                            {
                                name: "mssql",
                                env: [
                                    { name: "ACCEPT_EULA", value: "Y" },
                                    { name: "MSSQL_PID", value: "Developer" },
                                ],
                            },
                        ],
                    },
                },
                // The stack owns the lifecycle: KubeDB's recommendation engine makes no request of its own.
                autoOps: { disabled: true },
                deletionPolicy: "Halt",
            },
        });
        assert.equal((db.spec as Record<string, unknown>).topology, undefined, "Standalone must omit topology entirely");
        assert.equal((db.spec as Record<string, unknown>).configuration, undefined, "no mssqlConf, no configuration");
    });

    it("bootstraps a CA: selfSigned Issuer → isCA Certificate → ca Issuer", () => {
        assert.deepEqual(run.one(T.issuer, "ca-selfsigned").inputs.spec, { selfSigned: {} });
        const ca = run.one(T.certificate).inputs;
        assert.equal(ca.metadata.namespace, "mssql");
        assert.deepEqual(ca.spec.issuerRef, { group: "cert-manager.io", kind: "Issuer", name: "mssql-selfsigned" });
        assert.equal(ca.spec.isCA, true);
        assert.equal(ca.spec.secretName, "mssql-ca");
        assert.equal(ca.spec.duration, "87600h");
        assert.equal(ca.spec.renewBefore, "720h");
        assert.deepEqual(ca.spec.privateKey, { algorithm: "ECDSA", size: 256 });
        const caIssuer = run.one(T.issuer, "ca-issuer").inputs;
        assert.deepEqual(caIssuer.metadata, {
            name: "mssql-ca",
            namespace: "mssql",
            annotations: { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "600" },
        });
        assert.deepEqual(caIssuer.spec, { ca: { secretName: "mssql-ca" } });
    });

    it("waits for the CA certificate and both issuers to be Ready", () => {
        for (const r of [run.one(T.certificate), run.one(T.issuer, "ca-selfsigned"), run.one(T.issuer, "ca-issuer")]) {
            assert.equal(r.inputs.metadata.annotations["pulumi.com/waitFor"], "condition=Ready", r.name);
        }
    });

    it("every object is valid against the upstream CRDs and KubeDB's webhook rules", () => {
        assert.equal(assertAllObjectsValid(run), 4); // MSSQLServer, Certificate, 2 Issuers
    });

    it("creates the sa credential Secret of a generated, secret password, resuming a retained one if the database was destroyed", () => {
        const secret = run.one(T.credentialSecret, "sa-secret");
        assert.match(secret.inputs.versionSecretName, /^mssql-auth-[0-9a-f]{10}$/);
        assert.deepEqual([secret.inputs.namespace, secret.inputs.database], ["mssql", "mssql"]);
        assert.deepEqual(secret.inputs.annotations, { "kubedb-mssql.io/rotation-generation": "0", "kubedb-mssql.io/rotation-period-start": "none" });
        assert.deepEqual([secret.inputs.passwordGiven, secret.inputs.resumeRetained], [false, true]);
        assert.ok(secret.secretPaths.includes("password"), "the password is sent as a secret");
        assert.deepEqual(secret.additionalSecretOutputs.sort(), ["password", "versionPassword"], "the passwords it reports stay secret");
        const password = run.one(T.password);
        assert.equal(secret.inputs.password, fakeGeneratedPassword(password.name, password.inputs.keepers));
        assert.deepEqual(password.inputs.keepers, { generation: "0", period: "none" });
        assert.equal(password.inputs.length, 32);
        for (const min of ["minUpper", "minLower", "minNumeric", "minSpecial"]) assert.ok(password.inputs[min] >= 1, min);
        assert.doesNotMatch(password.inputs.overrideSpecial, /[;'"{}]/, "no character that breaks a connection string");
        assert.equal(secret.retainOnDelete, true, "a credential Secret is never deleted by Pulumi");
    });

    it("orders the work: CA Ready and the credential before the database; the database before the rotation; the rotation before the connection Secret", () => {
        const db = run.one(T.db);
        assert.ok(dependsOn(run, db, run.one(T.issuer, "ca-issuer")), "database waits for the CA issuer");
        assert.ok(dependsOn(run, db, run.one(T.certificate)), "database waits for the CA certificate");
        assert.ok(dependsOn(run, db, run.one(T.credentialSecret, "sa-secret")), "database waits for its auth Secret");
        // The credential's check refuses a re-creation that cannot resume: nothing else may be created before it.
        for (const r of run.registrations.filter(
            (r) => r.type.startsWith("kubernetes:") && !/NamespacePatch|providers/.test(r.type) && r.name !== "sa-secret",
        )) {
            const waits = (x: typeof r): boolean =>
                x.dependencies.includes(run.one(T.credentialSecret, "sa-secret").urn) ||
                x.dependencies.some((urn) => run.registrations.some((d) => d.urn === urn && d.type.startsWith("kubernetes:") && waits(d)));
            assert.ok(waits(r), `${r.type} ${r.name} waits for the credential`);
        }
        assert.ok(dependsOn(run, run.one(T.credentialSecret, "sa-secret"), run.one(T.namespace)), "the credential waits for the namespace");
        const rotation = run.one(T.rotation);
        assert.ok(dependsOn(run, rotation, db), "rotation waits for the database");
        const tls = run.one(T.tls);
        assert.ok(
            dependsOn(run, rotation, tls),
            "the credential rotation runs after TLS changes (never two requests at once; a failed TLS change leaves the password alone)",
        );
        const dayTwo = run.one(T.dayTwo);
        assert.ok(dependsOn(run, dayTwo, db), "day-2 changes wait for the database");
        assert.ok(dependsOn(run, tls, dayTwo), "TLS changes run after the day-2 changes (one request at a time)");
        assert.ok(dependsOn(run, tls, run.one(T.issuer, "ca-issuer")), "TLS changes wait for the CA issuer");
        const connection = run.one(T.secret, "connection-secret");
        assert.ok(dependsOn(run, connection, rotation), "connection Secret waits for the rotation");
        assert.ok(dependsOn(run, connection, tls), "connection Secret waits for TLS changes");
        assert.ok(dependsOn(run, run.one(T.issuer, "ca-issuer"), run.one(T.certificate)), "CA issuer waits for the CA certificate");
    });

    it("leaves the operator-owned parts of the database alone and waits long enough for SQL Server", () => {
        const db = run.one(T.db);
        assert.deepEqual(db.ignoreChanges, [
            "spec.authSecret",
            "spec.tls",
            "spec.version",
            "spec.replicas",
            "spec.storage",
            "spec.podTemplate",
            "spec.configuration",
        ]);
        assert.deepEqual(db.customTimeouts, { create: "25m", update: "25m", delete: "" });
    });

    it("keeps data on destroy: Halt, and the namespace is never deleted", () => {
        assert.equal(run.one(T.db).inputs.spec.deletionPolicy, "Halt");
        assert.equal(run.one(T.namespace).retainOnDelete, true);
    });

    it("runs one Kubernetes provider that updates Secrets in place", () => {
        assert.equal(run.one(T.provider).inputs.enableSecretMutable, "true");
        const connection = run.one(T.secret, "connection-secret");
        assert.equal(connection.inputs.metadata.name, "mssql-connection");
        assert.equal(connection.inputs.metadata.annotations["pulumi.com/patchForce"], "true", "takes back ca.crt after a CA switch");
        assert.equal(connection.deleteBeforeReplace, false);
    });

    it("publishes host, port, username, password, connection strings and the CA in the connection Secret", () => {
        const connection = run.one(T.secret, "connection-secret");
        const password = run.one(T.credentialSecret, "sa-secret").inputs.password;
        const data = connection.inputs.stringData;
        assert.deepEqual(connection.secretPaths, ["stringData"]);
        assert.equal(data.host, "mssql.mssql.svc");
        assert.equal(data.port, "1433");
        assert.equal(data.username, "sa");
        assert.equal(data.password, password);
        assert.equal(
            data["connection-string"],
            `Server=tcp:mssql.mssql.svc,1433;Database=master;User ID=sa;Password=${password};Encrypt=True;TrustServerCertificate=False;`,
        );
        assert.match(data["jdbc-url"], /^jdbc:sqlserver:\/\/mssql\.mssql\.svc:1433;.*encrypt=true;trustServerCertificate=false$/);
        assert.equal(data["ca.crt"], FAKE_CA);
        assert.deepEqual(Object.keys(data).sort(), ["ca.crt", "connection-string", "host", "jdbc-url", "password", "port", "username"]);
    });

    it("never puts the password in a name, a label, an annotation, a keeper or an output", () => {
        const password = run.one(T.credentialSecret, "sa-secret").inputs.password;
        assertNeverLeaked(run, password);
    });

    it("exports what a user needs to connect", () => {
        assert.equal(run.outputs.primaryHost, "mssql.mssql.svc");
        assert.equal(run.outputs.secondaryHost, "none");
        assert.equal(run.outputs.port, 1433);
        assert.equal(run.outputs.connectionSecret, "mssql-connection");
        // What the TLS ledger reports (last request, phase, CA fingerprint) is made up by the mocks
        // here; tlsLifecycle.test.ts checks what the provider reports.
        const { lastRequest: _r, lastPhase: _p, lastAction: _a, caFingerprint: _f, caNotAfter: _n, ...fromConfig } = run.outputs.tls as Record<string, unknown>;
        assert.deepEqual(fromConfig, {
            issuer: { kind: "Issuer", name: "mssql-ca" },
            clientTLS: true,
            caSecret: { namespace: "mssql", name: "mssql-ca" },
            certificateSecrets: { server: "mssql-server-cert", client: "mssql-client-cert" },
            rotationGeneration: 0,
        });
    });
});

describe("stack program: AvailabilityGroup", () => {
    it("emits the topology, three replicas by default, and the secondary service", async () => {
        const run = await runProgram({
            config: {
                acceptEula: true,
                name: "sales",
                namespace: "db",
                availabilityGroup: { databases: ["orders", "stock_2"], secondaryAccessMode: "ReadOnly" },
            },
        });
        const db = run.one(T.db).inputs;
        assert.equal(db.spec.replicas, 3);
        assert.deepEqual(db.spec.topology, {
            mode: "AvailabilityGroup",
            availabilityGroup: { databases: ["orders", "stock_2"], secondaryAccessMode: "ReadOnly" },
        });
        assert.equal(db.metadata.annotations["pulumi.com/timeoutSeconds"], "2400");
        assert.equal(run.outputs.secondaryHost, "sales-secondary.db.svc");
        assert.deepEqual((run.outputs.tls as { certificateSecrets: object }).certificateSecrets, {
            server: "sales-server-cert",
            client: "sales-client-cert",
            endpoint: "sales-endpoint-cert",
        });
        assertAllObjectsValid(run);
    });

    it("takes an explicit replica count and an endpoint certificate setting", async () => {
        const run = await runProgram({
            config: {
                acceptEula: true,
                replicas: 4,
                availabilityGroup: { databases: ["app"] },
                tls: { certificates: { endpoint: { duration: "4320h" } } },
            },
        });
        const db = run.one(T.db).inputs;
        assert.equal(db.spec.replicas, 4);
        assert.equal(db.spec.topology.availabilityGroup.secondaryAccessMode, "Passive");
        assert.deepEqual(db.spec.tls.certificates, [{ alias: "endpoint", duration: "4320h" }]);
        assertAllObjectsValid(run);
    });
});

describe("stack program: an existing ClusterIssuer", () => {
    it("creates no cert-manager object and points the database at the user's issuer", async () => {
        const run = await runProgram({ config: { acceptEula: true, tls: { issuer: { kind: "ClusterIssuer", name: "corp-ca" }, clientTLS: false } } });
        assert.equal(run.ofType(T.issuer).length + run.ofType(T.clusterIssuer).length + run.ofType(T.certificate).length, 0);
        const db = run.one(T.db).inputs;
        assert.deepEqual(db.spec.tls, { issuerRef: { apiGroup: "cert-manager.io", kind: "ClusterIssuer", name: "corp-ca" }, clientTLS: false });
        const data = run.one(T.secret, "connection-secret").inputs.stringData;
        assert.match(data["connection-string"], /;Encrypt=False;$/);
        const tls = run.outputs.tls as Record<string, unknown>;
        assert.deepEqual(tls.issuer, { kind: "ClusterIssuer", name: "corp-ca" });
        assert.equal(tls.clientTLS, false);
        assert.equal(tls.caSecret, undefined, "no CA of ours");
        assert.deepEqual(run.one(T.tls).inputs.issuerRef, { apiGroup: "cert-manager.io", kind: "ClusterIssuer", name: "corp-ca" });
        assert.equal(run.one(T.tls).inputs.caRevision, "");
        assertAllObjectsValid(run);
    });
});

describe("stack program: a bootstrapped ClusterIssuer", () => {
    it("puts the CA in cert-manager's namespace and names the cluster-wide objects per namespace", async () => {
        const run = await runProgram({
            config: { acceptEula: true, namespace: "team-a", tls: { ca: { kind: "ClusterIssuer", duration: "43800h", algorithm: "RSA" } } },
        });
        const [selfSigned, caIssuer] = run.ofType(T.clusterIssuer).map((r) => r.inputs);
        assert.deepEqual(selfSigned.metadata.name, "team-a-mssql-selfsigned");
        assert.equal(selfSigned.metadata.namespace, undefined);
        assert.deepEqual(caIssuer.spec, { ca: { secretName: "team-a-mssql-ca" } });
        const ca = run.one(T.certificate).inputs;
        assert.equal(ca.metadata.namespace, "cert-manager");
        assert.equal(ca.spec.duration, "43800h");
        assert.deepEqual(ca.spec.privateKey, { algorithm: "RSA", size: 3072 });
        assert.deepEqual(run.one(T.db).inputs.spec.tls.issuerRef, { apiGroup: "cert-manager.io", kind: "ClusterIssuer", name: "team-a-mssql-ca" });
        assertAllObjectsValid(run);
    });
});

describe("stack program: custom settings", () => {
    it("passes certificate settings, storage class, resources, edition and deletion policy through", async () => {
        const run = await runProgram({
            config: {
                acceptEula: true,
                edition: "Standard",
                version: "2022-cu16",
                deletionPolicy: "DoNotTerminate",
                storage: { size: "200Gi", storageClass: "fast-ssd" },
                resources: { requests: { cpu: "2", memory: "8Gi" }, limits: { memory: "8Gi" } },
                tls: {
                    certificates: {
                        server: {
                            dnsNames: ["sql.example.com", "*.sql.example.com"],
                            ipAddresses: ["10.0.0.5"],
                            duration: "2160h",
                            renewBefore: "360h",
                            subject: { organizations: ["Example"] },
                        },
                        client: { duration: "720h" },
                    },
                },
            },
        });
        const spec = run.one(T.db).inputs.spec;
        assert.equal(spec.version, "2022-cu16");
        assert.equal(spec.deletionPolicy, "DoNotTerminate");
        assert.deepEqual(spec.storage, { accessModes: ["ReadWriteOnce"], storageClassName: "fast-ssd", resources: { requests: { storage: "200Gi" } } });
        assert.deepEqual(spec.podTemplate.spec.containers[0], {
            name: "mssql",
            env: [
                { name: "ACCEPT_EULA", value: "Y" },
                { name: "MSSQL_PID", value: "Standard" },
            ],
            resources: { requests: { cpu: "2", memory: "8Gi" }, limits: { memory: "8Gi" } },
        });
        assert.deepEqual(spec.tls.certificates, [
            {
                alias: "server",
                dnsNames: ["sql.example.com", "*.sql.example.com"],
                ipAddresses: ["10.0.0.5"],
                duration: "2160h",
                renewBefore: "360h",
                subject: { organizations: ["Example"] },
            },
            { alias: "client", duration: "720h" },
        ]);
        assertAllObjectsValid(run);
    });

    it("uses the saPassword from secret config instead of generating one, and never leaks it", async () => {
        const run = await runProgram({ config: { acceptEula: true, saPassword: USER_PASSWORD } });
        assert.equal(run.ofType(T.password).length, 0);
        const secret = run.one(T.credentialSecret, "sa-secret");
        assert.equal(secret.inputs.password, USER_PASSWORD);
        assert.equal(secret.inputs.passwordGiven, true);
        assert.ok(secret.secretPaths.includes("password"));
        assertNeverLeaked(run, USER_PASSWORD);
    });
});

describe("stack program: determinism", () => {
    it("the same config gives identical objects and options", async () => {
        const config = { acceptEula: true, availabilityGroup: { databases: ["a"] }, rotation: { generation: 2 } };
        const strip = (run: ProgramRun) => run.registrations.map(({ urn, ...rest }) => ({ urn, ...rest }));
        const first = strip(await runProgram({ config }));
        const second = strip(await runProgram({ config }));
        assert.deepEqual(second, first);
    });
});

describe("stack program: a kubeconfig from config", () => {
    it("reaches the Kubernetes provider and both ledgers only as a secret", async () => {
        const kubeconfig = "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: very-secret-token-123\n";
        const run = await runProgram({ config: { acceptEula: true, kubeconfig } });
        assert.ok(run.one(T.provider).secretPaths.includes("kubeconfig"));
        assert.ok(run.one(T.rotation).secretPaths.includes("kubeconfig"));
        assert.ok(run.one("kubedb-mssql:tls:TlsLedger").secretPaths.includes("kubeconfig"));
        assertNeverLeaked(run, "very-secret-token-123");
    });
});

describe("stack program: under the plainest mocks", () => {
    // Random resources and the credential Secret keep their results (tests/support/program.ts):
    // outside a preview their providers always return them (which password, which Secret), so the
    // program need not survive without them.
    it("still runs and sends valid objects when every Kubernetes resource and ledger just echoes its inputs", async () => {
        const run = await runProgram({
            config: { acceptEula: true, rotation: { generation: 1 }, tls: { rotation: { generation: 1 } } },
            state: (args) => (args.type.endsWith(":CredentialSecret") ? undefined : { ...args.inputs }),
        });
        assert.match(run.one(T.db).inputs.spec.authSecret.name, /^mssql-auth-[0-9a-f]{10}$/);
        assertAllObjectsValid(run);
    });
});
