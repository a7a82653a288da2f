/* eslint-disable @typescript-eslint/no-explicit-any -- the objects under test are arbitrary JSON, mutated freely per test */
import { strict as assert } from "assert";
import { assertValid, hasSchemaFor, listCelRules, validateAgainst, validateObject } from "../support/crdSchema";

// Generic JSON-schema checks (type, enum, required, pattern, ...) are ajv's and not retested here;
// these tests cover the Kubernetes rules crdSchema.ts adds, and the mistakes this project must not make.
// Fresh objects per call, so a test can mutate its copy freely.

function mssqlServer(): any {
    return {
        apiVersion: "kubedb.com/v1alpha2",
        kind: "MSSQLServer",
        metadata: { name: "mssql", namespace: "db", labels: { "app.kubernetes.io/name": "mssql" } },
        spec: {
            version: "2022-cu16",
            replicas: 1,
            tls: { issuerRef: { apiGroup: "cert-manager.io", kind: "Issuer", name: "ca" }, clientTLS: true },
            authSecret: { kind: "Secret", name: "x" },
            storageType: "Durable",
            storage: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
            podTemplate: {
                spec: {
                    containers: [
                        {
                            name: "mssql",
                            env: [
                                { name: "MSSQL_PID", value: "Developer" },
                                { name: "ACCEPT_EULA", value: "Y" },
                            ],
                        },
                    ],
                },
            },
            deletionPolicy: "Halt",
        },
    };
}

function rotateAuth(): any {
    return {
        apiVersion: "ops.kubedb.com/v1alpha1",
        kind: "MSSQLServerOpsRequest",
        metadata: { name: "mssql-rotate-auth", namespace: "db" },
        spec: {
            type: "RotateAuth",
            databaseRef: { name: "mssql" },
            authentication: { secretRef: { kind: "Secret", name: "mssql-auth-v2" } },
        },
    };
}

function selfSignedIssuer(): any {
    return { apiVersion: "cert-manager.io/v1", kind: "Issuer", metadata: { name: "selfsigned", namespace: "db" }, spec: { selfSigned: {} } };
}

function caCertificate(): any {
    return {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: "mssql-ca", namespace: "db" },
        spec: {
            isCA: true,
            commonName: "mssql-ca",
            secretName: "mssql-ca",
            issuerRef: { group: "cert-manager.io", kind: "Issuer", name: "selfsigned" },
            privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        },
    };
}

/** The violations after applying `mutate` to a fresh `make()`. */
function violationsAfter(make: () => any, mutate: (o: any) => void): string[] {
    const obj = make();
    mutate(obj);
    return validateObject(obj);
}

/** Every plain-object node of a JSON value, with its path as validateObject prints it. */
function objectNodes(value: unknown, at = ""): Array<{ at: string; node: Record<string, unknown> }> {
    if (Array.isArray(value)) return value.flatMap((v, i) => objectNodes(v, `${at}[${i}]`));
    if (value === null || typeof value !== "object") return [];
    const nodes = [{ at, node: value as Record<string, unknown> }];
    for (const [k, v] of Object.entries(value)) {
        const key = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(k) ? (at ? `${at}.${k}` : k) : `${at}[${JSON.stringify(k)}]`;
        nodes.push(...objectNodes(v, key));
    }
    return nodes;
}

