/**
 * The pure checks at their edges: the exact boundary each rule draws (63, 253, 2^63-1, 8/128
 * characters, one hour, leap days), what a refusal says (the key, what is allowed, what was
 * given), and values that must not crash a check. Written from the mutation report of issue 9:
 * each case here is one a broken copy of the code used to pass.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { checkDnsLabel, checkDnsName, checkDnsSubdomain, checkInteger, checkIpAddress, checkLabels, checkSaPassword } from "../components/core/checks";
import { checkCertificateDurations, checkGoDuration, checkInterval, checkRfc3339, parseGoDuration, parseRfc3339 } from "../components/core/durations";
import { ConfigError, Problems, nameText, shown } from "../components/core/problems";
import { checkResourceQuantity, checkResources, checkStorageQuantity, parseQuantity, quantityText } from "../components/core/quantities";
import { checkAvailabilityGroup, checkMssqlConf } from "../components/database/settings";
import { collectRawConfig, parseStackConfig, readStackConfig } from "../stack/config";
import { configParser } from "./support/stackConfig";

const { parse, problemsOf } = configParser({ acceptEula: true });

/** The problems collected in `problems`, as "key": text lines. */
function listed(problems: Problems): string[] {
    try {
        problems.throwIfAny();
    } catch (error) {
        return (error as ConfigError).problems;
    }
    return [];
}

/** The problems `check` adds. */
function problemsFrom(check: (p: Problems) => void): string[] {
    const problems = new Problems();
    check(problems);
    return listed(problems);
}

/** The config problems under exactly `key`. */
function problemsAt(values: Record<string, unknown>, key: string): string[] {
    return problemsOf(values).filter((p) => p.startsWith(`"${key}": `));
}

describe("validation edges: errors and shown values", () => {
    it("one ConfigError lists every problem under its key and says nothing was created", () => {
        const problems = new Problems();
        problems.add("a", "is wrong");
        problems.add("b", undefined);
        problems.add("c", "is also wrong");
        assert.equal(problems.count, 2);
        assert.throws(
            () => problems.throwIfAny(),
            (error: Error) => {
                assert.ok(error instanceof ConfigError);
                assert.equal(error.name, "ConfigError");
                assert.equal(error.message, 'Invalid configuration (nothing was created):\n  - "a": is wrong\n  - "c": is also wrong');
                return true;
            },
        );
        assert.match(new ConfigError(["x"]).message, /^Invalid configuration \(nothing was created\):\n {2}- x$/);
        assert.match(new ConfigError(["x"], "Certificate args").message, /^Invalid Certificate args \(nothing was created\)/);
        assert.doesNotThrow(() => new Problems().throwIfAny());
    });

    it("shows a value as JSON, an absent one as undefined, and cuts a long one at 80 characters", () => {
        assert.equal(shown("10Gi"), '"10Gi"');
        assert.equal(shown(5), "5");
        assert.equal(shown({ a: 1 }), '{"a":1}');
        assert.equal(shown(undefined), "undefined");
        assert.equal(shown("x".repeat(78)), `"${"x".repeat(78)}"`, "80 characters are shown whole");
        const long = shown("x".repeat(79));
        assert.equal(long.length, 80);
        assert.ok(long.endsWith("x..."));
    });

    it("reads a name that config stored as a number or boolean as its text, and leaves anything else for the checks", () => {
        assert.equal(nameText(0), "0");
        assert.equal(nameText(123), "123");
        assert.equal(nameText(true), "true");
        assert.equal(nameText(-1), -1);
        assert.equal(nameText(1.5), 1.5);
        assert.equal(nameText("db"), "db");
    });
});

