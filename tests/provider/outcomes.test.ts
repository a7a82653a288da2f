/**
 * Every way a request can end, for each request-running provider, run in-process against the
 * loopback API server: the same cases tests/providerHost.test.ts sends through Pulumi's host (and
 * compares with this in-process run). Kept apart so that mutation testing, which cannot run the
 * host, holds the providers' failure handling to them too.
 */
import { strict as assert } from "assert";
import { FakeKubeApi } from "../support/fakeKubeApi";
import { NS, OPS, installOperator } from "../support/fakeKubeDb";
import { EVICTION, Subject, assertFailureOutcome, cases, inProcess, pointed, providerSubjects } from "../support/providerOutcomes";

describe("the providers in-process: every way a request ends", function () {
    this.timeout(60_000);
    let subjects: Subject[] = [];

    before(async () => {
        ({ subjects } = await providerSubjects());
    });

    for (const [subjectIndex, title] of [
        [0, "CredentialRotation"],
        [1, "TlsLifecycle"],
        [2, "DayTwoChanges"],
    ] as const) {
        describe(title, () => {
            let fake: FakeKubeApi;
            const subject = () => subjects[subjectIndex];
            beforeEach(async () => {
                fake = await FakeKubeApi.start();
                subject().seed(fake);
            });
            afterEach(async () => {
                await fake.stop();
            });
            const sentRequests = () => fake.list(OPS, "mssqlserveropsrequests", NS).map((r) => r.metadata.name);

            for (const c of cases) {
                it(`${c.title}: the error names the request, the phase and KubeDB's reason; the state kept is the last confirmed one`, async () => {
                    if (c.script) installOperator(fake, c.script);
                    const started = Date.now();
                    const outcome = await inProcess(subject(), fake, c.overrides ?? {}, c.arrange);
                    const elapsed = Date.now() - started;
                    const created = fake.requests.find((r) => r.method === "POST" && /mssqlserveropsrequests$/.test(r.path))?.body as
                        { metadata?: { name?: string } } | undefined;
                    assertFailureOutcome(outcome, c, subject(), sentRequests()[0] ?? created?.metadata?.name ?? "", elapsed);
                });
            }

            it("creation gives the ledger the id `namespace/database` (the engine refuses an empty one)", async () => {
                const { __provider, ...inputs } = pointed(subject().before, fake);
                void __provider;
                assert.equal((await subject().provider.create(inputs)).id, "db/mssql");
            });

            it("after a failure, the next update retries with a new request name and succeeds", async () => {
                const failing = installOperator(fake, { outcomes: ["Failed"], failureMessage: EVICTION });
                const failed = await inProcess(subject(), fake, {});
                assert.ok(!failed.ok && failed.initFailed, "an initialization error");
                failing.uninstall();
                installOperator(fake, { outcomes: ["Successful"] });
                const { __provider, ...kept } = failed.initFailed.properties;
                void __provider;
                const { __provider: _p, ...news } = pointed(subject().after, fake);
                void _p;
                const retried = await subject().provider.update!(failed.initFailed.id, kept, news);
                const names = sentRequests().sort();
                assert.deepEqual(names, [names[0], `${names[0]}-r2`]);
                assert.equal(retried.outs.lastRequest, names[1]);
                assert.equal(retried.outs.lastPhase, "Successful");
            });
        });
    }
});
