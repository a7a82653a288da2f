import { strict as assert } from "assert";
import { assertValid, hasSchemaFor, listCelRules, validateObject } from "./support/crdSchema";

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
    return {
        apiVersion: "cert-manager.io/v1",
        kind: "Issuer",
        metadata: { name: "selfsigned", namespace: "db" },
        spec: { selfSigned: {} },
    };
}

function caClusterIssuer(): any {
    return {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: "ca" },
        spec: { ca: { secretName: "mssql-ca" } },
    };
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
    describe("schema lookup", () => {
        it("has schemas for the five vendored kinds, at their storage versions only", () => {
            assert.equal(hasSchemaFor("kubedb.com/v1alpha2", "MSSQLServer"), true);
            assert.equal(hasSchemaFor("ops.kubedb.com/v1alpha1", "MSSQLServerOpsRequest"), true);
            assert.equal(hasSchemaFor("cert-manager.io/v1", "Issuer"), true);
            assert.equal(hasSchemaFor("cert-manager.io/v1", "ClusterIssuer"), true);
            assert.equal(hasSchemaFor("cert-manager.io/v1", "Certificate"), true);
            assert.equal(hasSchemaFor("kubedb.com/v1", "MSSQLServer"), false);
            assert.equal(hasSchemaFor("ops.kubedb.com/v1alpha1", "MSSQLOpsRequest"), false);
            assert.equal(hasSchemaFor("v1", "Secret"), false);
        });

        it("throws for a kind with no vendored schema", () => {
            assert.throws(() => validateObject({ apiVersion: "v1", kind: "Secret", metadata: { name: "x" } }), /no CRD schema vendored for v1 Secret/);
            // the stale upstream kind that shares the short name msops
            assert.throws(
                () => validateObject({ ...rotateAuth(), kind: "MSSQLOpsRequest" }),
                /no CRD schema vendored for ops\.kubedb\.com\/v1alpha1 MSSQLOpsRequest/,
            );
            assert.throws(() => validateObject({ ...mssqlServer(), apiVersion: "kubedb.com/v1" }), /no CRD schema vendored/);
        });

        it("reports a non-object or missing/non-string apiVersion and kind instead of guessing a schema", () => {
            assert.deepEqual(validateObject("MSSQLServer"), ['<root>: expected object, got string "MSSQLServer"']);
            assert.deepEqual(validateObject({ kind: "MSSQLServer", spec: {} }), ["apiVersion: required field missing"]);
            assert.deepEqual(validateObject({ ...mssqlServer(), kind: 7 }), ["kind: expected string, got integer 7"]);
        });
    });

    describe("MSSQLServer (kubedb.com/v1alpha2)", () => {
        it("accepts the minimal valid object", () => {
            assert.deepEqual(validateObject(mssqlServer()), []);
            assert.doesNotThrow(() => assertValid(mssqlServer()));
        });

        it("catches an unknown field at every depth", () => {
            const cases: Array<[string, (o: any) => void]> = [
                ["foo", (o) => (o.foo = 1)],
                ["spec.foo", (o) => (o.spec.foo = 1)],
                ["spec.tls.issuerRef.group", (o) => (o.spec.tls.issuerRef.group = "cert-manager.io")],
                ["spec.topology", (o) => (o.spec.topology = { mode: "AvailabilityGroup", foo: {} })],
                ["spec.podTemplate.spec.containers[0].env[1].foo", (o) => (o.spec.podTemplate.spec.containers[0].env[1].foo = "bar")],
                ["metadata.uid", (o) => (o.metadata.uid = "1234")],
            ];
            for (const [where, mutate] of cases) {
                const obj = mssqlServer();
                mutate(obj);
                const expected = where === "spec.topology" ? "spec.topology.foo: unknown field" : `${where}: unknown field`;
                assert.deepEqual(validateObject(obj), [expected], where);
            }
        });

        it("catches an unknown field injected into every object node of the valid object", () => {
            const nodes = objectNodes(mssqlServer());
            assert.ok(nodes.length >= 15, `only ${nodes.length} object nodes`);
            nodes.forEach(({ at }, i) => {
                const obj = mssqlServer();
                objectNodes(obj)[i].node.zzUnknown = true;
                const expected = `${at ? `${at}.` : ""}zzUnknown: unknown field`;
                const violations = validateObject(obj);
                // maps (labels, resources.requests) validate extra keys against their value schema instead
                if (at === "metadata.labels") assert.deepEqual(violations, ['metadata.labels.zzUnknown: expected string, got boolean true']);
                else if (at === "spec.storage.resources.requests") {
                    assert.deepEqual(violations, ["spec.storage.resources.requests.zzUnknown: expected integer or string, got boolean true"]);
                } else assert.deepEqual(violations, [expected], at || "<root>");
            });
        });

        it("rejects a value outside an enum", () => {
            const obj = mssqlServer();
            obj.spec.deletionPolicy = "Keep";
            assert.deepEqual(validateObject(obj), ['spec.deletionPolicy: value "Keep" not in enum [Halt, Delete, WipeOut, DoNotTerminate]']);
            const obj2 = mssqlServer();
            obj2.spec.storageType = "durable";
            assert.deepEqual(validateObject(obj2), ['spec.storageType: value "durable" not in enum [Durable, Ephemeral]']);
        });

        it("rejects missing required fields (spec.version, spec.tls, tls.issuerRef.name, container name)", () => {
            const noVersion = mssqlServer();
            delete noVersion.spec.version;
            assert.deepEqual(validateObject(noVersion), ["spec.version: required field missing"]);

            const noTls = mssqlServer();
            delete noTls.spec.tls;
            assert.deepEqual(validateObject(noTls), ["spec.tls: required field missing"]);

            const noIssuerName = mssqlServer();
            delete noIssuerName.spec.tls.issuerRef.name;
            assert.deepEqual(validateObject(noIssuerName), ["spec.tls.issuerRef.name: required field missing"]);

            const noContainerName = mssqlServer();
            delete noContainerName.spec.podTemplate.spec.containers[0].name;
            assert.deepEqual(validateObject(noContainerName), ["spec.podTemplate.spec.containers[0].name: required field missing"]);
        });

        it("treats a property set to undefined as absent", () => {
            const obj = mssqlServer();
            obj.spec.halted = undefined;
            obj.spec.notAField = undefined;
            assert.deepEqual(validateObject(obj), []);
            obj.spec.version = undefined;
            assert.deepEqual(validateObject(obj), ["spec.version: required field missing"]);
        });

        it("counts a schema default as satisfying required (the API server defaults before validating)", () => {
            const obj = mssqlServer();
            delete obj.spec.authSecret.kind; // required, but default: Secret
            assert.deepEqual(validateObject(obj), []);
            delete obj.spec.authSecret.name; // required, no default
            assert.deepEqual(validateObject(obj), ["spec.authSecret.name: required field missing"]);
        });

        it("rejects wrong types", () => {
            const cases: Array<[(o: any) => void, string]> = [
                [(o) => (o.spec.replicas = "1"), 'spec.replicas: expected integer, got string "1"'],
                [(o) => (o.spec.replicas = 1.5), "spec.replicas: expected integer, got number 1.5"],
                [(o) => (o.spec.tls.clientTLS = "true"), 'spec.tls.clientTLS: expected boolean, got string "true"'],
                [(o) => (o.spec.storage.accessModes = "ReadWriteOnce"), 'spec.storage.accessModes: expected array, got string "ReadWriteOnce"'],
                [(o) => (o.spec.podTemplate.spec.containers[0].env = { MSSQL_PID: "Developer" }), "spec.podTemplate.spec.containers[0].env: expected array, got object"],
                [(o) => (o.spec.version = 2022), "spec.version: expected string, got integer 2022"],
                [(o) => (o.metadata.labels.tier = 3), "metadata.labels.tier: expected string, got integer 3"],
            ];
            for (const [mutate, expected] of cases) {
                const obj = mssqlServer();
                mutate(obj);
                assert.deepEqual(validateObject(obj), [expected]);
            }
        });

        it("rejects an int32 out of range", () => {
            const obj = mssqlServer();
            obj.spec.replicas = 2 ** 31;
            assert.deepEqual(validateObject(obj), ["spec.replicas: 2147483648 is out of range for int32"]);
        });

        it("rejects null unless the field is nullable", () => {
            const obj = mssqlServer();
            obj.spec.storageType = null;
            assert.deepEqual(validateObject(obj), ["spec.storageType: null is not allowed (field is not nullable)"]);
        });

        it("checks int-or-string quantities: integer or string, and the quantity pattern on strings", () => {
            const asInt = mssqlServer();
            asInt.spec.storage.resources.requests.storage = 10737418240;
            assert.deepEqual(validateObject(asInt), []);

            const badString = mssqlServer();
            badString.spec.storage.resources.requests.storage = "ten gigs";
            const [violation, ...rest] = validateObject(badString);
            assert.deepEqual(rest, []);
            assert.match(violation, /^spec\.storage\.resources\.requests\.storage: value "ten gigs" does not match pattern \^\(\\\+\|-\)\?/);

            const badType = mssqlServer();
            badType.spec.storage.resources.requests.storage = 1.5;
            assert.deepEqual(validateObject(badType), ["spec.storage.resources.requests.storage: expected integer or string, got number 1.5"]);
        });

        it("applies the CRD's own metadata.name rule and the ObjectMeta shape", () => {
            const badName = mssqlServer();
            badName.metadata.name = "1mssql"; // a DNS subdomain, but the CRD wants a leading letter
            assert.deepEqual(validateObject(badName), ['metadata.name: value "1mssql" does not match pattern ^[a-z]([-a-z0-9]*[a-z0-9])?$']);

            const longName = mssqlServer();
            longName.metadata.name = "m".repeat(64);
            assert.deepEqual(validateObject(longName), ["metadata.name: string length 64 exceeds maxLength 63"]);

            const fullMeta = mssqlServer();
            fullMeta.metadata = {
                generateName: "mssql-",
                namespace: "db",
                labels: { app: "mssql" },
                annotations: { "pulumi.com/note": "anything: goes" },
                finalizers: ["example.com/keep"],
                ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: "0000", controller: false }],
            };
            assert.deepEqual(validateObject(fullMeta), []);

            fullMeta.metadata.ownerReferences[0] = { apiVersion: "v1", kind: "ConfigMap", name: "owner" };
            fullMeta.metadata.namespace = "DB";
            assert.deepEqual(validateObject(fullMeta), [
                'metadata.namespace: value "DB" does not match pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
                "metadata.ownerReferences[0].uid: required field missing",
            ]);
        });

        it("rejects duplicate keys in an x-kubernetes-list-type: map list", () => {
            const obj = mssqlServer();
            obj.spec.podTemplate.spec.containers[0].env.push({ name: "ACCEPT_EULA", value: "N" });
            assert.deepEqual(validateObject(obj), [
                'spec.podTemplate.spec.containers[0].env[2]: duplicate entry with key {name: "ACCEPT_EULA"}, same as [1] (x-kubernetes-list-type: map)',
            ]);
        });

        it("rejects non-JSON values such as class instances", () => {
            class Output {
                constructor(readonly value: string) {}
            }
            const obj = mssqlServer();
            obj.spec.version = new Output("2022-cu16");
            assert.deepEqual(validateObject(obj), ["spec.version: not a JSON value (instance of Output)"]);
        });

        it("assertValid names the object and lists every violation", () => {
            const obj = mssqlServer();
            obj.spec.deletionPolicy = "Keep";
            obj.spec.replicas = "1";
            delete obj.spec.version;
            assert.throws(
                () => assertValid(obj),
                (err: Error) => {
                    assert.match(err.message, /^MSSQLServer "db\/mssql" \(kubedb\.com\/v1alpha2\) does not match its CRD schema \(3 violations\)/);
                    assert.match(err.message, /\n {2}- spec\.version: required field missing/);
                    assert.match(err.message, /\n {2}- spec\.replicas: expected integer, got string "1"/);
                    assert.match(err.message, /\n {2}- spec\.deletionPolicy: value "Keep" not in enum/);
                    return true;
                },
            );
        });
    });

    describe("MSSQLServerOpsRequest (ops.kubedb.com/v1alpha1)", () => {
        it("accepts a RotateAuth request with authentication.secretRef", () => {
            assert.deepEqual(validateObject(rotateAuth()), []);
        });

        it("rejects an unknown ops type", () => {
            const obj = rotateAuth();
            obj.spec.type = "RotateCredentials";
            assert.deepEqual(validateObject(obj), [
                'spec.type: value "RotateCredentials" not in enum [UpdateVersion, HorizontalScaling, VerticalScaling, VolumeExpansion, Restart, Reconfigure, ReconfigureTLS, RotateAuth, StorageMigration]',
            ]);
        });

        it("requires type and databaseRef, and authentication.secretRef.name", () => {
            const obj = rotateAuth();
            delete obj.spec.type;
            delete obj.spec.databaseRef;
            delete obj.spec.authentication.secretRef.name;
            assert.deepEqual(validateObject(obj), [
                "spec.databaseRef: required field missing",
                "spec.type: required field missing",
                "spec.authentication.secretRef.name: required field missing",
            ]);
        });

        it("rejects fields in spec.restart, which the schema declares as an empty object", () => {
            const ok = rotateAuth();
            ok.spec.type = "Restart";
            delete ok.spec.authentication;
            ok.spec.restart = {};
            assert.deepEqual(validateObject(ok), []);
            ok.spec.restart = { force: true };
            assert.deepEqual(validateObject(ok), ["spec.restart.force: unknown field"]);
        });

        it("rejects a misplaced field (secretRef directly under spec)", () => {
            const obj = rotateAuth();
            obj.spec.secretRef = obj.spec.authentication.secretRef;
            delete obj.spec.authentication;
            assert.deepEqual(validateObject(obj), ["spec.secretRef: unknown field"]);
        });
    });

    describe("cert-manager (cert-manager.io/v1)", () => {
        it("accepts a self-signed Issuer", () => {
            assert.deepEqual(validateObject(selfSignedIssuer()), []);
        });

        it("requires Issuer.spec and rejects an unknown issuer type", () => {
            const noSpec = selfSignedIssuer();
            delete noSpec.spec;
            assert.deepEqual(validateObject(noSpec), ["spec: required field missing"]);

            const unknown = selfSignedIssuer();
            unknown.spec = { selfsigned: {} };
            assert.deepEqual(validateObject(unknown), ["spec.selfsigned: unknown field"]);
        });

        it("accepts a CA ClusterIssuer and requires ca.secretName", () => {
            assert.deepEqual(validateObject(caClusterIssuer()), []);
            const obj = caClusterIssuer();
            obj.spec.ca = { secretRef: "mssql-ca" };
            assert.deepEqual(validateObject(obj), ["spec.ca.secretName: required field missing", "spec.ca.secretRef: unknown field"]);
        });

        it("lets x-kubernetes-preserve-unknown-fields through (ACME webhook solver config)", () => {
            const obj = selfSignedIssuer();
            obj.spec = {
                acme: {
                    server: "https://acme.example.com/directory",
                    privateKeySecretRef: { name: "acme-key" },
                    solvers: [{ dns01: { webhook: { groupName: "acme.example.com", solverName: "x", config: { anything: { nested: [1, "two"] } } } } }],
                },
            };
            assert.deepEqual(validateObject(obj), []);
            obj.spec.acme.solvers[0].dns01.webhook.confg = {};
            assert.deepEqual(validateObject(obj), ["spec.acme.solvers[0].dns01.webhook.confg: unknown field"]);
        });

        it("checks format: byte on Issuer caBundle", () => {
            const obj = selfSignedIssuer();
            obj.spec = { acme: { server: "https://acme.example.com/directory", privateKeySecretRef: { name: "k" }, caBundle: "not base64!" } };
            assert.deepEqual(validateObject(obj), ["spec.acme.caBundle: value is not valid base64 (format: byte)"]);
            obj.spec.acme.caBundle = Buffer.from("-----BEGIN CERTIFICATE-----").toString("base64");
            assert.deepEqual(validateObject(obj), []);
        });

        it("accepts a CA Certificate with an ECDSA private key", () => {
            assert.deepEqual(validateObject(caCertificate()), []);
        });

        it("rejects privateKey.algorithm DSA", () => {
            const obj = caCertificate();
            obj.spec.privateKey.algorithm = "DSA";
            assert.deepEqual(validateObject(obj), ['spec.privateKey.algorithm: value "DSA" not in enum [RSA, ECDSA, Ed25519]']);
        });

        it("rejects other Certificate mistakes", () => {
            const obj = caCertificate();
            obj.spec.privateKey.size = "256";
            obj.spec.usages = ["server auth", "server-auth"];
            obj.spec.issuerRef.apiGroup = "cert-manager.io"; // KubeDB's spelling, not cert-manager's
            delete obj.spec.secretName;
            assert.deepEqual(validateObject(obj), [
                "spec.secretName: required field missing",
                "spec.issuerRef.apiGroup: unknown field",
                'spec.privateKey.size: expected integer, got string "256"',
                'spec.usages[1]: value "server-auth" not in enum [signing, digital signature, content commitment, key encipherment, key agreement, data encipherment, cert sign, crl sign, encipher only, decipher only, any, server auth, client auth, code signing, email protection, s/mime, ipsec end system, ipsec tunnel, ipsec user, timestamping, ocsp signing, microsoft sgc, netscape sgc]',
            ]);
        });
    });

    describe("what the vendored schemas contain", () => {
        it("lists exactly the CEL rules documented in crdSchema.ts (they are not evaluated)", () => {
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
});
