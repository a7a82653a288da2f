/**
 * The Kubernetes permissions a stack of this project needs, as one list: what `pulumi up`,
 * `preview`, `refresh` and `destroy` call (the Kubernetes provider and this project's own request
 * waiters alike), where, and why. The Role and ClusterRole users apply (docs/rbac/) are generated
 * from it, the guard checks it before anything is touched (SelfSubjectAccessReview), and the
 * end-to-end suite runs the whole story with exactly it, so the three cannot drift.
 */
import { KubeApi } from "./kube";

/** Where a permission applies. */
export type PermissionScope =
    /** the database's namespace */
    | "namespace"
    /** cert-manager's cluster resource namespace: a bootstrapped ClusterIssuer's CA lives there */
    | "clusterResourceNamespace"
    | "cluster";

export interface PermissionContext {
    namespace: string;
    /** Whether the stack uses a ClusterIssuer (`tls.ca.kind` or `tls.issuer.kind`). */
    clusterIssuers: boolean;
    /** Whether it bootstraps its own CA as a ClusterIssuer (then it writes in the cluster resource namespace). */
    bootstrapsClusterIssuer: boolean;
    /** cert-manager's cluster resource namespace. */
    clusterResourceNamespace: string;
    /** Whether `storage.storageClass` names a class (then it is read by name). Default false. */
    namedStorageClass?: boolean;
}

export interface Permission {
    apiGroup: string;
    resource: string;
    verbs: readonly string[];
    scope: PermissionScope;
    /** Only for stacks that use it; always when absent. */
    when?: (ctx: PermissionContext) => boolean;
    /** What `when` says, for people: "ClusterIssuer only". */
    onlyFor?: string;
    /** Names it is limited to, where they are known up front. */
    resourceNames?: (ctx: PermissionContext) => string[];
    why: string;
}

const READ = ["get", "list", "watch"] as const;

/** Every permission, once. */
export const PERMISSIONS: readonly Permission[] = [
    {
        apiGroup: "", resource: "namespaces", verbs: ["get", "patch"], scope: "cluster", resourceNames: (c) => [c.namespace],
        why: "the database's namespace is adopted with a server-side apply patch, and read back (create the namespace and this Role in it first: a namespaced Role needs its namespace)",
    },
    {
        apiGroup: "", resource: "secrets", verbs: [...READ, "create", "patch", "delete"], scope: "namespace",
        why: "credential Secrets (created, marked, the superseded ones deleted after a rotation), the connection Secret (applied, its CA bundle patched), certificate Secrets read for the CA",
    },
    {
        apiGroup: "kubedb.com", resource: "mssqlservers", verbs: [...READ, "create", "patch", "delete"], scope: "namespace",
        why: "the database itself: applied, waited on until Ready, read back after each request, deleted on destroy",
    },
    {
        apiGroup: "ops.kubedb.com", resource: "mssqlserveropsrequests", verbs: [...READ, "create"], scope: "namespace",
        why: "every change after creation is an ops request: created, watched until it ends, listed to wait for others and adopt an interrupted one",
    },
    {
        apiGroup: "cert-manager.io", resource: "issuers", verbs: [...READ, "create", "patch", "delete"], scope: "namespace",
        why: "the bootstrapped CA's selfSigned and ca Issuers, waited on until Ready; an Issuer named in tls.issuer is read for its CA",
    },
    {
        apiGroup: "cert-manager.io", resource: "certificates", verbs: [...READ, "create", "patch", "delete"], scope: "namespace",
        why: "the bootstrapped CA's Certificate, waited on until Ready",
    },
    {
        apiGroup: "cert-manager.io", resource: "clusterissuers", verbs: [...READ, "create", "patch", "delete"], scope: "cluster",
        when: (c) => c.clusterIssuers, onlyFor: "ClusterIssuer only",
        why: "tls.ca.kind or tls.issuer.kind ClusterIssuer: the bootstrapped ClusterIssuers, or the named one read for its CA",
    },
    {
        apiGroup: "cert-manager.io", resource: "certificates", verbs: [...READ, "create", "patch", "delete"], scope: "clusterResourceNamespace",
        when: (c) => c.bootstrapsClusterIssuer, onlyFor: "bootstrapped ClusterIssuer only",
        why: "a bootstrapped ClusterIssuer's CA Certificate lives in cert-manager's cluster resource namespace",
    },
    {
        apiGroup: "", resource: "secrets", verbs: ["get"], scope: "clusterResourceNamespace",
        when: (c) => c.clusterIssuers, onlyFor: "ClusterIssuer only",
        why: "a ClusterIssuer's CA key pair Secret, read for the CA certificate clients must trust",
    },
    {
        apiGroup: "catalog.kubedb.com", resource: "mssqlserverversions", verbs: ["list"], scope: "cluster",
        why: "an upgrade is checked against KubeDB's version catalog before any request",
    },
    {
        apiGroup: "storage.k8s.io", resource: "storageclasses", verbs: ["list"], scope: "cluster",
        why: "a volume expansion is checked against the cluster's default StorageClass before any request",
    },
    {
        apiGroup: "storage.k8s.io", resource: "storageclasses", verbs: ["get"], scope: "cluster",
        when: (c) => c.namedStorageClass === true, onlyFor: "storage.storageClass set only",
        why: "a storage migration or an expansion is checked against the named StorageClass before any request",
    },
];

