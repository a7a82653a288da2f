/**
 * Prints the RBAC a stack of this project needs (components/kube/rbac.ts), as YAML to `kubectl apply -f -`:
 *
 *   npm run rbac -- --namespace sales --name ledger --service-account ci/deployer [--existing-issuer Issuer/corp-ca | ClusterIssuer/corp-ca] [--cluster-issuers] [--bootstrap-cluster-issuer] [--named-storage-class] [--config-map <connection.configMap.name>] [--cluster-resource-namespace cert-manager]
 *
 * `--write` regenerates docs/rbac/ (the example for the defaults; tests/kube/rbac.test.ts keeps it in step).
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { PERMISSIONS, PermissionContext, rbacManifests } from "../components/kube/rbac";

export function rbacYaml(ctx: PermissionContext, subject: { namespace: string; name: string }): string {
    return rbacManifests(ctx, "kubedb-mssql-deployer", { kind: "ServiceAccount", ...subject })
        .map((o) => yaml.dump(o, { lineWidth: 200, noRefs: true }))
        .join("---\n");
}

/** docs/rbac/: the defaults (namespace mssql, a namespaced CA), and with ClusterIssuers. */
export function docsRbac(): Record<string, string> {
    const subject = { namespace: "ci", name: "deployer" };
    const base = { namespace: "mssql", database: "mssql", clusterResourceNamespace: "cert-manager" };
    return {
        "default.yaml": rbacYaml({ ...base, clusterIssuers: false, bootstrapsClusterIssuer: false }, subject),
        "cluster-issuer.yaml": rbacYaml({ ...base, clusterIssuers: true, bootstrapsClusterIssuer: true }, subject),
    };
}

/** The README's table of the permissions, from the list (tests/readme.test.ts keeps it in step). */
export function permissionsTable(): string {
    const where = { namespace: "the database's namespace", clusterResourceNamespace: "cert-manager's namespace", cluster: "cluster-wide" } as const;
    const rows = PERMISSIONS.map(
        (p) =>
            `| \`${p.apiGroup ? `${p.resource}.${p.apiGroup}` : p.resource}\` | ${p.verbs.join(", ")} | ${where[p.scope]}${p.resourceNames ? " (by name)" : ""}${p.onlyFor ? ` (${p.onlyFor})` : ""} | ${p.why} |`,
    );
    return ["| resource | verbs | where | why |", "|---|---|---|---|", ...rows].join("\n");
}

if (require.main === module) {
    const args = process.argv.slice(2);
    const value = (flag: string, fallback?: string) => {
        const i = args.indexOf(flag);
        return i >= 0 ? args[i + 1] : fallback;
    };
    if (args.includes("--write")) {
        const dir = path.join(__dirname, "..", "docs", "rbac");
        for (const [file, text] of Object.entries(docsRbac())) fs.writeFileSync(path.join(dir, file), text);
        const readme = path.join(__dirname, "..", "README.md");
        fs.writeFileSync(
            readme,
            fs.readFileSync(readme, "utf8").replace(/(<!-- permissions -->)[\s\S]*?(<!-- \/permissions -->)/, `$1\n${permissionsTable()}\n$2`),
        );
    } else {
        const [saNamespace, saName] = (value("--service-account", "ci/deployer") ?? "").split("/");
        const bootstrap = args.includes("--bootstrap-cluster-issuer");
        process.stdout.write(
            rbacYaml(
                {
                    namespace: value("--namespace", "mssql")!,
                    database: value("--name", "mssql")!,
                    clusterResourceNamespace: value("--cluster-resource-namespace", "cert-manager")!,
                    ...(value("--existing-issuer")
                        ? {
                              existingIssuer: {
                                  kind: value("--existing-issuer")!.split("/")[0] as "Issuer" | "ClusterIssuer",
                                  name: value("--existing-issuer")!.split("/")[1],
                              },
                          }
                        : {}),
                    clusterIssuers: bootstrap || args.includes("--cluster-issuers") || /^ClusterIssuer\//.test(value("--existing-issuer") ?? ""),
                    bootstrapsClusterIssuer: bootstrap,
                    namedStorageClass: args.includes("--named-storage-class"),
                    ...(value("--config-map") ? { connectionConfigMap: value("--config-map") } : {}),
                },
                { namespace: saNamespace, name: saName },
            ),
        );
    }
}
