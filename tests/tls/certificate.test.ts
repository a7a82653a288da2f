/**
 * Certificate: what it registers with only its required args, and its args refused by name.
 */
import { strict as assert } from "assert";
import { Certificate, CertificateArgs, validateCertificateArgs } from "../../components/tls/certificate";
import { assertArgRefused, eachArg, registered, useMocks } from "../support/componentArgs";
import { T, WAIT_READY, library } from "../support/library";

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

describe("validation: Certificate args", () => {
    const good: CertificateArgs = {
        name: "mssql-ca",
        namespace: "db",
        secretName: "mssql-ca",
        issuer: { kind: "Issuer", name: "mssql-selfsigned" },
        commonName: "mssql.db CA",
        isCA: true,
        duration: "87600h",
        renewBefore: "720h",
        algorithm: "ECDSA",
        usages: ["cert sign", "crl sign", "digital signature"],
        labels: { "app.kubernetes.io/managed-by": "kubedb-mssql" },
    };
    before(useMocks);

    it("accepts a CA certificate's args, and a leaf with DNS names only", () => {
        validateCertificateArgs(good);
        validateCertificateArgs({
            name: "web",
            namespace: "db",
            secretName: "web-tls",
            issuer: { kind: "ClusterIssuer", name: "corp" },
            dnsNames: ["web.example.com"],
            renewBefore: "100h",
        });
    });

    const cases: Array<[string, Partial<CertificateArgs>, string, RegExp]> = [
        [
            "renewBefore not shorter than the duration",
            { duration: "720h", renewBefore: "720h" },
            "renewBefore",
            /"720h" must be shorter than the duration "720h"/,
        ],
        ["renewBefore beyond cert-manager's default duration", { duration: undefined, renewBefore: "2200h" }, "renewBefore", /cert-manager's default "2160h"/],
        ["a duration under cert-manager's minimum", { duration: "30m", renewBefore: "10m" }, "duration", /too short; the minimum is "1h"/],
        ["an unknown key usage", { usages: ["server auth", "web"] }, "usages[1]", /"web" is not allowed; use one of "signing"/],
        ["a common name longer than X.509 allows", { commonName: "x".repeat(65) }, "commonName", /1 to 64 characters/],
        ["no common name nor DNS names", { commonName: undefined }, "commonName", /cert-manager needs at least one of them/],
        ["an issuer kind cert-manager does not have", { issuer: { kind: "Vault" as "Issuer", name: "v" } }, "issuer.kind", /"Issuer", "ClusterIssuer"/],
        ["a secret name that is not a DNS subdomain", { secretName: "My_Secret" }, "secretName", /not a DNS-1123 subdomain/],
        ["a label value Kubernetes refuses", { labels: { app: "no spaces" } }, "labels.app", /not a label value/],
        ["a zero timeout", { timeoutMinutes: 0 }, "timeoutMinutes", /whole number from 1 to 1440/],
    ];
    for (const [title, change, key, pattern] of cases) {
        it(`refuses ${title}`, () => assertArgRefused(() => validateCertificateArgs({ ...good, ...change }), "Certificate args", key, pattern));
    }

    it("throws from the constructor before creating the Certificate", () => {
        registered.length = 0;
        assert.throws(() => new Certificate("bad", { ...good, renewBefore: "90000h" }), /Certificate args[\s\S]*"renewBefore"/);
        assert.deepEqual(
            registered.filter((t) => t.startsWith("kubernetes:")),
            [],
        );
    });
});

const issuer = { kind: "Issuer" as const, name: "mssql-ca" };

eachArg<CertificateArgs>(
    "Certificate",
    "Certificate args",
    {
        name: "web",
        namespace: "db",
        secretName: "web-tls",
        issuer,
        commonName: "web.db",
        dnsNames: ["web.db.svc"],
        isCA: false,
        duration: "2160h",
        renewBefore: "360h",
        algorithm: "RSA",
        rotationPolicy: "Always",
        usages: ["server auth"],
        labels: { app: "web" },
        timeoutMinutes: 5,
    },
    validateCertificateArgs,
    [
        ["a name that is no DNS subdomain", { name: "Web_1" }, "name"],
        ["a namespace that is no DNS label", { namespace: "db.x" }, "namespace"],
        ["an unknown issuer kind", { issuer: { kind: "Vault", name: "v" } }, "issuer.kind"],
        ["an issuer name that is no DNS subdomain", { issuer: { kind: "Issuer", name: "Bad Name" } }, "issuer.name"],
        ["an empty common name", { commonName: "" }, "commonName"],
        ["a common name that is no string", { commonName: 5 }, "commonName"],
        ["a common name of 65 characters", { commonName: "c".repeat(65) }, "commonName"],
        ["dnsNames that are no list", { dnsNames: "web.db.svc" }, "dnsNames"],
        ["a DNS name with an underscore", { dnsNames: ["web.db.svc", "web_1.db"] }, "dnsNames[1]"],
        ["no common name and an empty dnsNames", { commonName: undefined, dnsNames: [] }, "commonName"],
        ["isCA that is no boolean", { isCA: "no" }, "isCA"],
        ["an unknown key algorithm", { algorithm: "DSA" }, "algorithm"],
        ["an unknown rotation policy", { rotationPolicy: "Sometimes" }, "rotationPolicy"],
        ["usages that are no list", { usages: "server auth" }, "usages"],
        ["an unknown usage", { usages: ["server auth", "web"] }, "usages[1]"],
    ],
);

describe("Certificate: the limits themselves are accepted", () => {
    const leaf: CertificateArgs = { name: "web", namespace: "db", secretName: "web-tls", issuer };
    it("a common name of exactly 64 characters", () => validateCertificateArgs({ ...leaf, commonName: "c".repeat(64) }));
    it("DNS names without a common name", () => validateCertificateArgs({ ...leaf, dnsNames: ["web.db.svc"] }));
});
