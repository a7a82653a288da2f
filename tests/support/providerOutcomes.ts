/**
 * The failure outcomes every request-running provider is held to, shared by the in-process tests
 * (tests/providerOutcomes.test.ts, which mutation testing runs) and the same cases through Pulumi's
 * dynamic-provider host (tests/providerHost.test.ts, which compares the two): the inputs the real
 * program registers, the scripted operator's failure for each case, and what the engine must get.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { credentialRotationProvider } from "../../components/credential/credentialRotationProvider";
import { tlsLifecycleProvider } from "../../components/tls/tlsLifecycleProvider";
import { dayTwoProvider } from "../../components/database/dayTwoProvider";
import { labelsFor } from "../../components/core/names";
import { FakeKubeApi } from "./fakeKubeApi";
import { DB, DEFAULT_FAILURE, NS, OPS, OperatorScript, putCatalog, putDatabase, putSecret } from "./fakeKubeDb";
import type { Props } from "./providerHost";
import { runProgram } from "./program";

export const ROTATION = "kubedb-mssql:credential:RotationLedger";
export const TLS = "kubedb-mssql:tls:TlsLedger";
export const DAY_TWO = "kubedb-mssql:database:DayTwoLedger";
export const GUARD = "kubedb-mssql:database:GuardedConfig";
const CA = "-----BEGIN CERTIFICATE-----\nMIIBCA\n-----END CERTIFICATE-----\n";
export const EVICTION = "failed to evict pod mssql-0: Cannot evict pod as it would violate the pod's disruption budget";
const PLACEHOLDER_KUBECONFIG = "apiVersion: v1\nkind: Config\n";

export type Provider = pulumi.dynamic.ResourceProvider;

/** What a provider call came to, in the engine's terms, whichever way it ran. */
export interface Outcome {
    ok: boolean;
    message?: string;
    initFailed?: { id: string; properties: Props };
    properties?: Props;
}

/** One provider under test: the inputs the program registers before and after a change. */
export interface Subject {
    name: string;
    type: string;
    provider: Provider;
    requestType: string;
    /** The step of its request type at which the scripted operator fails by default. */
    failingStep: string;
    before: Props;
    after: Props;
    /** The cluster as the first `pulumi up` left it. */
    seed(fake: FakeKubeApi): void;
}

/** The inputs the program registers, pointed at this test's API server. */
export function pointed(inputs: Props, fake: FakeKubeApi, overrides: Props = {}): Props {
    return { ...inputs, kubeconfig: fake.kubeconfig(), ...overrides };
}

/** Without what differs by nature: clock readings, and the serialized provider the host passes along. */
export function normalized(props: Props | undefined): Props | undefined {
    if (!props) return props;
    const { activeSince: _activeSince, __provider: _provider, ...rest } = props;
    return rest;
}

export async function inProcess(subject: Subject, fake: FakeKubeApi, overrides: Props, arrange?: (fake: FakeKubeApi) => void): Promise<Outcome> {
    const { __provider: _before, ...olds0 } = pointed(subject.before, fake);
    void _before;
    const created = await subject.provider.create(olds0);
    arrange?.(fake);
    const { __provider: _after, ...news } = pointed(subject.after, fake, overrides);
    void _after;
    try {
        const result = await subject.provider.update!(created.id, created.outs, news);
        return { ok: true, properties: result.outs };
    } catch (e) {
        const error = e as Error & { id?: string; properties?: Props };
        return { ok: false, message: error.message, initFailed: error.id ? { id: error.id, properties: error.properties! } : undefined };
    }
}

export interface Case {
    title: string;
    script?: OperatorScript;
    /** Changes to the API server or operator beyond the script, after the first deployment. */
    arrange?: (fake: FakeKubeApi) => void;
    overrides?: Props;
    /** Checks on the error text; `request` is the name of the request the provider sent. */
    message: (request: string, subject: Subject) => RegExp[];
    /** The `lastPhase` kept for the retry; undefined when the failure is not an initialization error. */
    lastPhase?: string | RegExp;
    /**
     * The rest of the message, exactly, per provider type: what the database uses now and what to
     * do. `{request}` stands for the request's name, `{secret}` for the credential Secret in use before.
     */
    where?: Partial<Record<string, string>>;
}

const DAY_TWO_NOW = "The database has version 2022-cu22, 1 replica(s), 10Gi per volume now. ";
const DAY_TWO_FIX =
    "Fix the cause (`kubectl describe mssqlserveropsrequests.ops.kubedb.com {request} -n db`), then run `pulumi up` again: it retries with a new request, then runs the rest.";

