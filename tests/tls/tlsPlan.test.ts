/**
 * The TLS planner: why each change is made, what kind it is and the state it leaves.
 */
import { strict as assert } from "assert";
import { TlsState, afterRequest, planTlsChange, reassertTls } from "../../components/tls/tlsPlan";

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
});
