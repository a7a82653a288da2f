/**
 * Issue 9.1: component args get the same checks as stack config, in the constructor (or a pure
 * function it calls) before any child exists, with errors naming the arg.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CaIssuer, CaIssuerArgs, planCaIssuer } from "../components/tls/caIssuer";
import { Certificate, CertificateArgs, validateCertificateArgs } from "../components/tls/certificate";
import { ConnectionSecret, ConnectionSecretArgs, validateConnectionSecretArgs } from "../components/credential/connectionSecret";
import { SaCredential } from "../components/credential/saCredential";
import { credentialRotationInputs } from "../components/credential/credentialRotation";
import { MssqlServerArgs, resolveMssqlServerArgs } from "../components/database/mssqlServer";
import { currentPeriod } from "../components/credential/schedule";
import { tlsLifecycleInputs } from "../components/tls/tlsLifecycle";
import { kubernetesCluster } from "../components/kube/cluster";
import { parseGoDuration, parseRfc3339 } from "../components/core/durations";
import { ConfigError } from "../components/core/problems";
import { compareQuantities, parseQuantity } from "../components/core/quantities";

/** The problems of a ConfigError thrown by `f`, checked to come from `context`. */
function problemsOf(f: () => unknown, context: string): string[] {
    try {
        f();
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
        assert.match((error as Error).message, new RegExp(`^Invalid ${context} \\(nothing was created\\)`));
        return (error as ConfigError).problems;
    }
    assert.fail("expected the args to be refused");
}

function assertArgRefused(f: () => unknown, context: string, key: string, pattern: RegExp): string {
    const problems = problemsOf(f, context);
    const match = problems.find((p) => p.startsWith(`"${key}":`) && pattern.test(p));
    assert.ok(match, `no "${key}" problem matching ${pattern}: ${problems.join(" | ")}`);
    return match!;
}

/** Records the resources registered under mocks, so that a test can see a constructor created none. */
const registered: string[] = [];
async function useMocks(): Promise<void> {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered.push(args.type);
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        },
        "kubedb-mssql",
        "components",
        false,
    );
}

describe("validation: Kubernetes quantities, durations and instants", () => {
    it("parses every quantity form exactly", () => {
        const bytes = (text: string | number) => {
            const q = parseQuantity(text)!;
            return Number(q.num) / Number(q.den);
        };
        assert.equal(bytes("10Gi"), 10 * 2 ** 30);
        assert.equal(bytes("10737418240"), 10 * 2 ** 30);
        assert.equal(bytes(10737418240), 10 * 2 ** 30);
        assert.equal(bytes("1e10"), 1e10);
        assert.equal(bytes("10E9"), 1e10);
        assert.equal(bytes("2E"), 2e18);
        assert.equal(bytes("1.5k"), 1500);
        assert.equal(bytes("250m"), 0.25);
        assert.equal(bytes("+.5Mi"), 2 ** 19);
        assert.equal(bytes("1e-3"), 0.001);
        for (const bad of ["10GB", "1e", "Gi", "1.2.3", "1 Gi", "ten", "", "0x10"]) assert.equal(parseQuantity(bad), undefined, bad);
        assert.equal(compareQuantities(parseQuantity("0.3")!, parseQuantity("300m")!), 0);
        assert.equal(compareQuantities(parseQuantity("1Gi")!, parseQuantity("1G")!), 1);
    });

    it("parses Go durations as cert-manager does", () => {
        assert.equal(parseGoDuration("1h30m"), 5400);
        assert.equal(parseGoDuration("1.5h"), 5400);
        assert.equal(parseGoDuration("2h45m30.5s"), 9930.5);
        assert.equal(parseGoDuration("300000ms"), 300);
        assert.equal(parseGoDuration("3600000000000ns"), 3600);
        for (const bad of ["90d", "1h 30m", "h", "1", "1hh"]) assert.equal(parseGoDuration(bad), undefined, bad);
    });

    it("reads RFC 3339 instants strictly", () => {
        assert.equal(parseRfc3339("2026-01-04T02:00:00Z"), Date.UTC(2026, 0, 4, 2));
        assert.equal(parseRfc3339("2026-01-04t03:00:00+01:00"), Date.UTC(2026, 0, 4, 2));
        assert.equal(parseRfc3339("2026-01-04T02:00:00.5z"), Date.UTC(2026, 0, 4, 2) + 500);
        assert.equal(new Date(parseRfc3339("0099-12-31T23:59:59Z")!).getUTCFullYear(), 99, "a two-digit year is not 19xx");
        for (const bad of ["2026-02-30T00:00:00Z", "2026-01-04 02:00:00Z", "2026-01-04T02:00:00", "next monday"])
            assert.equal(parseRfc3339(bad), undefined, bad);
    });

    it("refuses a schedule that cannot be counted instead of throwing a RangeError", () => {
        assert.throws(
            () => currentPeriod("99999999999999999999w", "1970-01-01T00:00:00Z", Date.now()),
            (e: Error) => e instanceof ConfigError && /"rotation.interval": .*too long/.test(e.message),
        );
        assert.throws(
            () => currentPeriod("1w", "2026-02-30T00:00:00Z", Date.now()),
            /"rotation.anchor": "2026-02-30T00:00:00Z" is not an RFC 3339 instant with a real date/,
        );
        assert.deepEqual(currentPeriod("1d", "2026-01-04t02:00:00z", Date.UTC(2026, 0, 10, 12)), {
            start: "2026-01-10T02:00:00.000Z",
            next: "2026-01-11T02:00:00.000Z",
        });
    });
});

