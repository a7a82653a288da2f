/**
 * The permissions a stack needs (components/kube/rbac.ts): the manifests users apply (docs/rbac) are
 * generated from the one list and kept in step; the guard asks the API server for each grant before
 * anything is touched and refuses naming exactly the missing ones, never passing for allowed.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PERMISSIONS, PermissionContext, describeGrant, missingGrants, missingGrantsMessage, rbacManifests, requiredGrants } from "../../components/kube/rbac";
import { changeGuardProvider, guardedConfig } from "../../components/database/changeGuard";
import { kubeApi } from "../../components/kube/client";
import { docsRbac, permissionsTable } from "../../scripts/rbac";
import { FakeKubeApi } from "../support/fakeKubeApi";

const ctx: PermissionContext = {
    namespace: "sales",
    database: "ledger",
    clusterIssuers: false,
    bootstrapsClusterIssuer: false,
    clusterResourceNamespace: "cert-manager",
};

describe("RBAC: one list, the manifests and the docs", () => {
    it("docs/rbac is what `npm run rbac -- --write` generates from the list", () => {
        for (const [file, text] of Object.entries(docsRbac())) {
            assert.equal(
                fs.readFileSync(path.join(__dirname, "..", "..", "docs", "rbac", file), "utf8"),
                text,
                `docs/rbac/${file} is stale: run npm run rbac -- --write`,
            );
        }
    });

    it("the README's table is the list", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
        assert.ok(
            readme.includes(`<!-- permissions -->\n${permissionsTable()}\n<!-- /permissions -->`),
            'README "Permissions" is stale: run npm run rbac -- --write',
        );
    });

    it("a namespaced stack: a Role in its namespace, a small ClusterRole, no ClusterIssuer and nothing in cert-manager's namespace", () => {
        const objects = rbacManifests(ctx, "deployer", { kind: "ServiceAccount", name: "deployer", namespace: "ci" }) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests read as arbitrary JSON
        assert.deepEqual(
            objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}`),
            ["Role/sales", "RoleBinding/sales", "ClusterRole/", "ClusterRoleBinding/"],
        );
        const cluster = objects[2].rules.map((r: { resources: string[] }) => r.resources[0]);
        assert.deepEqual(cluster, ["namespaces", "mssqlserverversions", "storageclasses"]);
        assert.deepEqual(objects[2].rules[2].verbs, ["list"], "a StorageClass by name only when storage.storageClass names one");
        assert.ok(
            requiredGrants({ ...ctx, namedStorageClass: true })
                .map(describeGrant)
                .includes("get storageclasses.storage.k8s.io (cluster-wide)"),
        );
        assert.deepEqual(objects[2].rules[0].resourceNames, ["sales"], "the namespace by name where RBAC allows it");
        assert.ok(!JSON.stringify(objects).includes("clusterissuers"));
    });

    it("ClusterIssuers only when tls.ca.kind or tls.issuer.kind is ClusterIssuer; a bootstrapped one also writes in cert-manager's namespace", () => {
        const named = requiredGrants({ ...ctx, clusterIssuers: true, existingIssuer: { kind: "ClusterIssuer", name: "corp-ca" } }).map(describeGrant);
        assert.ok(named.includes('get clusterissuers.cert-manager.io "corp-ca" (cluster-wide)'), "the named ClusterIssuer, by name");
        assert.ok(!named.includes("get clusterissuers.cert-manager.io (cluster-wide)"), "no other");
        assert.ok(!named.some((g) => g.includes('"corp-ca"') && !g.startsWith("get ")), "the user's issuer is only read, never changed");
        assert.ok(named.includes("get secrets in namespace cert-manager"), "the named ClusterIssuer's CA is read");
        assert.ok(!named.includes("create certificates.cert-manager.io in namespace cert-manager"));
        const bootstrapped = requiredGrants({ ...ctx, clusterIssuers: true, bootstrapsClusterIssuer: true }).map(describeGrant);
        assert.ok(bootstrapped.includes("create certificates.cert-manager.io in namespace cert-manager"));
        assert.ok(bootstrapped.includes("create clusterissuers.cert-manager.io (cluster-wide)"));
    });

    it("the database's own objects are limited to their names for get, patch and delete; list, watch and create cannot be", () => {
        const grants = requiredGrants(ctx).map(describeGrant);
        for (const g of [
            'get mssqlservers.kubedb.com "ledger" in namespace sales',
            'delete issuers.cert-manager.io "ledger-selfsigned" in namespace sales',
            'patch issuers.cert-manager.io "ledger-ca" in namespace sales',
            'delete certificates.cert-manager.io "ledger-ca" in namespace sales',
            "create mssqlservers.kubedb.com in namespace sales",
            "watch issuers.cert-manager.io in namespace sales",
        ])
            assert.ok(grants.includes(g), g);
        assert.ok(!grants.includes("get mssqlservers.kubedb.com in namespace sales"), "never unnamed");
        const cluster = requiredGrants({ ...ctx, clusterIssuers: true, bootstrapsClusterIssuer: true }).map(describeGrant);
        assert.ok(cluster.includes('delete clusterissuers.cert-manager.io "sales-ledger-ca" (cluster-wide)'));
        assert.ok(cluster.includes('get certificates.cert-manager.io "sales-ledger-ca" in namespace cert-manager'));
    });

    it("every permission says why, and no verb is listed twice for one resource and place", () => {
        const seen = new Set<string>();
        for (const g of requiredGrants({ ...ctx, clusterIssuers: true, bootstrapsClusterIssuer: true })) {
            const key = describeGrant(g);
            assert.ok(!seen.has(key), key);
            seen.add(key);
        }
        for (const p of PERMISSIONS) assert.ok(p.why.length > 20, p.resource);
    });
});

describe("RBAC: the guard asks the API server first", () => {
    let fake: FakeKubeApi;
    let asked: Array<Record<string, string>>;
    const denied = new Set(["create/mssqlserveropsrequests/sales", "list/mssqlserverversions/"]);
    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        asked = [];
        fake.onRequest((req) => {
            if (!/selfsubjectaccessreviews$/.test(req.path)) return undefined;
            const attributes = (req.body as { spec: { resourceAttributes: Record<string, string> } }).spec.resourceAttributes;
            asked.push(attributes);
            const allowed = !denied.has(`${attributes.verb}/${attributes.resource}/${attributes.namespace ?? ""}`);
            return { code: 201, body: { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", status: { allowed } } };
        });
    });
    afterEach(async () => {
        await fake.stop();
    });

    it("names exactly the grants the identity lacks, asking each one once, the namespace by name", async () => {
        const missing = await missingGrants(kubeApi(fake.kubeconfig()), ctx);
        assert.deepEqual(missing.map(describeGrant), [
            "create mssqlserveropsrequests.ops.kubedb.com in namespace sales",
            "list mssqlserverversions.catalog.kubedb.com (cluster-wide)",
        ]);
        assert.equal(asked.length, requiredGrants(ctx).length);
        assert.ok(asked.some((a) => a.resource === "namespaces" && a.verb === "patch" && a.name === "sales"));
        const message = missingGrantsMessage(missing);
        assert.match(
            message,
            /may not create mssqlserveropsrequests\.ops\.kubedb\.com in namespace sales; list mssqlserverversions\.catalog\.kubedb\.com \(cluster-wide\)\. Nothing was changed\./,
        );
        assert.match(message, /every change after creation is an ops request/);
        assert.match(message, /docs\/rbac/);
    });

    it("the guard's check refuses with them (so does `pulumi preview`), and passes once they are granted", async () => {
        const inputs = guardedConfig(
            {
                name: "ledger",
                namespace: "sales",
                permissions: { clusterIssuers: false, bootstrapsClusterIssuer: false, clusterResourceNamespace: "cert-manager" },
            },
            fake.kubeconfig(),
        );
        const refused = await changeGuardProvider.check!({}, inputs);
        assert.deepEqual(
            refused.failures!.map((f) => f.property),
            ["namespace"],
        );
        assert.match(refused.failures![0].reason, /may not create mssqlserveropsrequests/);
        denied.clear();
        assert.deepEqual((await changeGuardProvider.check!({}, inputs)).failures, []);
        const created = await changeGuardProvider.create(inputs);
        assert.equal((created.outs as Record<string, unknown>).kubeconfig, undefined, "the kubeconfig never lands in the outputs");
        const diff = await changeGuardProvider.diff!("x", created.outs, { ...inputs, kubeconfig: "another token" });
        assert.equal(diff.changes, false, "a refreshed token is no change");
    });
});
