/**
 * The components used as a library, with only their required args: the exact objects, options
 * and order each one registers, and the documented defaults it fills in. (index.ts passes every
 * setting explicitly, so the program tests do not see these defaults.)
 */
import { strict as assert } from "assert";
import { CaIssuer, planCaIssuer } from "../components/tls/caIssuer";
import { Certificate } from "../components/tls/certificate";
import { ConnectionSecret } from "../components/credential/connectionSecret";
import { SaCredential } from "../components/credential/saCredential";
import { credentialRotationInputs } from "../components/credential/credentialRotation";
import { MssqlServer, resolveMssqlServerArgs } from "../components/database/mssqlServer";
import { ANNOTATION_GENERATION, ANNOTATION_PERIOD, labelsFor } from "../components/core/names";
import { tlsLifecycleInputs } from "../components/tls/tlsLifecycle";
import { ProgramRun, Registration, runProgram } from "./support/program";

const T = {
    caIssuer: "kubedb-mssql:tls:CaIssuer",
    certificateComponent: "kubedb-mssql:tls:Certificate",
    certificate: "kubernetes:cert-manager.io/v1:Certificate",
    issuer: "kubernetes:cert-manager.io/v1:Issuer",
    clusterIssuer: "kubernetes:cert-manager.io/v1:ClusterIssuer",
    secret: "kubernetes:core/v1:Secret",
    credentialSecret: "kubedb-mssql:credential:CredentialSecret",
    password: "random:index/randomPassword:RandomPassword",
    bytes: "random:index/randomBytes:RandomBytes",
    id: "random:index/randomId:RandomId",
    credential: "kubedb-mssql:credential:SaCredential",
    connection: "kubedb-mssql:credential:ConnectionSecret",
    server: "kubedb-mssql:database:MssqlServer",
    mssql: "kubernetes:kubedb.com/v1alpha2:MSSQLServer",
};

const WAIT_READY = (minutes: number) => ({ "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": String(minutes * 60) });

function library(program: () => unknown): Promise<ProgramRun> {
    return runProgram({
        config: {},
        program: () => {
            program();
            return {};
        },
    });
}

describe("components as a library: CaIssuer", () => {
    it("bootstraps a namespaced CA with the documented defaults, each step after the one it needs", async () => {
        const run = await library(() => new CaIssuer("ca", { database: "mssql", namespace: "db" }));
        const component = run.one(T.caIssuer);
        const selfSigned = run.one(T.issuer, "ca-selfsigned");
        const certificate = run.one(T.certificate, "ca-ca");
        const issuer = run.one(T.issuer, "ca-issuer");
        assert.deepEqual(selfSigned.inputs, {
            apiVersion: "cert-manager.io/v1",
            kind: "Issuer",
            metadata: { name: "mssql-selfsigned", namespace: "db", annotations: WAIT_READY(10) },
            spec: { selfSigned: {} },
        });
        assert.deepEqual(certificate.inputs, {
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: { name: "mssql-ca", namespace: "db", labels: certificate.inputs.metadata.labels, annotations: WAIT_READY(10) },
            spec: {
                secretName: "mssql-ca",
                issuerRef: { group: "cert-manager.io", kind: "Issuer", name: "mssql-selfsigned" },
                commonName: "mssql.db CA",
                isCA: true,
                duration: "87600h",
                renewBefore: "720h",
                privateKey: { algorithm: "ECDSA", size: 256 },
                usages: ["cert sign", "crl sign", "digital signature"],
                secretTemplate: { labels: certificate.inputs.metadata.labels },
            },
        });
        assert.deepEqual(certificate.inputs.metadata.labels, labelsFor("mssql", "ca"));
        assert.deepEqual(issuer.inputs, {
            apiVersion: "cert-manager.io/v1",
            kind: "Issuer",
            metadata: { name: "mssql-ca", namespace: "db", annotations: WAIT_READY(10) },
            spec: { ca: { secretName: "mssql-ca" } },
        });
        const certificateComponent = run.one(T.certificateComponent, "ca-ca");
        assert.deepEqual([selfSigned.parent, certificateComponent.parent, issuer.parent], [component.urn, component.urn, component.urn]);
        assert.equal(certificate.parent, certificateComponent.urn);
        assert.ok(certificateComponent.dependencies.includes(selfSigned.urn), "the CA certificate waits for its self-signed issuer");
        assert.ok(issuer.dependencies.includes(certificate.urn), "the CA issuer waits for the CA certificate");
    });

    it("puts a ClusterIssuer's CA in cert-manager's namespace, leaves the issuers unnamespaced and keeps the common name within 64 characters", async () => {
        const namespace = "n".repeat(63);
        const run = await library(() => new CaIssuer("ca", { database: "mssql", namespace, kind: "ClusterIssuer", timeoutMinutes: 3 }));
        const selfSigned = run.one(T.clusterIssuer, "ca-cluster-selfsigned");
        const issuer = run.one(T.clusterIssuer, "ca-cluster-issuer");
        const certificate = run.one(T.certificate, "ca-cluster-ca");
        assert.deepEqual(selfSigned.inputs.metadata, { name: `${namespace}-mssql-selfsigned`, annotations: WAIT_READY(3) });
        assert.deepEqual(issuer.inputs.metadata, {
            name: planCaIssuer({ database: "mssql", namespace, kind: "ClusterIssuer" }).issuer.name,
            annotations: WAIT_READY(3),
        });
        assert.equal(certificate.inputs.metadata.namespace, "cert-manager");
        assert.equal(certificate.inputs.spec.commonName, `mssql.${namespace} CA`.slice(0, 64));
        assert.equal(certificate.inputs.spec.commonName.length, 64);
    });

    it("passes an existing issuer through and creates nothing", async () => {
        let ca: CaIssuer | undefined;
        const run = await library(() => {
            ca = new CaIssuer("ca", { database: "mssql", namespace: "db", existing: { kind: "ClusterIssuer", name: "corp" } });
        });
        assert.deepEqual(
            run.registrations.map((r) => r.type),
            [T.caIssuer],
        );
        assert.deepEqual(ca!.issuer, { kind: "ClusterIssuer", name: "corp" });
        assert.deepEqual([ca!.revision, ca!.ready, ca!.caSecret], ["", [], undefined]);
    });

    it("re-issues the CA (a new revision) for a new algorithm or cluster resource namespace, not for what changes no key", () => {
        const revision = (args: object) => planCaIssuer({ database: "mssql", namespace: "db", ...args }).revision;
        assert.equal(revision({}), revision({ algorithm: "ECDSA" }), "ECDSA is the default");
        assert.notEqual(revision({}), revision({ algorithm: "RSA" }));
        assert.equal(revision({ clusterResourceNamespace: "a" }), revision({ clusterResourceNamespace: "b" }), "a namespaced CA does not live there");
        assert.notEqual(revision({ kind: "ClusterIssuer", clusterResourceNamespace: "a" }), revision({ kind: "ClusterIssuer", clusterResourceNamespace: "b" }));
        assert.equal(revision({ renewBefore: "100h" }), revision({}));
    });
});

