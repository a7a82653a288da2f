/**
 * What every e2e story starts from, once: a control plane with KubeDB stood in, reads as an admin,
 * a stack with the story's database and short timeouts; the stack's identity (a ServiceAccount,
 * as from CI) and the ambient kubeconfig that points nowhere; and an older commit of this
 * repository to deploy first.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ClusterReads, clusterReads } from "./clusterReads";
import { ControlPlane, DEPLOYER, startControlPlane } from "./controlPlane";
import { PulumiWorkspace } from "./pulumiCli";
import { StandIns } from "./standIns";
import { toolsBin } from "./tools";

const ROOT = path.resolve(__dirname, "..", "..", "..");

export interface Story {
    bin: string;
    cluster: ControlPlane;
    standIns: StandIns;
    reads: ClusterReads;
    stack: PulumiWorkspace;
    /** Stops what was started (keeps the stack's files with KUBEDB_MSSQL_E2E_KEEP). */
    stop(): Promise<void>;
}

export interface StoryOptions {
    stack: string;
    namespace: string;
    database: string;
    /** The project to run (default: this tree). */
    root?: string;
    /** The ambient kubeconfig of the CLI: the cluster's (default), or nowhere (`"nowhere"`) so that only the config's reaches it. */
    ambient?: "cluster" | "nowhere";
}

export async function startStory(o: StoryOptions): Promise<Story> {
    const bin = toolsBin();
    const cluster = await startControlPlane(bin);
    const standIns = await StandIns.start(cluster.kubeconfig);
    const reads = clusterReads(cluster.kubeconfig);
    const kubeconfigPath = o.ambient === "nowhere" ? nowhereKubeconfig(cluster) : cluster.kubeconfigPath;
    const stack = await PulumiWorkspace.create({ bin, kubeconfigPath, stack: o.stack, ...(o.root ? { root: o.root } : {}) });
    await stack.config("acceptEula", "true");
    await stack.config("namespace", o.namespace);
    await stack.config("name", o.database);
    await stack.config("timeouts.readyMinutes", "5", { path: true });
    await stack.config("timeouts.opsRequestMinutes", "5", { path: true });
    return {
        bin,
        cluster,
        standIns,
        reads,
        stack,
        async stop() {
            stack.stopAll();
            standIns.stop();
            await cluster.stop();
            if (!process.env.KUBEDB_MSSQL_E2E_KEEP) stack.remove();
        },
    };
}

/** A kubeconfig of the cluster whose server is nowhere: what reaches the cluster must use the config's. */
export function nowhereKubeconfig(cluster: ControlPlane): string {
    const file = path.join(path.dirname(cluster.kubeconfigPath), "nowhere.kubeconfig");
    fs.writeFileSync(file, cluster.kubeconfig.replace(/server: https:\/\/127\.0\.0\.1:\d+/, "server: https://127.0.0.1:1"));
    return file;
}

/** The stack's identity: a ServiceAccount (in its own namespace), as CI would run `pulumi up`; grant it before `kubeconfig`. */
export async function createDeployer(reads: ClusterReads): Promise<void> {
    await reads.core.createNamespace({ body: { metadata: { name: DEPLOYER.namespace } } });
    await reads.core.createNamespacedServiceAccount({ namespace: DEPLOYER.namespace, body: { metadata: { name: DEPLOYER.name } } });
}

/** A kubeconfig file of the deployer, with a token from the TokenRequest API. */
export async function deployerKubeconfig(cluster: ControlPlane, reads: ClusterReads): Promise<{ path: string; token: string }> {
    const token = (
        await reads.core.createNamespacedServiceAccountToken({
            namespace: DEPLOYER.namespace,
            name: DEPLOYER.name,
            body: { spec: { audiences: [], expirationSeconds: 24 * 3600 } },
        })
    ).status!.token;
    const file = path.join(path.dirname(cluster.kubeconfigPath), "deployer.kubeconfig");
    fs.writeFileSync(file, cluster.kubeconfig.replace(/token: \S+/, `token: ${token}`), { mode: 0o600 });
    return { path: file, token };
}

/** An older commit of this repository, checked out apart with this tree's node_modules (a clone has the history). */
export function checkoutCommit(commit: string, { compile }: { compile: boolean }): { root: string; remove(): void } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "kubedb-mssql-e2e-commit-"));
    execFileSync("bash", ["-c", `git -C "${ROOT}" archive ${commit} | tar -x -C "${root}"`]);
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
    // Its plugin, compiled as `npm ci` would.
    if (compile) execFileSync(path.join(ROOT, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
    return {
        root,
        remove: () => {
            if (!process.env.KUBEDB_MSSQL_E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
        },
    };
}
