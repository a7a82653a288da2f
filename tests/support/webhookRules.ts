/**
 * The admission rules KubeDB's validating webhook (and cert-manager's) apply beyond the CRD
 * schemas, as documented for MSSQLServer and MSSQLServerOpsRequest. Tests run every emitted
 * object through these, next to the schema check in crdSchema.ts.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the objects checked are arbitrary JSON */

const FORBIDDEN_ENV = ["MSSQL_SA_USERNAME", "MSSQL_SA_PASSWORD", "MSSQL_ENABLE_HADR", "MSSQL_AGENT_ENABLED", "VERSION"];
const RESERVED_VOLUMES = ["data", "config", "init-scripts", "endpoint-cert", "certs", "tls", "security-ca-certificates", "cacerts"];
const GO_DURATION = /^(\d+(\.\d+)?(h|m|s|ms))+$/;

function goSeconds(value: string): number {
    const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
    let total = 0;
    for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(m[1]) * unit[m[2]];
    return total;
}

export function webhookViolations(obj: any): string[] {
    switch (`${obj?.apiVersion}/${obj?.kind}`) {
        case "kubedb.com/v1alpha2/MSSQLServer":
            return mssqlServer(obj);
        case "ops.kubedb.com/v1alpha1/MSSQLServerOpsRequest":
            return opsRequest(obj);
        case "cert-manager.io/v1/Certificate":
            return certificate(obj);
        case "cert-manager.io/v1/Issuer":
        case "cert-manager.io/v1/ClusterIssuer":
            return issuer(obj);
        default:
            return [];
    }
}

function mssqlServer(db: any): string[] {
    const v: string[] = [];
    const spec = db.spec ?? {};
    const tls = spec.tls;
    if (!tls) v.push("spec.tls is required for every topology");
    else {
        const ref = tls.issuerRef;
        if (!ref?.name || !["Issuer", "ClusterIssuer"].includes(ref?.kind) || ref?.apiGroup !== "cert-manager.io") {
            v.push(`spec.tls.issuerRef must name a cert-manager Issuer or ClusterIssuer with apiGroup cert-manager.io, got ${JSON.stringify(ref)}`);
        }
        if (typeof tls.clientTLS !== "boolean" && tls.clientTLS !== undefined) v.push("spec.tls.clientTLS must be a boolean");
        for (const cert of tls.certificates ?? []) {
            if (!["server", "client", "endpoint"].includes(cert.alias)) v.push(`unknown certificate alias ${cert.alias}`);
            if (cert.alias === "endpoint" && spec.topology?.mode !== "AvailabilityGroup")
                v.push("the endpoint certificate exists only for an availability group");
            if (cert.duration && !GO_DURATION.test(cert.duration)) v.push(`certificate ${cert.alias} duration ${cert.duration} is not a Go duration`);
            if (cert.duration && cert.renewBefore && goSeconds(cert.renewBefore) >= goSeconds(cert.duration))
                v.push(`certificate ${cert.alias} renewBefore must be shorter than duration`);
        }
    }
    if (spec.topology !== undefined) {
        if (!spec.topology.mode) v.push("spec.topology: mode can't be empty (omit topology for Standalone)");
        if (spec.topology.mode === "AvailabilityGroup" && !(spec.replicas > 0)) v.push("an availability group needs replicas > 0");
        if (spec.topology.mode === "AvailabilityGroup" && !spec.topology.availabilityGroup)
            v.push("spec.topology.availabilityGroup is required in AvailabilityGroup mode");
    } else if (spec.replicas !== undefined && spec.replicas !== 1) {
        v.push(`a Standalone MSSQLServer must have exactly 1 replica, got ${spec.replicas}`);
    }
    if (spec.leaderElection !== undefined || spec.internalAuth !== undefined)
        v.push("spec.leaderElection / spec.internalAuth were removed; use spec.topology.availabilityGroup");
    if (!spec.authSecret?.name || spec.authSecret?.kind !== "Secret") v.push("spec.authSecret needs kind Secret and a name");
    if ((spec.storageType ?? "Durable") === "Durable" && !spec.storage?.resources?.requests?.storage)
        v.push("a Durable database needs spec.storage with a storage request");
    const containers: any[] = spec.podTemplate?.spec?.containers ?? [];
    const mssql = containers.find((c) => c.name === "mssql");
    const env: any[] = mssql?.env ?? [];
    if (!env.some((e) => e.name === "MSSQL_PID" && e.value)) v.push("the mssql container env must contain MSSQL_PID");
    if (!env.some((e) => e.name === "ACCEPT_EULA" && e.value === "Y")) v.push("ACCEPT_EULA=Y is needed for the container to start");
    for (const e of env) if (FORBIDDEN_ENV.includes(e.name)) v.push(`env ${e.name} is forbidden`);
    for (const vol of spec.podTemplate?.spec?.volumes ?? []) if (RESERVED_VOLUMES.includes(vol.name)) v.push(`volume name ${vol.name} is reserved`);
    if (!["Halt", "Delete", "WipeOut", "DoNotTerminate"].includes(spec.deletionPolicy ?? "Delete")) v.push(`unknown deletionPolicy ${spec.deletionPolicy}`);
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(db.metadata?.name ?? "") || db.metadata.name.length > 63) v.push(`bad database name ${db.metadata?.name}`);
    return v;
}

