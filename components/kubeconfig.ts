/**
 * The `kubeconfig` config key takes kubeconfig text or a file path, like the Kubernetes provider.
 * The program reads a path once so that the provider and the waiters use the very same text.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function resolveKubeconfig(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    const looksLikeText = value.includes("\n") || /^\s*(apiVersion|\{)/.test(value);
    if (looksLikeText) return value;
    const file = value.startsWith("~") ? path.join(os.homedir(), value.slice(1)) : value;
    try {
        return fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new Error(`config "kubeconfig": cannot read the file ${JSON.stringify(value)} (${(error as NodeJS.ErrnoException).code ?? "error"}); give kubeconfig text or a readable path`);
    }
}
