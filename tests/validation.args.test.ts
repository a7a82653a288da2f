/**
 * Issue 9.1, arg by arg: each component arg, given alone a value its target refuses, is refused
 * under its own name and nothing else is; the same args with every optional field set well pass.
 * So a check that looks at the wrong arg, names the wrong key or is skipped is seen here.
 */
import { strict as assert } from "assert";
import { CaIssuerArgs, planCaIssuer } from "../components/tls/caIssuer";
import { CertificateArgs, validateCertificateArgs } from "../components/tls/certificate";
import { ConnectionSecretArgs, validateConnectionSecretArgs } from "../components/credential/connectionSecret";
import { SaCredentialArgs, validateSaCredentialArgs } from "../components/credential/saCredential";
import { CredentialRotationArgs, credentialRotationInputs } from "../components/credential/credentialRotation";
import { MssqlServerArgs, resolveMssqlServerArgs } from "../components/database/mssqlServer";
import { TlsLifecycleArgs, tlsLifecycleInputs } from "../components/tls/tlsLifecycle";
import { ConfigError } from "../components/core/problems";

/** The keys named by the ConfigError `f` throws (each once, in order), [] when it throws none. */
function refusedKeys(f: () => unknown, context: string): string[] {
    try {
        f();
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
        assert.match(error.message, new RegExp(`^Invalid ${context} \\(nothing was created\\)`));
        return [...new Set(error.problems.map((p) => /^"([^"]+)":/.exec(p)![1]))];
    }
    return [];
}

/** [what is wrong, args patch, the one key refused] */
type Case<A> = [string, Partial<Record<keyof A, unknown>> | Record<string, unknown>, string];

function eachArg<A>(component: string, context: string, good: A, check: (args: A) => unknown, cases: Case<A>[]): void {
    describe(`${component}: one bad arg at a time`, () => {
        it("accepts the args with every optional field set", () =>
            assert.deepEqual(
                refusedKeys(() => check(good), context),
                [],
            ));
        for (const [title, patch, key] of cases) {
            it(`refuses ${title} under "${key}" alone`, () => {
                assert.deepEqual(
                    refusedKeys(() => check({ ...good, ...patch } as A), context),
                    [key],
                );
            });
        }
    });
}

const issuer = { kind: "Issuer" as const, name: "mssql-ca" };

eachArg<ConnectionSecretArgs>(
    "ConnectionSecret",
    "ConnectionSecret args",
    {
        database: "mssql",
        namespace: "db",
        password: "Str0ng!Passw0rd",
        caBundle: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        clientTLS: false,
    },
    validateConnectionSecretArgs,
    [
        ["a database name SQL Server refuses", { database: "1db" }, "database"],
        ["a namespace that is no DNS label", { namespace: "Bad_NS" }, "namespace"],
        ["a password against the policy", { password: "short" }, "password"],
        ["a missing password", { password: undefined }, "password"],
        ["a null password", { password: null }, "password"],
        ["a CA bundle that is not PEM", { caBundle: "not pem" }, "caBundle"],
        ["a missing CA bundle", { caBundle: undefined }, "caBundle"],
        ["a null CA bundle", { caBundle: null }, "caBundle"],
        ["clientTLS that is no boolean", { clientTLS: "yes" }, "clientTLS"],
    ],
);

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

const server: MssqlServerArgs = {
    name: "mssql",
    namespace: "db",
    version: "2022-cu22",
    acceptEula: true,
    authSecretName: "mssql-auth-1",
    issuer,
    edition: "Enterprise",
    replicas: 3,
    availabilityGroup: { databases: ["app"], secondaryAccessMode: "Passive" },
    storage: { size: "20Gi", storageClass: "fast" },
    deletionPolicy: "Halt",
    clientTLS: true,
    readyTimeoutMinutes: 30,
    mssqlConf: "[memory]\nmemorylimitmb = 2048\n",
    autoOps: false,
    resources: { requests: { memory: "4Gi" }, limits: { memory: "4Gi" } },
    certificates: { server: { duration: "2160h" }, endpoint: { duration: "2160h" } },
};
eachArg<MssqlServerArgs>("MssqlServer", "MssqlServer args", server, resolveMssqlServerArgs, [
    ["a database name SQL Server refuses", { name: "1db" }, "name"],
    ["a namespace that is no DNS label", { namespace: "Bad_NS" }, "namespace"],
    ["an unknown version", { version: "" }, "version"],
    ["an unknown edition", { edition: "Home" }, "edition"],
    ["a EULA not accepted", { acceptEula: false }, "acceptEula"],
    ["too many replicas", { replicas: 99 }, "replicas"],
    ["databases that are no list", { availabilityGroup: { databases: "app" } }, "availabilityGroup.databases"],
    ["an unknown secondary access mode", { availabilityGroup: { databases: ["app"], secondaryAccessMode: "Hot" } }, "availabilityGroup.secondaryAccessMode"],
    ["replicas beside a standalone server", { availabilityGroup: undefined, replicas: 2, certificates: undefined }, "replicas"],
    ["a storage size that is no quantity", { storage: { size: "10GB" } }, "storage.size"],
    ["a StorageClass that is no DNS subdomain", { storage: { size: "20Gi", storageClass: "Fast_SSD" } }, "storage.storageClass"],
    ["an unknown deletion policy", { deletionPolicy: "Keep" }, "deletionPolicy"],
    ["an auth Secret name that is no DNS subdomain", { authSecretName: "Auth Secret" }, "authSecretName"],
    ["an unknown issuer kind", { issuer: { kind: "Vault", name: "v" } }, "issuer.kind"],
    ["an issuer name that is no DNS subdomain", { issuer: { kind: "Issuer", name: "Bad Name" } }, "issuer.name"],
    ["clientTLS that is no boolean", { clientTLS: "yes" }, "clientTLS"],
    ["an endpoint certificate without an availability group", { availabilityGroup: undefined, replicas: 1, edition: "Developer" }, "certificates.endpoint"],
    ["a zero ready timeout", { readyTimeoutMinutes: 0 }, "readyTimeoutMinutes"],
    ["an mssql.conf line that is no setting", { mssqlConf: "memorylimitmb\n" }, "mssqlConf"],
    ["autoOps that is no boolean", { autoOps: "no" }, "autoOps"],
]);

describe("MssqlServer: no issuer at all is refused by name, not by a TypeError", () => {
    it("names issuer.kind and issuer.name", () => {
        assert.deepEqual(
            refusedKeys(() => resolveMssqlServerArgs({ ...server, issuer: undefined as unknown as MssqlServerArgs["issuer"] }), "MssqlServer args"),
            ["issuer.kind", "issuer.name"],
        );
    });
});

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

eachArg<CredentialRotationArgs>(
    "CredentialRotation",
    "CredentialRotation args",
    {
        database: "mssql",
        namespace: "db",
        secretName: "mssql-auth-1",
        generation: 3,
        periodStart: "2026-01-04T02:00:00Z",
        stepTimeout: "5m",
        timeoutMinutes: 20,
    },
    (a) => credentialRotationInputs(a),
    [
        ["a database name SQL Server refuses", { database: "1db" }, "database"],
        ["a namespace that is no DNS label", { namespace: "Bad_NS" }, "namespace"],
        ["a Secret name that is no DNS subdomain", { secretName: "Bad Name" }, "secretName"],
        ["a period start that is no instant", { periodStart: "monday" }, "periodStart"],
        ["a step timeout that is no duration", { stepTimeout: "5 minutes" }, "stepTimeout"],
        ["a zero timeout", { timeoutMinutes: 0 }, "timeoutMinutes"],
        ["a negative generation", { generation: -1 }, "generation"],
    ],
);

eachArg<SaCredentialArgs>(
    "SaCredential",
    "SaCredential args",
    {
        database: "mssql",
        namespace: "db",
        password: "Str0ng!Passw0rd",
        generation: 1,
        periodStart: "2026-01-04T02:00:00Z",
        resumeRetained: false,
    },
    validateSaCredentialArgs,
    [
        ["a database name SQL Server refuses", { database: "1db" }, "database"],
        ["a namespace that is no DNS label", { namespace: "Bad_NS" }, "namespace"],
        ["a negative generation", { generation: -1 }, "generation"],
        ["a period start that is no instant", { periodStart: "monday" }, "periodStart"],
        ["a password against the policy", { password: "password" }, "password"],
        ["a resumeRetained that is no boolean", { resumeRetained: "yes" as unknown as boolean }, "resumeRetained"],
    ],
);

describe('SaCredential and CredentialRotation: "none" is the period of an unscheduled credential', () => {
    it("is accepted, not read as an instant", () => {
        assert.deepEqual(
            refusedKeys(() => validateSaCredentialArgs({ database: "mssql", namespace: "db", periodStart: "none" }), "SaCredential args"),
            [],
        );
        assert.deepEqual(
            refusedKeys(
                () => credentialRotationInputs({ database: "mssql", namespace: "db", secretName: "s", periodStart: "none" }),
                "CredentialRotation args",
            ),
            [],
        );
    });
});
