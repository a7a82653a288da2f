/**
 * End to end: the README's commands with the real Pulumi CLI, its Node.js language host and the
 * kubernetes and random plugins, against a real kube-apiserver (etcd on loopback, the upstream
 * CRDs installed), with the real cert-manager (controller and webhook, built from its Go module)
 * issuing every certificate, and KubeDB alone stood in for by standIns.ts.
 *
 * One stack, one story, in order, run as a ServiceAccount bound to exactly the shipped permissions:
 * first deployment, no accidental change, each permission removed in turn, a rotation, a failed
 * rotation and its retry, certificate rotation, a CA re-key, a bootstrapped ClusterIssuer and an
 * issuer change, an upgrade with a volume expansion, refused changes, refresh, secrecy of the
 * state, the permissions used against the shipped ones, destroy, re-creation after destroy. Each step's wall time is printed at the end.
 */
import { strict as assert } from "assert";
import type * as k8sClient from "@kubernetes/client-node";
import { ControlPlane, DEPLOYER, auditedCalls, clientNode, startControlPlane } from "./support/controlPlane";
import { issue } from "./support/pki";
import { PermissionContext, describeGrant, limitedByName, rbacManifests, requiredGrants } from "../../components/kube/rbac";
import { PulumiWorkspace } from "./support/pulumiCli";
import { ClusterReads, MSSQL, clusterReads } from "./support/clusterReads";
import { CLUSTER_RESOURCE_NAMESPACE, StandIns } from "./support/standIns";
import { toolsBin } from "./support/tools";
import { createDeployer, deployerKubeconfig, nowhereKubeconfig } from "./support/story";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects read back from the API server are arbitrary JSON

const NS = "sales";
const DB = "ledger";
const PDB_FAILURE = `failed to evict pod ${DB}-0: Cannot evict pod as it would violate the pod's disruption budget`;

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