/** The sentences of the one failure narrative (components/ops/outcomes.ts), as a user reads them. */
const KEEP_WAITING = "Run `pulumi up` again to keep waiting for it (it is adopted, not repeated).";
const UNWATCHED = "Its progress could not be watched, so it may still be running or may have finished. ";
const ADOPT_LATER = "Once access is restored, run `pulumi up` again: it adopts that request instead of sending another.";
const DELETED = "The request was deleted before it finished. ";
const VANISHED = "The API server accepted the request but it never appeared (something removed it at once). ";
const ROTATION_UNCHANGED = "The database still references Secret {secret} (KubeDB did not switch it). The connection Secret is unchanged. ";
const ROTATION_RUNNING = "The database references Secret {secret} for now; the connection Secret is unchanged. ";
const TLS_NOW = "The database names Issuer mssql-ca as its issuer now. ";
const RETRY = {
    [DAY_TWO]: "it retries with a new request, then runs the rest.",
    [ROTATION]: "it retries with a new request for the same Secret.",
    [TLS]: "it retries the whole change with a new request.",
};

const FAILED_WHERE = {
    [DAY_TWO]: DAY_TWO_NOW + DAY_TWO_FIX,
    [ROTATION]:
        "The database still references Secret {secret} (KubeDB did not switch it). The connection Secret is unchanged. " +
        "Fix the cause (`kubectl describe mssqlserveropsrequests.ops.kubedb.com {request} -n db`), then run `pulumi up` again: it retries with a new request for the same Secret.",
    [TLS]:
        "The database names Issuer mssql-ca as its issuer now. " +
        "Fix the cause (`kubectl describe mssqlserveropsrequests.ops.kubedb.com {request} -n db`), then run `pulumi up` again: it retries the whole change with a new request.",
};

