/**
 * End to end: a stack deployed by the plugin release before `saPasswordSecret` and `connection`
 * (built from this repository's history) moves to this tree with the same config, and nothing
 * changes: the preview and the update report no change, no ops request, every object the same
 * (the same uids), the connection Secret the same name, keys and content.
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

/** The last commit before issue 20 (the plugin, one SqlServer). */
const PREVIOUS = "d72443bf98069210be1f1cf6aeac6884be41075b";
const ROOT = path.resolve(__dirname, "..", "..");
const NS = "payroll";
const DB = "salaries";

describe("upgrade in place: a stack of the plugin release before the password source and the connection shape changes nothing", function () {
    this.timeout(15 * 60_000);
    let cluster: ControlPlane;
    let standIns: StandIns;
    let stack: PulumiWorkspace;
    let reads: ClusterReads;
    const previous = fs.mkdtempSync(path.join(os.tmpdir(), "kubedb-mssql-e2e-previous-"));

    /** Every object of the namespace a replacement or deletion would change: kind/name → uid (and a Secret's data). */
    const snapshot = async (): Promise<Record<string, string>> => {
        const out: Record<string, string> = {};
        for (const s of (await reads.core.listNamespacedSecret({ namespace: NS })).items) out[`secret/${s.metadata!.name}`] = s.metadata!.uid!;
        for (const c of (await reads.core.listNamespacedConfigMap({ namespace: NS })).items) out[`configmap/${c.metadata!.name}`] = c.metadata!.uid!;
        out[`mssqlserver/${DB}`] = (await reads.database(NS, DB)).metadata.uid;
        out.connection = JSON.stringify(await reads.secretData(NS, `${DB}-connection`));
        return out;
    };

    before(async function () {
        this.timeout(5 * 60_000);
        execFileSync("bash", ["-c", `git -C "${ROOT}" archive ${PREVIOUS} | tar -x -C "${previous}"`]);
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(previous, "node_modules"));
        // Its plugin, compiled as `npm ci` would.
        execFileSync(path.join(ROOT, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json"], { cwd: previous, stdio: "inherit" });
        const bin = toolsBin();
        cluster = await startControlPlane(bin);
        standIns = await StandIns.start(cluster.kubeconfig);
        reads = clusterReads(cluster.kubeconfig);
        stack = await PulumiWorkspace.create({ bin, kubeconfigPath: cluster.kubeconfigPath, stack: "upgrade-defaults", root: previous });
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

    it("the previous release deploys; this tree then previews and updates with no change at all", async () => {
        await stack.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
        const before = await snapshot();
        stack.relink(ROOT);
        await stack.ok(["preview", "--expect-no-changes", "--diff"]);
        await stack.ok(["up", "--yes", "--expect-no-changes"]);
        assert.deepEqual(await snapshot(), before, "the same objects, the same connection Secret");
        assert.deepEqual(await reads.requests(NS), [], "no ops request");
        assert.equal((await stack.outputs()).connectionSecret, `${DB}-connection`);
    });
});
