/**
 * One cluster per component: the request waiters inside CredentialRotation and TlsLifecycle act on
 * the cluster whose provider creates the resources, or the component refuses to be built.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kubernetesCluster } from "../../components/kube/cluster";
import { CredentialRotation } from "../../components/credential/credentialRotation";
import { TlsLifecycle } from "../../components/tls/tlsLifecycle";
import { runProgram } from "../support/program";
import { PACKAGE_RESOURCES } from "../../components/packageResources";
import { assertArgRefused, useMocks } from "../support/componentArgs";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const unwrap = (v: unknown): unknown => (v && typeof v === "object" && SIG_KEY in (v as object) ? (v as { value: unknown }).value : v);

const CLUSTER_B =
    "apiVersion: v1\nkind: Config\nclusters:\n- name: b\n  cluster:\n    server: https://cluster-b.example:6443\n" +
    "users:\n- name: u\n  user:\n    token: token-of-b\ncontexts:\n- name: b\n  context:\n    cluster: b\n    user: u\ncurrent-context: b\n";

describe("one cluster per component", () => {
    let registered: pulumi.runtime.MockResourceArgs[];
    beforeEach(async () => {
        registered = [];
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push(args);
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => args.inputs,
            },
            "kubedb-mssql",
            "test",
            false,
        );
    });
    const ledgers = () => registered.filter((r) => Object.values(PACKAGE_RESOURCES).some((p) => p.token === r.type));
    const rotationArgs = { database: "mssql", namespace: "db", secretName: "mssql-auth-1" };
    const tlsArgs = { database: "mssql", namespace: "db", issuer: { kind: "Issuer" as const, name: "mssql-ca" } };

    it("the stack program gives the waiters the very kubeconfig text its provider has, read from a file path", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kubedb-mssql-kc-")), "config");
        fs.writeFileSync(file, CLUSTER_B);
        const run = await runProgram({ config: { acceptEula: true, kubeconfig: file } });
        const provider = run.one("pulumi:providers:kubernetes").inputs.kubeconfig;
        assert.equal(provider, CLUSTER_B, "the provider gets the file's text");
        assert.equal(run.one("kubedb-mssql:credential:RotationLedger").inputs.kubeconfig, provider);
        assert.equal(run.one("kubedb-mssql:tls:TlsLedger").inputs.kubeconfig, provider);
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
    });

    it("kubernetesCluster reads a kubeconfig path once, so the provider and the waiters share the text", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kubedb-mssql-kc-")), "config");
        fs.writeFileSync(file, CLUSTER_B);
        const cluster = kubernetesCluster("from-file", { kubeconfig: file });
        return new Promise<void>((resolve) =>
            cluster.kubeconfig!.apply((text) => {
                assert.equal(text, CLUSTER_B);
                fs.rmSync(path.dirname(file), { recursive: true, force: true });
                resolve();
            }),
        );
    });

    it("kubernetesCluster refuses an unreadable path without echoing it", () => {
        assert.throws(
            () => kubernetesCluster("missing", { kubeconfig: "/nonexistent/secret-path/config" }),
            (e: Error) =>
                /"kubeconfig": is neither kubeconfig text nor the path of a readable file \(ENOENT\)/.test(e.message) && !e.message.includes("secret-path"),
        );
    });

    for (const [name, build] of [
        [
            "CredentialRotation",
            (opts: pulumi.ComponentResourceOptions, cluster?: ReturnType<typeof kubernetesCluster>) =>
                new CredentialRotation("rotation", { ...rotationArgs, cluster }, opts),
        ],
        [
            "TlsLifecycle",
            (opts: pulumi.ComponentResourceOptions, cluster?: ReturnType<typeof kubernetesCluster>) => new TlsLifecycle("tls", { ...tlsArgs, cluster }, opts),
        ],
    ] as const) {
        it(`${name}: a provider for another cluster in \`providers\` is refused before its waiter is registered`, () => {
            const b = new k8s.Provider("cluster-b", { kubeconfig: CLUSTER_B });
            assert.throws(
                () => build({ providers: { kubernetes: b } }),
                (e: Error) =>
                    e.message.startsWith(`${name} "`) &&
                    /would act on the ambient cluster/.test(e.message) &&
                    /kubernetesCluster\(name, \{ kubeconfig \}\)/.test(e.message) &&
                    e.message.endsWith("so the resources and the waiter use the same cluster.") &&
                    !e.message.includes("token-of-b"),
            );
            assert.deepEqual(ledgers(), []);
        });

        it(`${name}: a provider inherited from a parent component is refused too`, () => {
            const b = new k8s.Provider("cluster-b", { kubeconfig: CLUSTER_B });
            const parent = new pulumi.ComponentResource("test:index:Parent", "parent", {}, { providers: { kubernetes: b } });
            assert.throws(() => build({ parent }), /would act on the ambient cluster/);
            assert.deepEqual(ledgers(), []);
        });

        it(`${name}: with \`cluster\`, the waiter connects with that cluster's kubeconfig, whether or not its provider is in opts`, async () => {
            const b = kubernetesCluster("cluster-b", { kubeconfig: CLUSTER_B });
            build({ providers: { kubernetes: b.provider } }, b);
            build({}, kubernetesCluster("cluster-b2", { kubeconfig: CLUSTER_B }));
            await new Promise((r) => setTimeout(r, 100));
            assert.equal(ledgers().length, 2);
            for (const ledger of ledgers()) assert.equal(unwrap(ledger.inputs.kubeconfig), CLUSTER_B);
        });

        it(`${name}: with no provider anywhere but \`kubernetes:context\` in the stack config, it is refused (the default provider would use another cluster)`, () => {
            pulumi.runtime.setConfig("kubernetes:context", "prod");
            try {
                assert.throws(
                    () => build({}),
                    (e: Error) => e.message.startsWith(`${name} "`) && /sets kubernetes:context/.test(e.message) && /kubernetesCluster/.test(e.message),
                );
                assert.deepEqual(ledgers(), []);
            } finally {
                pulumi.runtime.setAllConfig({});
            }
        });

        it(`${name}: each default-provider key is named, all of them at once`, () => {
            pulumi.runtime.setAllConfig({ "kubernetes:kubeconfig": "/elsewhere", "kubernetes:context": "prod", "kubernetes:cluster": "east" });
            try {
                assert.throws(
                    () => build({}),
                    (e: Error) =>
                        e.message ===
                        `${name} "${name === "CredentialRotation" ? "rotation" : "tls"}": ` +
                            "the stack config sets kubernetes:kubeconfig, kubernetes:context, kubernetes:cluster, which Pulumi's default Kubernetes provider " +
                            "uses but the request waiter inside does not, so it could act on another cluster than the resources. " +
                            "Pass `cluster: kubernetesCluster(name, { kubeconfig })` (and its `provider` to the other components), or remove those keys.",
                );
                pulumi.runtime.setAllConfig({ "kubernetes:cluster": "east" });
                assert.throws(() => build({}), /sets kubernetes:cluster, which/);
            } finally {
                pulumi.runtime.setAllConfig({});
            }
        });

        it(`${name}: with \`cluster\` given, those keys do not matter (the waiter uses the cluster's kubeconfig)`, async () => {
            pulumi.runtime.setAllConfig({ "kubernetes:context": "prod" });
            try {
                build({}, kubernetesCluster("cluster-b", { kubeconfig: CLUSTER_B }));
                await new Promise((r) => setTimeout(r, 100));
                assert.equal(unwrap(ledgers()[0].inputs.kubeconfig), CLUSTER_B);
            } finally {
                pulumi.runtime.setAllConfig({});
            }
        });

        it(`${name}: with no provider anywhere, the waiter uses the ambient kubeconfig like the default provider`, async () => {
            build({});
            await new Promise((r) => setTimeout(r, 100));
            assert.equal(ledgers().length, 1);
            assert.equal(ledgers()[0].inputs.kubeconfig, undefined);
        });
    }
});

describe("validation: kubernetesCluster args", () => {
    before(useMocks);

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
});
