/**
 * TLS lifecycle: certificate settings and CA bundles, the provider against a Kubernetes-shaped API server (CA bundle widened before a CA switch, fail fast,
 * retry, no request for an unchanged config). (The serialized provider in Pulumi's host: providerHost.test.ts.)
 */
import { strict as assert } from "assert";
import { kubeDbCertificates } from "../../components/tls/manifests";
import { TlsState } from "../../components/tls/tlsPlan";
import {
    TlsLifecycleInputs,
    TlsLifecycleOutputs,
    describeCa,
    mergeBundles,
    reconcileTls,
    tlsLifecycleProvider,
} from "../../components/tls/tlsLifecycleProvider";
import { FakeKubeApi, KubeObject } from "../support/fakeKubeApi";
import { NS, OPS, installOperator, putDatabase } from "../support/fakeKubeDb";
import { TlsLifecycleArgs, tlsLifecycleInputs } from "../../components/tls/tlsLifecycle";
import { assertArgRefused, eachArg, refusedKeys, useMocks } from "../support/componentArgs";

const ISSUER_A = { apiGroup: "cert-manager.io", kind: "Issuer" as const, name: "mssql-ca" };
const ISSUER_B = { apiGroup: "cert-manager.io", kind: "ClusterIssuer" as const, name: "corp-ca" };
const base: TlsState = { issuerRef: ISSUER_A, certificates: [], clientTLS: true, rotationGeneration: 0, caRevision: "rev1" };

describe("certificate alias settings in KubeDB's shape", () => {
    it("sends only the fields set, in alias order, copying the lists", () => {
        const dnsNames = ["db.example.com"];
        const specs = kubeDbCertificates({
            endpoint: { duration: "2160h" },
            server: { dnsNames, ipAddresses: ["10.0.0.1"], duration: "4320h", renewBefore: "720h", subject: { organizations: ["acme"] } },
            client: {},
        });
        assert.deepEqual(specs, [
            {
                alias: "server",
                dnsNames: ["db.example.com"],
                ipAddresses: ["10.0.0.1"],
                duration: "4320h",
                renewBefore: "720h",
                subject: { organizations: ["acme"] },
            },
            { alias: "client" },
            { alias: "endpoint", duration: "2160h" },
        ]);
        assert.notEqual(specs[0].dnsNames, dnsNames);
    });

    it("leaves out empty lists and an empty subject", () => {
        assert.deepEqual(kubeDbCertificates({ server: { dnsNames: [], ipAddresses: [], subject: {} } }), [{ alias: "server" }]);
        assert.deepEqual(kubeDbCertificates(undefined), []);
    });
});

describe("CA bundles", () => {
    const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
    it("merges old and new CAs without duplicates, in order", () => {
        assert.equal(mergeBundles(pem("OLD"), `${pem("NEW")}\n${pem("OLD")}`, ""), `${pem("OLD")}\n${pem("NEW")}\n`);
        assert.equal(mergeBundles("", ""), "");
    });
    it("describes a real CA certificate and tolerates garbage", () => {
        assert.deepEqual(describeCa("not a certificate"), { fingerprint: "", notAfter: "" });
        assert.deepEqual(describeCa(pem("garbage")), { fingerprint: "", notAfter: "" });
        const described = describeCa(TEST_CA);
        assert.equal(described.fingerprint, "SHA256:C5:5B:C0:AB:84:A6:9B:D3:B9:1F:90:4B:BC:3A:F0:60:68:F1:87:66:9C:93:8A:F7:6C:D2:4F:29:D1:C5:87:97");
        assert.equal(described.notAfter, "2036-11-20T05:13:12.000Z");
    });
});