describe("validation edges: names", () => {
    it("a DNS label has at most 63 characters; a shorter limit is honoured and named", () => {
        assert.equal(checkDnsLabel("a".repeat(63)), undefined);
        assert.match(checkDnsLabel("a".repeat(64))!, /is not a DNS-1123 label: use at most 63 /);
        assert.equal(checkDnsLabel("a".repeat(40), 40), undefined);
        assert.match(checkDnsLabel("a".repeat(41), 40)!, /at most 40 /);
        assert.equal(checkDnsLabel(""), 'must be a non-empty string, got ""');
    });

    it("a DNS subdomain has at most 253 characters, and an empty one is named as empty", () => {
        const label = "a".repeat(63);
        const exactly253 = [label, label, label, "a".repeat(61)].join(".");
        assert.equal(exactly253.length, 253);
        assert.equal(checkDnsSubdomain(exactly253), undefined);
        assert.match(checkDnsSubdomain(exactly253 + "a")!, /is not a DNS-1123 subdomain: .*at most 253 characters/);
        assert.equal(checkDnsSubdomain(""), 'must be a non-empty string, got ""');
        assert.equal(checkDnsSubdomain(7), "must be a non-empty string, got 7");
    });

    it("a certificate DNS name may be upper case or one wildcard label deep; each label has at most 63 characters", () => {
        for (const ok of ["a.example.com", "MSSQL.Example.com", "*.mssql.svc", "a"]) assert.equal(checkDnsName(ok), undefined, ok);
        assert.equal(checkDnsName(`${"a".repeat(63)}.com`), undefined);
        for (const bad of [`${"a".repeat(64)}.com`, "*.*.svc", "bad name", ".svc"]) {
            assert.match(checkDnsName(bad)!, /is not a valid DNS name/, bad);
        }
        assert.equal(checkDnsName(5), "must be a string, got 5");
        assert.equal(checkIpAddress(5), "must be a string, got 5");
    });

    it("labels: an optional DNS-subdomain prefix, a name of at most 63 characters, a value of at most 63 characters", () => {
        const ok = { a: "b", "example.com/app": "x", [`example.com/${"n".repeat(63)}`]: "v".repeat(63), tier: "", "app.kubernetes.io/name": "mssql_1.0" };
        assert.deepEqual(
            problemsFrom((p) => checkLabels(p, "labels", ok)),
            [],
        );
        const bad: Array<[string, unknown, RegExp]> = [
            ["Example.com/app", "x", /is not a label name/],
            ["/app", "x", /is not a label name/],
            ["n".repeat(64), "x", /is not a label name/],
            ["-app", "x", /is not a label name/],
            ["app", "v".repeat(64), /is not a label value/],
            ["app", "-x", /"-x" is not a label value/],
            ["app", 5, /^5 is not a label value/],
        ];
        for (const [name, value, pattern] of bad) {
            const problems = problemsFrom((p) => checkLabels(p, "labels", { [name]: value }));
            assert.equal(problems.length, 1, `${name}: ${problems}`);
            assert.ok(problems[0].startsWith(`"labels.${name}": `), problems[0]);
            assert.match(problems[0].slice(`"labels.${name}": `.length), pattern);
        }
        assert.deepEqual(
            problemsFrom((p) => checkLabels(p, "labels", ["a"])),
            ['"labels": must be an object of label names to values, got ["a"]'],
        );
        assert.deepEqual(
            problemsFrom((p) => checkLabels(p, "labels", "app=db")),
            ['"labels": must be an object of label names to values, got "app=db"'],
        );
        assert.deepEqual(
            problemsFrom((p) => checkLabels(p, "labels", null)),
            ['"labels": must be an object of label names to values, got null'],
        );
        assert.deepEqual(
            problemsFrom((p) => checkLabels(p, "labels", undefined)),
            [],
        );
    });
});

