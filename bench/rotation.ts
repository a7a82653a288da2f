/**
 * Benchmark (not a test): how fast `pulumi up` learns the outcome of a KubeDB ops request, and
 * what a rotation costs in API requests, measured against a Kubernetes-shaped API server on
 * 127.0.0.1 through the real client. Prints figures beside the 10 minutes the Kubernetes
 * provider's default `pulumi.com/waitFor` takes to report the same failure (as a timeout, with no
 * reason). Run: npm run bench [-- <runs>]
 */
import { rotateCredential } from "../components/credential/credentialRotationProvider";
import { rotateAuthRequestManifest } from "../components/ops/manifests";
import { labelsFor } from "../components/core/names";
import { waitForOpsRequest } from "../components/ops/waiter";
import { FakeKubeApi } from "../tests/support/fakeKubeApi";
import { NS, OPS, condition, installOperator, putDatabase, putRequest, putSecret } from "../tests/support/fakeKubeDb";

const RUNS = Number(process.argv[2] ?? 30);
const WAITFOR_DEFAULT_MS = 10 * 60 * 1000;

function stats(samples: number[]): string {
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (n=${sorted.length})`;
}

/** Time from the phase change on the server to the waiter settling. */
async function latency(fake: FakeKubeApi, phase: "Failed" | "Successful", i: number): Promise<number> {
    const name = `bench-${phase.toLowerCase()}-${i}`;
    putRequest(fake, name, { phase: "Progressing" });
    const wait = waitForOpsRequest({ namespace: NS, name, kubeconfig: fake.kubeconfig(), timeoutSeconds: 60 });
    await new Promise((r) => setTimeout(r, 30)); // let the watch open, as in a real run
    const changed = process.hrtime.bigint();
    fake.patchStatus(OPS, "mssqlserveropsrequests", NS, name, {
        phase,
        conditions: [condition(phase === "Failed" ? "UpdateCredential" : "Successful", phase === "Failed" ? "False" : "True", phase, "bench")],
    });
    await wait.catch(() => undefined);
    return Number(process.hrtime.bigint() - changed) / 1e6;
}

async function main(): Promise<void> {
    const fake = await FakeKubeApi.start();
    try {
        const failed: number[] = [];
        const succeeded: number[] = [];
        for (let i = 0; i < RUNS; i++) {
            failed.push(await latency(fake, "Failed", i));
            succeeded.push(await latency(fake, "Successful", i));
        }

        // One whole rotation through the provider's code path, with a scripted operator.
        putDatabase(fake, "mssql", "mssql-auth-old");
        putSecret(fake, "mssql-auth-old", "Old-Passw0rd!", labelsFor("mssql", "credential"));
        putSecret(fake, "mssql-auth-new", "New-Passw0rd!", labelsFor("mssql", "credential"));
        installOperator(fake, { outcomes: ["Successful"], stepMs: 200 });
        const before = fake.requests.length;
        const started = Date.now();
        await rotateCredential(
            {
                namespace: NS,
                database: "mssql",
                secretName: "mssql-auth-new",
                request: rotateAuthRequestManifest({
                    name: "mssql-rotate-auth-new",
                    namespace: NS,
                    database: "mssql",
                    stepTimeout: "10m",
                    secretName: "mssql-auth-new",
                }),
                generation: 1,
                periodStart: "none",
                stepTimeout: "10m",
                timeoutSeconds: 60,
                kubeconfig: fake.kubeconfig(),
            },
            { appliedSecretName: "mssql-auth-old", lastPhase: "Initial" },
        );
        const rotation = fake.requests.slice(before);
        const count = (f: (r: (typeof rotation)[number]) => boolean) => rotation.filter(f).length;

        console.log(`kubedb-mssql rotation benchmark (${RUNS} runs each, loopback API server, @kubernetes/client-node)`);
        console.log(`  Failed → rejection with reason:     ${stats(failed)}`);
        console.log(`  Successful → resolution:            ${stats(succeeded)}`);
        console.log(`  pulumi.com/waitFor on Failed:       ${WAITFOR_DEFAULT_MS} ms (default timeout, then "timed out", no reason)`);
        console.log(`  → fail-fast is ${(WAITFOR_DEFAULT_MS / Math.max(...failed)).toFixed(0)}× sooner than waitFor, even at the slowest run`);
        console.log(
            `  API requests for one rotation:      ${rotation.length} in ${Date.now() - started} ms of operator time` +
                ` (GET/LIST ${count((r) => r.method === "GET" && !r.watch)}; WATCH ${count((r) => r.watch)};` +
                ` POST ${count((r) => r.method === "POST")}; DELETE ${count((r) => r.method === "DELETE")}; PATCH/PUT ${count((r) => r.method === "PATCH" || r.method === "PUT")})`,
        );
        console.log(`    ${rotation.map((r) => `${r.method}${r.watch ? "(watch)" : ""} ${r.path}`).join("\n    ")}`);
    } finally {
        await fake.stop();
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
