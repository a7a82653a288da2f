/**
 * The TLS planner: which ReconfigureTLS request each change makes (exactly one action, valid against
 * the CRD and KubeDB's webhook rules), why, what kind it is and the state it leaves.
 */
import { strict as assert } from "assert";
import { TlsState, afterRequest, planTlsChange, reassertTls } from "../../components/tls/tlsPlan";
import { reconfigureTlsRequestManifest } from "../../components/ops/manifests";
import { assertValid } from "../support/crdSchema";
import { NS } from "../support/fakeKubeDb";
import { webhookViolations } from "../support/webhookRules";

const ISSUER_A = { apiGroup: "cert-manager.io", kind: "Issuer" as const, name: "mssql-ca" };
const ISSUER_B = { apiGroup: "cert-manager.io", kind: "ClusterIssuer" as const, name: "corp-ca" };
const base: TlsState = { issuerRef: ISSUER_A, certificates: [], clientTLS: true, rotationGeneration: 0, caRevision: "rev1" };

/** A request as sent, in the shape the CRD validates. */
function asSent(action: ReturnType<typeof planTlsChange>) {
    return reconfigureTlsRequestManifest({ name: "mssql-tls-0123456789", namespace: NS, database: "mssql", stepTimeout: "10m", action: action!.action });
}

describe("TLS plan: one change, one request with exactly one action", () => {
    it("plans nothing for the same state", () => {
        assert.equal(planTlsChange(base, { ...base }), undefined);
    });

    const cases: Array<[string, Partial<TlsState>, object, boolean]> = [
        ["a bumped tls.rotation.generation rotates the certificates", { rotationGeneration: 1 }, { rotateCertificates: true }, false],
        ["a new issuer sends issuerRef", { issuerRef: ISSUER_B, caRevision: "" }, { issuerRef: ISSUER_B }, true],
        [
            "changed certificate settings send the changed aliases",
            { certificates: [{ alias: "server", dnsNames: ["sql.example.com"], duration: "2160h" }] },
            { certificates: [{ alias: "server", dnsNames: ["sql.example.com"], duration: "2160h" }] },
            false,
        ],
        ["a re-issued bootstrapped CA rotates the certificates", { caRevision: "rev2" }, { rotateCertificates: true }, true],
        ["clientTLS alone rides on the current issuer (KubeDB refuses it on its own)", { clientTLS: false }, { issuerRef: ISSUER_A, clientTLS: false }, false],
        [
            "an issuer change and a generation bump make one request: the new issuer re-issues anyway",
            { issuerRef: ISSUER_B, rotationGeneration: 5, caRevision: "" },
            { issuerRef: ISSUER_B },
            true,
        ],
        [
            "issuer and certificates change together in one request",
            { issuerRef: ISSUER_B, caRevision: "", certificates: [{ alias: "client", duration: "720h" }] },
            { issuerRef: ISSUER_B, certificates: [{ alias: "client", duration: "720h" }] },
            true,
        ],
    ];
    for (const [title, change, action, caChanges] of cases) {
        it(title, () => {
            const plan = planTlsChange(base, { ...base, ...change });
            assert.ok(plan);
            assert.deepEqual(plan.action, action);
            assert.equal(plan.caChanges, caChanges);
            const sent = asSent(plan);
            assertValid(sent);
            assert.deepEqual(webhookViolations(sent), []);
        });
    }

    it("after a certificates or clientTLS request, a due rotation is still planned; after a new issuer it is not", () => {
        const desired = { ...base, clientTLS: false, rotationGeneration: 1 };
        const first = planTlsChange(base, desired)!;
        assert.equal(first.kind, "clientTLS");
        assert.deepEqual(planTlsChange(afterRequest(base, desired, first), desired)?.action, { rotateCertificates: true });
        const viaIssuer = { ...base, issuerRef: ISSUER_B, caRevision: "", rotationGeneration: 1 };
        assert.equal(planTlsChange(afterRequest(base, viaIssuer, planTlsChange(base, viaIssuer)!), viaIssuer), undefined);
        const certs = { ...base, certificates: [{ alias: "client" as const, duration: "720h" }], caRevision: "rev2" };
        const certPlan = planTlsChange(base, certs)!;
        assert.equal(certPlan.kind, "certificates");
        assert.equal(certPlan.caChanges, true);
        assert.deepEqual(planTlsChange(afterRequest(base, certs, certPlan), certs)?.action, { rotateCertificates: true });
    });

    it("re-asserts the whole configuration, as one valid action", () => {
        const plan = reassertTls({ ...base, certificates: [{ alias: "server", duration: "2160h" }] });
        assert.deepEqual(plan.action, { issuerRef: ISSUER_A, certificates: [{ alias: "server", duration: "2160h" }], clientTLS: true });
        const sent = asSent(plan);
        assertValid(sent);
        assert.deepEqual(webhookViolations(sent), []);
    });

    it("an alias whose settings were removed goes back to KubeDB's defaults", () => {
        const before = {
            ...base,
            certificates: [
                { alias: "server" as const, duration: "2160h" },
                { alias: "client" as const, duration: "720h" },
            ],
        };
        const plan = planTlsChange(before, { ...before, certificates: [{ alias: "client", duration: "720h" }] });
        assert.deepEqual(plan?.action, { certificates: [{ alias: "server" }] });
    });

    it("the request builder refuses two actions, an unknown field, or clientTLS on its own", () => {
        const build = (action: object) => () =>
            reconfigureTlsRequestManifest({ name: "x", namespace: NS, database: "mssql", stepTimeout: "10m", action: action as never });
        assert.throws(build({ rotateCertificates: true, issuerRef: ISSUER_B }), /exactly one action/);
        assert.throws(build({ rotateCertificates: true, remove: true }), /exactly one action/);
        assert.throws(build({ clientTLS: false }), /exactly one action/);
        assert.throws(build({ issuerRef: ISSUER_B, bogus: 1 }), /exactly one action/);
        assert.throws(build({}), /exactly one action/);
        assert.throws(build({ certificates: [] }), /exactly one action/, "an empty certificates list is no action");
        assert.throws(build({ rotateCertificates: true, clientTLS: true }), /exactly one action/, "clientTLS rides only on an issuer or certificates change");
    });

    it("the request builder takes each action, with clientTLS beside an issuer or certificates", () => {
        const build = (action: object) =>
            reconfigureTlsRequestManifest({ name: "x", namespace: NS, database: "mssql", stepTimeout: "10m", action: action as never }).spec.tls;
        for (const action of [
            { rotateCertificates: true },
            { remove: true },
            { issuerRef: ISSUER_B },
            { certificates: [{ alias: "server" }] },
            { issuerRef: ISSUER_B, clientTLS: false },
            { certificates: [{ alias: "client" }], clientTLS: true },
        ])
            assert.deepEqual(build(action), action);
    });
});