describe("validation edges: quantities and resources", () => {
    it("reads a quantity from text or a finite number only", () => {
        assert.equal(quantityText("10Gi"), "10Gi");
        assert.equal(quantityText(10737418240), "10737418240");
        assert.equal(quantityText(Infinity), undefined);
        assert.equal(quantityText(NaN), undefined);
        assert.equal(quantityText(true), undefined);
        assert.deepEqual(parseQuantity("-1"), { num: -1n, den: 1n });
        assert.deepEqual(parseQuantity(".5"), { num: 5n, den: 10n });
        assert.deepEqual(parseQuantity("1.5k"), { num: 15000n, den: 10n });
    });

    it("zero is not a quantity SQL Server can use; 2^63-1 is the largest Kubernetes keeps", () => {
        assert.match(checkResourceQuantity("0")!, /"0" is not a positive Kubernetes quantity/);
        assert.equal(checkResourceQuantity("9223372036854775807"), undefined);
        assert.match(checkResourceQuantity("9223372036854775808")!, /larger than a Kubernetes quantity can hold \(2\^63-1\)/);
        assert.match(checkResourceQuantity("lots")!, /e\.g\. "500m", "2", "4Gi" or "4294967296"$/);
        assert.match(checkStorageQuantity("lots")!, /e\.g\. "10Gi", "500G", "1Ti", "10737418240" or "1e10"$/);
    });

    it("a data volume of exactly 1Gi is enough; one byte less is not", () => {
        assert.equal(checkStorageQuantity("1Gi"), undefined);
        assert.equal(checkStorageQuantity(1073741824), undefined);
        assert.match(checkStorageQuantity("1073741823")!, /is too small; SQL Server needs at least "1Gi"/);
    });

    it("names a resources block that is not an object, and a value that is not a quantity, without throwing", () => {
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "resources", "2", undefined)),
            ['"resources.requests": must be an object with fields cpu, memory, ephemeral-storage or hugepages-<size>, got "2"'],
        );
        for (const name of ["memory", "hugepages-2Mi"]) {
            const problems = problemsFrom((p) => checkResources(p, "resources", { cpu: "1" }, { cpu: "1", [name]: "abc" }));
            assert.equal(problems.length, 1, problems.join(" | "));
            assert.match(problems[0], new RegExp(`^"resources\\.limits\\.${name}": "abc" is not a positive Kubernetes quantity`));
        }
    });

    it("hugepages: a real page size, a whole number of pages in any spelling, requested exactly as limited", () => {
        for (const size of ["0", "abc", "1.5"]) {
            const problems = problemsFrom((p) => checkResources(p, "r", undefined, { memory: "4Gi", [`hugepages-${size}`]: "1Gi" }));
            assert.deepEqual(problems, [`"r.limits.hugepages-${size}": ${shown(size)} is not a page size; use e.g. hugepages-2Mi or hugepages-1Gi`]);
        }
        const whole = { memory: "4Gi", "hugepages-2Mi": "1.5Gi", "hugepages-2.0Mi": "1Gi" };
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "r", whole, whole)),
            [],
        );
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "r", undefined, { memory: "4Gi", "hugepages-2Mi": "3Mi" })),
            ['"r.limits.hugepages-2Mi": "3Mi" is not a whole number of 2Mi pages'],
        );
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "r", { memory: "4Gi", "hugepages-2Mi": "1Gi" }, { memory: "4Gi", "hugepages-2Mi": "2Gi" })),
            ['"r.requests.hugepages-2Mi": "1Gi" must equal the limit "2Gi"; Kubernetes does not overcommit hugepages'],
        );
    });

    it("hugepages need cpu or memory beside them; either one is enough", () => {
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "r", undefined, { "hugepages-2Mi": "1Gi" })),
            ['"r": requests hugepages without cpu or memory; Kubernetes requires one of them beside hugepages'],
        );
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "r", undefined, { cpu: "1", "hugepages-2Mi": "1Gi" })),
            [],
        );
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "r", undefined, { memory: "4Gi", "hugepages-2Mi": "1Gi" })),
            [],
        );
    });
});

