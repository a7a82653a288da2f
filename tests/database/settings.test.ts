/**
 * Database settings: the checks of mssql.conf.
 */
import { strict as assert } from "assert";
import { checkMssqlConf } from "../../components/database/settings";

describe("validation edges: mssql.conf", () => {
    it("accepts comments, blank lines, indentation and settings under a section", () => {
        assert.equal(checkMssqlConf("# tuned\n\n; old style\n  [memory]  \n  memorylimitmb = 4096\r\n[sqlagent]\nenabled=true"), undefined);
    });

    it("names the line that is wrong, counting from one", () => {
        assert.equal(checkMssqlConf("[memory]\nmemorylimitmb 4096"), 'line 2 is neither a [section] header nor a "key = value" setting');
        assert.equal(
            checkMssqlConf("# settings\nmemorylimitmb = 4096\n[memory]"),
            "line 2 sets a value before any [section] header (e.g. [memory], [network], [sqlagent])",
        );
        assert.equal(checkMssqlConf("[memory] x\nmemorylimitmb = 4096"), 'line 1 is neither a [section] header nor a "key = value" setting');
        assert.equal(checkMssqlConf("x[memory]\nmemorylimitmb = 4096"), 'line 1 is neither a [section] header nor a "key = value" setting');
        assert.equal(checkMssqlConf("[memory]\nmemory limit = 4096"), 'line 2 is neither a [section] header nor a "key = value" setting');
        assert.equal(checkMssqlConf("[memory]\nmemorylimitmb\t= 4096"), undefined);
        assert.equal(checkMssqlConf("[memory]\na#b = 1"), 'line 2 is neither a [section] header nor a "key = value" setting');
    });

    it("needs a section, a text, and at most 65,536 characters", () => {
        assert.equal(checkMssqlConf("# only a comment"), "has no [section] header; mssql.conf settings live in sections such as [memory] or [sqlagent]");
        assert.match(checkMssqlConf("   ")!, /^must be the text of mssql.conf/);
        const exactly = "[memory]\n" + "#".repeat(65_536 - 9);
        assert.equal(exactly.length, 65_536);
        assert.equal(checkMssqlConf(exactly), undefined);
        assert.equal(checkMssqlConf(exactly + "#"), "is 65537 characters; at most 65536 fit in the database's spec");
    });
});
