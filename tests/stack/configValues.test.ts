/**
 * Issue 9.1, "accept exactly what works": stack config values that used to be accepted and then
 * failed in the cluster (refused now, naming the key, what is allowed and what was given), and
 * valid values that used to be refused (accepted now).
 */
import { strict as assert } from "assert";
import { ConfigError } from "../../components/core/problems";
import { parseStackConfig } from "../../stack/config";
import { assertAllObjectsValid } from "../support/checks";
import { runProgram } from "../support/program";
import { configParser, rawConfig } from "../support/stackConfig";

const P = "kubedb-mssql";
const raw = rawConfig;
const { parse, problemsOf } = configParser({ acceptEula: true });

/** Refused, with a problem under `key` that matches every pattern (what is allowed, what was given). */
function assertRefused(values: Record<string, unknown>, key: string, ...patterns: RegExp[]): string {
    const problems = problemsOf(values);
    const mine = problems.filter((p) => p.startsWith(`"${key}":`));
    assert.ok(mine.length > 0, `no problem names "${key}": ${problems.join(" | ")}`);
    const match = mine.find((p) => patterns.every((re) => re.test(p)));
    assert.ok(match, `"${key}" problem does not say ${patterns.join(" and ")}: ${mine.join(" | ")}`);
    return match!;
}

/** Refused through the whole program: a ConfigError naming `key`, and not one resource registered. */
async function assertProgramRefuses(config: Record<string, unknown>, key: string, pattern: RegExp, secret?: string): Promise<void> {
    let registered = 0;
    await assert.rejects(
        runProgram({
            config: { acceptEula: true, ...config },
            state: () => {
                registered++;
                return undefined;
            },
        }),
        (error: Error) => {
            assert.ok(error instanceof ConfigError || error.name === "ConfigError", `expected a ConfigError, got ${error.stack}`);
            assert.match(error.message, new RegExp(`"${key.replace(/[.[\]]/g, "\\$&")}": `));
            assert.match(error.message, pattern);
            if (secret) assert.ok(!error.message.includes(secret), "the error must not repeat the secret");
            return true;
        },
    );
    assert.equal(registered, 0, "no resource may be registered");
}