describe("TLS lifecycle provider", () => {
    /** The server certificate's Secret with `ca` as its CA (what KubeDB's re-issuance leaves). */
    const putServerCa = (ca: string) =>
        fake.put({
            apiVersion: "v1",
            kind: "Secret",
            type: "kubernetes.io/tls",
            metadata: { name: "mssql-server-cert", namespace: NS },
            stringData: { "ca.crt": ca },
        });
    let fake: FakeKubeApi;
    let kubeconfig: string;
    const OLD_CA = "-----BEGIN CERTIFICATE-----\nOLDCA\n-----END CERTIFICATE-----";
    const NEW_CA = "-----BEGIN CERTIFICATE-----\nNEWCA\n-----END CERTIFICATE-----";
    const requests = () => fake.list(OPS, "mssqlserveropsrequests", NS);
    const connectionCa = () => Buffer.from(fake.get("v1", "secrets", NS, "mssql-connection")!.data["ca.crt"], "base64").toString();

    function inputs(change: Partial<TlsState> = {}): TlsLifecycleInputs {
        return {
            ...base,
            ...change,
            namespace: NS,
            database: "mssql",
            clusterResourceNamespace: "cert-manager",
            serverCertSecret: "mssql-server-cert",
            connectionSecret: "mssql-connection",
            stepTimeout: "10m",
            timeoutSeconds: 30,
            kubeconfig,
        };
    }
    const settledBase = (): Partial<TlsLifecycleOutputs> =>
        ({ ...inputs(), kubeconfig: undefined, applied: base, lastPhase: "Initial" }) as Partial<TlsLifecycleOutputs>;

    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        kubeconfig = fake.kubeconfig();
        putDatabase(fake, "mssql", "mssql-auth-x");
        putServerCa(OLD_CA);
        fake.put({
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "mssql-connection", namespace: NS },
            stringData: { password: "Secret-Passw0rd!", "ca.crt": OLD_CA },
        });
        // The user's ClusterIssuer and its CA in cert-manager's namespace.
        fake.put({ apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "corp-ca" }, spec: { ca: { secretName: "corp-ca-keypair" } } });
        fake.put({
            apiVersion: "v1",
            kind: "Secret",
            type: "kubernetes.io/tls",
            metadata: { name: "corp-ca-keypair", namespace: "cert-manager" },
            stringData: { "tls.crt": NEW_CA },
        });
    });
    afterEach(async () => {
        await fake.stop();
    });

    it("on first deployment makes no request and reports the CA", async () => {
        const outs = await reconcileTls(inputs(), {});
        assert.equal(outs.lastPhase, "Initial");
        assert.equal(requests().length, 0);
        assert.equal(outs.caBundle, OLD_CA);
        assert.equal((outs as unknown as Record<string, unknown>).kubeconfig, undefined);
    });

    it("rotates certificates with one rotateCertificates request for a bumped generation", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        const outs = await reconcileTls(inputs({ rotationGeneration: 1 }), settledBase());
        const [request] = requests();
        assert.deepEqual(request.spec, {
            type: "ReconfigureTLS",
            tls: { rotateCertificates: true },
            databaseRef: { name: "mssql" },
            timeout: "10m",
            apply: "IfReady",
        });
        assert.match(request.metadata.name, /^mssql-tls-[0-9a-f]{10}$/);
        assert.equal(outs.lastPhase, "Successful");
        assert.equal(outs.applied.rotationGeneration, 1);
        assert.match(outs.lastAction, /rotateCertificates: tls.rotation.generation 0 → 1/);
        assert.equal(connectionCa(), OLD_CA, "the CA does not change: the bundle is left alone");
    });

    it("moves to a new issuer: trusts old and new CA before the request, and only the new one after", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        let bundleWhenRequested = "";
        fake.onCreate("mssqlserveropsrequests", () => {
            bundleWhenRequested = connectionCa();
            // KubeDB re-issues the server certificate from the new issuer.
            putServerCa(NEW_CA);
        });
        const outs = await reconcileTls(inputs({ issuerRef: ISSUER_B, caRevision: "" }), settledBase());
        assert.equal(bundleWhenRequested, `${OLD_CA}\n${NEW_CA}\n`);
        const [request] = requests();
        assert.deepEqual(request.spec.tls, { issuerRef: ISSUER_B });
        assert.equal(outs.caBundle, NEW_CA, "after the switch the declared connection Secret gets the new CA");
        assert.equal(connectionCa(), NEW_CA, "and the live one already has it");
        assert.deepEqual(outs.applied.issuerRef, ISSUER_B);
    });

    it("a shaped connection (CA under another key, and in a ConfigMap): both widened before the switch and narrowed after", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        fake.put({ apiVersion: "v1", kind: "Secret", metadata: { name: "orders-app", namespace: NS }, stringData: { DB_PASSWORD: "x", "ca.pem": OLD_CA } });
        fake.put({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "orders-config", namespace: NS }, data: { host: "h", CA: OLD_CA } });
        const secretCa = () => Buffer.from(fake.get("v1", "secrets", NS, "orders-app")!.data["ca.pem"], "base64").toString();
        const configMapCa = () => fake.get("v1", "configmaps", NS, "orders-config")!.data.CA;
        let whenRequested: string[] = [];
        fake.onCreate("mssqlserveropsrequests", () => {
            whenRequested = [secretCa(), configMapCa()];
            putServerCa(NEW_CA);
        });
        const shaped = { connectionSecret: "orders-app", connectionCaKey: "ca.pem", connectionConfigMap: "orders-config", connectionConfigMapCaKey: "CA" };
        await reconcileTls({ ...inputs({ issuerRef: ISSUER_B, caRevision: "" }), ...shaped }, { ...settledBase(), ...shaped });
        assert.deepEqual(whenRequested, [`${OLD_CA}\n${NEW_CA}\n`, `${OLD_CA}\n${NEW_CA}\n`], "clients trust both while the request runs");
        assert.deepEqual([secretCa(), configMapCa()], [NEW_CA, NEW_CA], "and only the new one after");
        assert.equal(connectionCa(), OLD_CA, "the default Secret's name is not touched");
        assert.equal(fake.get("v1", "configmaps", NS, "orders-config")!.data.host, "h", "other keys kept");
    });

    it("a connection Secret renamed in the same run as a CA switch: the one apps read now (the last run's) is widened too", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        // The rename's new Secret is written only after this change; apps still read the default one.
        let whenRequested = "";
        fake.onCreate("mssqlserveropsrequests", () => {
            whenRequested = connectionCa();
            putServerCa(NEW_CA);
        });
        await reconcileTls({ ...inputs({ issuerRef: ISSUER_B, caRevision: "" }), connectionSecret: "orders-app" }, settledBase());
        assert.equal(whenRequested, `${OLD_CA}\n${NEW_CA}\n`, "apps on the last run's Secret trust both while the request runs");
        assert.equal(connectionCa(), NEW_CA, "and only the new one after");
        assert.equal(fake.get("v1", "secrets", NS, "orders-app"), undefined, "the new Secret is left to the ConnectionSecret, which follows");
    });

    it("moves to a namespaced Issuer: trusts what the connection Secret trusts, the server certificate's CA and the Issuer's CA, read from the database's namespace", async () => {
        const TEAM_CA = "-----BEGIN CERTIFICATE-----\nTEAMCA\n-----END CERTIFICATE-----";
        const SERVED_CA = "-----BEGIN CERTIFICATE-----\nSERVEDCA\n-----END CERTIFICATE-----";
        fake.put({
            apiVersion: "cert-manager.io/v1",
            kind: "Issuer",
            metadata: { name: "team-ca", namespace: NS },
            spec: { ca: { secretName: "team-ca-keypair" } },
        });
        fake.put({
            apiVersion: "v1",
            kind: "Secret",
            type: "kubernetes.io/tls",
            metadata: { name: "team-ca-keypair", namespace: NS },
            stringData: { "ca.crt": TEAM_CA, "tls.crt": "leaf" },
        });
        // A failed earlier attempt left the server certificate on another CA than the connection Secret trusts.
        putServerCa(SERVED_CA);
        installOperator(fake, { outcomes: ["Successful"] });
        let bundleWhenRequested = "";
        fake.onCreate("mssqlserveropsrequests", () => {
            bundleWhenRequested = connectionCa();
            putServerCa(TEAM_CA);
        });
        const outs = await reconcileTls(inputs({ issuerRef: { apiGroup: "cert-manager.io", kind: "Issuer", name: "team-ca" }, caRevision: "" }), settledBase());
        assert.equal(bundleWhenRequested, `${OLD_CA}\n${SERVED_CA}\n${TEAM_CA}\n`, "its ca.crt, not tls.crt, beside both");
        assert.equal(outs.caBundle, TEAM_CA);
        assert.equal(connectionCa(), TEAM_CA, "after the switch, only the CA the database presents");
    });

    it("on failure reports KubeDB's reason, keeps the previous applied state and both CAs, and retries with a new request", async () => {
        installOperator(fake, { outcomes: ["Failed", "Successful"] });
        const failure = await reconcileTls(inputs({ issuerRef: ISSUER_B, caRevision: "" }), settledBase()).then(
            () => assert.fail("should fail"),
            (e) => e,
        );
        assert.match(
            failure.message,
            /ReconfigureTLS \(issuer Issuer\/mssql-ca → ClusterIssuer\/corp-ca\) for db\/mssql did not succeed: MSSQLServerOpsRequest db\/mssql-tls-[0-9a-f]+ is Failed/,
        );
        assert.match(failure.message, /trusts both the old and the new CA/);
        assert.deepEqual(failure.properties.applied.issuerRef, ISSUER_A);
        assert.equal(failure.properties.kubeconfig, undefined);
        assert.equal(connectionCa(), `${OLD_CA}\n${NEW_CA}\n`);
        assert.equal(
            (await tlsLifecycleProvider.diff!("db/mssql", failure.properties, inputs({ issuerRef: ISSUER_B, caRevision: "" }))).changes,
            true,
            "the next preview shows the retry",
        );
        const retried = await tlsLifecycleProvider.update!("db/mssql", failure.properties, inputs({ issuerRef: ISSUER_B, caRevision: "" }));
        assert.equal(retried.outs.lastPhase, "Successful");
        assert.match(retried.outs.lastRequest, /-r2$/);
        assert.equal(requests().length, 2);
    });

    it("on a failed switch to an issuer whose CA cannot be read beforehand (ACME, Vault, ...), says clients trust only the old CA", async () => {
        installOperator(fake, { outcomes: ["Failed"] });
        fake.put({
            apiVersion: "cert-manager.io/v1",
            kind: "ClusterIssuer",
            metadata: { name: "acme" },
            spec: { acme: { server: "https://acme.example/dir", privateKeySecretRef: { name: "acme-key" }, solvers: [] } },
        });
        const acme = { apiGroup: "cert-manager.io", kind: "ClusterIssuer" as const, name: "acme" };
        const failure = await reconcileTls(inputs({ issuerRef: acme, caRevision: "" }), settledBase()).then(
            () => assert.fail("should fail"),
            (e) => e,
        );
        assert.match(failure.message, /the connection Secret trusts the old CA \(the new issuer's CA could not be read beforehand\)/);
        assert.doesNotMatch(failure.message, /both the old and the new CA/);
        assert.equal(connectionCa(), `${OLD_CA}\n`);
    });

    it("on a failed switch with no connection Secret, says the bundle was not changed", async () => {
        installOperator(fake, { outcomes: ["Failed"] });
        fake.remove("v1", "secrets", NS, "mssql-connection");
        const failure = await reconcileTls(inputs({ issuerRef: ISSUER_B, caRevision: "" }), settledBase()).then(
            () => assert.fail("should fail"),
            (e) => e,
        );
        assert.match(failure.message, /the connection Secret's CA bundle was not changed/);
    });

    it("a change back to an earlier state gets a new request, never adopts the old finished one", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        let state: Partial<TlsLifecycleOutputs> = settledBase();
        for (const clientTLS of [false, true, false]) {
            state = (await tlsLifecycleProvider.update!("db/mssql", state, inputs({ clientTLS }))).outs;
            assert.equal(state.lastPhase, "Successful");
        }
        const names = requests().map((r) => r.metadata.name);
        assert.equal(new Set(names).size, 3, `three distinct requests: ${names}`);
        assert.deepEqual(
            requests()
                .map((r) => r.spec.tls.clientTLS)
                .sort(),
            [false, false, true],
        );
        assert.equal(state.sequence, 3);
    });

    it("a retry after a half-done CA switch keeps trusting both CAs while it runs", async () => {
        installOperator(fake, { outcomes: ["Failed", "Successful"] });
        const bundles: string[] = [];
        fake.onCreate("mssqlserveropsrequests", () => {
            bundles.push(connectionCa());
            // KubeDB got as far as re-issuing the server certificate from the new CA.
            putServerCa(NEW_CA);
        });
        const failure = await reconcileTls(inputs({ issuerRef: ISSUER_B, caRevision: "" }), settledBase()).then(
            () => assert.fail("should fail"),
            (e) => e,
        );
        await tlsLifecycleProvider.update!("db/mssql", failure.properties, inputs({ issuerRef: ISSUER_B, caRevision: "" }));
        assert.deepEqual(bundles, [`${OLD_CA}\n${NEW_CA}\n`, `${OLD_CA}\n${NEW_CA}\n`], "the old CA is still trusted during the retry");
    });

    it("going back after a failed change re-applies the whole configuration rather than trusting stale state", async () => {
        installOperator(fake, { outcomes: ["Failed", "Successful"] });
        const failure = await reconcileTls(inputs({ issuerRef: ISSUER_B, caRevision: "" }), settledBase()).then(
            () => assert.fail("should fail"),
            (e) => e,
        );
        const reverted = await tlsLifecycleProvider.update!("db/mssql", failure.properties, inputs());
        assert.equal(reverted.outs.lastPhase, "Successful");
        assert.match(reverted.outs.lastAction, /^reassert: /);
        const last = requests().find((r) => r.metadata.name === reverted.outs.lastRequest)!;
        assert.deepEqual(last.spec.tls, { issuerRef: ISSUER_A, clientTLS: true });
    });

    it("a change that re-issues only some certificates is followed by a rotation when one is also due", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        const outs = await reconcileTls(inputs({ clientTLS: false, rotationGeneration: 1 }), settledBase());
        const sent = requests()
            .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
            .map((r) => r.spec.tls);
        assert.deepEqual(sent, [{ issuerRef: ISSUER_A, clientTLS: false }, { rotateCertificates: true }]);
        assert.equal(outs.sequence, 2);
        assert.deepEqual(outs.applied, { ...base, clientTLS: false, rotationGeneration: 1 });
    });

    it("an unchanged config makes no request and no API call", async () => {
        const before = fake.requests.length;
        const result = await tlsLifecycleProvider.update!("db/mssql", settledBase(), inputs());
        assert.equal(result.outs.lastPhase, "Initial");
        assert.equal(fake.requests.length, before);
        assert.equal((await tlsLifecycleProvider.diff!("db/mssql", settledBase(), { ...inputs(), kubeconfig: "another" })).changes, false);
    });

    it("waits for a running credential rotation of the same database before it starts", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        fake.put({
            apiVersion: OPS,
            kind: "MSSQLServerOpsRequest",
            metadata: { name: "mssql-rotate-auth-abc", namespace: NS },
            spec: { type: "RotateAuth", databaseRef: { name: "mssql" } },
            status: { phase: "Progressing" },
        });
        let rotationDoneAt = 0;
        fake.schedule(150, () => {
            rotationDoneAt = Date.now();
            fake.patchStatus(OPS, "mssqlserveropsrequests", NS, "mssql-rotate-auth-abc", { phase: "Successful" });
        });
        let tlsCreatedAt = 0;
        fake.onCreate("mssqlserveropsrequests", (r: KubeObject) => {
            if (r.spec.type === "ReconfigureTLS") tlsCreatedAt = Date.now();
        });
        await reconcileTls(inputs({ rotationGeneration: 1 }), settledBase());
        assert.ok(rotationDoneAt > 0 && tlsCreatedAt >= rotationDoneAt);
    });
});