describe("end to end: `pulumi up` with the real CLI against a real Kubernetes API server", function () {
    this.timeout(15 * 60_000);
    let cluster: ControlPlane;
    let standIns: StandIns;
    let stack: PulumiWorkspace;
    let custom: k8sClient.CustomObjectsApi;
    let core: k8sClient.CoreV1Api;
    const steps: Array<{ step: string; ms: number }> = [];

    let reads: ClusterReads;
    const requests = () => reads.requests(NS);
    const database = () => reads.database(NS, DB);
    const secretData = (name: string, namespace = NS) => reads.secretData(namespace, name);
    // Every password the database has had, to look for in the exported state at the end.
    const passwords = new Set<string>();
    const collectPasswords = async () => {
        for (const secret of (await core.listNamespacedSecret({ namespace: NS })).items) {
            const password = Buffer.from(secret.data?.password ?? "", "base64").toString("utf8");
            if (password) passwords.add(password);
        }
    };
    const timed = async <T>(step: string, run: () => Promise<T>): Promise<T> => {
        const started = Date.now();
        try {
            return await run();
        } finally {
            steps.push({ step, ms: Date.now() - started });
        }
    };

    before(async function () {
        this.timeout(5 * 60_000);
        const bin = toolsBin();
        cluster = await timed("start etcd + kube-apiserver + cert-manager, install CRDs and catalog", () => startControlPlane(bin));
        standIns = await StandIns.start(cluster.kubeconfig);
        const k8s = clientNode();
        const kc = new k8s.KubeConfig();
        kc.loadFromString(cluster.kubeconfig);
        reads = clusterReads(cluster.kubeconfig);
        ({ custom, core } = reads);
        // The ambient kubeconfig points nowhere: everything must reach the cluster through the
        // `kubeconfig` config key, the provider and the request waiters alike.
        stack = await timed("pulumi stack init", () => PulumiWorkspace.create({ bin, kubeconfigPath: nowhereKubeconfig(cluster), stack: "e2e" }));
        // `pulumi up` runs as a ServiceAccount, as from CI (its token from the TokenRequest API).
        await createDeployer(reads);
        objects = k8s.KubernetesObjectApi.makeApiClient(kc);
        // Exactly the shipped permissions (components/kube/rbac.ts, as in docs/rbac): the namespace and the
        // Role in it come first, as a platform team would create them.
        await core.createNamespace({ body: { metadata: { name: NS } } });
        await grant(permissionContext);
        const deployer = await deployerKubeconfig(cluster, reads);
        deployerToken = deployer.token;
        await stack.config("kubeconfig", deployer.path);
        await stack.config("acceptEula", "true");
        await stack.config("namespace", NS);
        await stack.config("name", DB);
        await stack.config("timeouts.readyMinutes", "5", { path: true });
        await stack.config("timeouts.opsRequestMinutes", "5", { path: true });
    });

    afterEach(async () => {
        if (core) await collectPasswords().catch(() => undefined);
        // Every certificate here is the real cert-manager's: the suite fails without it.
        if (cluster)
            assert.ok(cluster.certManager.controllerRunning() && cluster.certManager.webhookRunning(), "cert-manager's controller and webhook are running");
    });

    /** While `run` goes, the most CA certificates the connection Secret's ca.crt held while a request was Progressing. */
    const widestBundleDuring = async (count: number, run: () => Promise<unknown>): Promise<number> => {
        let widest = 0;
        let sampling = true;
        const sampler = (async () => {
            while (sampling) {
                const running = (await requests()).slice(count).some((r) => r.status?.phase === "Progressing");
                if (running) widest = Math.max(widest, ((await secretData(`${DB}-connection`))["ca.crt"].match(PEM) ?? []).length);
                await new Promise((r) => setTimeout(r, 50));
            }
        })();
        try {
            await run();
        } finally {
            sampling = false;
            await sampler;
        }
        return widest;
    };
    // ---- the stack's identity and its permissions
    let objects: k8sClient.KubernetesObjectApi;
    let deployerToken = "";
    const permissionContext: PermissionContext = {
        namespace: NS,
        database: DB,
        clusterIssuers: false,
        bootstrapsClusterIssuer: false,
        clusterResourceNamespace: CLUSTER_RESOURCE_NAMESPACE,
    };
    let granted: Array<Record<string, any>> = []; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects read back from the API server are arbitrary JSON
    /** Replaces the deployer's RBAC with the shipped one for `ctx`, less `without` (one verb of one rule). */
    const grant = async (ctx: PermissionContext, without?: { verb: string; apiGroup: string; resource: string; namespace?: string }) => {
        for (const o of granted) await objects.delete(o as k8sClient.KubernetesObject).catch(() => undefined);
        granted = (rbacManifests(ctx, "kubedb-mssql-deployer", { kind: "ServiceAccount", ...DEPLOYER }) as Obj[]).map((o) => JSON.parse(JSON.stringify(o)));
        if (without) {
            const role = granted.find(
                (o) => (o.kind === "Role" && o.metadata.namespace === without.namespace) || (o.kind === "ClusterRole" && without.namespace === undefined),
            )!;
            for (const rule of role.rules) {
                if (rule.apiGroups[0] === without.apiGroup && rule.resources[0] === without.resource)
                    rule.verbs = rule.verbs.filter((v: string) => v !== without.verb);
            }
            // A rule left with no verb is no rule (the API server refuses an empty one).
            role.rules = role.rules.filter((rule: { verbs: string[] }) => rule.verbs.length > 0);
        }
        for (const o of granted) await objects.create(o as k8sClient.KubernetesObject);
    };
    const caCert = async (namespace: string, secret: string) => (await secretData(secret, namespace))["tls.crt"].replace(/\s+/g, "");

    after(async function () {
        this.timeout(60_000);
        stack?.stopAll();
        standIns?.stop();
        await cluster?.stop();
        if (stack && !process.env.KUBEDB_MSSQL_E2E_KEEP) stack.remove();
        const width = Math.max(...steps.map((s) => s.step.length));
        console.log("\n  wall time per step");
        for (const s of steps) console.log(`    ${s.step.padEnd(width)}  ${(s.ms / 1000).toFixed(1).padStart(6)} s`);
    });

    let firstSecret = "";

    it("first `pulumi up`: everything Ready, outputs as the README says, no ops request", async () => {
        await timed("pulumi up (first deployment)", () => stack.ok(["up", "--yes", "--skip-preview"]));
        const db = await database();
        assert.equal(db.status.phase, "Ready");
        const out = await stack.outputs();
        assert.equal(out.databaseName, DB);
        assert.equal(out.databaseNamespace, NS);
        assert.equal(out.primaryHost, `${DB}.${NS}.svc`);
        assert.equal(out.port, 1433);
        assert.equal(out.connectionSecret, `${DB}-connection`);
        assert.equal(out.credentialRotation.lastPhase, "Initial");
        assert.equal(out.credentialRotation.activeSecret, db.spec.authSecret.name);
        assert.equal(out.tls.lastPhase, "Initial");
        assert.match(out.tls.caFingerprint, /^SHA256:/);
        firstSecret = db.spec.authSecret.name;
        const connection = await secretData(`${DB}-connection`);
        assert.equal(connection.password, (await secretData(firstSecret)).password);
        assert.equal(connection["ca.crt"].match(PEM)?.length, 1);
        assert.deepEqual(await requests(), []);
        // Issued by the real cert-manager: through CertificateRequests, with its own annotations.
        const server = await core.readNamespacedSecret({ namespace: NS, name: `${DB}-server-cert` });
        assert.equal(server.metadata!.annotations!["cert-manager.io/certificate-name"], `${DB}-server-cert`);
        const certificateRequests = (
            (await custom.listNamespacedCustomObject({ group: "cert-manager.io", version: "v1", plural: "certificaterequests", namespace: NS })) as Obj
        ).items;
        assert.ok(
            certificateRequests.some((r: Obj) => r.metadata.annotations?.["cert-manager.io/certificate-name"] === `${DB}-server-cert`),
            "a CertificateRequest made by cert-manager",
        );
        assert.equal(connection["ca.crt"].replace(/\s+/g, ""), await caCert(NS, `${DB}-ca`), "clients trust the bootstrapped CA");
    });

    it("the same config again: `pulumi preview --expect-no-changes` and a second `pulumi up` change nothing", async () => {
        await timed("pulumi preview --expect-no-changes", () => stack.ok(["preview", "--expect-no-changes", "--diff"]));
        await timed("pulumi up (same config)", () => stack.ok(["up", "--yes", "--expect-no-changes"]));
        assert.deepEqual(await requests(), []);
        assert.equal((await database()).spec.authSecret.name, firstSecret);
    });

    it("each permission removed alone is refused by the next `pulumi preview`, naming the verb, the resource and where; restored, `pulumi up` goes on", async () => {
        // One verb of one rule at a time (a rule limited to names loses the verb for all of them).
        const grants = [
            ...new Map(
                requiredGrants(permissionContext).map((g) => [`${g.verb} ${g.apiGroup}/${g.resource} ${g.namespace} ${g.name !== undefined}`, g]),
            ).values(),
        ];
        try {
            for (const g of grants) {
                await grant(permissionContext, g);
                const preview = await timed(`pulumi preview (without ${describeGrant(g)})`, () => stack.run(["preview"]));
                const output = preview.stdout + preview.stderr;
                assert.notEqual(preview.code, 0, `without ${describeGrant(g)}:\n${output}`);
                assert.ok(
                    /may not /.test(output) && output.includes(describeGrant(g)) && output.includes("Nothing was changed."),
                    `names ${describeGrant(g)}:\n${output}`,
                );
            }
        } finally {
            await grant(permissionContext);
        }
        await timed("pulumi up (permissions restored)", () => stack.ok(["up", "--yes", "--expect-no-changes"]));
    });

    let rotatedSecret = "";

    it("`rotation.generation 1`: the preview shows the rotation, `pulumi up` sends exactly one RotateAuth, then updates the connection Secret", async () => {
        await stack.config("rotation.generation", "1", { path: true });
        const preview = await timed("pulumi preview --diff (rotation planned)", () => stack.ok(["preview", "--diff"]));
        assert.match(preview.stdout, /rotation-ledger/);
        assert.match(preview.stdout, /secretName/);
        assert.deepEqual(await requests(), [], "preview touches nothing");

        await timed("pulumi up (rotation)", () => stack.ok(["up", "--yes", "--skip-preview"]));
        const sent = await requests();
        assert.equal(sent.length, 1);
        assert.equal(sent[0].spec.type, "RotateAuth");
        assert.equal(sent[0].status.phase, "Successful");
        rotatedSecret = sent[0].spec.authentication.secretRef.name;
        assert.notEqual(rotatedSecret, firstSecret);
        assert.equal((await database()).spec.authSecret.name, rotatedSecret);
        const connection = await secretData(`${DB}-connection`);
        assert.equal(connection.password, (await secretData(rotatedSecret)).password);
        await assert.rejects(core.readNamespacedSecret({ namespace: NS, name: firstSecret }), "the superseded credential Secret is removed once unreferenced");
    });

    it("an operator failure stops `pulumi up` within seconds with KubeDB's message; the next `pulumi up` retries with a new request", async () => {
        const connectionBefore = await secretData(`${DB}-connection`);
        await stack.config("rotation.generation", "2", { path: true });
        // Recorded as KubeDB's RotateAuth records it: on the step's own condition, beside its True start condition.
        standIns.scriptNext({ outcome: "Failed", failAt: "RestartNodes", message: PDB_FAILURE, recordedOnStep: true });
        const failed = await timed("pulumi up (operator fails the rotation)", () => stack.run(["up", "--yes", "--skip-preview"]));
        assert.notEqual(failed.code, 0);
        const output = failed.stdout + failed.stderr;
        assert.ok(output.includes(PDB_FAILURE), `KubeDB's message in the CLI output:\n${output}`);
        assert.match(output, /is Failed: .*\[RestartNodes=False, reason RestartNodesFailed\]/);
        // (The progress lines show KubeDB's "has started to rotate auth" condition; the reason never does.)
        for (const reason of output.match(/is Failed: .*/g) ?? [])
            assert.doesNotMatch(reason, /has started to/, "the request's start condition is never given as the reason");
        assert.match(output, /rotation is half done/);
        const attempt = (await requests()).pop()!;
        assert.equal(attempt.status.phase, "Failed");
        assert.ok(output.includes(attempt.metadata.name), "the request is named");
        // The failure came at once, not after the 5-minute timeout.
        assert.ok(failed.ms < 90_000, `took ${failed.ms} ms`);
        assert.deepEqual(await secretData(`${DB}-connection`), connectionBefore, "the connection Secret is not moved to an unconfirmed credential");
        assert.ok(await secretData(rotatedSecret), "the last confirmed credential Secret is kept");

        await timed("pulumi up (retry after the failure)", () => stack.ok(["up", "--yes", "--skip-preview"]));
        const all = await requests();
        const retry = all.pop()!;
        assert.equal(retry.metadata.name, `${attempt.metadata.name}-r2`);
        assert.equal(retry.status.phase, "Successful");
        const newSecret = retry.spec.authentication.secretRef.name;
        assert.equal((await secretData(`${DB}-connection`)).password, (await secretData(newSecret)).password);
        rotatedSecret = newSecret;
    });

    it("`tls.rotation.generation` bump: one ReconfigureTLS that re-issues the certificates", async () => {
        const before = (await secretData(`${DB}-server-cert`))["tls.crt"];
        const count = (await requests()).length;
        await stack.config("tls.rotation.generation", "1", { path: true });
        await timed("pulumi up (certificate rotation)", () => stack.ok(["up", "--yes", "--skip-preview"]));
        const sent = (await requests()).slice(count);
        assert.equal(sent.length, 1);
        assert.equal(sent[0].spec.type, "ReconfigureTLS");
        assert.deepEqual(sent[0].spec.tls, { rotateCertificates: true });
        assert.notEqual((await secretData(`${DB}-server-cert`))["tls.crt"], before, "a new server certificate");
    });

    it("a CA re-key (`tls.ca.algorithm RSA`): cert-manager re-keys the CA, one ReconfigureTLS re-issues from it; clients trust old + new CA meanwhile, then the new one", async () => {
        const oldCa = await caCert(NS, `${DB}-ca`);
        const count = (await requests()).length;
        await stack.config("tls.ca.algorithm", "RSA", { path: true });
        const widest = await widestBundleDuring(count, () => timed("pulumi up (CA re-key)", () => stack.ok(["up", "--yes", "--skip-preview"])));
        const sent = (await requests()).slice(count);
        assert.deepEqual(
            sent.map((r) => [r.spec.type, r.spec.tls, r.status.phase]),
            [["ReconfigureTLS", { rotateCertificates: true }, "Successful"]],
        );
        const newCa = await caCert(NS, `${DB}-ca`);
        assert.notEqual(newCa, oldCa, "cert-manager issued a new CA");
        assert.equal(widest, 2, "old and new CA while KubeDB re-issues the certificates");
        assert.equal((await secretData(`${DB}-connection`))["ca.crt"].replace(/\s+/g, ""), newCa, "then only the new one");
        assert.equal((await secretData(`${DB}-server-cert`))["ca.crt"].replace(/\s+/g, ""), newCa, "the server certificate is from the new CA");
    });

    it("a bootstrapped ClusterIssuer (`tls.ca.kind ClusterIssuer`): its CA in cert-manager's namespace, one ReconfigureTLS to it", async () => {
        const count = (await requests()).length;
        // A bootstrapped ClusterIssuer needs the ClusterIssuer permissions (docs/rbac/cluster-issuer.yaml).
        const withClusterIssuers = { ...permissionContext, clusterIssuers: true, bootstrapsClusterIssuer: true };
        await stack.config("tls.ca.kind", "ClusterIssuer", { path: true });
        const refused = await stack.run(["preview"]);
        assert.match(
            refused.stdout + refused.stderr,
            new RegExp(`may not [^\\n]*get clusterissuers\\.cert-manager\\.io "${NS}-${DB}-ca" \\(cluster-wide\\)`),
            "refused until granted",
        );
        await grant(withClusterIssuers);
        const widest = await widestBundleDuring(count, () =>
            timed("pulumi up (bootstrapped ClusterIssuer)", () => stack.ok(["up", "--yes", "--skip-preview"])),
        );
        const sent = (await requests()).slice(count);
        assert.deepEqual(
            sent.map((r) => [r.spec.type, r.spec.tls, r.status.phase]),
            [["ReconfigureTLS", { issuerRef: { apiGroup: "cert-manager.io", kind: "ClusterIssuer", name: `${NS}-${DB}-ca` } }, "Successful"]],
        );
        const clusterCa = await caCert(CLUSTER_RESOURCE_NAMESPACE, `${NS}-${DB}-ca`);
        assert.equal(widest, 2);
        assert.equal((await secretData(`${DB}-connection`))["ca.crt"].replace(/\s+/g, ""), clusterCa);
        assert.equal((await secretData(`${DB}-server-cert`))["ca.crt"].replace(/\s+/g, ""), clusterCa);
        assert.deepEqual((await database()).spec.tls.issuerRef, { apiGroup: "cert-manager.io", kind: "ClusterIssuer", name: `${NS}-${DB}-ca` });
    });

    it("an issuer change: ReconfigureTLS with the new issuer; clients trust both CAs during the switch, then the new one", async () => {
        // The user's existing ClusterIssuer, backed by its own CA.
        const corp = issue({ commonName: "corp root CA", isCA: true, duration: "87600h" });
        await core.createNamespacedSecret({
            namespace: CLUSTER_RESOURCE_NAMESPACE,
            body: {
                metadata: { name: "corp-ca-key-pair" },
                type: "kubernetes.io/tls",
                data: { "tls.crt": Buffer.from(corp.cert).toString("base64"), "tls.key": Buffer.from(corp.key).toString("base64") },
            },
        });
        await custom.createClusterCustomObject({
            group: "cert-manager.io",
            version: "v1",
            plural: "clusterissuers",
            body: { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "corp-ca" }, spec: { ca: { secretName: "corp-ca-key-pair" } } },
        });
        const oldCa = (await secretData(`${DB}-connection`))["ca.crt"];
        const count = (await requests()).length;

        // An existing issuer replaces the bootstrapped CA: its settings go (the config refuses both).
        await stack.ok(["config", "rm", "--path", "tls.ca"]);
        // Naming an existing ClusterIssuer: read by name (docs/rbac, `--existing-issuer ClusterIssuer/corp-ca`).
        await grant({ ...permissionContext, clusterIssuers: true, bootstrapsClusterIssuer: true, existingIssuer: { kind: "ClusterIssuer", name: "corp-ca" } });
        await stack.config("tls.issuer.kind", "ClusterIssuer", { path: true });
        await stack.config("tls.issuer.name", "corp-ca", { path: true });
        // What clients are told to trust while the request runs.
        const widest = await widestBundleDuring(count, () => timed("pulumi up (issuer change)", () => stack.ok(["up", "--yes", "--skip-preview"])));
        const sent = (await requests()).slice(count);
        assert.equal(sent.length, 1);
        assert.deepEqual(sent[0].spec.tls, { issuerRef: { apiGroup: "cert-manager.io", kind: "ClusterIssuer", name: "corp-ca" } });
        assert.equal(widest, 2, "old and new CA while KubeDB switches the certificates");
        const ca = (await secretData(`${DB}-connection`))["ca.crt"];
        assert.equal(ca.match(PEM)?.length, 1);
        assert.notEqual(ca, oldCa);
        assert.equal(ca.replace(/\s+/g, ""), corp.cert.replace(/\s+/g, ""), "clients now trust the corp CA");
        assert.equal((await database()).spec.tls.issuerRef.name, "corp-ca");
        assert.equal((await stack.outputs()).tls.lastPhase, "Successful");
    });

    it("an upgrade and a volume expansion: one `pulumi up`, VolumeExpansion then UpdateVersion, one after the other, read back", async () => {
        // The cluster's default StorageClass allows expansion (checked before any request).
        const storage = clientNode();
        const kc = new storage.KubeConfig();
        kc.loadFromString(cluster.kubeconfig);
        await kc.makeApiClient(storage.StorageV1Api).createStorageClass({
            body: {
                metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
                provisioner: "example.com/csi",
                allowVolumeExpansion: true,
            },
        });
        const count = (await requests()).length;
        await stack.config("version", "2025-cu0");
        await stack.config("storage.size", "20Gi", { path: true });
        const preview = await timed("pulumi preview --diff (upgrade + expansion planned)", () => stack.ok(["preview", "--diff"]));
        assert.match(preview.stdout, /day2-ledger/);
        assert.match(preview.stdout, /version/);
        assert.match(preview.stdout, /storageSize/);
        assert.match(
            preview.stdout + preview.stderr,
            /planned VolumeExpansion \(storage\.size 10Gi → 20Gi \(Online\)\) → UpdateVersion \(version 2022-cu22 → 2025-cu0\)/,
            "the preview shows the requests",
        );
        assert.equal((await requests()).length, count, "preview touches nothing");

        const up = await timed("pulumi up (volume expansion + upgrade)", () => stack.ok(["up", "--yes", "--skip-preview"]));
        assert.match(
            up.stdout + up.stderr,
            /VolumeExpansion \(storage\.size 10Gi → 20Gi \(Online\)\) → UpdateVersion \(version 2022-cu22 → 2025-cu0\)/,
            "the plan is shown",
        );
        const sent = (await requests()).slice(count);
        assert.deepEqual(
            sent.map((r) => r.spec.type),
            ["VolumeExpansion", "UpdateVersion"],
        );
        assert.deepEqual(
            sent.map((r) => r.status.phase),
            ["Successful", "Successful"],
        );
        assert.deepEqual(sent[0].spec.volumeExpansion, { mode: "Online", mssqlserver: "20Gi" });
        assert.deepEqual(sent[1].spec.updateVersion, { targetVersion: "2025-cu0" });
        // One at a time: the upgrade was created after the expansion finished.
        const finished = sent[0].status.conditions.find((c: Obj) => c.type === "Successful");
        assert.ok(Date.parse(sent[1].metadata.creationTimestamp) >= Date.parse(finished.lastTransitionTime) - 1000);
        const db = await database();
        assert.equal(db.spec.version, "2025-cu0");
        assert.equal(db.spec.storage.resources.requests.storage, "20Gi");
        assert.equal(db.spec.autoOps?.disabled, true, "KubeDB's recommendation engine stays off");
        const out = await stack.outputs();
        assert.deepEqual(
            [out.dayTwo.version, out.dayTwo.storageSize, out.dayTwo.lastPhase, out.dayTwo.lastRequest],
            ["2025-cu0", "20Gi", "Successful", sent[1].metadata.name],
        );
        // Pulumi wrote neither field: the stand-in ops-manager did (server-side apply leaves them to it).
        const owners = (db.metadata.managedFields as Obj[]).filter((m) => JSON.stringify(m.fieldsV1 ?? {}).includes('"f:version"')).map((m) => m.manager);
        assert.ok(!owners.some((m) => /pulumi/i.test(m)), `spec.version is owned by ${owners}`);
        await timed("pulumi up (same config after the upgrade)", () => stack.ok(["up", "--yes", "--expect-no-changes"]));
        assert.equal((await requests()).length, count + 2);
    });

    it("what no request can do is refused: the edition at preview, a downgrade or a version the catalog lacks before any request", async () => {
        const count = (await requests()).length;
        await stack.config("edition", "Enterprise");
        const edition = await timed("pulumi preview (an edition change, refused)", () => stack.run(["preview"]));
        assert.notEqual(edition.code, 0);
        assert.match(edition.stdout + edition.stderr, /the edition \(MSSQL_PID\) is fixed when the database is created[\s\S]*To do it deliberately/);
        await stack.config("edition", "Developer");
        await stack.config("version", "2022-cu16");
        const downgrade = await timed("pulumi up (a downgrade, refused)", () => stack.run(["up", "--yes", "--skip-preview"]));
        assert.notEqual(downgrade.code, 0);
        assert.match(
            downgrade.stdout + downgrade.stderr,
            /no request was sent:[\s\S]*2022-cu16 is older than 2025-cu0, and KubeDB does not downgrade; no version is an allowed target from 2025-cu0/,
        );
        await stack.config("version", "2025-cu9");
        const unknown = await timed("pulumi up (a version the catalog lacks, refused)", () => stack.run(["up", "--yes", "--skip-preview"]));
        assert.notEqual(unknown.code, 0);
        assert.match(unknown.stdout + unknown.stderr, /no request was sent:[\s\S]*2025-cu9 is not in the cluster's MSSQLServerVersion catalog/);
        assert.equal((await requests()).length, count, "no request reached the cluster");
        assert.equal((await database()).spec.version, "2025-cu0");
        await stack.config("version", "2025-cu0");
        // A field no request owns is still applied directly, and the request-owned ones are left as KubeDB wrote them.
        await stack.config("deletionPolicy", "DoNotTerminate");
        await timed("pulumi up (deletionPolicy, a direct field)", () => stack.ok(["up", "--yes", "--skip-preview"]));
        const db = await database();
        assert.deepEqual(
            [db.spec.deletionPolicy, db.spec.version, db.spec.storage.resources.requests.storage, db.spec.replicas],
            ["DoNotTerminate", "2025-cu0", "20Gi", 1],
        );
        await stack.config("deletionPolicy", "Halt");
        await timed("pulumi up (deletionPolicy back)", () => stack.ok(["up", "--yes", "--skip-preview"]));
    });

    it("`pulumi refresh` then `pulumi preview --expect-no-changes`: no diff the program did not intend", async () => {
        await timed("pulumi refresh", () => stack.ok(["refresh", "--yes", "--skip-preview"]));
        // The refresh read what KubeDB's webhook and the API server's CRD defaults added...
        const state = await stack.export();
        assert.match(state, /"runAsUser": 10001/, "KubeDB's defaults are in the refreshed state");
        assert.match(state, /"healthChecker"/, "the CRD's defaults are in the refreshed state");
        // ...and none of it shows as a change the program would make.
        await timed("pulumi preview --expect-no-changes (after refresh)", () => stack.ok(["preview", "--expect-no-changes", "--diff"]));
    });

    it("`pulumi stack export` holds no password in the clear", async () => {
        const state = await timed("pulumi stack export", () => stack.export());
        await collectPasswords();
        assert.equal(passwords.size, 3, "every password the database had: generations 0, 1 and 2 (the superseded ones included)");
        for (const password of passwords) assert.ok(!state.includes(password), "a password is in the exported state");
        const token = /token: (\S+)/.exec(cluster.kubeconfig)![1];
        assert.ok(state.includes("kubeconfig"), "the kubeconfig is in the state (encrypted)");
        assert.ok(!state.includes(token), "the admin token is not in the state");
        assert.ok(deployerToken && !state.includes(deployerToken), "the stack's own token is not in the state in the clear");
    });

    let retained: { secrets: string[]; inUse: string; password: string } | undefined;

    it("`pulumi destroy`: the namespace and the credential Secrets are kept, as the README promises", async () => {
        const credentialSecrets = (await core.listNamespacedSecret({ namespace: NS, labelSelector: "kubedb-mssql.io/role=credential" })).items.map(
            (s) => s.metadata!.name,
        );
        assert.ok(credentialSecrets.length >= 1);
        const inUse = (await database()).spec.authSecret.name;
        retained = { secrets: credentialSecrets.map(String).sort(), inUse, password: (await secretData(inUse)).password };
        assert.equal((await database()).spec.deletionPolicy, "Halt", "KubeDB is told to keep the data volumes when the object goes");
        await timed("pulumi destroy", () => stack.ok(["destroy", "--yes", "--skip-preview"]));
        await core.readNamespace({ name: NS });
        for (const name of credentialSecrets) await core.readNamespacedSecret({ namespace: NS, name: name! });
        await assert.rejects(
            custom.getNamespacedCustomObject({ ...MSSQL, namespace: NS, name: DB }),
            "the MSSQLServer object is deleted (its data stays under deletionPolicy Halt)",
        );
    });

    it("the shipped permissions and what the story called agree: every call was a granted one, and every grant was used", async () => {
        const shipped = new Set(
            requiredGrants({
                ...permissionContext,
                clusterIssuers: true,
                bootstrapsClusterIssuer: true,
                existingIssuer: { kind: "ClusterIssuer", name: "corp-ca" },
            }).map(describeGrant),
        );
        // Granted to every authenticated identity by Kubernetes itself (system:basic-user): the guard's questions.
        const calls = auditedCalls(cluster.auditLogPath)
            .filter((c) => c.resource !== "selfsubjectaccessreviews")
            // A Namespace is cluster-wide (the audit names it as its own namespace); a status write is the object's.
            .map((c) => ({ ...c, resource: c.resource.split("/")[0], namespace: c.resource === "namespaces" ? undefined : c.namespace }));
        // A server-side apply that creates (201) is authorized as `create` too: the API server asks both.
        const asked = calls.flatMap((c) => (c.verb === "patch" && c.code === 201 ? [c, { ...c, verb: "create" }] : [c]));
        const described = (c: (typeof asked)[number]) => describeGrant({ ...c, name: limitedByName(c) ? c.name : undefined });
        const used = new Set(asked.filter((c) => c.code !== 403).map(described));
        // pulumi-kubernetes lists events to explain a wait, and goes on without them: not granted (README "Permissions").
        const refused = new Set(asked.filter((c) => c.code === 403).map(described));
        assert.deepEqual(
            [...refused].filter((g) => !g.startsWith("list events ")),
            [],
            "no refusal but the optional events",
        );
        const unlisted = [...used].filter((g) => !shipped.has(g)).sort();
        const unused = [...shipped].filter((g) => !used.has(g)).sort();
        assert.deepEqual(
            { unlisted, unused },
            { unlisted: [], unused: [] },
            `calls of the stack's identity:\n  used: ${[...used].sort().join("\n        ")}\n  refused: ${[...refused].sort().join("\n           ")}`,
        );
    });

    it("`pulumi up` after the destroy re-creates the database on the credential its retained data knows: no new password, no rotation", async () => {
        assert.ok(retained, "the destroy step ran");
        const count = (await requests()).length;
        const preview = await timed("pulumi preview (re-creation after destroy)", () => stack.ok(["preview"]));
        assert.ok(!(preview.stdout + preview.stderr).includes(retained!.password), "the preview shows no password");
        assert.match(
            preview.stdout + preview.stderr,
            new RegExp(`${DB} does not exist and its credential Secret ${retained!.inUse} was retained`),
            "the preview says what will happen",
        );
        const up = await timed("pulumi up (re-creation after destroy)", () => stack.ok(["up", "--yes", "--skip-preview"]));
        const output = up.stdout + up.stderr;
        assert.match(output, new RegExp(`resuming MSSQLServer ${NS}/${DB} on its retained credential Secret ${retained!.inUse}`), output);
        const db = await database();
        assert.equal(db.status.phase, "Ready");
        assert.equal(db.spec.authSecret.name, retained!.inUse, "the Secret the database used when it was destroyed");
        assert.equal((await secretData(db.spec.authSecret.name)).password, retained!.password, "holding the password the data knows");
        assert.equal((await secretData(`${DB}-connection`)).password, retained!.password, "and applications get the same");
        assert.equal((await requests()).length, count, "no RotateAuth: nobody asked for one");
        const now = (await core.listNamespacedSecret({ namespace: NS, labelSelector: "kubedb-mssql.io/role=credential" })).items
            .map((s) => String(s.metadata!.name))
            .sort();
        assert.deepEqual(now, retained!.secrets, "the password was copied into no new credential Secret");
        const out = await stack.outputs();
        assert.equal(out.credentialRotation.resumedFrom, retained!.inUse, "the stack says so");
        assert.equal(out.credentialRotation.activeSecret, retained!.inUse);
        await timed("pulumi up (same config after the re-creation)", () => stack.ok(["up", "--yes", "--expect-no-changes"]));
        const state = await stack.export();
        assert.ok(!state.includes(retained!.password), "the retained password is in the state only encrypted");
    });
});
