/**
 * End to end: a stack deployed by the last release before the provider plugin (dynamic providers,
 * their code in the state) moves to this one in place. Deployed and rotated once with that
 * release's program, then `pulumi up` with this tree's: no ops request, no Kubernetes object
 * replaced or deleted (the same uids), the credential in use and the connection Secret unchanged,
 * no code left in the state; then `pulumi up --expect-no-changes`.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ControlPlane, startControlPlane } from "./support/controlPlane";
import { ClusterReads, clusterReads } from "./support/clusterReads";
import { PulumiWorkspace } from "./support/pulumiCli";
import { StandIns } from "./support/standIns";
import { toolsBin } from "./support/tools";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects read back from the API server are arbitrary JSON

/** The last release with dynamic providers (0.1.0). */
const PREVIOUS_RELEASE = "b7cd9000f0ab903b87b7e8e8a75142b689654fc1";
const ROOT = path.resolve(__dirname, "..", "..");
const NS = "inventory";
const DB = "stock";

describe("upgrade in place: a stack of the dynamic-provider release moves to the plugin", function () {
    this.timeout(15 * 60_000);
    let cluster: ControlPlane;
    let standIns: StandIns;
    let stack: PulumiWorkspace;
    const previous = fs.mkdtempSync(path.join(os.tmpdir(), "kubedb-mssql-e2e-release-"));

    let reads: ClusterReads;
    const requests = () => reads.requests(NS);
    const database = () => reads.database(NS, DB);
    const secretData = (name: string) => reads.secretData(NS, name);
    /** Every object the stack made that a replacement or deletion would change: kind/name → uid. */
    const uids = async (): Promise<Record<string, string>> => {
        const out: Record<string, string> = {};
        out[`namespace/${NS}`] = (await reads.core.readNamespace({ name: NS })).metadata!.uid!;
        for (const s of (await reads.core.listNamespacedSecret({ namespace: NS })).items) out[`secret/${s.metadata!.name}`] = s.metadata!.uid!;
        out[`mssqlserver/${DB}`] = (await database()).metadata.uid;
        for (const plural of ["issuers", "certificates"]) {
            for (const o of ((await reads.custom.listNamespacedCustomObject({ group: "cert-manager.io", version: "v1", plural, namespace: NS })) as Obj)
                .items) {
                out[`${plural}/${o.metadata.name}`] = o.metadata.uid;
            }
        }
        return out;
    };

    before(async function () {
        this.timeout(5 * 60_000);
        // The release's tree, from this repository's history (a clone has it).
        execFileSync("bash", ["-c", `git -C "${ROOT}" archive ${PREVIOUS_RELEASE} | tar -x -C "${previous}"`]);
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(previous, "node_modules"));
        const bin = toolsBin();
        cluster = await startControlPlane(bin);
        standIns = await StandIns.start(cluster.kubeconfig);
        reads = clusterReads(cluster.kubeconfig);
        stack = await PulumiWorkspace.create({ bin, kubeconfigPath: cluster.kubeconfigPath, stack: "upgrade", root: previous });
        await stack.config("acceptEula", "true");
        await stack.config("namespace", NS);
        await stack.config("name", DB);
        await stack.config("timeouts.readyMinutes", "5", { path: true });
        await stack.config("timeouts.opsRequestMinutes", "5", { path: true });
    });
    after(async function () {
        this.timeout(60_000);
        stack?.stopAll();
        standIns?.stop();
        await cluster?.stop();
        if (!process.env.KUBEDB_MSSQL_E2E_KEEP) {
            stack?.remove();
            fs.rmSync(previous, { recursive: true, force: true });
        }
    });

    let uidsBefore: Record<string, string>;
    let inUse = "";

    it("the previous release deploys and rotates once (its state holds its serialized providers)", async () => {
        await stack.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
        await stack.config("rotation.generation", "1", { path: true });
        await stack.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
        assert.deepEqual(
            (await requests()).map((r) => [r.spec.type, r.status.phase]),
            [["RotateAuth", "Successful"]],
        );
        assert.match(await stack.export(), /__provider/);
        uidsBefore = await uids();
        inUse = (await database()).spec.authSecret.name;
    });

    it("`pulumi up` with this release: no request, nothing replaced or deleted, the credential kept, no code in the state", async () => {
        stack.relink(ROOT);
        const up = await stack.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
        assert.doesNotMatch(up.stdout, /replaced|deleted/, `nothing replaced or deleted:\n${up.stdout}`);
        console.log(`      ${up.stdout.slice(up.stdout.indexOf("Resources:")).trim().replace(/\n/g, "\n      ")}`);
        assert.equal((await requests()).length, 1, "no ops request");
        assert.deepEqual(await uids(), uidsBefore, "every namespace, Secret, MSSQLServer, Issuer and Certificate is the same object");
        const db = await database();
        assert.equal(db.spec.authSecret.name, inUse);
        assert.equal(
            (await secretData(`${DB}-connection`)).password,
            (await secretData(inUse)).password,
            "the connection Secret still has the password in use",
        );
        const state = await stack.export();
        assert.doesNotMatch(state, /__provider|exports\.handler/);
        const out = await stack.outputs();
        assert.equal(out.credentialRotation.activeSecret, inUse);
        assert.equal(out.connectionSecret, `${DB}-connection`);
    });

    it("then `pulumi up --expect-no-changes`", async () => {
        await stack.ok(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
    });
});
