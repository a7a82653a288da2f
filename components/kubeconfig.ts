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
        // The value is a secret: never echo it.
        throw new Error(`config "kubeconfig": neither kubeconfig text nor the path of a readable file (${(error as NodeJS.ErrnoException).code ?? "error"}); set it to the kubeconfig's contents or its path`);
    }
}
