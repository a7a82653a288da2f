/**
 * The Kubernetes permissions a stack of this project needs, as one list: what `pulumi up`,
 * `preview`, `refresh` and `destroy` call (the Kubernetes provider and this project's own request
 * waiters alike), where, and why. The Role and ClusterRole users apply (docs/rbac/) are generated
 * from it, the guard checks it before anything is touched (SelfSubjectAccessReview), and the
 * end-to-end suite runs the whole story with exactly it, so the three cannot drift.
 */
import { KubeApi } from "./client";
import { names } from "../core/names";

/** Where a permission applies. */
export type PermissionScope =
    /** the database's namespace */
    | "namespace"
    /** cert-manager's cluster resource namespace: a bootstrapped ClusterIssuer's CA lives there */
    | "clusterResourceNamespace"
    | "cluster";

export interface PermissionContext {
    namespace: string;
    /** The database's name: its own objects are limited by name. */
    database: string;
    /** The issuer named in `tls.issuer`, read for its CA. */
    existingIssuer?: { kind: "Issuer" | "ClusterIssuer"; name: string };
    /** Whether the stack uses a ClusterIssuer (`tls.ca.kind` or `tls.issuer.kind`). */
    clusterIssuers: boolean;
    /** Whether it bootstraps its own CA as a ClusterIssuer (then it writes in the cluster resource namespace). */
    bootstrapsClusterIssuer: boolean;
    /** cert-manager's cluster resource namespace. */
    clusterResourceNamespace: string;
    /** Whether `storage.storageClass` names a class (then it is read by name). Default false. */
    namedStorageClass?: boolean;
    /** The ConfigMap named in `connection.configMap`, if any. */
    connectionConfigMap?: string;
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

/** Verbs that name their object, and so can be limited to names known up front. */
const BY_NAME = ["get", "patch", "delete"] as const;
/** Verbs RBAC cannot limit to a name (a create names nothing yet; a list or watch asks for all). */
const ANY_NAME = ["list", "watch", "create"] as const;

const namespacedIssuers = (c: PermissionContext) => [names.selfSignedIssuer(c.database), names.caIssuer(c.database)];
const clusterIssuerNames = (c: PermissionContext) => [`${c.namespace}-${names.selfSignedIssuer(c.database)}`, names.clusterCaIssuer(c.namespace, c.database)];

/** Every permission, once. */
export const PERMISSIONS: readonly Permission[] = [
    {
        apiGroup: "",
        resource: "namespaces",
        verbs: ["get", "patch"],
        scope: "cluster",
        resourceNames: (c) => [c.namespace],
        why: "the database's namespace is adopted with a server-side apply patch, and read back (create the namespace and this Role in it first: a namespaced Role needs its namespace)",
    },
    {
        apiGroup: "",
        resource: "secrets",
        verbs: [...READ, "create", "patch", "delete"],
        scope: "namespace",
        why: "credential Secrets (created, marked, the superseded ones deleted after a rotation; their names are drawn at random), the connection Secret (applied, its CA bundle patched; the old one deleted after a rename), certificate Secrets read for the CA, the Secret of saPasswordSecret read",
    },
    {
        apiGroup: "kubedb.com",
        resource: "mssqlservers",
        verbs: [...ANY_NAME],
        scope: "namespace",
        why: "the database itself: created by a server-side apply, waited on until Ready",
    },
    {
        apiGroup: "kubedb.com",
        resource: "mssqlservers",
        verbs: [...BY_NAME],
        scope: "namespace",
        resourceNames: (c) => [c.database],
        why: "the database itself: applied, read back after each request, deleted on destroy",
    },
    {
        apiGroup: "",
        resource: "configmaps",
        verbs: ["create"],
        scope: "namespace",
        when: (c) => c.connectionConfigMap !== undefined,
        onlyFor: "connection.configMap only",
        why: "the ConfigMap of connection.configMap (the connection values that are not secret): created",
    },
    {
        apiGroup: "",
        resource: "configmaps",
        verbs: [...BY_NAME],
        scope: "namespace",
        resourceNames: (c) => [c.connectionConfigMap!],
        when: (c) => c.connectionConfigMap !== undefined,
        onlyFor: "connection.configMap only",
        why: "the ConfigMap of connection.configMap: applied, read back, deleted when renamed or removed",
    },
    {
        apiGroup: "ops.kubedb.com",
        resource: "mssqlserveropsrequests",
        verbs: [...READ, "create"],
        scope: "namespace",
        why: "every change after creation is an ops request: created, watched until it ends, listed to wait for others and adopt an interrupted one",
    },
    {
        apiGroup: "cert-manager.io",
        resource: "issuers",
        verbs: [...ANY_NAME],
        scope: "namespace",
        why: "the bootstrapped CA's selfSigned and ca Issuers, created and waited on until Ready",
    },
    {
        apiGroup: "cert-manager.io",
        resource: "issuers",
        verbs: [...BY_NAME],
        scope: "namespace",
        resourceNames: namespacedIssuers,
        why: "the bootstrapped CA's Issuers, applied and deleted when replaced",
    },
    {
        apiGroup: "cert-manager.io",
        resource: "issuers",
        verbs: ["get"],
        scope: "namespace",
        resourceNames: (c) => [c.existingIssuer!.name],
        when: (c) => c.existingIssuer?.kind === "Issuer",
        onlyFor: "tls.issuer an Issuer only",
        why: "the Issuer named in tls.issuer, read for the CA clients must trust (never changed)",
    },
    {
        apiGroup: "cert-manager.io",
        resource: "certificates",
        verbs: [...ANY_NAME],
        scope: "namespace",
        why: "the bootstrapped CA's Certificate, created and waited on until Ready",
    },
    {
        apiGroup: "cert-manager.io",
        resource: "certificates",
        verbs: [...BY_NAME],
        scope: "namespace",
        resourceNames: (c) => [names.caCertificate(c.database)],
        why: "the bootstrapped CA's Certificate, applied and deleted when replaced",
    },
    {
        apiGroup: "cert-manager.io",
        resource: "clusterissuers",
        verbs: [...ANY_NAME],
        scope: "cluster",
        when: (c) => c.clusterIssuers,
        onlyFor: "ClusterIssuer only",
        why: "tls.ca.kind ClusterIssuer: the bootstrapped ClusterIssuers, created and waited on until Ready",
    },
    {
        apiGroup: "cert-manager.io",
        resource: "clusterissuers",
        verbs: [...BY_NAME],
        scope: "cluster",
        resourceNames: clusterIssuerNames,
        when: (c) => c.clusterIssuers,
        onlyFor: "ClusterIssuer only",
        why: "the bootstrapped ClusterIssuers, applied and deleted when replaced",
    },
    {
        apiGroup: "cert-manager.io",
        resource: "clusterissuers",
        verbs: ["get"],
        scope: "cluster",
        resourceNames: (c) => [c.existingIssuer!.name],
        when: (c) => c.existingIssuer?.kind === "ClusterIssuer",
        onlyFor: "tls.issuer a ClusterIssuer only",
        why: "the ClusterIssuer named in tls.issuer, read for the CA clients must trust (never changed)",
    },
    {
        apiGroup: "cert-manager.io",
        resource: "certificates",
        verbs: [...ANY_NAME],
        scope: "clusterResourceNamespace",
        when: (c) => c.bootstrapsClusterIssuer,
        onlyFor: "bootstrapped ClusterIssuer only",
        why: "a bootstrapped ClusterIssuer's CA Certificate lives in cert-manager's cluster resource namespace: created and waited on",
    },
    {
        apiGroup: "cert-manager.io",
        resource: "certificates",
        verbs: [...BY_NAME],
        scope: "clusterResourceNamespace",
        resourceNames: (c) => [names.clusterCaIssuer(c.namespace, c.database)],
        when: (c) => c.bootstrapsClusterIssuer,
        onlyFor: "bootstrapped ClusterIssuer only",
        why: "a bootstrapped ClusterIssuer's CA Certificate, applied and deleted when replaced",
    },
    {
        apiGroup: "",
        resource: "secrets",
        verbs: ["get"],
        scope: "clusterResourceNamespace",
        when: (c) => c.clusterIssuers,
        onlyFor: "ClusterIssuer only",
        why: "a ClusterIssuer's CA key pair Secret, read for the CA certificate clients must trust (a named ClusterIssuer's Secret name is not known up front)",
    },
    {
        apiGroup: "catalog.kubedb.com",
        resource: "mssqlserverversions",
        verbs: ["list"],
        scope: "cluster",
        why: "an upgrade is checked against KubeDB's version catalog before any request",
    },
    {
        apiGroup: "storage.k8s.io",
        resource: "storageclasses",
        verbs: ["list"],
        scope: "cluster",
        why: "a volume expansion is checked against the cluster's default StorageClass before any request",
    },
    {
        apiGroup: "storage.k8s.io",
        resource: "storageclasses",
        verbs: ["get"],
        scope: "cluster",
        when: (c) => c.namedStorageClass === true,
        onlyFor: "storage.storageClass set only",
        why: "a storage migration or an expansion is checked against the named StorageClass before any request",
    },
];

/** The permissions a stack needs, each verb (and name) apart, in the namespaces they apply to. */
export interface Grant {
    apiGroup: string;
    resource: string;
    verb: string;
    namespace?: string;
    name?: string;
    why: string;
}

export function requiredGrants(ctx: PermissionContext): Grant[] {
    const grants: Grant[] = [];
    for (const p of PERMISSIONS) {
        if (p.when && !p.when(ctx)) continue;
        const namespace = p.scope === "namespace" ? ctx.namespace : p.scope === "clusterResourceNamespace" ? ctx.clusterResourceNamespace : undefined;
        for (const verb of p.verbs) {
            for (const name of p.resourceNames ? p.resourceNames(ctx) : [undefined])
                grants.push({ apiGroup: p.apiGroup, resource: p.resource, verb, namespace, ...(name ? { name } : {}), why: p.why });
        }
    }
    return grants;
}

/** `create secrets in namespace sales`, `get issuers.cert-manager.io "ledger-ca" in namespace sales`, `list mssqlserverversions.catalog.kubedb.com (cluster-wide)`. */
export function describeGrant(g: Pick<Grant, "apiGroup" | "resource" | "verb" | "namespace" | "name">): string {
    const resource = g.apiGroup ? `${g.resource}.${g.apiGroup}` : g.resource;
    return `${g.verb} ${resource}${g.name ? ` "${g.name}"` : ""} ${g.namespace ? `in namespace ${g.namespace}` : "(cluster-wide)"}`;
}

/** Whether the list limits this verb of this resource to names (then a call is described with its name). */
export function limitedByName(call: { apiGroup: string; resource: string; verb: string }): boolean {
    return PERMISSIONS.some(
        (p) => p.apiGroup === call.apiGroup && p.resource === call.resource && p.resourceNames !== undefined && p.verbs.includes(call.verb),
    );
}

/**
 * The grants the current identity lacks, asked of the API server itself (SelfSubjectAccessReview,
 * which every authenticated identity may create), each name apart.
 */
export async function missingGrants(api: KubeApi, ctx: PermissionContext): Promise<Grant[]> {
    const grants = requiredGrants(ctx);
    const answers = await Promise.all(
        grants.map((g) =>
            api.reviewAccess({
                group: g.apiGroup,
                resource: g.resource,
                verb: g.verb,
                ...(g.namespace ? { namespace: g.namespace } : {}),
                ...(g.name ? { name: g.name } : {}),
            }),
        ),
    );
    return grants.filter((_, i) => !answers[i]);
}

/** The refusal a user reads: each missing grant, why it is needed, and where the Role to apply is. */
export function missingGrantsMessage(missing: Grant[]): string {
    return (
        `the Kubernetes identity of this stack may not ${missing.map(describeGrant).join("; ")}. Nothing was changed. ` +
        `Needed for: ${[...new Set(missing.map((g) => g.why))].join("; ")}. ` +
        'Grant them with the Role and ClusterRole of docs/rbac (README "Permissions"), then run `pulumi up` again'
    );
}

interface PolicyRule {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
    resourceNames?: string[];
}

function rules(ctx: PermissionContext, scope: PermissionScope): PolicyRule[] {
    return PERMISSIONS.filter((p) => p.scope === scope && (!p.when || p.when(ctx))).map((p) => ({
        apiGroups: [p.apiGroup],
        resources: [p.resource],
        verbs: [...p.verbs],
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
            {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "RoleBinding",
                metadata: meta(ctx.clusterResourceNamespace),
                roleRef: roleRef("Role"),
                subjects: [subject],
            },
        );
    }
    return objects;
}