export const cases: Case[] = [
    {
        title: "Failed, recorded as a `reason: Failed` condition among stale False step conditions",
        script: { outcomes: ["Failed"], failureShape: "reasonFailed", failureMessage: EVICTION },
        message: (request) => [new RegExp(`MSSQLServerOpsRequest db/${request} is Failed: ${escape(EVICTION)} \\[Failed=True, reason Failed\\]`)],
        lastPhase: "Failed",
        where: FAILED_WHERE,
    },
    {
        title: "Failed, recorded in a condition of the request's own type",
        script: { outcomes: ["Failed"], failureShape: "ownType" },
        message: (request, s) => [
            new RegExp(`db/${request} is Failed: ${escape(DEFAULT_FAILURE)} \\[${s.requestType}=False, reason ${s.requestType}Failed\\]`),
        ],
        lastPhase: "Failed",
        where: FAILED_WHERE,
    },
    {
        title: "Failed, recorded on the failing step's own condition (reason <step>Failed), the request's start condition True beside it",
        script: { outcomes: ["Failed"], failureShape: "stepFailed", failureMessage: EVICTION },
        message: (request, s) => [
            new RegExp(`db/${request} is Failed: ${escape(EVICTION)} \\[${s.failingStep}=False, reason ${s.failingStep}Failed\\]`),
            /^(?![\s\S]*has started to)/,
        ],
        lastPhase: "Failed",
        where: {
            [DAY_TWO]: DAY_TWO_NOW + DAY_TWO_FIX,
            [ROTATION]: FAILED_WHERE[ROTATION].replace(
                "(KubeDB did not switch it).",
                "(KubeDB did not switch it). KubeDB reports its UpdateCredential step as False.",
            ),
            [TLS]: FAILED_WHERE[TLS],
        },
    },
    {
        title: "Failed, with only the failing step's own condition",
        script: { outcomes: ["Failed"], failureShape: "plain", failureMessage: "timeout waiting for the database to pause" },
        message: (request, s) => [
            new RegExp(`db/${request} is Failed: timeout waiting for the database to pause \\[${s.failingStep}=False, reason ${s.failingStep}\\]`),
        ],
        lastPhase: "Failed",
        where: {
            [DAY_TWO]: DAY_TWO_NOW + DAY_TWO_FIX,
            [ROTATION]: FAILED_WHERE[ROTATION].replace(
                "(KubeDB did not switch it).",
                "(KubeDB did not switch it). KubeDB reports its UpdateCredential step as False.",
            ),
            [TLS]: FAILED_WHERE[TLS],
        },
    },
    {
        title: "Failed after KubeDB switched the Secret (at its last step)",
        script: { outcomes: ["Failed"], failAt: "RestartNodes", failureMessage: "pod mssql-0 did not become ready" },
        message: (request) => [new RegExp(`db/${request} is Failed: pod mssql-0 did not become ready`)],
        lastPhase: "Failed",
        where: {
            [DAY_TWO]: DAY_TWO_NOW + DAY_TWO_FIX,
            [ROTATION]:
                "The rotation is half done: KubeDB has switched the database to the new Secret {new}, but the request did not finish, " +
                "so SQL Server's sa password may already be the new one while some pods were not restarted. KubeDB reports its UpdateCredential step done. " +
                "The connection Secret still holds the previous password (from {secret}) and was not moved to the unconfirmed one. " +
                "Fix the cause (`kubectl describe mssqlserveropsrequests.ops.kubedb.com {request} -n db`), then run `pulumi up` again: it retries with a new request for the same Secret. " +
                'README "A half-done rotation" shows how to tell which password SQL Server accepts meanwhile.',
            [TLS]: FAILED_WHERE[TLS],
        },
    },
    {
        title: "Denied",
        script: { outcomes: ["Denied"] },
        message: (request) => [new RegExp(`db/${request} is Denied: denied by the approval policy of namespace db \\[Denied=True, reason OpsRequestDenied\\]`)],
        lastPhase: "Denied",
        where: FAILED_WHERE,
    },
    {
        title: "Skipped",
        script: { outcomes: ["Skipped"] },
        message: (request, s) => [
            new RegExp(`db/${request} is Skipped: a newer ${s.requestType} request exists for mssql \\[Skipped=True, reason NewerOpsRequestExists\\]`),
        ],
        lastPhase: "Skipped",
        where: FAILED_WHERE,
    },
    {
        title: "a timeout (the request is still running)",
        script: { outcomes: ["Hang"] },
        overrides: { timeoutSeconds: 2 },
        message: (request, s) => [
            new RegExp(
                `db/${request}: not finished after 2s \\(last phase: Progressing; last condition: MSSQLServer ops-request has started to [a-z ]+ for mssqlserver nodes \\[${s.requestType}=True`,
            ),
            /still running in the cluster.*Run `pulumi up` again to keep waiting for it \(it is adopted, not repeated\)/,
        ],
        lastPhase: "Progressing (still running)",
        where: {
            [DAY_TWO]: "The request is still running in the cluster. " + DAY_TWO_NOW + KEEP_WAITING,
            [ROTATION]: "The request is still running in the cluster. " + ROTATION_RUNNING + KEEP_WAITING,
            [TLS]: "The request is still running in the cluster. " + KEEP_WAITING,
        },
    },
    {
        title: "Failed, and the database unreadable afterwards (500)",
        script: { outcomes: ["Failed"], failureMessage: EVICTION },
        arrange: (fake) => {
            let sent = false;
            void fake.onRequest((req) => {
                if (req.method === "POST" && /mssqlserveropsrequests$/.test(req.path)) sent = true;
                return sent && req.method === "GET" && /mssqlservers\/mssql$/.test(req.path)
                    ? { code: 500, reason: "InternalError", message: "etcdserver: request timed out" }
                    : undefined;
            });
        },
        message: (request) => [new RegExp(`db/${request} is Failed: ${escape(EVICTION)}`)],
        lastPhase: "Failed",
        where: {
            [DAY_TWO]: "What the database has now could not be read. " + DAY_TWO_FIX,
            [ROTATION]:
                "Which Secret the database references now could not be read (reading mssqlservers db/mssql: etcdserver: request timed out (HTTP 500)); " +
                "check with `kubectl get mssqlserver mssql -n db -o jsonpath='{.spec.authSecret.name}'`. The connection Secret is unchanged. " +
                "Fix the cause (`kubectl describe mssqlserveropsrequests.ops.kubedb.com {request} -n db`), then run `pulumi up` again: it retries with a new request for the same Secret.",
            [TLS]:
                "KubeDB may have applied part of the change. " +
                "Fix the cause (`kubectl describe mssqlserveropsrequests.ops.kubedb.com {request} -n db`), then run `pulumi up` again: it retries the whole change with a new request.",
        },
    },
    {
        title: "the request deleted before it finished",
        script: { outcomes: ["Vanish"] },
        message: (request) => [new RegExp(`db/${request}: was deleted before it finished`), /The request was deleted before it finished\./],
        lastPhase: "Deleted",
        where: {
            [DAY_TWO]: DELETED + DAY_TWO_NOW + "Run `pulumi up` again: " + RETRY[DAY_TWO],
            [ROTATION]: DELETED + ROTATION_UNCHANGED + "Run `pulumi up` again: " + RETRY[ROTATION],
            [TLS]: DELETED + TLS_NOW + "Run `pulumi up` again: " + RETRY[TLS],
        },
    },
    {
        title: "the request never appearing",
        arrange: (fake) => void fake.onCreate("mssqlserveropsrequests", (o) => void fake.remove(OPS, "mssqlserveropsrequests", NS, o.metadata.name)),
        overrides: { timeoutSeconds: 2 },
        message: (request) => [new RegExp(`db/${request}: did not appear within 2s \\(last phase: none`), /accepted the request but it never appeared/],
        lastPhase: "NotFound",
        where: {
            [DAY_TWO]: VANISHED + DAY_TWO_NOW + "Run `pulumi up` again: " + RETRY[DAY_TWO],
            [ROTATION]: VANISHED + ROTATION_UNCHANGED + "Run `pulumi up` again: " + RETRY[ROTATION],
            [TLS]: VANISHED + TLS_NOW + "Run `pulumi up` again: " + RETRY[TLS],
        },
    },
    {
        title: "access refused (403) while waiting",
        script: { outcomes: ["Successful"] },
        arrange: (fake) =>
            void fake.onRequest((req) =>
                req.method === "GET" && /mssqlserveropsrequests$/.test(req.path) && req.query.fieldSelector
                    ? { code: 403, reason: "Forbidden", message: 'mssqlserveropsrequests.ops.kubedb.com is forbidden: User "ci" cannot list resource' }
                    : undefined,
            ),
        message: (request) => [
            new RegExp(
                `db/${request}: the API server refused access \\(403\\): mssqlserveropsrequests.ops.kubedb.com is forbidden: User "ci" cannot list resource \\(last phase: none; last condition: no condition reported\\)\n`,
            ),
            // Nothing is known about how it ended: never "half done" or "did not finish".
            /progress could not be watched, so it may still be running or may have finished/,
        ],
        lastPhase: "ApiError",
        where: {
            [DAY_TWO]: UNWATCHED + DAY_TWO_NOW + ADOPT_LATER,
            [ROTATION]: UNWATCHED + ROTATION_RUNNING + ADOPT_LATER,
            [TLS]: UNWATCHED + ADOPT_LATER,
        },
    },
    {
        title: "the request refused on creation (403)",
        arrange: (fake) =>
            void fake.onRequest((req) =>
                req.method === "POST" && /mssqlserveropsrequests$/.test(req.path)
                    ? {
                          code: 403,
                          reason: "Forbidden",
                          message: 'admission webhook "mssqlserveropsrequestwebhook.validators.ops.kubedb.com" denied the request: database is not ready',
                      }
                    : undefined,
            ),
        message: (request, s) => [
            new RegExp(
                `the API server refused to create ${s.requestType} request db/${request}: admission webhook .* denied the request: database is not ready \\(HTTP 403\\)`,
            ),
        ],
        lastPhase: "NotStarted",
        where: {
            [DAY_TWO]: DAY_TWO_NOW + "Fix the cause, then run `pulumi up` again: " + RETRY[DAY_TWO],
            [ROTATION]: ROTATION_UNCHANGED + "Fix the cause, then run `pulumi up` again: " + RETRY[ROTATION],
            [TLS]: TLS_NOW + "Fix the cause, then run `pulumi up` again: " + RETRY[TLS],
        },
    },
    {
        title: "a server error (500) reading the database",
        arrange: (fake) =>
            void fake.onRequest((req) =>
                req.method === "GET" && /mssqlservers\/mssql$/.test(req.path)
                    ? { code: 500, reason: "InternalError", message: "etcdserver: leader changed" }
                    : undefined,
            ),
        message: () => [/reading mssqlservers db\/mssql: etcdserver: leader changed \(HTTP 500\)/],
    },
    {
        title: "the database missing",
        arrange: (fake) => void fake.remove(DB, "mssqlservers", NS, "mssql"),
        message: () => [/MSSQLServer db\/mssql not found/],
    },
];