describe("validation edges: durations, intervals and instants", () => {
    it("parses Go durations with a sign, a leading dot and a bare zero; an empty text is none", () => {
        assert.equal(parseGoDuration("-1h"), -3600);
        assert.equal(parseGoDuration("+1h"), 3600);
        assert.equal(parseGoDuration(".5h"), 1800);
        assert.equal(parseGoDuration(".25h"), 900);
        assert.equal(parseGoDuration("0"), 0);
        assert.equal(parseGoDuration("-0"), 0);
        assert.equal(parseGoDuration(""), undefined);
        assert.equal(parseGoDuration("1"), undefined);
        assert.equal(parseGoDuration("1h-5m"), undefined, "a sign only leads");
        assert.equal(parseGoDuration("--1h"), undefined);
    });

    it("a minimum is inclusive and named in its own unit", () => {
        assert.equal(checkGoDuration("1h", 3600), undefined);
        assert.equal(checkGoDuration("59m", 3600), '"59m" is too short; the minimum is "1h"');
        assert.equal(checkGoDuration("4m", 300), '"4m" is too short; the minimum is "5m"');
        assert.equal(checkGoDuration("0s"), '"0s" is too short; the minimum is "1s"');
        assert.equal(checkGoDuration("2562047h"), undefined);
        assert.match(checkGoDuration("2562048h")!, /is too long; a Go duration holds at most "2562047h"/);
    });

    it("a certificate's own renewBefore is held to cert-manager's 5-minute minimum", () => {
        assert.deepEqual(
            problemsFrom((p) => checkCertificateDurations(p, "c", undefined, "4m")),
            ['"c.renewBefore": "4m" is too short; the minimum is "5m"'],
        );
        assert.deepEqual(
            problemsFrom((p) => checkCertificateDurations(p, "c", undefined, "5m")),
            [],
        );
    });

    it("a rotation interval is a whole number and a unit, nothing around it, at least one hour", () => {
        for (const ok of ["1h", "60m", "30d", "2w", "3650d"]) assert.equal(checkInterval(ok), undefined, ok);
        for (const bad of ["x30d", "30dx", "30 d", "1.5d"]) assert.match(checkInterval(bad)!, /is not an interval/, bad);
        assert.match(checkInterval("59m")!, /shorter than one hour/);
    });

    it("an RFC 3339 instant names a real month, day, time and offset; its offset is applied with its sign", () => {
        const utc = Date.UTC(2026, 0, 4, 2, 0, 0);
        assert.equal(parseRfc3339("2026-01-04T02:00:00Z"), utc);
        assert.equal(parseRfc3339("2026-01-04T03:00:00+01:00"), utc);
        assert.equal(parseRfc3339("2026-01-04T01:00:00-01:00"), utc);
        assert.equal(parseRfc3339("2026-01-04T03:30:00+01:30"), utc);
        assert.equal(parseRfc3339("2026-01-04T02:00:00.250Z"), utc + 250);
        assert.equal(parseRfc3339("2026-01-05T01:59:00+23:59"), utc);
        for (const bad of [
            "2026-00-10T00:00:00Z",
            "2026-13-10T00:00:00Z",
            "2026-01-00T00:00:00Z",
            "2026-01-32T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-01-04T24:00:00Z",
            "2026-01-04T23:60:00Z",
            "2026-01-04T23:59:60Z",
            "2026-01-04T02:00:00+24:00",
            "2026-01-04T02:00:00+00:60",
            "2026-01-04 02:00:00Z",
        ]) {
            assert.equal(parseRfc3339(bad), undefined, bad);
            assert.match(checkRfc3339(bad)!, /is not an RFC 3339 instant with a real date and time/, bad);
        }
    });

    it("February 29 exists in leap years only: every fourth year, not centuries, but every fourth century", () => {
        for (const year of [2024, 2000, 2400]) assert.notEqual(parseRfc3339(`${year}-02-29T00:00:00Z`), undefined, String(year));
        for (const year of [2023, 2100, 1900]) assert.equal(parseRfc3339(`${year}-02-29T00:00:00Z`), undefined, String(year));
        assert.notEqual(parseRfc3339("2023-02-28T00:00:00Z"), undefined);
    });
});