describe("validation: resources", () => {
    it("refuses a cpu request above its limit, compared as quantities", () => {
        assertRefused(
            { resources: { requests: { cpu: "2" }, limits: { cpu: "1500m" } } },
            "resources.requests.cpu",
            /"2" is more than the limit "1500m"/,
            /may not exceed its limit/,
        );
    });

    it("refuses a memory request above its limit in other units (8Gi > 8000Mi)", () => {
        assertRefused(
            { resources: { requests: { memory: "8Gi" }, limits: { memory: "8000Mi" } } },
            "resources.requests.memory",
            /"8Gi" is more than the limit "8000Mi"/,
        );
    });

    it("accepts requests equal to limits written differently, exponents included", () => {
        const c = parse({ resources: { requests: { cpu: "0.5", memory: "2Gi" }, limits: { cpu: "5e-1", memory: "2147483648" } } });
        assert.deepEqual(c.resources, { requests: { cpu: "0.5", memory: "2Gi" }, limits: { cpu: "5e-1", memory: "2147483648" } });
    });

    for (const value of ["1Gi", "2000M"]) {
        it(`refuses a memory limit of ${value}, below the 2Gi SQL Server needs`, () => {
            assertRefused(
                { resources: { limits: { memory: value } } },
                "resources.limits.memory",
                new RegExp(`"${value}" is less than the "2Gi" \\(2147483648 bytes\\)`),
            );
        });
    }

    it("accepts a memory request under 2Gi: SQL Server sees the limit, the request only sizes scheduling", () => {
        assert.deepEqual(parse({ resources: { requests: { memory: "1500Mi" }, limits: { memory: "4Gi" } } }).resources, {
            requests: { memory: "1500Mi" },
            limits: { memory: "4Gi" },
        });
        assert.equal(parse({ resources: { requests: { memory: "1Gi" } } }).resources?.requests?.memory, "1Gi");
    });

    it("accepts 2Gi of memory in any spelling, and byte counts set as numbers", () => {
        for (const memory of ["2Gi", "2048Mi", "2147483648", "2.5Gi", "3e9", 4294967296]) {
            assert.equal(parse({ resources: { limits: { memory } } }).resources?.limits?.memory, String(memory));
        }
    });

    it("accepts ephemeral-storage and hugepages", () => {
        const c = parse({
            resources: {
                requests: { memory: "4Gi", "ephemeral-storage": "10Gi", "hugepages-2Mi": "1Gi" },
                limits: { memory: "4Gi", "ephemeral-storage": "20Gi", "hugepages-2Mi": "1Gi" },
            },
        });
        assert.equal(c.resources?.limits?.["ephemeral-storage"], "20Gi");
        assert.equal(c.resources?.requests?.["hugepages-2Mi"], "1Gi");
    });

    it("refuses hugepages Kubernetes does not admit", () => {
        assertRefused({ resources: { requests: { memory: "4Gi", "hugepages-2Mi": "1Gi" } } }, "resources.limits.hugepages-2Mi", /limit equal to the request/);
        assertRefused(
            { resources: { limits: { memory: "4Gi", "hugepages-2Mi": "3Mi" } } },
            "resources.limits.hugepages-2Mi",
            /"3Mi" is not a whole number of 2Mi pages/,
        );
        assertRefused({ resources: { limits: { "hugepages-1Gi": "2Gi" } } }, "resources", /without cpu or memory/);
        assertRefused(
            { resources: { requests: { "ephemeral-storage": "20Gi" }, limits: { "ephemeral-storage": "10Gi" } } },
            "resources.requests.ephemeral-storage",
            /more than the limit "10Gi"/,
        );
    });

    it("names the resources it knows when given another", () => {
        assertRefused({ resources: { limits: { gpu: "1" } } }, "resources.limits.gpu", /allowed: cpu, memory, ephemeral-storage, hugepages-<page size>/);
    });
});

describe("validation: storage size", () => {
    it("accepts plain bytes, also set as a number, and exponents", () => {
        for (const size of ["10737418240", 10737418240, "1e10", "10E9", "1.5Gi", "2T", "10737418240000m"]) {
            assert.equal(parse({ storage: { size } }).storage.size, String(size));
        }
        // `pulumi config set --path storage.size 10737418240` without a JSON object: a flat key.
        assert.equal(parseStackConfig(raw({ acceptEula: true, "storage.size": "10737418240" })).storage.size, "10737418240");
    });

    it("refuses sizes Kubernetes cannot hold or SQL Server cannot use", () => {
        assertRefused({ storage: { size: "1e9" } }, "storage.size", /"1e9" is too small; SQL Server needs at least "1Gi"/);
        assertRefused({ storage: { size: "1e30" } }, "storage.size", /larger than a Kubernetes quantity can hold/);
        assertRefused({ storage: { size: "1e" } }, "storage.size", /not a positive Kubernetes quantity/);
    });

    it("sends a byte count the MSSQLServer CRD admits", async () => {
        const run = await runProgram({ config: { acceptEula: true, storage: { size: 10737418240 } } });
        assert.equal(run.one("kubernetes:kubedb.com/v1alpha2:MSSQLServer").inputs.spec.storage.resources.requests.storage, "10737418240");
        assertAllObjectsValid(run);
    });
});

