/**
 * The stack config's raw map: flat dotted keys, the project's own keys, JSON text, and reading it from Pulumi.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { shown } from "../../components/core/problems";
import { checkAvailabilityGroup } from "../../components/database/settings";
import { collectRawConfig, parseStackConfig, readStackConfig } from "../../stack/config";
import { listed, problemsFrom } from "../support/problems";
import { configParser } from "../support/stackConfig";

const { parse, problemsOf } = configParser({ acceptEula: true });

/** The config problems under exactly `key`. */
function problemsAt(values: Record<string, unknown>, key: string): string[] {
    return problemsOf(values).filter((p) => p.startsWith(`"${key}": `));
}

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
