/**
 * CaIssuer: the CA it bootstraps with only its required args, and its args refused by name.
 */
import { strict as assert } from "assert";
import { CaIssuer, CaIssuerArgs, planCaIssuer } from "../../components/tls/caIssuer";
import { labelsFor } from "../../components/core/names";
import { assertArgRefused, eachArg, registered, useMocks } from "../support/componentArgs";
import { T, WAIT_READY, library } from "../support/library";

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

describe("validation: CaIssuer args", () => {
    const good: CaIssuerArgs = { database: "mssql", namespace: "db" };
    before(useMocks);

    for (const timeoutMinutes of [0, 1.5, 2000]) {
        it(`refuses timeoutMinutes ${timeoutMinutes}`, () => {
            assertArgRefused(
                () => planCaIssuer({ ...good, timeoutMinutes }),
                "CaIssuer args",
                "timeoutMinutes",
                new RegExp(`${timeoutMinutes} is not allowed; use a whole number from 1 to 1440`),
            );
        });
    }

    it("refuses a key algorithm cert-manager does not have, and a rotation policy beside an existing issuer", () => {
        assertArgRefused(
            () => planCaIssuer({ ...good, algorithm: "DSA" as "RSA" }),
            "CaIssuer args",
            "algorithm",
            /"DSA" is not allowed; use one of "RSA", "ECDSA", "Ed25519"/,
        );
        assertArgRefused(
            () => planCaIssuer({ ...good, existing: { kind: "Issuer", name: "corp" }, rotationPolicy: "Never" }),
            "CaIssuer args",
            "rotationPolicy",
            /applies only to a bootstrapped CA/,
        );
    });

    it("names the default renewBefore a short duration collides with", () => {
        assertArgRefused(
            () => planCaIssuer({ ...good, duration: "500h" }),
            "CaIssuer args",
            "duration",
            /"500h" must be longer than renewBefore, which is the default "720h"/,
        );
        assert.equal(planCaIssuer({ ...good, duration: "500h", renewBefore: "100h", timeoutMinutes: 5 }).issuer.name, "mssql-ca");
    });

    it("throws from the constructor before creating an issuer", () => {
        registered.length = 0;
        assert.throws(() => new CaIssuer("bad", { ...good, timeoutMinutes: 0 }), /CaIssuer args[\s\S]*"timeoutMinutes"/);
        assert.deepEqual(
            registered.filter((t) => t.startsWith("kubernetes:")),
            [],
        );
    });
});

eachArg<CaIssuerArgs>(
    "CaIssuer (bootstrapped)",
    "CaIssuer args",
    {
        database: "mssql",
        namespace: "db",
        kind: "ClusterIssuer",
        duration: "8760h",
        renewBefore: "720h",
        algorithm: "RSA",
        clusterResourceNamespace: "cm",
        rotationPolicy: "Always",
        timeoutMinutes: 5,
    },
    planCaIssuer,
    [
        ["a database name SQL Server refuses", { database: "db-" }, "database"],
        ["a namespace that is no DNS label", { namespace: "Bad_NS" }, "namespace"],
        ["an unknown kind", { kind: "Vault" }, "kind"],
        ["an unknown algorithm", { algorithm: "DSA" }, "algorithm"],
        ["a cluster resource namespace that is no DNS label", { clusterResourceNamespace: "Bad_NS" }, "clusterResourceNamespace"],
        ["an unknown rotation policy", { rotationPolicy: "Sometimes" }, "rotationPolicy"],
        ["a zero timeout", { timeoutMinutes: 0 }, "timeoutMinutes"],
    ],
);

eachArg<CaIssuerArgs>(
    "CaIssuer (existing issuer)",
    "CaIssuer args",
    { database: "mssql", namespace: "db", existing: { kind: "ClusterIssuer", name: "corp-ca" }, timeoutMinutes: 5 },
    planCaIssuer,
    [
        ["an unknown existing kind", { existing: { kind: "Vault", name: "corp-ca" } }, "existing.kind"],
        ["an existing name that is no DNS subdomain", { existing: { kind: "Issuer", name: "Corp CA" } }, "existing.name"],
        ["a rotation policy, which only a bootstrapped CA has", { rotationPolicy: "Always" }, "rotationPolicy"],
    ],
);

describe("CaIssuer: a duration beside the default renewBefore, and the reverse", () => {
    it("names the default each collides with", () => {
        assert.throws(
            () => planCaIssuer({ database: "mssql", namespace: "db", renewBefore: "90000h" }),
            /"renewBefore": "90000h" must be shorter than the certificate's duration, which is the default "87600h" because "duration" is not set/,
        );
        assert.throws(
            () => planCaIssuer({ database: "mssql", namespace: "db", duration: "700h" }),
            /"duration": "700h" must be longer than renewBefore, which is the default "720h" because "renewBefore" is not set/,
        );
    });
});