describe("components as a library: Certificate", () => {
    it("waits 10 minutes by default, as its annotations and custom timeouts both say, under its component", async () => {
        const run = await library(
            () =>
                new Certificate("web", {
                    name: "web",
                    namespace: "db",
                    secretName: "web-tls",
                    issuer: { kind: "Issuer", name: "ca" },
                    dnsNames: ["web.db.svc"],
                }),
        );
        const certificate = run.one(T.certificate);
        assert.deepEqual(certificate.inputs.metadata, { name: "web", namespace: "db", annotations: WAIT_READY(10) });
        assert.deepEqual(certificate.inputs.spec, {
            secretName: "web-tls",
            issuerRef: { group: "cert-manager.io", kind: "Issuer", name: "ca" },
            dnsNames: ["web.db.svc"],
            privateKey: { algorithm: "ECDSA", size: 256 },
        });
        assert.deepEqual(certificate.customTimeouts, { create: "10m", update: "10m", delete: "" });
        assert.equal(certificate.parent, run.one(T.certificateComponent).urn);
    });

    it("uses the given timeout", async () => {
        const run = await library(
            () =>
                new Certificate("web", {
                    name: "web",
                    namespace: "db",
                    secretName: "web-tls",
                    issuer: { kind: "Issuer", name: "ca" },
                    commonName: "web",
                    timeoutMinutes: 4,
                }),
        );
        assert.deepEqual(run.one(T.certificate).customTimeouts, { create: "4m", update: "4m", delete: "" });
        assert.deepEqual(run.one(T.certificate).inputs.metadata.annotations, WAIT_READY(4));
    });
});

describe("components as a library: SaCredential", () => {
    it('generates an unscheduled password (period "none"), keyed by generation 0, everything under the component', async () => {
        const run = await library(() => new SaCredential("sa", { database: "mssql", namespace: "db" }));
        const component = run.one(T.credential);
        const password = run.one(T.password);
        assert.deepEqual(password.inputs.keepers, { generation: "0", period: "none" });
        for (const r of [password, run.one(T.bytes), run.one(T.id)]) assert.equal(r.parent, component.urn, r.type);
        const secret = run.one(T.credentialSecret);
        assert.equal(secret.parent, component.urn);
        assert.deepEqual(secret.inputs.annotations, { [ANNOTATION_GENERATION]: "0", [ANNOTATION_PERIOD]: "none" });
        assert.deepEqual(
            [secret.inputs.resumeRetained, secret.inputs.passwordGiven, secret.inputs.kubeconfig],
            [true, false, undefined],
            "resumes by default; the ambient cluster",
        );
    });

    it("takes a given password as it is, generating none", async () => {
        const run = await library(() => new SaCredential("sa", { database: "mssql", namespace: "db", password: "Str0ng!Passw0rd" }));
        assert.deepEqual(run.ofType(T.password), []);
        assert.equal(run.one(T.credentialSecret).inputs.password, "Str0ng!Passw0rd");
        assert.equal(run.one(T.credentialSecret).inputs.passwordGiven, true);
        assert.ok(run.one(T.credentialSecret).secretPaths.includes("password"), "the password is sent as a secret");
    });
});