// A self-signed CA made for this test (openssl req -x509 -newkey ec -days 3650); openssl reports
// notAfter=Nov 20 05:13:12 2036 GMT and the SHA-256 fingerprint C5:5B:C0:AB:…:C5:87:97.
const TEST_CA = `-----BEGIN CERTIFICATE-----
MIIBkjCCATmgAwIBAgIUd0NXxHT3RxbKpw36gRyEcq31cTEwCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUa3ViZWRiLW1zc3FsIHRlc3QgQ0EwHhcNMjYxMTIzMDUxMzEy
WhcNMzYxMTIwMDUxMzEyWjAfMR0wGwYDVQQDDBRrdWJlZGItbXNzcWwgdGVzdCBD
QTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABHyE025aH4KCqNJyTr7Z5E5oFSOD
ghepGWh2qg1jkvHTO5mGsrfmOVyR/aTBp3pUm9mYvS+hAl5iYriJJG1Ia7ejUzBR
MB0GA1UdDgQWBBRYFt5SnoHSzrLb12riTzkfsfkiKzAfBgNVHSMEGDAWgBRYFt5S
noHSzrLb12riTzkfsfkiKzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cA
MEQCIH1SqZfh+lo7CplCW7COFHQs7Wp458hGn0Y8+PCy87qgAiBNbRVwMY4PjK5o
Tpb21UJIrM0WfSI38JY4W8/zq03ytA==
-----END CERTIFICATE-----`;

