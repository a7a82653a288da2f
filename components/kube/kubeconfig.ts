/**
 * The `kubeconfig` config key takes kubeconfig text or a file path, like the Kubernetes provider.
 * The program reads a path once so that the provider and the waiters use the very same text.
 * Either way the text must be a kubeconfig; no message ever repeats any of it (it holds credentials).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Problems } from "../core/problems";

/** Text rather than a path: several lines, or YAML/JSON that starts like a kubeconfig. */
export function looksLikeKubeconfigText(value: string): boolean {
    return value.includes("\n") || /^\s*(apiVersion|kind|clusters|contexts|users|current-context|preferences|\{)/.test(value);
}

/** Fields of a kubeconfig (client-go's clientcmd v1 Config). */
const KUBECONFIG_FIELDS = ["apiVersion", "kind", "preferences", "clusters", "contexts", "users", "current-context", "extensions"];

/**
 * Whether `text` is a kubeconfig: a YAML or JSON mapping with kubeconfig fields (kind Config,
 * apiVersion v1 where given) whose clusters, users and contexts @kubernetes/client-node can load,
 * and whose current context, if set, is one of its contexts. The sentence never quotes the text.
 */
export function checkKubeconfigText(text: string): string | undefined {
    const what = "kubeconfig text (apiVersion: v1, kind: Config, clusters, users, contexts) or the path of a kubeconfig file";
    // client-node is an ES module: required at call time, as in kube.ts.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- client-node is loaded only when a kubeconfig text is checked
    const client: typeof import("@kubernetes/client-node") = require("@kubernetes/client-node");
    let parsed: unknown;
    try {
        parsed = client.loadYaml(text);
    } catch (error) {
        // js-yaml's message quotes the offending lines: give only the position.
        const line = (error as { mark?: { line?: number } }).mark?.line;
        return `is not valid YAML${line === undefined ? "" : ` (line ${line + 1})`}; it must be ${what}`;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return `is not a YAML mapping; it must be ${what}`;
    const config = parsed as Record<string, unknown>;
    if (!Object.keys(config).some((k) => KUBECONFIG_FIELDS.includes(k))) {
        return `has none of a kubeconfig's fields (${KUBECONFIG_FIELDS.join(", ")}); it must be ${what}`;
    }
    if (config.kind !== undefined && config.kind !== "Config") return `has a "kind" other than Config; it must be ${what}`;
    if (config.apiVersion !== undefined && config.apiVersion !== "v1") return `has an "apiVersion" other than v1; it must be ${what}`;
    for (const list of ["clusters", "users", "contexts"]) {
        if (config[list] !== undefined && config[list] !== null && !Array.isArray(config[list])) return `has "${list}" that is not a list; it must be ${what}`;
    }
    const kc = new client.KubeConfig();
    try {
        kc.loadFromString(text);
    } catch (error) {
        // client-node says which entry lacks what ("clusters[0].cluster.server is missing"); other messages may quote names.
        const message = String((error as Error)?.message ?? "");
        const entry = /^(clusters|users|contexts)\[\d+\]\.[\w.]+ is missing$/.test(message)
            ? message
            : (error as NodeJS.ErrnoException)?.code === "ENOENT"
              ? "a file it refers to (e.g. a token-file or certificate) cannot be read"
              : "an entry could not be loaded";
        return `is not a usable kubeconfig: ${entry}`;
    }
    const current = config["current-context"];
    if (current !== undefined && current !== null && current !== "") {
        const context = kc.getContexts().find((c) => c.name === current);
        if (!context) return "names a current-context that is not among its contexts";
        if (!kc.getCluster(context.cluster)) return "has a current context whose cluster is not among its clusters";
    }
    return undefined;
}

/**
 * The kubeconfig text for `value` (text as is, a path read once), or undefined with a problem added
 * under `key`. Never quotes the value or the file: either may hold credentials.
 */
export function readKubeconfig(problems: Problems, key: string, value: string): string | undefined {
    if (looksLikeKubeconfigText(value)) {
        problems.add(key, checkKubeconfigText(value));
        return value;
    }
    const file = value.startsWith("~") ? path.join(os.homedir(), value.slice(1)) : value;
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        problems.add(
            key,
            `is neither kubeconfig text nor the path of a readable file (${(error as NodeJS.ErrnoException).code ?? "error"}); set it to the kubeconfig's contents or its path`,
        );
        return undefined;
    }
    const problem = checkKubeconfigText(text);
    if (problem) problems.add(key, `names a file that ${problem}`);
    return text;
}

/** The kubeconfig text for the value of the `kubeconfig` key (text as is, a path read once); throws a ConfigError otherwise. */
export function resolveKubeconfig(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    const problems = new Problems();
    const text = readKubeconfig(problems, "kubeconfig", value);
    problems.throwIfAny();
    return text;
}