export function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export type ProgramRun = Awaited<ReturnType<typeof runProgram>>;

/**
 * The three request-running providers with the inputs the program registers before and after a
 * change of each (a password rotation, a certificate rotation, an upgrade).
 */
export async function providerSubjects(): Promise<{
    subjects: Subject[];
    programs: { first: ProgramRun; upgraded: ProgramRun; config: (extra: object) => Record<string, unknown> };
}> {
    const subjects: Subject[] = [];
    const config = (extra: object) => ({ acceptEula: true, namespace: NS, kubeconfig: PLACEHOLDER_KUBECONFIG, ...extra });
    const first = await runProgram({ config: config({}) });
    const rotated = await runProgram({ config: config({ rotation: { generation: 1 } }) });
    const recertified = await runProgram({ config: config({ tls: { clientTLS: true, rotation: { generation: 1 } } }) });
    const upgraded = await runProgram({ config: config({ version: "2025-cu0" }) });
    const rotationBefore = first.one(ROTATION).inputs;
    const rotationAfter = rotated.one(ROTATION).inputs;
    subjects.push({
        name: "rotation-ledger",
        type: ROTATION,
        provider: credentialRotationProvider,
        requestType: "RotateAuth",
        failingStep: "UpdateCredential",
        before: rotationBefore,
        after: rotationAfter,
        seed: (fake) => {
            putDatabase(fake, "mssql", rotationBefore.secretName);
            putSecret(fake, rotationBefore.secretName, "Old-Passw0rd!", labelsFor("mssql", "credential"));
            putSecret(fake, rotationAfter.secretName, "New-Passw0rd!", labelsFor("mssql", "credential"));
        },
    });
    subjects.push({
        name: "tls-ledger",
        type: TLS,
        provider: tlsLifecycleProvider,
        requestType: "ReconfigureTLS",
        failingStep: "UpdateCertificates",
        before: first.one(TLS).inputs,
        after: recertified.one(TLS).inputs,
        seed: (fake) => {
            putDatabase(fake, "mssql", rotationBefore.secretName);
            fake.put({
                apiVersion: "v1",
                kind: "Secret",
                type: "kubernetes.io/tls",
                metadata: { name: "mssql-server-cert", namespace: NS },
                stringData: { "ca.crt": CA },
            });
            fake.put({ apiVersion: "v1", kind: "Secret", metadata: { name: "mssql-connection", namespace: NS }, stringData: { "ca.crt": CA } });
        },
    });
    subjects.push({
        name: "day2-ledger",
        type: DAY_TWO,
        provider: dayTwoProvider,
        requestType: "UpdateVersion",
        failingStep: "UpdateVersion",
        before: first.one(DAY_TWO).inputs,
        after: upgraded.one(DAY_TWO).inputs,
        seed: (fake) => {
            putDatabase(fake, "mssql", rotationBefore.secretName);
            putCatalog(fake);
        },
    });
    return { subjects, programs: { first, upgraded, config } };
}