/** The permissions a stack needs, each verb apart, in the namespaces they apply to. */
export interface Grant { apiGroup: string; resource: string; verb: string; namespace?: string; why: string }

export function requiredGrants(ctx: PermissionContext): Grant[] {
    const grants: Grant[] = [];
    for (const p of PERMISSIONS) {
        if (p.when && !p.when(ctx)) continue;
        const namespace = p.scope === "namespace" ? ctx.namespace : p.scope === "clusterResourceNamespace" ? ctx.clusterResourceNamespace : undefined;
        for (const verb of p.verbs) grants.push({ apiGroup: p.apiGroup, resource: p.resource, verb, namespace, why: p.why });
    }
    return grants;
}

/** `create secrets in namespace sales`, `list mssqlserverversions.catalog.kubedb.com (cluster-wide)`. */
export function describeGrant(g: Pick<Grant, "apiGroup" | "resource" | "verb" | "namespace">): string {
    const resource = g.apiGroup ? `${g.resource}.${g.apiGroup}` : g.resource;
    return `${g.verb} ${resource} ${g.namespace ? `in namespace ${g.namespace}` : "(cluster-wide)"}`;
}

/**
 * The grants the current identity lacks, asked of the API server itself (SelfSubjectAccessReview,
 * which every authenticated identity may create). Resource names are not asked: a grant limited
 * to the right name answers for it.
 */
export async function missingGrants(api: KubeApi, ctx: PermissionContext): Promise<Grant[]> {
    const grants = requiredGrants(ctx);
    const names = (g: Grant) => PERMISSIONS.find((p) => p.resource === g.resource && p.apiGroup === g.apiGroup && p.verbs.includes(g.verb))?.resourceNames?.(ctx);
    const answers = await Promise.all(grants.map((g) => api.reviewAccess({
        group: g.apiGroup, resource: g.resource, verb: g.verb, ...(g.namespace ? { namespace: g.namespace } : {}), ...(names(g)?.length === 1 ? { name: names(g)![0] } : {}),
    })));
    return grants.filter((_, i) => !answers[i]);
}

/** The refusal a user reads: each missing grant, why it is needed, and where the Role to apply is. */
export function missingGrantsMessage(missing: Grant[]): string {
    return `the Kubernetes identity of this stack may not ${missing.map(describeGrant).join("; ")}. Nothing was changed. `
        + `Needed for: ${[...new Set(missing.map((g) => g.why))].join("; ")}. `
        + "Grant them with the Role and ClusterRole of docs/rbac (README \"Permissions\"), then run `pulumi up` again";
}

interface PolicyRule { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }

function rules(ctx: PermissionContext, scope: PermissionScope): PolicyRule[] {
    return PERMISSIONS.filter((p) => p.scope === scope && (!p.when || p.when(ctx))).map((p) => ({
        apiGroups: [p.apiGroup], resources: [p.resource], verbs: [...p.verbs],
        ...(p.resourceNames ? { resourceNames: p.resourceNames(ctx) } : {}),
    }));
}

/**
 * The RBAC objects for a stack: a Role in the database's namespace, a ClusterRole, and when a
 * ClusterIssuer is used, a Role in cert-manager's cluster resource namespace; each bound to
 * `subject` (e.g. a CI ServiceAccount).
 */
export function rbacManifests(ctx: PermissionContext, name: string, subject: { kind: string; name: string; namespace?: string }): object[] {
    const meta = (namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), labels: { "app.kubernetes.io/managed-by": "kubedb-mssql" } });
    const roleRef = (kind: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind, name });
    const objects: object[] = [
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: meta(ctx.namespace), rules: rules(ctx, "namespace") },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: meta(ctx.namespace), roleRef: roleRef("Role"), subjects: [subject] },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: meta(), rules: rules(ctx, "cluster") },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: meta(), roleRef: roleRef("ClusterRole"), subjects: [subject] },
    ];
    const crn = rules(ctx, "clusterResourceNamespace");
    if (crn.length > 0) {
        objects.push(
            { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: meta(ctx.clusterResourceNamespace), rules: crn },
            { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: meta(ctx.clusterResourceNamespace), roleRef: roleRef("Role"), subjects: [subject] },
        );
    }
    return objects;
}