describe("validation edges: numbers and passwords", () => {
    it("a whole-number range includes both ends", () => {
        assert.equal(checkInteger(0, 0, 10), undefined);
        assert.equal(checkInteger(10, 0, 10), undefined);
        assert.match(checkInteger(11, 0, 10)!, /11 is not allowed; use a whole number from 0 to 10/);
        assert.match(checkInteger(-1, 0, 10)!, /use a whole number from 0 to 10/);
    });

    it("a password has 8 to 128 characters, both ends included", () => {
        assert.equal(checkSaPassword("Abcdef1!"), undefined);
        assert.equal(checkSaPassword("Ab1!" + "x".repeat(124)), undefined);
        assert.match(checkSaPassword("Abcde1!")!, /^is too short;/);
        assert.match(checkSaPassword("Ab1!" + "x".repeat(125))!, /^is too long;/);
        assert.equal(checkSaPassword(12345678), "must be a string");
    });

    it("counts the character classes a password uses; exactly three are enough", () => {
        assert.match(checkSaPassword("abcdefgh")!, /^uses 1 of the 4 character classes/);
        assert.match(checkSaPassword("ABCDEFGH")!, /^uses 1 of the 4 character classes/);
        assert.match(checkSaPassword("12345678")!, /^uses 1 of the 4 character classes/);
        assert.match(checkSaPassword("!@#$%^&*")!, /^uses 1 of the 4 character classes/);
        for (const three of ["Abcdefg1", "abcdef1!", "ABCDEF1!", "Abcdefg!"]) assert.equal(checkSaPassword(three), undefined, three);
    });

    it("refuses control characters and white space at the ends, without echoing the password", () => {
        for (const password of ["Abcdef1!\u0001x", "Abcdef1!\u007fx", "Abcdef1!\tx"]) {
            assert.equal(checkSaPassword(password), "contains control characters; use printable characters only");
        }
        assert.match(checkSaPassword(" Abcdef1!")!, /^starts or ends with white space/);
        assert.equal(checkSaPassword("Abc def1!"), undefined, "a space inside is fine");
    });
});