describe("validation: names that look like numbers", () => {
    it("accepts a namespace, StorageClass, issuer and CA namespace typed as numbers or booleans", () => {
        const c = parse({
            namespace: 123,
            storage: { size: "10Gi", storageClass: 7 },
            tls: { issuer: { kind: "ClusterIssuer", name: 42 }, ca: { clusterResourceNamespace: 456 } },
        });
        assert.equal(c.namespace, "123");
        assert.equal(c.storage.storageClass, "7");
        assert.deepEqual(c.tls.issuer, { kind: "ClusterIssuer", name: "42" });
        assert.equal(c.tls.ca.clusterResourceNamespace, "456");
        assert.equal(parse({ namespace: "true" }).namespace, "true");
    });

    it("keeps every digit of a long numeric name", () => {
        assert.equal(parse({ namespace: "12345678901234567890" }).namespace, "12345678901234567890");
    });

    it("says a numeric database name must start with a letter (KubeDB's CRD pattern)", () => {
        const problem = assertRefused({ name: 123 }, "name", /"123" must start with a letter/);
        assert.doesNotMatch(problem, /non-empty string/);
    });

    it("creates the namespace the user typed", async () => {
        const run = await runProgram({ config: { acceptEula: true, namespace: "2024" } });
        assert.equal(run.one("kubernetes:core/v1:NamespacePatch").inputs.metadata.name, "2024");
    });
});

