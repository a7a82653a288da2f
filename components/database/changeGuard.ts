/**
 * ChangeGuard — refuses, before anything else of the stack is touched, a change of what no KubeDB
 * request can change: the database's name or namespace (its identity: a new one would be a
 * second, empty database), Standalone ↔ availability group, and the edition (`MSSQL_PID` is fixed
 * at creation). Without it such a change would replace the MSSQLServer or be silently ignored.
 *
 * It is a dynamic resource whose provider compares the last config (its old inputs) with the new
 * one in `check` — which `pulumi preview` and `pulumi up` call before any step — and never calls
 * the cluster. Register it first and make everything else depend on it. It guards only what can
 * never be half applied: changes that requests make (a version, a size) are checked against the
 * live database before the first request (DayTwoChanges), because a failed run can leave the
 * config ahead of the database. A stack from before this guard gets it on its next `pulumi up`
 * (no comparison that once).
 */
import * as pulumi from "@pulumi/pulumi";
import { Topology } from "./dayTwoPlan";
import { checkDnsLabel } from "../core/checks";
import { Problems } from "../core/problems";
import { KubernetesCluster, waiterKubeconfig } from "../kube/cluster";
import { kubeApi } from "../kube/client";
import { PermissionContext, missingGrants, missingGrantsMessage } from "../kube/rbac";
import { isUnknown, withoutKubeconfig } from "../resourceProtocol";
import { PackageResource } from "../packageResources";

export interface ChangeGuardArgs {
    /** Database name. Required. */
    name: string;
    /** Database namespace. Required. */
    namespace: string;
    /** Whether the database is an availability group. Default: false. */
    availabilityGroup?: boolean;
    /** Edition (`MSSQL_PID`). Default: "Developer". */
    edition?: string;
    /**
     * What the stack uses that needs permissions beyond the namespace's (rbac.ts). When given with
     * `cluster`, each `pulumi preview`/`up` first asks the API server whether this stack's identity
     * holds every permission it needs, and refuses naming the missing ones. Default: not checked.
     */
    permissions?: Omit<PermissionContext, "namespace" | "database">;
    /** The cluster whose identity is checked (kubernetesCluster). Default: the ambient kubeconfig. */
    cluster?: KubernetesCluster;
}

export interface GuardedConfig {
    name: string;
    namespace: string;
    topology: Topology;
    edition: string;
    /** When set, the permissions are checked at every check (rbac.ts). */
    permissions?: PermissionContext;
    kubeconfig?: string;
}

const DELIBERATELY =
    "To do it deliberately: create the new database in a new stack (`pulumi stack init`, the new config, `pulumi up`), " +
    "move the data (backup and restore), point the applications at the new connection Secret, then `pulumi destroy` this stack " +
    "(deletionPolicy Halt keeps this database's volumes until you delete them)";

/** The changes from `olds` to `news` that no request can make, as [config key, why and what to do]. */
export function refusedConfigChanges(olds: GuardedConfig, news: GuardedConfig): Array<[key: string, problem: string]> {
    const refused: Array<[string, string]> = [];
    if (olds.name !== news.name) {
        refused.push([
            "name",
            `was ${olds.name} and is now ${news.name}: the name is the database's identity, and a new name would create a second, empty database. ${DELIBERATELY}`,
        ]);
    }
    if (olds.namespace !== news.namespace) {
        refused.push([
            "namespace",
            `was ${olds.namespace} and is now ${news.namespace}: a database cannot move between namespaces, and the new one would start empty. ${DELIBERATELY}`,
        ]);
    }
    if (olds.topology !== news.topology) {
        refused.push([
            "availabilityGroup",
            `turns a ${olds.topology} database into ${news.topology === "AvailabilityGroup" ? "an availability group" : "a Standalone one"}: KubeDB has no request for that. ${DELIBERATELY}`,
        ]);
    }
    if (olds.edition !== news.edition) {
        refused.push([
            "edition",
            `was ${olds.edition} and is now ${news.edition}: the edition (MSSQL_PID) is fixed when the database is created, and KubeDB refuses to change it. ${DELIBERATELY}`,
        ]);
    }
    return refused;
}

export const changeGuardProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds: Partial<GuardedConfig>, news: GuardedConfig) {
        const failures = olds.name === undefined ? [] : refusedConfigChanges(olds as GuardedConfig, news).map(([property, reason]) => ({ property, reason }));
        // Before anything in the cluster is touched: every permission the stack needs, asked of the API server.
        if (news.permissions && !isUnknown(news.kubeconfig) && failures.length === 0) {
            const missing = await missingGrants(kubeApi(news.kubeconfig), news.permissions);
            if (missing.length > 0) failures.push({ property: "namespace", reason: missingGrantsMessage(missing) });
        }
        return { inputs: news, failures };
    },
    async diff(_id: string, olds: Partial<GuardedConfig>, news: GuardedConfig) {
        // The kubeconfig (a refreshed token), the permissions asked for at check and a new release of
        // this code change nothing guarded.
        const keys = (Object.keys(news) as (keyof GuardedConfig)[]).filter((k) => k !== "kubeconfig" && k !== "permissions" && k !== ("__provider" as string));
        return { changes: keys.some((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])), replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs: GuardedConfig) {
        return { id: `${inputs.namespace}/${inputs.name}`, outs: withoutKubeconfig(inputs) };
    },
    async update(_id: string, _olds: GuardedConfig, news: GuardedConfig) {
        return { outs: withoutKubeconfig(news) };
    },
    async delete() {},
};

/** The guarded config from the args; validates first. */
export function guardedConfig(args: ChangeGuardArgs, kubeconfig?: pulumi.Input<string>): GuardedConfig {
    const p = new Problems("ChangeGuard args");
    p.add("name", checkDnsLabel(args.name));
    p.add("namespace", checkDnsLabel(args.namespace));
    p.throwIfAny();
    return {
        name: args.name,
        namespace: args.namespace,
        topology: args.availabilityGroup ? "AvailabilityGroup" : "Standalone",
        edition: args.edition ?? "Developer",
        ...(args.permissions ? { permissions: { namespace: args.namespace, database: args.name, ...args.permissions } } : {}),
        ...(kubeconfig !== undefined ? { kubeconfig: kubeconfig as string } : {}),
    };
}

export class ChangeGuard extends pulumi.ComponentResource {
    /** The guard's record (a GuardedConfig resource); make everything else depend on it. */
    readonly resource: pulumi.Resource;

    constructor(name: string, args: ChangeGuardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubedb-mssql:database:ChangeGuard", name, {}, opts);
        const kubeconfig = args.permissions ? waiterKubeconfig(this, "ChangeGuard", name, args.cluster) : undefined;
        this.resource = new PackageResource("GuardedConfig", `${name}-config`, guardedConfig(args, kubeconfig), [], { parent: this });
        this.registerOutputs({});
    }
}