function opsRequest(r: any): string[] {
    const v: string[] = [];
    const spec = r.spec ?? {};
    if (!spec.databaseRef?.name) v.push("spec.databaseRef.name is required");
    if (spec.timeout !== undefined && !GO_DURATION.test(spec.timeout)) v.push(`spec.timeout ${spec.timeout} is not a Go duration`);
    const sections = [
        "updateVersion",
        "horizontalScaling",
        "verticalScaling",
        "volumeExpansion",
        "configuration",
        "tls",
        "authentication",
        "migration",
        "restart",
    ].filter((s) => spec[s] !== undefined);
    switch (spec.type) {
        case "RotateAuth": {
            const ref = spec.authentication?.secretRef;
            if (spec.authentication && (!ref?.name || (ref.kind ?? "Secret") !== "Secret"))
                v.push("RotateAuth authentication.secretRef needs kind Secret and a name");
            if (sections.some((s) => s !== "authentication")) v.push(`RotateAuth carries other sections: ${sections}`);
            break;
        }
        case "ReconfigureTLS": {
            const tls = spec.tls ?? {};
            const actions = [tls.rotateCertificates === true, tls.remove === true, tls.issuerRef !== undefined || (tls.certificates?.length ?? 0) > 0].filter(
                Boolean,
            ).length;
            if (actions !== 1) v.push(`ReconfigureTLS must carry exactly one action, got ${actions}: ${JSON.stringify(tls)}`);
            if (tls.issuerRef && (!["Issuer", "ClusterIssuer"].includes(tls.issuerRef.kind) || !tls.issuerRef.name))
                v.push("ReconfigureTLS issuerRef needs kind Issuer/ClusterIssuer and a name");
            if (sections.some((s) => s !== "tls")) v.push(`ReconfigureTLS carries other sections: ${sections}`);
            break;
        }
        case "UpdateVersion":
            if (!spec.updateVersion?.targetVersion) v.push("UpdateVersion needs updateVersion.targetVersion");
            break;
        case "HorizontalScaling":
            if (!(spec.horizontalScaling?.replicas > 0)) v.push("HorizontalScaling needs horizontalScaling.replicas > 0");
            break;
        case "VerticalScaling": {
            const targets = ["mssqlserver", "arbiter", "exporter", "coordinator"].filter((t) => spec.verticalScaling?.[t] !== undefined);
            if (targets.length === 0) v.push("VerticalScaling needs at least one target (verticalScaling.mssqlserver, …)");
            break;
        }
        case "VolumeExpansion":
            if (!["Online", "Offline"].includes(spec.volumeExpansion?.mode)) v.push("VolumeExpansion needs volumeExpansion.mode Online or Offline");
            if (spec.volumeExpansion?.mssqlserver === undefined) v.push("VolumeExpansion needs volumeExpansion.mssqlserver (the new size)");
            break;
        case "Reconfigure": {
            const c = spec.configuration ?? {};
            if (c.applyConfig === undefined && c.configSecret === undefined && c.removeCustomConfig !== true)
                v.push("Reconfigure needs applyConfig, configSecret or removeCustomConfig");
            if (c.applyConfig !== undefined && Object.keys(c.applyConfig).some((k) => k !== "mssql.conf"))
                v.push(`Reconfigure applyConfig takes only the key mssql.conf, got ${Object.keys(c.applyConfig)}`);
            if (c.removeCustomConfig === true && (c.applyConfig !== undefined || c.configSecret !== undefined))
                v.push("Reconfigure: removeCustomConfig with a new configuration");
            break;
        }
        case "Restart":
            if (spec.restart === undefined) v.push("Restart needs restart: {}");
            break;
        case "StorageMigration":
            if (!spec.timeout) v.push("StorageMigration needs spec.timeout");
            if (!spec.migration?.storageClassName) v.push("StorageMigration needs migration.storageClassName");
            break;
        default:
            v.push(`unknown request type ${spec.type}`);
    }
    // Each request carries the section of its own type and no other.
    const own: Record<string, string | undefined> = {
        UpdateVersion: "updateVersion",
        HorizontalScaling: "horizontalScaling",
        VerticalScaling: "verticalScaling",
        VolumeExpansion: "volumeExpansion",
        Reconfigure: "configuration",
        Restart: "restart",
        StorageMigration: "migration",
    };
    if (own[spec.type] !== undefined && sections.some((s) => s !== own[spec.type])) v.push(`${spec.type} carries other sections: ${sections}`);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(r.metadata?.name ?? "") || r.metadata.name.length > 63)
        v.push(`request name ${r.metadata?.name} is not a DNS label`);
    return v;
}

