/**
 * End to end: the package as a user of another language has it. The plugin's schema through the
 * CLI, SDKs from Pulumi's own generators compiled or imported, a Pulumi YAML program that deploys
 * a database, rotates its credential with a config bump and re-issues its certificates, and a
 * Python program on the generated SDK — against a real kube-apiserver with the real cert-manager
 * and the KubeDB stand-in.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ControlPlane, startControlPlane } from "./support/controlPlane";
import { ClusterReads, clusterReads } from "./support/clusterReads";
import { PulumiWorkspace } from "./support/pulumiCli";
import { pythonEnv } from "./support/pythonEnv";
import { StandIns } from "./support/standIns";
import { PACKAGE_RESOURCES } from "../../components/packageResources";
import { COMPONENT_OUTPUTS } from "../../provider/schema";
import { toolsBin } from "./support/tools";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects read back from the API server are arbitrary JSON

const ROOT = path.resolve(__dirname, "..", "..");
const PLUGIN_DIR = path.join(ROOT, "provider", "bin");
const PLUGIN = path.join(PLUGIN_DIR, "pulumi-resource-kubedb-mssql");

function run(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(file, args, { ...options, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 }, (error, stdout, stderr) => {
            if (error) reject(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`));
            else resolve(stdout);
        });
    });
}

describe("the package from other languages: schema, SDKs, a YAML and a Python program", function () {
    this.timeout(20 * 60_000);
    const bin = toolsBin();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "kubedb-mssql-e2e-package-"));
    const schemaPath = path.join(work, "schema.json");
    /** Where the generated Python SDK is installed (PYTHONPATH of the Python program). */
    const pythonSdk = path.join(work, "python-sdk");
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, PULUMI_SKIP_UPDATE_CHECK: "1", PULUMI_HOME: path.join(work, "pulumi-home") };
    const workspaces: PulumiWorkspace[] = [];
    let schema: Obj;
    let cluster: ControlPlane | undefined;
    let standIns: StandIns | undefined;

    after(async function () {
        this.timeout(60_000);
        for (const w of workspaces) w.stopAll();
        standIns?.stop();
        await cluster?.stop();
        if (!process.env.KUBEDB_MSSQL_E2E_KEEP) {
            for (const w of workspaces) w.remove();
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    it("`pulumi package get-schema` on the plugin: every component and resource, documented, secrets secret", async () => {
        const text = await run("pulumi", ["package", "get-schema", PLUGIN], { env });
        fs.writeFileSync(schemaPath, text);
        schema = JSON.parse(text);
        const expected = [...Object.keys(COMPONENT_OUTPUTS), ...Object.values(PACKAGE_RESOURCES).map((r) => r.token)].sort();
        assert.deepEqual(Object.keys(schema.resources).sort(), expected);
        for (const token of Object.keys(COMPONENT_OUTPUTS)) assert.equal(schema.resources[token].isComponent, true, token);
        for (const [token, resource] of Object.entries<Obj>(schema.resources)) {
            for (const [key, property] of Object.entries<Obj>({ ...resource.inputProperties, ...resource.properties })) {
                assert.ok(property.description, `${token}.${key} is documented`);
            }
        }
        const sqlServer = schema.resources["kubedb-mssql:index:SqlServer"];
        assert.equal(sqlServer.inputProperties.saPassword.secret, true);
        assert.equal(sqlServer.inputProperties.kubeconfig.secret, true);
        assert.match(sqlServer.inputProperties.deletionPolicy.description, /Default: Halt/);
        assert.deepEqual(
            schema.types["kubedb-mssql:index:DeletionPolicy"].enum.map((e: Obj) => e.value),
            ["Halt", "Delete", "WipeOut", "DoNotTerminate"],
        );
        assert.equal(schema.resources[PACKAGE_RESOURCES.CredentialSecret.token].properties.versionPassword.secret, true);
    });

    it("SDKs from Pulumi's own generators: Node.js compiles, Python imports, Go builds", async () => {
        for (const language of ["nodejs", "python", "go"])
            await run(path.join(bin, "pulumi-sdkgen"), [schemaPath, language, path.join(work, "sdk", language)], { env });
        // Node.js: the generated package compiled against this project's @pulumi/pulumi.
        const nodeSdk = path.join(work, "sdk", "nodejs");
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(nodeSdk, "node_modules"));
        await run(path.join(ROOT, "node_modules", ".bin", "tsc"), ["-p", nodeSdk, "--noEmit"], { env });
        assert.match(
            fs.readFileSync(path.join(nodeSdk, "sqlServer.ts"), "utf8"),
            /__pulumiType = 'kubedb-mssql:index:SqlServer'[\s\S]*super\(SqlServer\.__pulumiType, name, resourceInputs, opts, true \/\*remote\*\/\)/,
            "a remote component",
        );
        // Python: installed into the e2e venv and imported.
        const python = await pythonEnv(path.join(path.dirname(bin), "python"));
        const pyEnv = { ...env, ...python.env, PYTHONPATH: pythonSdk };
        // Installed beside the shared venv, not into it (its metadata gives the SDK its version).
        await run(
            path.join(python.venv, "bin", "pip"),
            ["install", "--no-deps", "--no-build-isolation", "--no-index", "--target", pythonSdk, path.join(work, "sdk", "python")],
            { env: pyEnv },
        );
        const imported = await run(
            path.join(python.venv, "bin", "python"),
            ["-c", "import pulumi_kubedb_mssql as k; print(k.SqlServer.__name__, k.credential.RotationLedger.__name__, k.DeletionPolicy.HALT.value)"],
            { env: pyEnv },
        );
        assert.equal(imported.trim(), "SqlServer RotationLedger Halt");
        // Go: the generated module built against the Go SDK of the CLI's version.
        const goSdk = path.join(work, "sdk", "go");
        fs.writeFileSync(
            path.join(goSdk, "go.mod"),
            "module github.com/kubedb-mssql/kubedb-mssql/sdk/go\n\ngo 1.24\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.248.0\n",
        );
        await run("go", ["mod", "tidy"], { cwd: goSdk, env });
        await run("go", ["build", "./..."], { cwd: goSdk, env });
        assert.ok(fs.existsSync(path.join(goSdk, "kubedbmssql", "sqlServer.go")));
    });

    let reads: ClusterReads;
    const requests = (namespace: string) => reads.requests(namespace);
    const secretData = (namespace: string, name: string) => reads.secretData(namespace, name);
    const database = (namespace: string, name: string) => reads.database(namespace, name);

    describe("a Pulumi YAML program", () => {
        let yaml: PulumiWorkspace;
        const NS = "orders";

        before(async function () {
            this.timeout(5 * 60_000);
            cluster = await startControlPlane(bin);
            standIns = await StandIns.start(cluster.kubeconfig);
            reads = clusterReads(cluster.kubeconfig);
            yaml = await PulumiWorkspace.create({
                bin,
                kubeconfigPath: cluster.kubeconfigPath,
                stack: "yaml",
                project: {
                    "Pulumi.yaml": [
                        "name: orders-yaml",
                        "runtime: yaml",
                        "plugins:",
                        "  providers:",
                        "    - name: kubedb-mssql",
                        `      path: ${PLUGIN_DIR}`,
                        "config:",
                        "  rotationGeneration: { type: integer, default: 0 }",
                        "  tlsGeneration: { type: integer, default: 0 }",
                        "resources:",
                        "  orders:",
                        "    type: kubedb-mssql:index:SqlServer",
                        "    properties:",
                        "      acceptEula: true",
                        `      namespace: ${NS}`,
                        "      name: orders",
                        "      rotation:",
                        "        generation: ${rotationGeneration}",
                        "      tls:",
                        "        rotation:",
                        "          generation: ${tlsGeneration}",
                        "      timeouts:",
                        "        readyMinutes: 5",
                        "        opsRequestMinutes: 5",
                        "outputs:",
                        "  connectionSecret: ${orders.connectionSecret}",
                        "  credentialRotation: ${orders.credentialRotation}",
                        "  tls: ${orders.tlsStatus}",
                        "",
                    ].join("\n"),
                },
            });
            workspaces.push(yaml);
        });

        it("`pulumi up`: the database Ready, its outputs, no ops request", async () => {
            await yaml.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
            const db = await database(NS, "orders");
            assert.equal(db.status.phase, "Ready");
            const out = await yaml.outputs();
            assert.equal(out.connectionSecret, "orders-connection");
            assert.equal(out.credentialRotation.lastPhase, "Initial");
            assert.equal((await secretData(NS, "orders-connection")).password, (await secretData(NS, db.spec.authSecret.name)).password);
            assert.deepEqual(await requests(NS), []);
            await yaml.ok(["preview", "--expect-no-changes"]);
        });

        it("a config bump rotates the credential: one RotateAuth, the connection Secret follows", async () => {
            const before = (await database(NS, "orders")).spec.authSecret.name;
            await yaml.ok(["config", "set", "rotationGeneration", "1"]);
            await yaml.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
            const sent = await requests(NS);
            assert.deepEqual(
                sent.map((r) => [r.spec.type, r.status.phase]),
                [["RotateAuth", "Successful"]],
            );
            const now = (await database(NS, "orders")).spec.authSecret.name;
            assert.notEqual(now, before);
            assert.equal((await secretData(NS, "orders-connection")).password, (await secretData(NS, now)).password);
            assert.equal((await yaml.outputs()).credentialRotation.activeSecret, now);
        });

        it("a config bump re-issues the certificates: one ReconfigureTLS rotateCertificates", async () => {
            await yaml.ok(["config", "set", "tlsGeneration", "1"]);
            await yaml.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
            const sent = (await requests(NS)).slice(1);
            assert.deepEqual(
                sent.map((r) => [r.spec.type, r.spec.tls, r.status.phase]),
                [["ReconfigureTLS", { rotateCertificates: true }, "Successful"]],
            );
            assert.equal((await yaml.outputs()).tls.lastPhase, "Successful");
            await yaml.ok(["up", "--yes", "--expect-no-changes", "--skip-preview"]);
        });

        it("the state: no code, no password in the clear", async () => {
            const state = await yaml.export();
            assert.doesNotMatch(state, /__provider|exports\.handler/);
            for (const secret of (await reads.core.listNamespacedSecret({ namespace: NS })).items) {
                const password = Buffer.from(secret.data?.password ?? "", "base64").toString("utf8");
                if (password) assert.ok(!state.includes(password), `the password of ${secret.metadata!.name} is not in the state`);
            }
            console.log(`      exported state: ${state.length} bytes`);
        });
    });

    describe("a Python program on the generated SDK", () => {
        const NS = "billing";

        it("`pulumi up` deploys the database; the next preview changes nothing", async () => {
            const python = await pythonEnv(path.join(path.dirname(bin), "python"));
            const program = await PulumiWorkspace.create({
                bin,
                kubeconfigPath: cluster!.kubeconfigPath,
                stack: "python",
                env: { ...python.env, PYTHONPATH: pythonSdk },
                project: {
                    "Pulumi.yaml": [
                        "name: billing-python",
                        "runtime: python",
                        "plugins:",
                        "  providers:",
                        "    - name: kubedb-mssql",
                        `      path: ${PLUGIN_DIR}`,
                        "",
                    ].join("\n"),
                    "__main__.py": [
                        "import pulumi",
                        "import pulumi_kubedb_mssql as kubedb_mssql",
                        "",
                        'billing = kubedb_mssql.SqlServer("billing", accept_eula=True, namespace="billing", name="billing",',
                        "    timeouts=kubedb_mssql.TimeoutsArgs(ready_minutes=5, ops_request_minutes=5))",
                        'pulumi.export("connectionSecret", billing.connection_secret)',
                        "",
                    ].join("\n"),
                },
            });
            workspaces.push(program);
            await program.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
            assert.equal((await database(NS, "billing")).status.phase, "Ready");
            assert.equal((await program.outputs()).connectionSecret, "billing-connection");
            assert.deepEqual(await requests(NS), []);
            await program.ok(["preview", "--expect-no-changes"]);
        });
    });
});
