/**
 * The stack config as the SqlServer's args: validated as a whole first (a bad value is a plain
 * program error listing every problem, before anything is registered), then handed on as the
 * user wrote it — the SqlServer applies the same defaults — with the secrets kept secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { SECRET_KEYS, collectRawConfig, readStackConfig } from "./config";
import { resolveKubeconfig } from "../components/kube/kubeconfig";

export function stackSqlServerArgs(): Record<string, unknown> {
    const config = readStackConfig();
    const { values } = collectRawConfig(pulumi.runtime.allConfig(), pulumi.getProject());
    const args: Record<string, unknown> = { ...values };
    for (const key of SECRET_KEYS) delete args[key];
    if (config.saPassword !== undefined) args.saPassword = pulumi.secret(config.saPassword);
    // A path is read here, where it was written: the text goes on, kept secret.
    const kubeconfig = resolveKubeconfig(config.kubeconfig);
    if (kubeconfig !== undefined) args.kubeconfig = pulumi.secret(kubeconfig);
    // This program's stacks from before the plugin keep what they made at the top of the stack.
    args.adoptStackRoot = true;
    return args;
}

/** The SqlServer's logical name in this program's stacks. */
export const STACK_SQL_SERVER = "mssql";