describe("validation edges: the stack config's parsing", () => {
    it("a flat dotted key sets a field inside an object key whatever order Pulumi lists them in", () => {
        const raw = { "kubedb-mssql:rotation.generation": "2", "kubedb-mssql:rotation": '{"interval":"30d"}' };
        const { values, problems } = collectRawConfig(raw);
        assert.equal(problems.count, 0);
        assert.deepEqual(values.rotation, { interval: "30d", generation: 2 });
    });

    it("reads the keys of the project it is given, and only those", () => {
        const config = parseStackConfig(
            { "acme-db:acceptEula": "true", "acme-db:namespace": "acme", "kubedb-mssql:namespace": "other" },
            { project: "acme-db" },
        );
        assert.equal(config.namespace, "acme");
    });

    it("an unknown certificate alias is named once, as an unknown field", () => {
        assert.deepEqual(problemsOf({ tls: { certificates: { primary: "x" } } }), [
            '"tls.certificates.primary": unknown field; allowed: server, client, endpoint',
        ]);
    });

    it("a dotted key under a key that is not an object is a conflict, not a crash", () => {
        for (const parent of ['"text"', "[1]", "5"]) {
            const problems = listed(collectRawConfig({ "kubedb-mssql:tls": parent, "kubedb-mssql:tls.clientTLS": "false" }).problems);
            assert.deepEqual(problems, ['"tls.clientTLS": conflicts with "tls", which is not an object'], parent);
        }
        const nested = listed(collectRawConfig({ "kubedb-mssql:tls": '{"issuer": null}', "kubedb-mssql:tls.issuer.name": "ca" }).problems);
        assert.deepEqual(nested, ['"tls.issuer.name": conflicts with "tls.issuer", which is not an object']);
    });

    it("reads JSON values with white space around them (a YAML block leaves a newline) and keeps decimals exact", () => {
        assert.equal(parse({ storage: '\n{"size": "20Gi"}\n' }).storage.size, "20Gi");
        assert.equal(parse({ autoOps: " true " }).autoOps, true);
        assert.deepEqual(problemsAt({ "restart.generation": "1.25" }, "restart.generation"), [
            '"restart.generation": 1.25 is not allowed; use a whole number from 0 to 1000000',
        ]);
        assert.equal(parse({ "restart.generation": "10" }).restart.generation, 10);
        assert.equal(parse({ "storage.size": "1e10" }).storage.size, "1e10", "a quantity keeps the text the user typed");
        assert.equal(parse({ namespace: "null" }).namespace, "null", "a name that reads as JSON null is still the name");
        assert.match(
            problemsAt({ storage: "{size: 20Gi}" }, "storage")[0],
            /must be an object with fields .*, got "\{size: 20Gi\}"/,
            "text that is not JSON is not dropped",
        );
        assert.deepEqual(problemsAt({ namespace: "12345678901234567890.5" }, "namespace").length, 1);
    });

    it("names each key whose value is wrong", () => {
        const cases: Array<[Record<string, unknown>, string]> = [
            [{ version: "2022_CU22" }, "version"],
            [{ storage: { storageClass: "Fast_SSD" } }, "storage.storageClass"],
            [{ timeouts: "soon" }, "timeouts"],
            [{ timeouts: { readyMinutes: 0 } }, "timeouts.readyMinutes"],
            [{ timeouts: { opsRequestMinutes: 24 * 60 + 1 } }, "timeouts.opsRequestMinutes"],
            [{ timeouts: { opsStepTimeout: "30s" } }, "timeouts.opsStepTimeout"],
            [{ tls: { issuer: "ca" } }, "tls.issuer"],
            [{ tls: { issuer: { name: "" } } }, "tls.issuer.name"],
            [{ tls: { issuer: { name: "Bad_Name" } } }, "tls.issuer.name"],
            [{ tls: { ca: "big" } }, "tls.ca"],
            [{ tls: { ca: { kind: "Vault" } } }, "tls.ca.kind"],
            [{ tls: { ca: { clusterResourceNamespace: "Cert_Manager" } } }, "tls.ca.clusterResourceNamespace"],
            [{ tls: { rotation: 3 } }, "tls.rotation"],
            [{ tls: { certificates: { server: { dnsNames: "a.example.com" } } } }, "tls.certificates.server.dnsNames"],
            [{ tls: { certificates: { server: { ipAddresses: "10.0.0.1" } } } }, "tls.certificates.server.ipAddresses"],
            [{ tls: { certificates: { server: { subject: ["org"] } } } }, "tls.certificates.server.subject"],
            [{ tls: { certificates: { server: { subject: { organization: ["org"] } } } } }, "tls.certificates.server.subject.organization"],
            [{ availabilityGroup: { databases: "agdb" } }, "availabilityGroup.databases"],
            [{ mssqlConf: "memorylimitmb = 4096" }, "mssqlConf"],
        ];
        for (const [values, key] of cases) {
            assert.equal(problemsAt(values, key).length, 1, `${JSON.stringify(values)} must be refused under "${key}": ${problemsOf(values).join(" | ")}`);
        }
        assert.match(
            problemsAt({ availabilityGroup: { databases: "agdb" } }, "availabilityGroup.databases")[0],
            /must be a list of database names, got "agdb"/,
        );
        assert.match(problemsAt({ tls: { issuer: { kind: "ClusterIssuer" } } }, "tls.issuer.name")[0], /is empty; name the existing cert-manager issuer/);
        assert.match(
            problemsAt({ tls: { ca: "big" } }, "tls.ca")[0],
            /must be an object with fields kind, duration, renewBefore, algorithm, clusterResourceNamespace, got "big"/,
        );
        assert.match(
            problemsAt({ tls: { certificates: { server: { subject: { organization: ["org"] } } } } }, "tls.certificates.server.subject.organization")[0],
            /^"[^"]+": unknown field; allowed: organizations, organizationalUnits$/,
        );
        assert.match(
            problemsAt({ tls: { certificates: { server: { dnsNames: "a.example.com" } } } }, "tls.certificates.server.dnsNames")[0],
            /must be a list, got "a.example.com"/,
        );
    });

    it("an availability group without databases has none; a database listed twice is named once as a duplicate", () => {
        assert.deepEqual(parse({ availabilityGroup: {} }).availabilityGroup, { databases: [], secondaryAccessMode: "Passive" });
        assert.deepEqual(problemsAt({ availabilityGroup: { databases: ["agdb", "agdb"] } }, "availabilityGroup.databases"), [
            '"availabilityGroup.databases": lists "agdb" twice',
        ]);
        assert.deepEqual(problemsAt({ availabilityGroup: { databases: ["agdb", 5, "AGDB"] } }, "availabilityGroup.databases"), [
            '"availabilityGroup.databases": lists "agdb" and "AGDB", which SQL Server\'s default case-insensitive collation treats as one database',
        ]);
        assert.match(
            problemsAt({ availabilityGroup: { databases: ["msdb"] } }, "availabilityGroup.databases[0]")[0],
            /system database.*\(not master, model, msdb, tempdb\)/,
        );
        assert.match(
            problemsAt(
                { edition: "Standard", replicas: 2, availabilityGroup: { databases: ["a"], secondaryAccessMode: "ReadOnly" } },
                "availabilityGroup.secondaryAccessMode",
            )[0],
            /is "ReadOnly", but the Standard edition/,
        );
        assert.equal(parse({ edition: "Standard", replicas: 2, availabilityGroup: { databases: ["a"] } }).availabilityGroup?.secondaryAccessMode, "Passive");
        // Component args reach the same check without the parser's defaults.
        const keys = { group: "availabilityGroup", replicas: "replicas", edition: "edition" };
        assert.deepEqual(
            problemsFrom((p) => checkAvailabilityGroup(p, keys, { databases: ["a"] }, "Standard", 2)),
            [],
        );
        assert.equal(problemsFrom((p) => checkAvailabilityGroup(p, keys, { databases: ["a"], secondaryAccessMode: "" }, "Standard", 2)).length, 1);
    });

    it("certificate settings keep only what was given; subject lists hold non-empty strings", () => {
        const server = parse({ tls: { certificates: { server: { dnsNames: ["db.example.com"] } } } }).tls.certificates.server!;
        assert.deepEqual(server, { dnsNames: ["db.example.com"] });
        const client = parse({
            tls: { certificates: { client: { ipAddresses: ["10.0.0.5"], duration: "720h", renewBefore: "24h", subject: { organizations: ["Acme"] } } } },
        }).tls.certificates.client!;
        assert.deepEqual(client, { ipAddresses: ["10.0.0.5"], duration: "720h", renewBefore: "24h", subject: { organizations: ["Acme"] } });
        for (const bad of [["Acme", ""], ["Acme", 5], "Acme"]) {
            assert.deepEqual(
                problemsAt(
                    { tls: { certificates: { server: { subject: { organizationalUnits: bad } } } } },
                    "tls.certificates.server.subject.organizationalUnits",
                ),
                [`"tls.certificates.server.subject.organizationalUnits": must be a list of non-empty strings, got ${shown(bad)}`],
            );
        }
        assert.deepEqual(parse({ tls: { certificates: { server: { subject: { organizationalUnits: ["DBA", "Ops"] } } } } }).tls.certificates.server, {
            subject: { organizationalUnits: ["DBA", "Ops"] },
        });
    });

    it("kubeconfig must be text or a path: a blank value, or fields set under it, is named", () => {
        for (const values of [{ kubeconfig: "   " }, { "kubeconfig.server": "https://10.0.0.1" }]) {
            assert.deepEqual(
                problemsAt(values, "kubeconfig"),
                ['"kubeconfig": must be kubeconfig text or the path of a kubeconfig file'],
                JSON.stringify(values),
            );
        }
    });
});

