/**
 * End to end: a stack deployed by the last release before the provider plugin (dynamic providers,
 * their code in the state) moves to this one in place. Deployed and rotated once with that
 * release's program, then `pulumi up` with this tree's: no ops request, no Kubernetes object
 * replaced or deleted (the same uids), the credential in use and the connection Secret unchanged,
 * no code left in the state; then `pulumi up --expect-no-changes`.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { ClusterReads } from "./support/clusterReads";
import { PulumiWorkspace } from "./support/pulumiCli";
import { Story, checkoutCommit, startStory } from "./support/story";

/** The last release with dynamic providers (0.1.0). */
const PREVIOUS_RELEASE = "b7cd9000f0ab903b87b7e8e8a75142b689654fc1";
const ROOT = path.resolve(__dirname, "..", "..");
const NS = "inventory";
const DB = "stock";

describe("upgrade in place: a stack of the dynamic-provider release moves to the plugin", function () {
    this.timeout(15 * 60_000);
    let story: Story;
    let stack: PulumiWorkspace;
    let reads: ClusterReads;
    let previous: ReturnType<typeof checkoutCommit> | undefined;

    const requests = () => reads.requests(NS);
    const database = () => reads.database(NS, DB);
    const secretData = (name: string) => reads.secretData(NS, name);
    const uids = () => reads.objectUids(NS, DB);

    before(async function () {
        this.timeout(5 * 60_000);
        previous = checkoutCommit(PREVIOUS_RELEASE, { compile: false });
        story = await startStory({ stack: "upgrade", namespace: NS, database: DB, root: previous.root });
        ({ stack, reads } = story);
    });
    after(async function () {
        this.timeout(60_000);
        await story?.stop();
        previous?.remove();
    });

    let uidsBefore: Record<string, string>;
    let inUse = "";

    it("the previous release deploys and rotates once (its state holds its serialized providers)", async () => {
        await stack.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
        await stack.config("rotation.generation", "1", { path: true });
        await stack.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
        assert.deepEqual(
            (await requests()).map((r) => [r.spec.type, r.status.phase]),
            [["RotateAuth", "Successful"]],
        );
        assert.match(await stack.export(), /__provider/);
        uidsBefore = await uids();
        inUse = (await database()).spec.authSecret.name;
    });

    it("`pulumi up` with this release: no request, nothing replaced or deleted, the credential kept, no code in the state", async () => {
        stack.relink(ROOT);
        const up = await stack.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
        assert.doesNotMatch(up.stdout, /replaced|deleted/, `nothing replaced or deleted:\n${up.stdout}`);
        console.log(`      ${up.stdout.slice(up.stdout.indexOf("Resources:")).trim().replace(/\n/g, "\n      ")}`);
        assert.equal((await requests()).length, 1, "no ops request");
        assert.deepEqual(await uids(), uidsBefore, "every namespace, Secret, ConfigMap, MSSQLServer, Issuer and Certificate is the same object");
        const db = await database();
        assert.equal(db.spec.authSecret.name, inUse);
        assert.equal(
            (await secretData(`${DB}-connection`)).password,
            (await secretData(inUse)).password,
            "the connection Secret still has the password in use",
        );
        const state = await stack.export();
        assert.doesNotMatch(state, /__provider|exports\.handler/);
        const out = await stack.outputs();
        assert.equal(out.credentialRotation.activeSecret, inUse);
        assert.equal(out.connectionSecret, `${DB}-connection`);
    });

    it("then `pulumi up --expect-no-changes`", async () => {
        await stack.ok(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
    });
});
