/**
 * End to end: a stack deployed by the plugin release before `saPasswordSecret` and `connection`
 * (built from this repository's history) moves to this tree with the same config, and nothing
 * changes: the preview and the update report no change, no ops request, every object the same
 * (the same uids), the connection Secret the same name, keys and content.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { ClusterReads } from "./support/clusterReads";
import { PulumiWorkspace } from "./support/pulumiCli";
import { Story, checkoutCommit, startStory } from "./support/story";

/** The last commit before issue 20 (the plugin, one SqlServer). */
const PREVIOUS = "d72443bf98069210be1f1cf6aeac6884be41075b";
const ROOT = path.resolve(__dirname, "..", "..");
const NS = "payroll";
const DB = "salaries";

describe("upgrade in place: a stack of the plugin release before the password source and the connection shape changes nothing", function () {
    this.timeout(15 * 60_000);
    let story: Story;
    let stack: PulumiWorkspace;
    let reads: ClusterReads;
    let previous: ReturnType<typeof checkoutCommit> | undefined;

    /** Every object a replacement or deletion would change, and the connection Secret's content. */
    const snapshot = async (): Promise<Record<string, string>> => ({
        ...(await reads.objectUids(NS, DB)),
        connection: JSON.stringify(await reads.secretData(NS, `${DB}-connection`)),
    });

    before(async function () {
        this.timeout(5 * 60_000);
        previous = checkoutCommit(PREVIOUS, { compile: true });
        story = await startStory({ stack: "upgrade-defaults", namespace: NS, database: DB, root: previous.root });
        ({ stack, reads } = story);
    });
    after(async function () {
        this.timeout(60_000);
        await story?.stop();
        previous?.remove();
    });

    it("the previous release deploys; this tree then previews and updates with no change at all", async () => {
        await stack.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
        const before = await snapshot();
        stack.relink(ROOT);
        await stack.ok(["preview", "--expect-no-changes", "--diff"]);
        await stack.ok(["up", "--yes", "--expect-no-changes"]);
        assert.deepEqual(await snapshot(), before, "the same objects, the same connection Secret");
        assert.deepEqual(await reads.requests(NS), [], "no ops request");
        assert.equal((await stack.outputs()).connectionSecret, `${DB}-connection`);
    });
});