describe("validation: certificates", () => {
    it("refuses a renewBefore not shorter than cert-manager's default duration when only renewBefore is set", () => {
        assertRefused(
            { tls: { certificates: { server: { renewBefore: "2160h" } } } },
            "tls.certificates.server.renewBefore",
            /"2160h" must be shorter than the certificate's duration, which is cert-manager's default "2160h"/,
            /"tls.certificates.server.duration" is not set/,
        );
        // Under the default duration it is fine, and so is a duration alone (cert-manager renews at two thirds).
        assert.equal(parse({ tls: { certificates: { server: { renewBefore: "2000h" } } } }).tls.certificates.server?.renewBefore, "2000h");
        assert.equal(parse({ tls: { certificates: { client: { duration: "2h" } } } }).tls.certificates.client?.duration, "2h");
    });

    it("refuses a CA duration not longer than the CA's default renewBefore", () => {
        assertRefused({ tls: { ca: { duration: "500h" } } }, "tls.ca.duration", /"500h" must be longer than renewBefore, which is the CA's default "720h"/);
    });

    it("refuses a duration longer than Go can hold", () => {
        assertRefused(
            { tls: { certificates: { server: { duration: "3000000h" } } } },
            "tls.certificates.server.duration",
            /too long; a Go duration holds at most "2562047h"/,
        );
    });

    for (const ip of ["1::2::3", ":::", "12345::1", "1:2:3:4:5:6:7:8:9", "2001:db8::ffff::1"]) {
        it(`refuses the malformed IPv6 address ${ip}`, () => {
            assertRefused(
                { tls: { certificates: { server: { ipAddresses: ["10.0.0.5", ip] } } } },
                "tls.certificates.server.ipAddresses[1]",
                /is not an IPv4 or IPv6 address/,
                new RegExp(JSON.stringify(ip).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
            );
        });
    }

    it("accepts IPv6 and IPv4-mapped IPv6 addresses", () => {
        const ipAddresses = ["::ffff:192.0.2.1", "2001:db8::5", "::1", "2001:DB8:0:0:0:0:0:5", "10.0.0.5"];
        assert.deepEqual(parse({ tls: { certificates: { server: { ipAddresses } } } }).tls.certificates.server?.ipAddresses, ipAddresses);
    });

    it("refuses a private key rotation policy beside an existing issuer, explaining why", () => {
        assertRefused(
            { tls: { issuer: { kind: "Issuer", name: "corp" }, privateKeyRotationPolicy: "Never" } },
            "tls.privateKeyRotationPolicy",
            /applies only to the CA this program bootstraps/,
            /"tls.issuer" names an existing issuer/,
        );
    });
});

describe("validation: availability groups", () => {
    it("refuses database names that differ only in case", () => {
        assertRefused({ availabilityGroup: { databases: ["Orders", "orders"] } }, "availabilityGroup.databases", /"Orders" and "orders"/, /case-insensitive/);
    });

    for (const db of ["master", "Model", "MSDB", "tempdb"]) {
        it(`refuses the system database ${db}`, () => {
            assertRefused({ availabilityGroup: { databases: ["app", db] } }, "availabilityGroup.databases[1]", new RegExp(`"${db}" is a system database`));
        });
    }

    for (const edition of ["Express", "Web"]) {
        it(`refuses an availability group on ${edition}, which has none`, () => {
            assertRefused(
                { edition, availabilityGroup: { databases: ["app"] } },
                "edition",
                new RegExp(`"${edition}" has no availability groups; use "Developer"`),
            );
        });
    }

    it("refuses what a Standard edition basic availability group cannot do", () => {
        assertRefused(
            { edition: "Standard", availabilityGroup: { databases: ["app"] } },
            "replicas",
            /is 3, but the Standard edition has only basic availability groups: at most 2 replicas/,
        );
        assertRefused(
            { edition: "Standard", replicas: 2, availabilityGroup: { databases: ["a", "b"] } },
            "availabilityGroup.databases",
            /lists 2 databases, .*1 database/,
        );
        assertRefused(
            { edition: "Standard", replicas: 2, availabilityGroup: { databases: ["a"], secondaryAccessMode: "ReadOnly" } },
            "availabilityGroup.secondaryAccessMode",
            /"ReadOnly", .*Passive secondaries/,
        );
        // A basic group on Standard, any group on Enterprise, and a product key (its edition cannot be told) pass.
        assert.equal(parse({ edition: "Standard", replicas: 2, availabilityGroup: { databases: ["app"] } }).replicas, 2);
        assert.deepEqual(parse({ edition: "Enterprise", availabilityGroup: { databases: ["orders", "Orders_2"] } }).availabilityGroup?.databases, [
            "orders",
            "Orders_2",
        ]);
        assert.equal(parse({ edition: "ABCDE-12345-FGHIJ-67890-KLMNO", availabilityGroup: { databases: ["app"] } }).edition, "ABCDE-12345-FGHIJ-67890-KLMNO");
    });
});

describe("validation: saPassword", () => {
    for (const password of [" Str0ng!Passw0rd", "Str0ng!Passw0rd ", "Str0ng!Passw0rd\u00a0"]) {
        it(`refuses leading or trailing white space (${JSON.stringify(password.replace(/[^\s]/g, "x"))}) without echoing the password`, () => {
            const problem = assertRefused({ saPassword: password }, "saPassword", /starts or ends with white space/, /spaces inside are fine/);
            assert.ok(!problem.includes("Str0ng!Passw0rd"));
            assert.equal(parse({ saPassword: password.trim().replace("!", " ") }).saPassword, "Str0ng Passw0rd", "a space inside is fine");
        });
    }
});

describe("validation: rotation schedule", () => {
    for (const anchor of [
        "2026-02-30T00:00:00Z",
        "2025-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-01-04T24:00:00Z",
        "2026-01-04T02:60:00Z",
        "2026-13-01T00:00:00Z",
        "2026-01-04T02:00:00+25:00",
    ]) {
        it(`refuses the impossible anchor ${anchor}`, () => {
            assertRefused(
                { rotation: { interval: "1w", anchor } },
                "rotation.anchor",
                new RegExp(`"${anchor.replace(/[+]/g, "\\+")}" is not an RFC 3339 instant with a real date and time`),
            );
        });
    }

    it("accepts RFC 3339 with lower-case t and z, offsets and fractions, and a leap day", () => {
        for (const anchor of [
            "2026-01-04t02:00:00z",
            "2026-01-04T03:00:00+01:00",
            "2026-01-04T02:00:00.250Z",
            "2024-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z",
        ]) {
            assert.equal(parse({ rotation: { interval: "1w", anchor } }).rotation.anchor, anchor);
        }
    });

    it("counts a lower-case anchor like the upper-case one", async () => {
        const now = new Date("2026-11-23T10:00:00Z");
        const upper = await runProgram({ config: { acceptEula: true, rotation: { interval: "1w", anchor: "2026-01-04T02:00:00Z" } }, now });
        const lower = await runProgram({ config: { acceptEula: true, rotation: { interval: "1w", anchor: "2026-01-04t02:00:00z" } }, now });
        assert.deepEqual(lower.outputs.credentialRotation, upper.outputs.credentialRotation);
        assert.equal((lower.outputs.credentialRotation as { periodStart: string }).periodStart, "2026-11-22T02:00:00.000Z");
    });

    it("refuses an interval longer than 3650d, also one too large for a date, before anything is created", async () => {
        assertRefused({ rotation: { interval: "3651d" } }, "rotation.interval", /"3651d" is too long; the longest interval is "3650d"/);
        assert.equal(parse({ rotation: { interval: "3650d" } }).rotation.interval, "3650d");
        await assertProgramRefuses({ rotation: { interval: "99999999999999999999w" } }, "rotation.interval", /is too long; the longest interval is "3650d"/);
    });
});

describe("validation: kubeconfig", () => {
    const token = "secret-token-0123456789";
    const notKubeconfigs: Array<[string, string, RegExp]> = [
        ["a YAML mapping of something else", `name: app\ntoken: ${token}\n`, /has none of a kubeconfig's fields/],
        ["a Kubernetes object of another kind", `apiVersion: v1\nkind: Secret\ndata:\n  token: ${token}\n`, /has a "kind" other than Config/],
        ["a YAML list", `- ${token}\n- b\n`, /is not a YAML mapping/],
        ["broken YAML", `apiVersion: v1\nusers: [\n  ${token}\n`, /is not valid YAML \(line \d+\)/],
        [
            "a current context that does not exist",
            `apiVersion: v1\nkind: Config\ncurrent-context: ${token}\ncontexts: []\n`,
            /current-context that is not among its contexts/,
        ],
    ];
    for (const [title, text, message] of notKubeconfigs) {
        it(`refuses ${title}, without echoing it`, () => {
            const problem = assertRefused(
                { kubeconfig: text },
                "kubeconfig",
                message,
                /it must be kubeconfig text|is not a usable kubeconfig|not among its contexts/,
            );
            assert.ok(!problem.includes(token), "the kubeconfig must never appear in an error");
        });
    }

    it("refuses it in the program before anything is created", async () => {
        await assertProgramRefuses({ kubeconfig: `name: app\ntoken: ${token}\n` }, "kubeconfig", /has none of a kubeconfig's fields/, token);
    });

    it("accepts a kubeconfig, and refuses it once its cluster has no server", () => {
        const text =
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n";
        assert.equal(parse({ kubeconfig: text }).kubeconfig, text);
        const problem = assertRefused(
            { kubeconfig: text.replace("server: https://127.0.0.1:6443", `proxy-url: ${token}`) },
            "kubeconfig",
            /is not a usable kubeconfig: clusters\[0\]\.cluster\.server is missing/,
        );
        assert.ok(!problem.includes(token));
    });
});

describe("validation: config keys", () => {
    it("refuses names inherited from Object.prototype as unknown keys", () => {
        const problemsFor = (key: string) => {
            try {
                parseStackConfig({ [`${P}:acceptEula`]: "true", [`${P}:${key}`]: "x" });
            } catch (e) {
                return (e as ConfigError).problems;
            }
            return [];
        };
        for (const key of ["constructor", "toString", "__proto__", "tls.__proto__.clientTLS"]) {
            const problems = problemsFor(key);
            assert.ok(
                problems.some((p) => p.startsWith(`"${key}": unknown config key`)),
                `${key}: ${problems.join(" | ")}`,
            );
        }
        const problems = problemsFor("tls.constructor.prototype.polluted");
        assert.ok(
            problems.some((p) => p.startsWith('"tls.constructor": unknown field')),
            problems.join(" | "),
        );
        assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype is untouched");
    });

    it("reports a flat key under a value that is not an object instead of crashing", () => {
        const problems = (() => {
            try {
                parseStackConfig(raw({ acceptEula: true, tls: { issuer: "corp" }, "tls.issuer.name": "x" }));
            } catch (e) {
                return (e as ConfigError).problems;
            }
            return [];
        })();
        assert.ok(
            problems.some((p) => p.startsWith('"tls.issuer.name": conflicts with "tls.issuer", which is not an object')),
            problems.join(" | "),
        );
    });
});