describe("ops edges: the TLS planner", () => {
    const ISSUER_A = { apiGroup: "cert-manager.io", kind: "Issuer" as const, name: "mssql-ca" };
    const ISSUER_B = { apiGroup: "cert-manager.io", kind: "ClusterIssuer" as const, name: "corp-ca" };
    const base: TlsState = { issuerRef: ISSUER_A, certificates: [], clientTLS: true, rotationGeneration: 0, caRevision: "rev1" };

    it("says why, for each kind of change", () => {
        assert.equal(planTlsChange(base, { ...base, issuerRef: ISSUER_B, caRevision: "" })!.reason, "issuer Issuer/mssql-ca → ClusterIssuer/corp-ca");
        assert.equal(planTlsChange(base, { ...base, certificates: [{ alias: "server", duration: "720h" }] })!.reason, "certificate settings changed");
        assert.equal(planTlsChange(base, { ...base, clientTLS: false })!.reason, "clientTLS true → false");
        assert.equal(planTlsChange(base, { ...base, rotationGeneration: 2 })!.reason, "tls.rotation.generation 0 → 2");
        assert.equal(planTlsChange(base, { ...base, caRevision: "rev2" })!.reason, "the bootstrapped CA was re-issued");
        assert.equal(reassertTls(base).reason, "the last attempt did not finish; re-applying the whole TLS configuration");
    });

    it("kinds and CA changes: issuer alone, certificates alone, clientTLS under a re-keyed CA, a re-assertion", () => {
        assert.equal(planTlsChange(base, { ...base, issuerRef: ISSUER_B })!.kind, "issuer");
        assert.equal(planTlsChange(base, { ...base, certificates: [{ alias: "client", duration: "720h" }] })!.kind, "certificates");
        const clientTls = planTlsChange(base, { ...base, clientTLS: false, caRevision: "rev2" })!;
        assert.equal(clientTls.kind, "clientTLS");
        assert.equal(clientTls.caChanges, true);
        assert.equal(planTlsChange(base, { ...base, clientTLS: false })!.caChanges, false);
        assert.equal(reassertTls(base).caChanges, true);
    });

    it("after an issuer or a re-assertion the database has the desired state; after a certificates change only its own fields moved", () => {
        const desired = { ...base, issuerRef: ISSUER_B, rotationGeneration: 3, caRevision: "" };
        assert.deepEqual(afterRequest(base, desired, planTlsChange(base, desired)!), desired);
        const both = { ...desired, certificates: [{ alias: "server" as const, duration: "720h" }] };
        assert.deepEqual(afterRequest(base, both, planTlsChange(base, both)!), both);
        assert.deepEqual(afterRequest(base, desired, reassertTls(desired)), desired);
        const certs = { ...base, certificates: [{ alias: "server" as const, duration: "720h" }], rotationGeneration: 3 };
        assert.deepEqual(afterRequest(base, certs, planTlsChange(base, certs)!), { ...base, certificates: certs.certificates });
    });

    it("sends changed aliases in KubeDB's order: server, client, endpoint", () => {
        const before = { ...base, certificates: [{ alias: "endpoint" as const, duration: "720h" }] };
        const after = {
            ...base,
            certificates: [
                { alias: "client" as const, duration: "720h" },
                { alias: "server" as const, duration: "720h" },
            ],
        };
        assert.deepEqual(
            (planTlsChange(before, after)!.action as { certificates: Array<{ alias: string }> }).certificates.map((c) => c.alias),
            ["server", "client", "endpoint"],
        );
    });

    it("plans nothing when the database has what the config asks for", () => {
        assert.equal(planTlsChange(base, { ...base, certificates: [] }), undefined);
        const certs = [{ alias: "server" as const, duration: "720h" }];
        assert.equal(planTlsChange({ ...base, certificates: certs }, { ...base, certificates: [{ duration: "720h", alias: "server" as const }] }), undefined);
    });

    it("sends exactly what changed: a new issuer alone, with clientTLS riding along only when it changed", () => {
        assert.deepEqual(planTlsChange(base, { ...base, issuerRef: ISSUER_B }), {
            kind: "issuer",
            action: { issuerRef: ISSUER_B },
            caChanges: true,
            reason: "issuer Issuer/mssql-ca → ClusterIssuer/corp-ca",
        });
        assert.deepEqual(planTlsChange(base, { ...base, issuerRef: ISSUER_B, clientTLS: false })!.action, { issuerRef: ISSUER_B, clientTLS: false });
        const server = { alias: "server" as const, duration: "720h" };
        assert.deepEqual(planTlsChange(base, { ...base, issuerRef: ISSUER_B, certificates: [server] }), {
            kind: "issuer+certificates",
            action: { issuerRef: ISSUER_B, certificates: [server] },
            caChanges: true,
            reason: "issuer Issuer/mssql-ca → ClusterIssuer/corp-ca",
        });
    });

    it("certificate settings alone change the CA only when the bootstrapped CA was re-keyed", () => {
        const server = { alias: "server" as const, duration: "720h" };
        assert.deepEqual(planTlsChange(base, { ...base, certificates: [server] }), {
            kind: "certificates",
            action: { certificates: [server] },
            caChanges: false,
            reason: "certificate settings changed",
        });
        assert.equal(planTlsChange(base, { ...base, certificates: [server], caRevision: "rev2" })!.caChanges, true);
        assert.deepEqual(planTlsChange(base, { ...base, certificates: [server], clientTLS: false })!.action, { certificates: [server], clientTLS: false });
    });

    it("clientTLS alone re-applies the same issuer; a rotation sends rotateCertificates only", () => {
        assert.deepEqual(planTlsChange(base, { ...base, clientTLS: false })!.action, { issuerRef: ISSUER_A, clientTLS: false });
        assert.deepEqual(planTlsChange(base, { ...base, rotationGeneration: 1 }), {
            kind: "rotateCertificates",
            action: { rotateCertificates: true },
            caChanges: false,
            reason: "tls.rotation.generation 0 → 1",
        });
        const rekeyed = planTlsChange(base, { ...base, caRevision: "rev2", rotationGeneration: 1 })!;
        assert.deepEqual([rekeyed.kind, rekeyed.caChanges, rekeyed.reason], ["rotateCertificates", true, "the bootstrapped CA was re-issued"]);
    });

    it("sends only the aliases whose settings changed, and an alias whose settings were removed bare (back to KubeDB's defaults)", () => {
        const before = {
            ...base,
            certificates: [
                { alias: "server" as const, duration: "720h" },
                { alias: "client" as const, duration: "720h" },
            ],
        };
        const after = {
            ...base,
            certificates: [
                { alias: "server" as const, duration: "720h" },
                { alias: "endpoint" as const, duration: "24h" },
            ],
        };
        assert.deepEqual(planTlsChange(before, after)!.action, { certificates: [{ alias: "client" }, { alias: "endpoint", duration: "24h" }] });
    });

    it("after clientTLS or certificates alone, the rotation and the CA the database has stay as they were", () => {
        const desired = { ...base, clientTLS: false, rotationGeneration: 4, caRevision: "rev9" };
        assert.deepEqual(afterRequest(base, desired, planTlsChange(base, desired)!), { ...base, clientTLS: false });
        const rotated = { ...base, rotationGeneration: 4, caRevision: "rev9" };
        assert.deepEqual(afterRequest(base, rotated, planTlsChange(base, rotated)!), rotated);
        assert.equal(planTlsChange(afterRequest(base, rotated, planTlsChange(base, rotated)!), rotated), undefined);
    });

    it("a re-assertion sends the whole configuration: issuer, clientTLS even when off, and certificates only when there are any", () => {
        assert.deepEqual(reassertTls({ ...base, clientTLS: false }).action, { issuerRef: ISSUER_A, clientTLS: false });
        const certs = [{ alias: "client" as const, duration: "720h" }];
        assert.deepEqual(reassertTls({ ...base, certificates: certs }), {
            kind: "reassert",
            action: { issuerRef: ISSUER_A, certificates: certs, clientTLS: true },
            caChanges: true,
            reason: "the last attempt did not finish; re-applying the whole TLS configuration",
        });
    });
});