describe("components as a library: TlsLifecycle", () => {
    it("TlsLifecycle: client TLS, no CA revision, cert-manager's namespace, 10m steps, 30 minutes", () => {
        const inputs = tlsLifecycleInputs({ database: "mssql", namespace: "db", issuer: { kind: "Issuer", name: "mssql-ca" } });
        assert.deepEqual(inputs, {
            namespace: "db",
            database: "mssql",
            issuerRef: { apiGroup: "cert-manager.io", kind: "Issuer", name: "mssql-ca" },
            certificates: inputs.certificates,
            clientTLS: true,
            rotationGeneration: 0,
            caRevision: "",
            clusterResourceNamespace: "cert-manager",
            serverCertSecret: "mssql-server-cert",
            connectionSecret: "mssql-connection",
            stepTimeout: "10m",
            timeoutSeconds: 1800,
            kubeconfig: undefined,
        });
    });
});

describe("validation: TlsLifecycle args", () => {
    before(useMocks);

    it("checks TlsLifecycle certificates and clientTLS", () => {
        const tls = { database: "mssql", namespace: "db", issuer: { kind: "Issuer" as const, name: "mssql-ca" } };
        assertArgRefused(
            () => tlsLifecycleInputs({ ...tls, certificates: { server: { renewBefore: "3000h" } } }),
            "TlsLifecycle args",
            "certificates.server.renewBefore",
            /cert-manager's default "2160h"/,
        );
        assertArgRefused(() => tlsLifecycleInputs({ ...tls, clientTLS: "yes" as unknown as boolean }), "TlsLifecycle args", "clientTLS", /true or false/);
        assert.equal(tlsLifecycleInputs({ ...tls }).database, "mssql");
    });
});