describe("crdSchema validator", () => {
    it("has schemas for the five vendored kinds at their storage versions, and refuses to guess for others", () => {
        assert.equal(hasSchemaFor("kubedb.com/v1alpha2", "MSSQLServer"), true);
        assert.equal(hasSchemaFor("ops.kubedb.com/v1alpha1", "MSSQLServerOpsRequest"), true);
        assert.equal(hasSchemaFor("cert-manager.io/v1", "Issuer"), true);
        assert.equal(hasSchemaFor("cert-manager.io/v1", "ClusterIssuer"), true);
        assert.equal(hasSchemaFor("cert-manager.io/v1", "Certificate"), true);
        assert.equal(hasSchemaFor("kubedb.com/v1", "MSSQLServer"), false);
        assert.equal(hasSchemaFor("v1", "Secret"), false);
        // the stale upstream kind that shares the short name msops
        assert.throws(
            () => validateObject({ ...rotateAuth(), kind: "MSSQLOpsRequest" }),
            /no CRD schema vendored for ops\.kubedb\.com\/v1alpha1 MSSQLOpsRequest/,
        );
        assert.deepEqual(validateObject("MSSQLServer"), ['<root>: expected object, got string "MSSQLServer"']);
        assert.deepEqual(validateObject({ kind: "MSSQLServer", spec: {} }), ["apiVersion: expected string, got undefined"]);
    });

    it("accepts the valid objects of every vendored kind", () => {
        const clusterIssuer = { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "ca" }, spec: { ca: { secretName: "mssql-ca" } } };
        for (const obj of [mssqlServer(), rotateAuth(), selfSignedIssuer(), clusterIssuer, caCertificate()]) {
            assert.deepEqual(validateObject(obj), [], obj.kind);
            assert.doesNotThrow(() => assertValid(obj));
        }
    });

    it("assertValid names the object and lists every violation", () => {
        const obj = mssqlServer();
        obj.spec.deletionPolicy = "Keep";
        obj.spec.foo = 1;
        delete obj.spec.version;
        assert.throws(
            () => assertValid(obj),
            (err: Error) => {
                assert.match(err.message, /^MSSQLServer "db\/mssql" \(kubedb\.com\/v1alpha2\) does not match its CRD schema \(3 violations\)/);
                assert.match(err.message, /\n {2}- spec\.version: required field missing/);
                assert.match(err.message, /\n {2}- spec\.foo: unknown field/);
                assert.match(err.message, /\n {2}- spec\.deletionPolicy: value "Keep" not in enum \[Halt, Delete, WipeOut, DoNotTerminate\]/);
                return true;
            },
        );
    });

    describe("the Kubernetes rules on top of JSON schema", () => {
        it("structural: reports an unknown field injected into any object node of a valid MSSQLServer", () => {
            const nodes = objectNodes(mssqlServer());
            assert.ok(nodes.length >= 15, `only ${nodes.length} object nodes`);
            nodes.forEach(({ at }, i) => {
                const obj = mssqlServer();
                objectNodes(obj)[i].node.zzUnknown = true;
                const expected =
                    at === "metadata.labels"
                        ? "metadata.labels.zzUnknown: expected string, got boolean true" // maps check extra keys against their value schema
                        : at === "spec.storage.resources.requests"
                          ? "spec.storage.resources.requests.zzUnknown: expected integer or string, got boolean true"
                          : `${at ? `${at}.` : ""}zzUnknown: unknown field`;
                assert.deepEqual(validateObject(obj), [expected], at || "<root>");
            });
        });

        it("structural: an object without properties is empty (spec.restart); x-kubernetes-preserve-unknown-fields keeps anything", () => {
            const restart = (o: any) => {
                o.spec.type = "Restart";
                delete o.spec.authentication;
                o.spec.restart = {};
            };
            assert.deepEqual(violationsAfter(rotateAuth, restart), []);
            assert.deepEqual(
                violationsAfter(rotateAuth, (o) => (restart(o), (o.spec.restart.force = true))),
                ["spec.restart.force: unknown field"],
            );

            const acme = (o: any) =>
                (o.spec = {
                    acme: {
                        server: "https://acme.example.com/directory",
                        privateKeySecretRef: { name: "acme-key" },
                        solvers: [{ dns01: { webhook: { groupName: "acme.example.com", solverName: "x", config: { anything: { nested: [1, "two"] } } } } }],
                    },
                });
            assert.deepEqual(violationsAfter(selfSignedIssuer, acme), []);
            assert.deepEqual(
                violationsAfter(selfSignedIssuer, (o) => (acme(o), (o.spec.acme.solvers[0].dns01.webhook.confg = {}))),
                ["spec.acme.solvers[0].dns01.webhook.confg: unknown field"],
            );
        });

        it("rules no vendored CRD exercises (minimal CRD schema): branch properties stay unknown, typed preserve-unknown-fields, nullable", () => {
            const schema = {
                type: "object",
                properties: {
                    spec: {
                        type: "object",
                        properties: {
                            a: { type: "string" },
                            b: { type: "string", nullable: true },
                            open: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { known: { type: "string" } } },
                        },
                        allOf: [{ properties: { c: { type: "string" } } }], // c is checked if present, but stays unknown
                    },
                },
            };
            const obj = (spec: object) => ({ apiVersion: "example.com/v1", kind: "Thing", metadata: { name: "x" }, spec });
            assert.deepEqual(validateAgainst(schema, obj({ a: "1", b: null, open: { known: "k", other: [1] } })), []);
            assert.deepEqual(validateAgainst(schema, obj({ a: null, open: { known: 1 } })), [
                "spec.a: expected string, got null",
                "spec.open.known: expected string, got integer 1",
            ]);
            assert.deepEqual(validateAgainst(schema, obj({ a: "1", c: "2" })), ["spec.c: unknown field"]);
            // and null in a non-nullable field of a real schema
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => (o.spec.storageType = null)),
                ["spec.storageType: expected string, got null"],
            );
        });

        it("x-kubernetes-int-or-string: an integer or a string, and string keywords (the quantity pattern) apply to strings only", () => {
            const storage = (value: unknown) => (o: any) => (o.spec.storage.resources.requests.storage = value);
            assert.deepEqual(violationsAfter(mssqlServer, storage(10737418240)), []);
            const [violation, ...rest] = violationsAfter(mssqlServer, storage("ten gigs"));
            assert.deepEqual(rest, []);
            assert.match(violation, /^spec\.storage\.resources\.requests\.storage: value "ten gigs" does not match pattern \^\(\\\+\|-\)\?/);
            assert.deepEqual(violationsAfter(mssqlServer, storage(1.5)), [
                "spec.storage.resources.requests.storage: expected integer or string, got number 1.5",
            ]);
        });

        it("x-kubernetes-list-type map and set: duplicates are rejected, a missing map key taking its default", () => {
            const container = (o: any) => o.spec.podTemplate.spec.containers[0];
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => container(o).env.push({ name: "ACCEPT_EULA", value: "N" })),
                ['spec.podTemplate.spec.containers[0].env[2]: duplicate entry with key {name: "ACCEPT_EULA"}, same as [1] (x-kubernetes-list-type: map)'],
            );
            // ports: keys containerPort + protocol, protocol defaults to TCP
            const ports =
                (...list: object[]) =>
                (o: any) =>
                    (container(o).ports = list);
            assert.deepEqual(violationsAfter(mssqlServer, ports({ containerPort: 1433 }, { containerPort: 1433, protocol: "UDP" })), []);
            assert.deepEqual(violationsAfter(mssqlServer, ports({ containerPort: 1433 }, { containerPort: 1433, protocol: "TCP" })), [
                'spec.podTemplate.spec.containers[0].ports[1]: duplicate entry with key {containerPort: 1433, protocol: "TCP"}, same as [0] (x-kubernetes-list-type: map)',
            ]);
            const exitCodes =
                (...values: number[]) =>
                (o: any) =>
                    (container(o).restartPolicyRules = [{ action: "Restart", exitCodes: { operator: "In", values } }]);
            assert.deepEqual(violationsAfter(mssqlServer, exitCodes(1, 2)), []);
            assert.deepEqual(violationsAfter(mssqlServer, exitCodes(1, 2, 1)), [
                "spec.podTemplate.spec.containers[0].restartPolicyRules[0].exitCodes.values[2]: duplicate entry with value 1, same as [0] (x-kubernetes-list-type: set)",
            ]);
        });

        it("resource root: metadata is ObjectMeta, with the CRD's own metadata schema on top", () => {
            const full = {
                generateName: "mssql-",
                namespace: "db",
                labels: { app: "mssql", "example.com/tier": "" },
                annotations: { "pulumi.com/note": "anything: goes" },
                finalizers: ["example.com/keep"],
                ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: "0000", controller: false }],
            };
            assert.deepEqual(
                violationsAfter(caCertificate, (o) => (o.metadata = full)),
                [],
            );
            const meta = (m: object) => (o: any) => (o.metadata = { ...o.metadata, ...m });
            const cases: Array<[() => any, object, string[]]> = [
                [mssqlServer, { name: "1mssql" }, ['metadata.name: value "1mssql" does not match pattern ^[a-z]([-a-z0-9]*[a-z0-9])?$']], // the CRD's rule
                [mssqlServer, { name: "m".repeat(64) }, ["metadata.name: must NOT have more than 63 characters"]], // the CRD's rule
                [
                    caCertificate,
                    { name: "Mssql_CA" },
                    ['metadata.name: value "Mssql_CA" does not match pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'],
                ],
                [caCertificate, { namespace: "DB" }, ['metadata.namespace: value "DB" does not match pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$']],
                [caCertificate, { uid: "1234" }, ["metadata.uid: unknown field"]],
                [
                    caCertificate,
                    { labels: { app: "has space" } },
                    ['metadata.labels.app: value "has space" does not match pattern ^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$'],
                ],
                [caCertificate, { annotations: { replicas: 3 } }, ["metadata.annotations.replicas: expected string, got integer 3"]],
                [
                    caCertificate,
                    { ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner" }] },
                    ["metadata.ownerReferences[0].uid: required field missing"],
                ],
            ];
            for (const [make, m, expected] of cases) assert.deepEqual(violationsAfter(make, meta(m)), expected, JSON.stringify(m));
            for (const key of ["-app", "Example.com/app", "example.com/", "a".repeat(64)]) {
                const [violation, ...rest] = violationsAfter(caCertificate, meta({ labels: { [key]: "x" } }));
                assert.deepEqual(rest, [], key);
                assert.ok(violation?.startsWith(`metadata.labels: key ${JSON.stringify(key)} must match pattern`), violation ?? key);
            }
        });

        it("formats: int32 and int64 ranges, date-time, byte (standard padded base64)", () => {
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => (o.spec.replicas = 2 ** 31 - 1)),
                [],
            );
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => (o.spec.replicas = 2 ** 31)),
                ["spec.replicas: value 2147483648 is not a valid int32"],
            );
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => (o.spec.podTemplate.spec.activeDeadlineSeconds = 2 ** 31)),
                [],
            );
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => (o.spec.podTemplate.spec.activeDeadlineSeconds = 2 ** 63)),
                ["spec.podTemplate.spec.activeDeadlineSeconds: value 9223372036854776000 is not a valid int64"],
            );
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => (o.spec.authSecret.activeFrom = "2024-05-01T10:00:00Z")),
                [],
            );
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => (o.spec.authSecret.activeFrom = "2024-05-01")),
                ['spec.authSecret.activeFrom: value "2024-05-01" is not a valid date-time'],
            );
            const caBundle = (value: string) => (o: any) =>
                (o.spec = { acme: { server: "https://acme.example.com/directory", privateKeySecretRef: { name: "k" }, caBundle: value } });
            assert.deepEqual(violationsAfter(selfSignedIssuer, caBundle(Buffer.from("-----BEGIN CERTIFICATE-----").toString("base64"))), []);
            assert.deepEqual(violationsAfter(selfSignedIssuer, caBundle("bm90IHBhZGRlZA")), ['spec.acme.caBundle: value "bm90IHBhZGRlZA" is not a valid byte']);
        });

        it("default: a required field with a default is never missing (the API server defaults first)", () => {
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => delete o.spec.authSecret.kind),
                [],
            ); // required, default: Secret
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => delete o.spec.authSecret.name),
                ["spec.authSecret.name: required field missing"],
            );
        });

        it("serialization: a property set to undefined is absent; a non-JSON value (a Pulumi Output left in) is reported", () => {
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => ((o.spec.halted = undefined), (o.spec.notAField = undefined))),
                [],
            );
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => (o.spec.version = undefined)),
                ["spec.version: required field missing"],
            );
            class Output {
                constructor(readonly value: string) {}
            }
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => (o.spec.version = new Output("2022-cu16"))),
                ["spec.version: not a JSON value (instance of Output)"],
            );
        });
    });

    describe("the mistakes that matter for this project", () => {
        it("MSSQLServer: an unknown field at depth, a missing required field", () => {
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => (o.spec.tls.issuerRef.group = "cert-manager.io")),
                ["spec.tls.issuerRef.group: unknown field"],
            );
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => (o.spec.podTemplate.spec.containers[0].env[1].foo = "bar")),
                ["spec.podTemplate.spec.containers[0].env[1].foo: unknown field"],
            );
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => (o.spec.topology = { mode: "AvailabilityGroup", foo: {} })),
                ["spec.topology.foo: unknown field"],
            );
            assert.deepEqual(
                violationsAfter(mssqlServer, (o) => delete o.spec.tls.issuerRef.name),
                ["spec.tls.issuerRef.name: required field missing"],
            );
        });

        it("MSSQLServerOpsRequest: a misplaced field, an invalid type, a missing databaseRef", () => {
            const misplaced = (o: any) => {
                o.spec.secretRef = o.spec.authentication.secretRef;
                delete o.spec.authentication;
            };
            assert.deepEqual(violationsAfter(rotateAuth, misplaced), ["spec.secretRef: unknown field"]);
            assert.deepEqual(
                violationsAfter(rotateAuth, (o) => (o.spec.type = "RotateCredentials")),
                [
                    'spec.type: value "RotateCredentials" not in enum [UpdateVersion, HorizontalScaling, VerticalScaling, VolumeExpansion, Restart, Reconfigure, ReconfigureTLS, RotateAuth, StorageMigration]',
                ],
            );
            assert.deepEqual(
                violationsAfter(rotateAuth, (o) => delete o.spec.databaseRef),
                ["spec.databaseRef: required field missing"],
            );
        });

        it("Certificate: privateKey.algorithm DSA, KubeDB's issuerRef.apiGroup spelling", () => {
            assert.deepEqual(
                violationsAfter(caCertificate, (o) => (o.spec.privateKey.algorithm = "DSA")),
                ['spec.privateKey.algorithm: value "DSA" not in enum [RSA, ECDSA, Ed25519]'],
            );
            assert.deepEqual(
                violationsAfter(caCertificate, (o) => (o.spec.issuerRef.apiGroup = "cert-manager.io")),
                ["spec.issuerRef.apiGroup: unknown field"],
            );
        });
    });

    it("the vendored schemas hold exactly the CEL rules documented in crdSchema.ts (they are not evaluated)", () => {
        const venafi = {
            path: "spec.venafi",
            rule: "(has(self.tpp) ? 1 : 0) + (has(self.cloud) ? 1 : 0) + (has(self.ngts) ? 1 : 0) == 1",
            message: "exactly one of tpp, cloud, or ngts must be configured",
        };
        const rules = listCelRules().sort((a, b) => a.crd.localeCompare(b.crd));
        assert.deepEqual(rules, [
            { crd: "cert-manager.io/v1 ClusterIssuer", ...venafi },
            { crd: "cert-manager.io/v1 Issuer", ...venafi },
        ]);
    });
});