describe("validation edges: mssql.conf", () => {
    it("accepts comments, blank lines, indentation and settings under a section", () => {
        assert.equal(checkMssqlConf("# tuned\n\n; old style\n  [memory]  \n  memorylimitmb = 4096\r\n[sqlagent]\nenabled=true"), undefined);
    });

    it("names the line that is wrong, counting from one", () => {
        assert.equal(checkMssqlConf("[memory]\nmemorylimitmb 4096"), 'line 2 is neither a [section] header nor a "key = value" setting');
        assert.equal(
            checkMssqlConf("# settings\nmemorylimitmb = 4096\n[memory]"),
            "line 2 sets a value before any [section] header (e.g. [memory], [network], [sqlagent])",
        );
        assert.equal(checkMssqlConf("[memory] x\nmemorylimitmb = 4096"), 'line 1 is neither a [section] header nor a "key = value" setting');
        assert.equal(checkMssqlConf("x[memory]\nmemorylimitmb = 4096"), 'line 1 is neither a [section] header nor a "key = value" setting');
        assert.equal(checkMssqlConf("[memory]\nmemory limit = 4096"), 'line 2 is neither a [section] header nor a "key = value" setting');
        assert.equal(checkMssqlConf("[memory]\nmemorylimitmb\t= 4096"), undefined);
        assert.equal(checkMssqlConf("[memory]\na#b = 1"), 'line 2 is neither a [section] header nor a "key = value" setting');
    });

    it("needs a section, a text, and at most 65,536 characters", () => {
        assert.equal(checkMssqlConf("# only a comment"), "has no [section] header; mssql.conf settings live in sections such as [memory] or [sqlagent]");
        assert.match(checkMssqlConf("   ")!, /^must be the text of mssql.conf/);
        const exactly = "[memory]\n" + "#".repeat(65_536 - 9);
        assert.equal(exactly.length, 65_536);
        assert.equal(checkMssqlConf(exactly), undefined);
        assert.equal(checkMssqlConf(exactly + "#"), "is 65537 characters; at most 65536 fit in the database's spec");
    });
});

