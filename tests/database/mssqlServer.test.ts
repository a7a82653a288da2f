/**
 * MssqlServer: the defaults it fills in and sends with only its required args, and its args refused by name.
 */
import { strict as assert } from "assert";
import { MssqlServer, MssqlServerArgs, resolveMssqlServerArgs } from "../../components/database/mssqlServer";
import { assertArgRefused, eachArg, refusedKeys, useMocks } from "../support/componentArgs";
import { Registration } from "../support/program";
import { T, library } from "../support/library";

describe("components as a library: MssqlServer", () => {
    const required = {
        name: "mssql",
        namespace: "db",
        version: "2022-cu22",
        acceptEula: true as const,
        authSecretName: "mssql-auth-1",
        issuer: { kind: "Issuer" as const, name: "mssql-ca" },
    };

    it("fills the documented defaults: Developer, one replica, 10Gi, Halt, client TLS, no autoOps, 25 minutes", () => {
        const a = resolveMssqlServerArgs(required);
        assert.deepEqual(
            {
                edition: a.edition,
                replicas: a.replicas,
                storage: a.storage,
                deletionPolicy: a.deletionPolicy,
                clientTLS: a.clientTLS,
                autoOps: a.autoOps,
                readyTimeoutMinutes: a.readyTimeoutMinutes,
                availabilityGroup: a.availabilityGroup,
            },
            {
                edition: "Developer",
                replicas: 1,
                storage: { size: "10Gi" },
                deletionPolicy: "Halt",
                clientTLS: true,
                autoOps: false,
                readyTimeoutMinutes: 25,
                availabilityGroup: undefined,
            },
        );
        assert.equal("resources" in a, false, "no resources unless given");
        const resources = { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "4Gi" } };
        assert.deepEqual(resolveMssqlServerArgs({ ...required, resources }).resources, resources);
    });

    it("gives an availability group three replicas, Passive secondaries and 40 minutes", () => {
        const a = resolveMssqlServerArgs({ ...required, edition: "Enterprise", availabilityGroup: {} });
        assert.deepEqual(
            { replicas: a.replicas, availabilityGroup: a.availabilityGroup, readyTimeoutMinutes: a.readyTimeoutMinutes },
            { replicas: 3, availabilityGroup: { databases: [], secondaryAccessMode: "Passive" }, readyTimeoutMinutes: 40 },
        );
    });

    it("sends the defaults to the cluster and waits as long as it says", async () => {
        let server: MssqlServer | undefined;
        const run = await library(() => {
            server = new MssqlServer("db", required);
        });
        const db: Registration = run.one(T.mssql);
        assert.equal(db.inputs.spec.authSecret.name, "mssql-auth-1");
        assert.deepEqual(db.inputs.spec.storage.resources.requests, { storage: "10Gi" });
        assert.deepEqual(db.inputs.spec.autoOps, { disabled: true });
        assert.deepEqual(db.inputs.spec.tls.clientTLS, true);
        assert.deepEqual(db.customTimeouts, { create: "25m", update: "25m", delete: "" });
        assert.equal(db.parent, run.one(T.server).urn);
        assert.deepEqual([server!.primaryHost, server!.secondaryHost, server!.port], ["mssql.db.svc", undefined, 1433]);
        assert.deepEqual(server!.certificateSecrets, { server: "mssql-server-cert", client: "mssql-client-cert" });
    });
});

describe("validation: MssqlServer args", () => {
    const server: MssqlServerArgs = {
        name: "mssql",
        namespace: "db",
        version: "2022-cu22",
        acceptEula: true,
        authSecretName: "mssql-auth-1",
        issuer: { kind: "Issuer", name: "mssql-ca" },
    };
    before(useMocks);

    it("checks MssqlServer resources, edition, certificates and version like the stack config", () => {
        assertArgRefused(
            () => resolveMssqlServerArgs({ ...server, resources: { limits: { memory: "1Gi" } } }),
            "MssqlServer args",
            "resources.limits.memory",
            /less than the "2Gi"/,
        );
        assertArgRefused(
            () => resolveMssqlServerArgs({ ...server, resources: { requests: { cpu: "4" }, limits: { cpu: "2" } } }),
            "MssqlServer args",
            "resources.requests.cpu",
            /more than the limit "2"/,
        );
        assertArgRefused(
            () => resolveMssqlServerArgs({ ...server, edition: "Express", availabilityGroup: { databases: ["app"] } }),
            "MssqlServer args",
            "edition",
            /has no availability groups/,
        );
        assertArgRefused(
            () => resolveMssqlServerArgs({ ...server, availabilityGroup: { databases: ["app", "APP"] } }),
            "MssqlServer args",
            "availabilityGroup.databases",
            /case-insensitive/,
        );
        assertArgRefused(
            () => resolveMssqlServerArgs({ ...server, certificates: { server: { ipAddresses: ["1::2::3"] } } }),
            "MssqlServer args",
            "certificates.server.ipAddresses[0]",
            /not an IPv4 or IPv6 address/,
        );
        assertArgRefused(() => resolveMssqlServerArgs({ ...server, version: "" }), "MssqlServer args", "version", /not a KubeDB MSSQLServerVersion name/);
        const resolved = resolveMssqlServerArgs({
            ...server,
            storage: { size: "1e10" },
            resources: { requests: { memory: "2Gi", "ephemeral-storage": "1Gi" } },
        });
        assert.equal(resolved.storage.size, "1e10");
    });
});

