/**
 * Benchmark (not a test): the cost of the package against a plain pulumi-kubernetes program, side
 * by side in one run, with the real CLI and plugins against the e2e control plane (kube-apiserver,
 * cert-manager, the KubeDB stand-in; tests/e2e/tools must be built).
 *
 * The default stack (index.ts) is deployed once; then a plain program with as many resources
 * (ConfigMaps, through the same Kubernetes plugin) is deployed once; then, alternating so that
 * neither gets the warmer machine, RUNS no-op `pulumi up` and `pulumi preview` of each. Prints the
 * medians, the ratios, and the default stack's exported state: its size and what takes it.
 * Run: npm run bench:package [-- <runs>]
 */
import * as fs from "fs";
import * as path from "path";
import { startControlPlane } from "../tests/e2e/support/controlPlane";
import { PulumiWorkspace } from "../tests/e2e/support/pulumiCli";
import { StandIns } from "../tests/e2e/support/standIns";
import { toolsBin } from "../tests/e2e/support/tools";

const RUNS = Number(process.argv[2] ?? 5);
/** Given to both programs alike (e.g. PULUMI_NODEJS_TRANSPILE_ONLY=true to leave type checking out of both). */
const EXTRA_ENV: NodeJS.ProcessEnv = process.env.KUBEDB_MSSQL_BENCH_TRANSPILE_ONLY ? { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } : {};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A plain program: `count` ConfigMaps in one namespace, through an explicit Kubernetes provider. */
function plainProgram(count: number): string {
    return [
        'import * as k8s from "@pulumi/kubernetes";',
        'const provider = new k8s.Provider("kubernetes", { enableSecretMutable: true });',
        'const ns = new k8s.core.v1.Namespace("plain", { metadata: { name: "plain" } }, { provider });',
        `for (let i = 0; i < ${count}; i++) {`,
        "    new k8s.core.v1.ConfigMap(`cm-${i}`, { metadata: { namespace: ns.metadata.name, name: `cm-${i}` }, data: { i: String(i) } }, { provider });",
        "}",
        "",
    ].join("\n");
}

async function main(): Promise<void> {
    const bin = toolsBin();
    const cluster = await startControlPlane(bin);
    const standIns = await StandIns.start(cluster.kubeconfig);
    const workspaces: PulumiWorkspace[] = [];
    try {
        const pkg = await PulumiWorkspace.create({ bin, kubeconfigPath: cluster.kubeconfigPath, stack: "bench", env: EXTRA_ENV });
        workspaces.push(pkg);
        await pkg.config("acceptEula", "true");
        await pkg.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
        const state = JSON.parse(await pkg.export());
        const resources: Array<{ type: string; urn: string }> = state.deployment.resources;
        // The plain program's count: everything but the stack itself and the package's own provider.
        const count = resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && r.type !== "pulumi:providers:kubedb-mssql").length;
        // Stack, provider and namespace are in the plain program too: the rest are ConfigMaps.
        const plain = await PulumiWorkspace.create({
            bin,
            kubeconfigPath: cluster.kubeconfigPath,
            stack: "plain",
            env: EXTRA_ENV,
            project: { "Pulumi.yaml": "name: plain\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n", "index.ts": plainProgram(count - 2) },
        });
        workspaces.push(plain);
        // The same node_modules, so both programs load the same SDKs.
        fs.symlinkSync(path.join(__dirname, "..", "node_modules"), path.join(plain.projectDir, "node_modules"));
        await plain.ok(["up", "--yes", "--skip-preview"]);
        const plainCount = (JSON.parse(await plain.export()).deployment.resources as unknown[]).length;

        const times = { pkgUp: [] as number[], plainUp: [] as number[], pkgPreview: [] as number[], plainPreview: [] as number[] };
        for (let i = 0; i < RUNS; i++) {
            times.pkgUp.push((await pkg.ok(["up", "--yes", "--skip-preview", "--expect-no-changes"])).ms);
            times.plainUp.push((await plain.ok(["up", "--yes", "--skip-preview", "--expect-no-changes"])).ms);
            times.pkgPreview.push((await pkg.ok(["preview", "--expect-no-changes"])).ms);
            times.plainPreview.push((await plain.ok(["preview", "--expect-no-changes"])).ms);
        }

        const text = JSON.stringify(state, null, 4);
        const byType = new Map<string, number>();
        for (const r of state.deployment.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + JSON.stringify(r, null, 4).length);
        const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
        console.log(`kubedb-mssql package benchmark (${RUNS} runs each, alternating; real CLI, loopback kube-apiserver)`);
        console.log(`  default stack: ${resources.length} resources; plain pulumi-kubernetes program: ${plainCount}`);
        console.log(
            `  no-op pulumi up:  package ${s(median(times.pkgUp))}, plain ${s(median(times.plainUp))}, ratio ${(median(times.pkgUp) / median(times.plainUp)).toFixed(2)}`,
        );
        console.log(
            `  pulumi preview:   package ${s(median(times.pkgPreview))}, plain ${s(median(times.plainPreview))}, ratio ${(median(times.pkgPreview) / median(times.plainPreview)).toFixed(2)}`,
        );
        console.log(
            `  exported state of the default stack: ${(text.length / 1024).toFixed(1)} KB, serialized code: ${/__provider|exports\.handler/.test(text) ? "yes" : "none"}`,
        );
        for (const [type, bytes] of [...byType].sort((a, b) => b[1] - a[1]).slice(0, 8))
            console.log(`    ${(bytes / 1024).toFixed(1).padStart(6)} KB  ${type}`);
        const byField = new Map<string, number>();
        for (const r of state.deployment.resources) {
            for (const [field, value] of Object.entries(r)) byField.set(field, (byField.get(field) ?? 0) + JSON.stringify({ [field]: value }, null, 4).length);
        }
        console.log(
            `    by field: ${[...byField]
                .sort((a, b) => b[1] - a[1])
                .slice(0, 6)
                .map(([f, b]) => `${f} ${(b / 1024).toFixed(1)} KB`)
                .join(", ")}`,
        );
        if (process.env.KUBEDB_MSSQL_BENCH_STATE) fs.writeFileSync(process.env.KUBEDB_MSSQL_BENCH_STATE, text);
    } finally {
        for (const w of workspaces) {
            w.stopAll();
            w.remove();
        }
        standIns.stop();
        await cluster.stop();
    }
}

main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
});
