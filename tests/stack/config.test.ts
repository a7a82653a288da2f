/**
 * The config contract: defaults, the shapes Pulumi hands a program, and bad values refused
 * before any resource exists, with messages that name the key and never echo a secret.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../components/core/problems";
import { SaCredential } from "../../components/credential/saCredential";
import { DEFAULT_VERSION } from "../../components/database/settings";
import { configWarnings, parseStackConfig } from "../../stack/config";
import { runProgram } from "../support/program";
import { configParser, rawConfig } from "../support/stackConfig";
import * as yaml from "js-yaml";

const P = "kubedb-mssql";
const raw = rawConfig;
const { parse, problemsOf } = configParser({});

describe("config: defaults", () => {
    it("fills every default from the config contract", () => {
        const c = parse({ acceptEula: true });
        assert.equal(c.namespace, "mssql");
        assert.equal(c.name, "mssql");
        assert.equal(c.version, DEFAULT_VERSION);
        assert.equal(c.edition, "Developer");
        assert.equal(c.replicas, 1);
        assert.equal(c.availabilityGroup, undefined);
        assert.deepEqual(c.storage, { size: "10Gi", expansionMode: "Online" });
        assert.equal(c.deletionPolicy, "Halt");
        assert.equal(c.mssqlConf, undefined);
        assert.deepEqual(c.restart, { generation: 0 });
        assert.equal(c.autoOps, false);
        assert.equal(c.tls.issuer, undefined);
        assert.equal(c.tls.clientTLS, true);
        assert.deepEqual(c.tls.ca, { kind: "Issuer", duration: "87600h", renewBefore: "720h", algorithm: "ECDSA", clusterResourceNamespace: "cert-manager" });
        assert.equal(c.saPassword, undefined);
        assert.deepEqual(c.rotation, { generation: 0, interval: undefined, anchor: "1970-01-01T00:00:00Z" });
        assert.deepEqual(c.timeouts, { readyMinutes: 25, opsRequestMinutes: 30, opsStepTimeout: "10m" });
    });

    it("defaults an availability group to 3 replicas and Passive secondaries", () => {
        const c = parse({ acceptEula: true, availabilityGroup: { databases: ["app"] } });
        assert.equal(c.replicas, 3);
        assert.deepEqual(c.availabilityGroup, { databases: ["app"], secondaryAccessMode: "Passive" });
        assert.equal(c.timeouts.readyMinutes, 40);
    });

    it("reads flat dotted keys (`pulumi config set rotation.generation 2`) like --path objects", () => {
        const c = parse({ acceptEula: true, "rotation.generation": 2, "storage.size": "50Gi", "tls.rotation.generation": 1 });
        assert.equal(c.rotation.generation, 2);
        assert.equal(c.storage.size, "50Gi");
        assert.equal(c.tls.rotation.generation, 1);
    });

    it("treats Pulumi's text values as JSON where they are JSON", () => {
        const c = parseStackConfig({ [`${P}:acceptEula`]: "true", [`${P}:replicas`]: "5", [`${P}:availabilityGroup`]: '{"databases":["x"]}' });
        assert.equal(c.replicas, 5);
        assert.deepEqual(c.availabilityGroup?.databases, ["x"]);
    });
});

describe("config: bad values are refused, naming the key", () => {
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
        ["missing EULA", {}, "acceptEula", /must be set to true/],
        ["EULA false", { acceptEula: false }, "acceptEula", /does not start unless it is true/],
        ["Standalone with 3 replicas", { acceptEula: true, replicas: 3 }, "replicas", /Standalone server has exactly 1 replica/],
        ["Standalone with 0 replicas", { acceptEula: true, replicas: 0 }, "replicas", /exactly 1 replica/],
        ["AG with 0 replicas", { acceptEula: true, replicas: 0, availabilityGroup: { databases: ["a"] } }, "replicas", /whole number from 1 to 9/],
        ["AG with 2.5 replicas", { acceptEula: true, replicas: 2.5, availabilityGroup: { databases: ["a"] } }, "replicas", /whole number/],
        ["AG with too many replicas", { acceptEula: true, replicas: 12, availabilityGroup: { databases: ["a"] } }, "replicas", /from 1 to 9/],
        [
            "AG with a bad database name",
            { acceptEula: true, availabilityGroup: { databases: ["my-db"] } },
            "availabilityGroup.databases[0]",
            /not a database name/,
        ],
        [
            "AG with an unknown access mode",
            { acceptEula: true, availabilityGroup: { databases: ["a"], secondaryAccessMode: "ReadWrite" } },
            "availabilityGroup.secondaryAccessMode",
            /"Passive", "ReadOnly", "All"/,
        ],
        ["name with capitals", { acceptEula: true, name: "MyDB" }, "name", /not a DNS-1123 label/],
        ["name starting with a digit", { acceptEula: true, name: "1db" }, "name", /must start with a letter/],
        ["name too long", { acceptEula: true, name: "a".repeat(41) }, "name", /at most 40/],
        ["namespace with dots", { acceptEula: true, namespace: "my.ns" }, "namespace", /not a DNS-1123 label/],
        [
            "storage size in GB",
            { acceptEula: true, storage: { size: "10GB" } },
            "storage.size",
            /not a positive Kubernetes quantity; use a number with an optional unit/,
        ],
        ["storage size negative", { acceptEula: true, storage: { size: "-5Gi" } }, "storage.size", /not a positive Kubernetes quantity/],
        ["storage too small", { acceptEula: true, storage: { size: "100Mi" } }, "storage.size", /too small/],
        ["unknown storage field", { acceptEula: true, storage: { size: "10Gi", class: "x" } }, "storage.class", /unknown field/],
        ["unknown issuer kind", { acceptEula: true, tls: { issuer: { kind: "Vault", name: "x" } } }, "tls.issuer.kind", /"Issuer", "ClusterIssuer"/],
        ["empty issuer name", { acceptEula: true, tls: { issuer: { kind: "Issuer", name: "" } } }, "tls.issuer.name", /is empty/],
        ["unknown deletion policy", { acceptEula: true, deletionPolicy: "Keep" }, "deletionPolicy", /"Halt", "Delete", "WipeOut", "DoNotTerminate"/],
        ["unknown edition", { acceptEula: true, edition: "Ultimate" }, "edition", /"Developer"/],
        ["clientTLS not a boolean", { acceptEula: true, tls: { clientTLS: "yes" } }, "tls.clientTLS", /true or false/],
        [
            "renewBefore longer than duration",
            { acceptEula: true, tls: { certificates: { server: { duration: "720h", renewBefore: "800h" } } } },
            "tls.certificates.server.renewBefore",
            /shorter than the duration/,
        ],
        ["a duration in days", { acceptEula: true, tls: { certificates: { server: { duration: "90d" } } } }, "tls.certificates.server.duration", /no days/],
        [
            "endpoint certificate on Standalone",
            { acceptEula: true, tls: { certificates: { endpoint: {} } } },
            "tls.certificates.endpoint",
            /only to an availability group/,
        ],
        [
            "bad DNS name",
            { acceptEula: true, tls: { certificates: { server: { dnsNames: ["bad name"] } } } },
            "tls.certificates.server.dnsNames[0]",
            /not a valid DNS name/,
        ],
        ["unknown key", { acceptEula: true, acceptEULA: true }, "acceptEULA", /unknown config key/],
        ["negative generation", { acceptEula: true, rotation: { generation: -1 } }, "rotation.generation", /whole number/],
        ["interval in seconds", { acceptEula: true, rotation: { interval: "3600s" } }, "rotation.interval", /not an interval/],
        ["interval under an hour", { acceptEula: true, rotation: { interval: "30m" } }, "rotation.interval", /shorter than one hour/],
        ["bad anchor", { acceptEula: true, rotation: { interval: "30d", anchor: "next monday" } }, "rotation.anchor", /RFC 3339/],
    ];
    for (const [title, values, key, message] of cases) {
        it(title, () => {
            const problems = problemsOf(values);
            const mine = problems.filter((p) => p.startsWith(`"${key}":`));
            assert.ok(mine.length > 0, `no problem names "${key}": ${problems.join(" | ")}`);
            assert.ok(
                mine.some((p) => message.test(p)),
                `"${key}" problem does not say ${message}: ${mine.join(" | ")}`,
            );
        });
    }

    it("reports every problem at once", () => {
        const problems = problemsOf({ replicas: 2, deletionPolicy: "Keep", storage: { size: "lots" } });
        assert.deepEqual(problems.map((p) => p.split(":")[0]).sort(), ['"acceptEula"', '"deletionPolicy"', '"replicas"', '"storage.size"']);
    });

    describe("saPassword", () => {
        const weak: Array<[string, string, RegExp]> = [
            ["too short", "Ab1!xyz", /is too short; SQL Server requires 8 to 128 characters/],
            ["too long", "Ab1!" + "x".repeat(130), /is too long; SQL Server requires 8 to 128 characters/],
            ["two classes", "alllowercase123", /uses 2 of the 4 character classes/],
            ["connection-string breaker", "Abc123;DROP", /break connection strings/],
        ];
        for (const [title, password, message] of weak) {
            it(`refuses a password that is ${title}, without echoing it`, () => {
                const problems = problemsOf({ acceptEula: true, saPassword: password });
                const text = problems.join("\n");
                assert.match(text, /"saPassword":/);
                assert.match(text, message);
                assert.ok(!text.includes(password), "the error must not contain the password");
            });
        }

        it("accepts a policy-compliant password", () => {
            assert.equal(parse({ acceptEula: true, saPassword: "Str0ng!Passw0rd" }).saPassword, "Str0ng!Passw0rd");
        });

        it("advises encrypting a password stored in plain text, without echoing it", () => {
            const values = raw({ acceptEula: true, saPassword: "Str0ng!Passw0rd", kubeconfig: "apiVersion: v1" });
            const warnings = configWarnings(values, []);
            assert.equal(warnings.length, 2);
            assert.match(warnings[0], /config "saPassword" is stored in plain text.*pulumi config set --secret saPassword/);
            assert.ok(!warnings.join("").includes("Str0ng!Passw0rd"));
            assert.deepEqual(configWarnings(values, ["saPassword", "kubeconfig"]), []);
        });

        it("refuses a schedule together with a password the user supplies", () => {
            const problems = problemsOf({ acceptEula: true, saPassword: "Str0ng!Passw0rd", rotation: { interval: "30d" } });
            assert.ok(problems.some((p) => p.startsWith('"rotation.interval":') && /cannot rotate a password you supply/.test(p)));
        });
    });
});

describe("config: the program refuses bad config before creating anything", () => {
    it("registers no resource at all and throws the ConfigError", async () => {
        let registered = -1;
        await assert.rejects(
            runProgram({
                config: { acceptEula: true, replicas: 2, saPassword: "short" },
                state: () => {
                    registered++;
                    return undefined;
                },
            }),
            (error: Error) => {
                assert.ok(error instanceof ConfigError || error.name === "ConfigError", String(error));
                // What the Node runtime shows as a plain error (no "unhandled exception", no stack).
                assert.ok(pulumi.RunError.isInstance(error), "a RunError");
                assert.match(error.message, /"replicas"/);
                assert.match(error.message, /"saPassword"/);
                assert.ok(!error.message.includes('short"'), "never echoes the password");
                return true;
            },
        );
        assert.equal(registered, -1, "no resource may be registered");
    });
});

describe("config: a component's bad args are a plain program error too", () => {
    it("a component refuses its args with a RunError naming the component and each arg", () => {
        assert.throws(
            () => new SaCredential("sa", { database: "Orders_DB", namespace: "db", generation: -1 }),
            (error: Error) => {
                assert.ok(pulumi.RunError.isInstance(error), "a RunError");
                assert.match(error.message, /^Invalid SaCredential args \(nothing was created\):\n {2}- "database": [\s\S]*\n {2}- "generation": /);
                return true;
            },
        );
    });
});

describe("config: Pulumi.yaml", () => {
    const project = yaml.load(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.yaml"), "utf8")) as {
        name: string;
        runtime: unknown;
        backend: { url: string };
        config: Record<string, { type: string; default?: unknown; description: string }>;
    } & Record<string, unknown>;
    const declared: Record<string, { type: string; default?: unknown; description: string }> = project.config;

    it("names the project, runs TypeScript on node and keeps state local by default", () => {
        assert.equal(project.name, "kubedb-mssql");
        assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: true, packagemanager: "npm" } });
        assert.equal(project.backend.url, "file://~");
    });

    it("declares keys with a type and a description, and requires acceptEula", () => {
        for (const [key, decl] of Object.entries(declared)) {
            assert.ok(["string", "integer", "boolean", "object"].includes(decl.type), `${key} type`);
            assert.ok(decl.description.length > 20, `${key} description`);
        }
        assert.equal(declared.acceptEula.default, undefined, "no default: the CLI makes the user set it");
        for (const key of ["namespace", "name", "version", "edition", "storage", "deletionPolicy", "tls", "rotation"]) assert.ok(key in declared, key);
    });

    it("declares the same defaults the program applies", () => {
        // The CLI merges project defaults into the config it hands the program.
        const defaults = Object.fromEntries(
            Object.entries(declared)
                .filter(([, d]) => d.default !== undefined)
                .map(([k, d]) => [k, d.default]),
        );
        assert.deepEqual(parse({ ...defaults, acceptEula: true }), parse({ acceptEula: true }));
    });
});