describe("components as a library: ConnectionSecret", () => {
    it("is an Opaque Secret whose connection strings force encryption unless told otherwise", async () => {
        const run = await library(() => new ConnectionSecret("app", { database: "mssql", namespace: "db", password: "Str0ng!Passw0rd", caBundle: "" }));
        const secret = run.one(T.secret);
        assert.equal(secret.inputs.type, "Opaque");
        assert.match(secret.inputs.stringData["connection-string"], /;Encrypt=True;TrustServerCertificate=False;$/);
        assert.match(secret.inputs.stringData["jdbc-url"], /;encrypt=true;/);
        assert.equal(secret.parent, run.one(T.connection).urn);
        assert.equal(secret.deleteBeforeReplace, false);
    });

    it("says Encrypt=False when the server does not force TLS", async () => {
        const run = await library(
            () => new ConnectionSecret("app", { database: "mssql", namespace: "db", password: "Str0ng!Passw0rd", caBundle: "", clientTLS: false }),
        );
        assert.match(run.one(T.secret).inputs.stringData["connection-string"], /;Encrypt=False;$/);
    });
});

describe("components as a library: MssqlServer", () => {
    const required = {
        name: "mssql",
        namespace: "db",
        version: "2022-cu22",
        acceptEula: true as const,
        authSecretName: "mssql-auth-1",
        issuer: { kind: "Issuer" as const, name: "mssql-ca" },
    };

    it("fills the documented defaults: Developer, one replica, 10Gi, Halt, client TLS, no autoOps, 25 minutes", () => {
        const a = resolveMssqlServerArgs(required);
        assert.deepEqual(
            {
                edition: a.edition,
                replicas: a.replicas,
                storage: a.storage,
                deletionPolicy: a.deletionPolicy,
                clientTLS: a.clientTLS,
                autoOps: a.autoOps,
                readyTimeoutMinutes: a.readyTimeoutMinutes,
                availabilityGroup: a.availabilityGroup,
            },
            {
                edition: "Developer",
                replicas: 1,
                storage: { size: "10Gi" },
                deletionPolicy: "Halt",
                clientTLS: true,
                autoOps: false,
                readyTimeoutMinutes: 25,
                availabilityGroup: undefined,
            },
        );
        assert.equal("resources" in a, false, "no resources unless given");
        const resources = { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "4Gi" } };
        assert.deepEqual(resolveMssqlServerArgs({ ...required, resources }).resources, resources);
    });

    it("gives an availability group three replicas, Passive secondaries and 40 minutes", () => {
        const a = resolveMssqlServerArgs({ ...required, edition: "Enterprise", availabilityGroup: {} });
        assert.deepEqual(
            { replicas: a.replicas, availabilityGroup: a.availabilityGroup, readyTimeoutMinutes: a.readyTimeoutMinutes },
            { replicas: 3, availabilityGroup: { databases: [], secondaryAccessMode: "Passive" }, readyTimeoutMinutes: 40 },
        );
    });

    it("sends the defaults to the cluster and waits as long as it says", async () => {
        let server: MssqlServer | undefined;
        const run = await library(() => {
            server = new MssqlServer("db", required);
        });
        const db: Registration = run.one(T.mssql);
        assert.equal(db.inputs.spec.authSecret.name, "mssql-auth-1");
        assert.deepEqual(db.inputs.spec.storage.resources.requests, { storage: "10Gi" });
        assert.deepEqual(db.inputs.spec.autoOps, { disabled: true });
        assert.deepEqual(db.inputs.spec.tls.clientTLS, true);
        assert.deepEqual(db.customTimeouts, { create: "25m", update: "25m", delete: "" });
        assert.equal(db.parent, run.one(T.server).urn);
        assert.deepEqual([server!.primaryHost, server!.secondaryHost, server!.port], ["mssql.db.svc", undefined, 1433]);
        assert.deepEqual(server!.certificateSecrets, { server: "mssql-server-cert", client: "mssql-client-cert" });
    });
});

describe("components as a library: the waiters' defaults", () => {
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

    it("CredentialRotation: unscheduled, generation 0, 10m steps, 30 minutes", () => {
        const inputs = credentialRotationInputs({ database: "mssql", namespace: "db", secretName: "mssql-auth-1" });
        assert.deepEqual(
            { generation: inputs.generation, periodStart: inputs.periodStart, stepTimeout: inputs.stepTimeout, timeoutSeconds: inputs.timeoutSeconds },
            { generation: 0, periodStart: "none", stepTimeout: "10m", timeoutSeconds: 1800 },
        );
        const given = credentialRotationInputs({ database: "mssql", namespace: "db", secretName: "mssql-auth-1", timeoutMinutes: 7, stepTimeout: "3m" });
        assert.deepEqual([given.timeoutSeconds, given.stepTimeout], [420, "3m"]);
    });
});