/** What the engine must get for a failure case: the facts in the message, and the state kept for the retry. */
export function assertFailureOutcome(outcome: Outcome, c: Case, subject: Subject, requestName: string, elapsed: number): void {
    assert.equal(outcome.ok, false, "the update fails");
    assert.ok(outcome.message && !/undefined/.test(outcome.message.split("\n")[0]), `a message with its facts: ${outcome.message}`);
    for (const expected of c.message(requestName, subject)) assert.match(outcome.message!, expected);
    const where = c.where?.[subject.type];
    if (where !== undefined) {
        assert.equal(
            outcome.message!.split("\n").slice(1).join("\n"),
            where
                .replace(/\{request\}/g, requestName)
                .replace(/\{secret\}/g, subject.before.secretName)
                .replace(/\{new\}/g, subject.after.secretName),
        );
    }
    const limit = (c.overrides?.timeoutSeconds ?? 0) * 1000 + 5000;
    assert.ok(elapsed < limit, `fails fast: ${elapsed} ms`);
    if (c.lastPhase === undefined) {
        assert.equal(outcome.initFailed, undefined, "failed before anything changed: a plain error, the old state stays");
    } else {
        assert.ok(outcome.initFailed, "an initialization error: the engine keeps the resource and retries on the next `pulumi up`");
        assert.equal(outcome.initFailed.id, "db/mssql");
        const kept = outcome.initFailed.properties;
        assert.equal(kept.__provider, undefined, "no code in the kept state: the plugin serves the resource");
        if (typeof c.lastPhase === "string") assert.equal(kept.lastPhase, c.lastPhase);
        assert.equal(kept.kubeconfig, undefined);
        if (requestName) assert.equal(kept.lastRequest, requestName);
        if (subject.type === ROTATION) {
            assert.equal(kept.appliedSecretName, subject.before.secretName, "the last confirmed credential");
            assert.equal(kept.secretName, subject.after.secretName);
        } else if (subject.type === TLS) {
            assert.equal(kept.applied.rotationGeneration, 0, "the last confirmed TLS state");
        } else {
            assert.equal(kept.applied.version, "2022-cu22", "the last confirmed version");
            assert.equal(kept.version, "2025-cu0");
        }
    }
}