const issuer = { kind: "Issuer" as const, name: "mssql-ca" };

const tls: TlsLifecycleArgs = {
    database: "mssql",
    namespace: "db",
    issuer,
    certificates: { server: { duration: "2160h" } },
    clientTLS: false,
    rotationGeneration: 2,
    caRevision: "abc",
    clusterResourceNamespace: "cm",
    stepTimeout: "5m",
    timeoutMinutes: 20,
};
eachArg<TlsLifecycleArgs>("TlsLifecycle", "TlsLifecycle args", tls, (a) => tlsLifecycleInputs(a), [
    ["a database name SQL Server refuses", { database: "1db" }, "database"],
    ["a namespace that is no DNS label", { namespace: "Bad_NS" }, "namespace"],
    ["an unknown issuer kind", { issuer: { kind: "Vault", name: "v" } }, "issuer.kind"],
    ["an issuer name that is no DNS subdomain", { issuer: { kind: "Issuer", name: "Bad Name" } }, "issuer.name"],
    ["a certificate alias KubeDB does not have", { certificates: { web: {} } }, "certificates.web"],
    ["clientTLS that is no boolean", { clientTLS: 1 }, "clientTLS"],
    ["a negative rotation generation", { rotationGeneration: -1 }, "rotationGeneration"],
    ["a CA revision that is no string", { caRevision: 7 }, "caRevision"],
    ["a cluster resource namespace that is no DNS label", { clusterResourceNamespace: "Bad_NS" }, "clusterResourceNamespace"],
    ["a step timeout under a minute", { stepTimeout: "30s" }, "stepTimeout"],
    ["a zero timeout", { timeoutMinutes: 0 }, "timeoutMinutes"],
]);

describe("TlsLifecycle: no issuer at all is refused by name", () => {
    it("names issuer.kind and issuer.name", () => {
        assert.deepEqual(
            refusedKeys(() => tlsLifecycleInputs({ ...tls, issuer: undefined as unknown as TlsLifecycleArgs["issuer"] }), "TlsLifecycle args"),
            ["issuer.kind", "issuer.name"],
        );
    });
});