describe("validation: ConnectionSecret args", () => {
    const good: ConnectionSecretArgs = { database: "mssql", namespace: "db", password: pulumi.secret("Str0ng!Passw0rd"), caBundle: "" };
    before(useMocks);

    it("accepts the stack's args, a plain policy-compliant password and a PEM bundle", () => {
        validateConnectionSecretArgs(good);
        validateConnectionSecretArgs({
            ...good,
            password: "Str0ng!Passw0rd",
            caBundle: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            clientTLS: false,
        });
    });

    it("refuses bad args, naming each, without echoing the password", () => {
        const password = "Str0ng;Passw0rd";
        const problems = problemsOf(
            () =>
                validateConnectionSecretArgs({ database: "1db", namespace: "Bad_NS", password, caBundle: "not a pem", clientTLS: "yes" as unknown as boolean }),
            "ConnectionSecret args",
        );
        assert.deepEqual(
            problems.map((p) => p.split(":")[0]),
            ['"database"', '"namespace"', '"password"', '"caBundle"', '"clientTLS"'],
        );
        assert.match(problems.join("\n"), /"database": "1db" must start with a letter/);
        assert.match(problems.join("\n"), /"password": contains one of ; ' " \{ \} which break connection strings/);
        assert.match(problems.join("\n"), /"caBundle": is not a PEM bundle/);
        assert.ok(!problems.join("\n").includes(password));
    });

    it("throws from the constructor before creating the Secret", () => {
        registered.length = 0;
        assert.throws(() => new ConnectionSecret("bad", { ...good, namespace: "" }), /ConnectionSecret args.*\n.*"namespace": must be a non-empty string/);
        assert.deepEqual(
            registered.filter((t) => t.startsWith("kubernetes:")),
            [],
        );
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

describe("validation: MssqlServer, TlsLifecycle, CredentialRotation and SaCredential args", () => {
    const server: MssqlServerArgs = {
        name: "mssql",
        namespace: "db",
        version: "2022-cu22",
        acceptEula: true,
        authSecretName: "mssql-auth-1",
        issuer: { kind: "Issuer", name: "mssql-ca" },
    };
    before(useMocks);

    it("checks MssqlServer resources, edition, certificates and version like the stack config", () => {
        assertArgRefused(
            () => resolveMssqlServerArgs({ ...server, resources: { limits: { memory: "1Gi" } } }),
            "MssqlServer args",
            "resources.limits.memory",
            /less than the "2Gi"/,
        );
        assertArgRefused(
            () => resolveMssqlServerArgs({ ...server, resources: { requests: { cpu: "4" }, limits: { cpu: "2" } } }),
            "MssqlServer args",
            "resources.requests.cpu",
            /more than the limit "2"/,
        );
        assertArgRefused(
            () => resolveMssqlServerArgs({ ...server, edition: "Express", availabilityGroup: { databases: ["app"] } }),
            "MssqlServer args",
            "edition",
            /has no availability groups/,
        );
        assertArgRefused(
            () => resolveMssqlServerArgs({ ...server, availabilityGroup: { databases: ["app", "APP"] } }),
            "MssqlServer args",
            "availabilityGroup.databases",
            /case-insensitive/,
        );
        assertArgRefused(
            () => resolveMssqlServerArgs({ ...server, certificates: { server: { ipAddresses: ["1::2::3"] } } }),
            "MssqlServer args",
            "certificates.server.ipAddresses[0]",
            /not an IPv4 or IPv6 address/,
        );
        assertArgRefused(() => resolveMssqlServerArgs({ ...server, version: "" }), "MssqlServer args", "version", /not a KubeDB MSSQLServerVersion name/);
        const resolved = resolveMssqlServerArgs({
            ...server,
            storage: { size: "1e10" },
            resources: { requests: { memory: "2Gi", "ephemeral-storage": "1Gi" } },
        });
        assert.equal(resolved.storage.size, "1e10");
    });

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

    it("checks the cluster's plain kubeconfig without echoing it", () => {
        const problem = assertArgRefused(
            () => kubernetesCluster("k", { kubeconfig: "token: abc-secret-123\n" }),
            "kubernetesCluster args",
            "kubeconfig",
            /none of a kubeconfig's fields/,
        );
        assert.ok(!problem.includes("abc-secret-123"));
        assertArgRefused(() => kubernetesCluster("k", { kubeconfig: "users: [\n" }), "kubernetesCluster args", "kubeconfig", /not valid YAML/);
    });

    it("checks CredentialRotation's schedule period and Secret name", () => {
        const rotation = { database: "mssql", namespace: "db", secretName: "mssql-auth-1" };
        assertArgRefused(
            () => credentialRotationInputs({ ...rotation, periodStart: "2026-02-30T00:00:00Z" }),
            "CredentialRotation args",
            "periodStart",
            /not an RFC 3339 instant/,
        );
        assertArgRefused(
            () => credentialRotationInputs({ ...rotation, secretName: "Bad Name" }),
            "CredentialRotation args",
            "secretName",
            /not a DNS-1123 subdomain/,
        );
    });

    it("checks a plain SaCredential password without echoing it, before creating anything", () => {
        registered.length = 0;
        const password = " Str0ng!Passw0rd";
        assert.throws(
            () => new SaCredential("bad", { database: "mssql", namespace: "db", password }),
            (e: Error) => e instanceof ConfigError && /"password": starts or ends with white space/.test(e.message) && !e.message.includes(password.trim()),
        );
        assert.throws(
            () => new SaCredential("bad2", { database: "mssql", namespace: "db", periodStart: "yesterday" }),
            /"periodStart": "yesterday" is not an RFC 3339 instant/,
        );
        assert.deepEqual(
            registered.filter((t) => !t.startsWith("kubedb-mssql:")),
            [],
        );
    });
});