describe("validation edges: reading the stack's config from Pulumi", () => {
    // A user may rename the project in Pulumi.yaml: the keys are then the new project's.
    const project = "acme-db";
    const warnings: string[] = [];
    const realWarn = pulumi.log.warn;

    before(async () => {
        await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs }, project, "test", false);
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (message: string) => {
            warnings.push(message);
        };
    });
    after(() => {
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = realWarn;
        pulumi.runtime.setAllConfig({}, []);
    });
    beforeEach(() => {
        warnings.length = 0;
    });

    it("parses the project's own keys and advises encrypting a secret key stored in plain text", () => {
        pulumi.runtime.setAllConfig({ [`${project}:acceptEula`]: "true", [`${project}:saPassword`]: "Str0ng!Passw0rd", [`${project}:namespace`]: "db" }, []);
        const config = readStackConfig();
        assert.equal(config.namespace, "db");
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /^config "saPassword" is stored in plain text/);
        assert.ok(!warnings[0].includes("Str0ng!Passw0rd"));
    });

    it("says nothing when the secret keys are stored encrypted", () => {
        pulumi.runtime.setAllConfig({ [`${project}:acceptEula`]: "true", [`${project}:saPassword`]: "Str0ng!Passw0rd" }, [`${project}:saPassword`]);
        assert.equal(readStackConfig().saPassword, "Str0ng!Passw0rd");
        assert.deepEqual(warnings, []);
    });
});