function certificate(c: any): string[] {
    const v: string[] = [];
    const spec = c.spec ?? {};
    if (spec.issuerRef?.group !== undefined && spec.issuerRef.group !== "cert-manager.io") v.push("issuerRef.group must be cert-manager.io");
    if (spec.duration && spec.renewBefore && goSeconds(spec.renewBefore) >= goSeconds(spec.duration)) v.push("renewBefore must be shorter than duration");
    if (spec.duration && goSeconds(spec.duration) < 3600) v.push("cert-manager requires a duration of at least 1h");
    if (spec.isCA && spec.usages && !spec.usages.includes("cert sign")) v.push("a CA certificate needs the 'cert sign' usage");
    if (!spec.commonName && !spec.dnsNames?.length && !spec.ipAddresses?.length && !spec.uris?.length && !spec.emailAddresses?.length)
        v.push("a Certificate needs a commonName or at least one SAN");
    if (spec.privateKey?.algorithm === "ECDSA" && spec.privateKey.size !== undefined && ![256, 384, 521].includes(spec.privateKey.size))
        v.push("ECDSA key size must be 256, 384 or 521");
    if (spec.privateKey?.algorithm === "RSA" && spec.privateKey.size !== undefined && (spec.privateKey.size < 2048 || spec.privateKey.size > 8192))
        v.push("RSA key size must be 2048..8192");
    return v;
}

function issuer(i: any): string[] {
    const types = ["selfSigned", "ca", "acme", "vault", "venafi"].filter((t) => i.spec?.[t] !== undefined);
    const v = types.length === 1 ? [] : [`an issuer needs exactly one type, got ${types}`];
    if (i.kind === "ClusterIssuer" && i.metadata?.namespace !== undefined) v.push("a ClusterIssuer is cluster-scoped: no namespace");
    if (i.kind === "Issuer" && !i.metadata?.namespace) v.push("an Issuer needs a namespace");
    return v;
}
