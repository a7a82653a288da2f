/**
 * Where the e2e tools are: `KUBEDB_MSSQL_E2E_BIN`, else the cache of tests/e2e/tools/build.sh
 * (which fails, naming what is missing, when they are not built).
 */
import { execFileSync } from "child_process";
import * as path from "path";

export function toolsBin(): string {
    if (process.env.KUBEDB_MSSQL_E2E_BIN) return process.env.KUBEDB_MSSQL_E2E_BIN;
    const script = path.join(__dirname, "..", "tools", "build.sh");
    return execFileSync("bash", [script, "--check"]).toString().trim().split("\n").pop()!;
}