const issuer = { kind: "Issuer" as const, name: "mssql-ca" };

const server: MssqlServerArgs = {
    name: "mssql",
    namespace: "db",
    version: "2022-cu22",
    acceptEula: true,
    authSecretName: "mssql-auth-1",
    issuer,
    edition: "Enterprise",
    replicas: 3,
    availabilityGroup: { databases: ["app"], secondaryAccessMode: "Passive" },
    storage: { size: "20Gi", storageClass: "fast" },
    deletionPolicy: "Halt",
    clientTLS: true,
    readyTimeoutMinutes: 30,
    mssqlConf: "[memory]\nmemorylimitmb = 2048\n",
    autoOps: false,
    resources: { requests: { memory: "4Gi" }, limits: { memory: "4Gi" } },
    certificates: { server: { duration: "2160h" }, endpoint: { duration: "2160h" } },
};
eachArg<MssqlServerArgs>("MssqlServer", "MssqlServer args", server, resolveMssqlServerArgs, [
    ["a database name SQL Server refuses", { name: "1db" }, "name"],
    ["a namespace that is no DNS label", { namespace: "Bad_NS" }, "namespace"],
    ["an unknown version", { version: "" }, "version"],
    ["an unknown edition", { edition: "Home" }, "edition"],
    ["a EULA not accepted", { acceptEula: false }, "acceptEula"],
    ["too many replicas", { replicas: 99 }, "replicas"],
    ["databases that are no list", { availabilityGroup: { databases: "app" } }, "availabilityGroup.databases"],
    ["an unknown secondary access mode", { availabilityGroup: { databases: ["app"], secondaryAccessMode: "Hot" } }, "availabilityGroup.secondaryAccessMode"],
    ["replicas beside a standalone server", { availabilityGroup: undefined, replicas: 2, certificates: undefined }, "replicas"],
    ["a storage size that is no quantity", { storage: { size: "10GB" } }, "storage.size"],
    ["a StorageClass that is no DNS subdomain", { storage: { size: "20Gi", storageClass: "Fast_SSD" } }, "storage.storageClass"],
    ["an unknown deletion policy", { deletionPolicy: "Keep" }, "deletionPolicy"],
    ["an auth Secret name that is no DNS subdomain", { authSecretName: "Auth Secret" }, "authSecretName"],
    ["an unknown issuer kind", { issuer: { kind: "Vault", name: "v" } }, "issuer.kind"],
    ["an issuer name that is no DNS subdomain", { issuer: { kind: "Issuer", name: "Bad Name" } }, "issuer.name"],
    ["clientTLS that is no boolean", { clientTLS: "yes" }, "clientTLS"],
    ["an endpoint certificate without an availability group", { availabilityGroup: undefined, replicas: 1, edition: "Developer" }, "certificates.endpoint"],
    ["a zero ready timeout", { readyTimeoutMinutes: 0 }, "readyTimeoutMinutes"],
    ["an mssql.conf line that is no setting", { mssqlConf: "memorylimitmb\n" }, "mssqlConf"],
    ["autoOps that is no boolean", { autoOps: "no" }, "autoOps"],
]);

describe("MssqlServer: no issuer at all is refused by name, not by a TypeError", () => {
    it("names issuer.kind and issuer.name", () => {
        assert.deepEqual(
            refusedKeys(() => resolveMssqlServerArgs({ ...server, issuer: undefined as unknown as MssqlServerArgs["issuer"] }), "MssqlServer args"),
            ["issuer.kind", "issuer.name"],
        );
    });
});
