/**
 * mssql.conf as KubeDB treats it: `section.key` settings, and a Reconfigure's `applyConfig` merged
 * into the custom configuration the database has (a setting the new text does not name stays).
 * The planner relies on that merge (a dropped setting needs the custom configuration removed first).
 */

/** The `section.key` settings of an mssql.conf text (lower case: mssql-conf treats them so). */
export function mssqlConfSettings(text: string): Set<string> {
    return new Set(readSettings(text).keys());
}

/** Settings `before` has and `after` lacks, in the order `before` states them. */
export function droppedSettings(before: string, after: string): string[] {
    const kept = mssqlConfSettings(after);
    return [...mssqlConfSettings(before)].filter((s) => !kept.has(s));
}

/** KubeDB's `applyConfig`: `applied` merged into `existing`, setting by setting, section by section. */
export function mergeMssqlConf(existing: string | undefined, applied: string): string {
    if (!existing) return applied;
    const sections = new Map<string, Map<string, string>>();
    for (const text of [existing, applied]) {
        for (const [setting, value] of readSettings(text)) {
            const dot = setting.indexOf(".");
            const section = setting.slice(0, dot);
            if (!sections.has(section)) sections.set(section, new Map());
            sections.get(section)!.set(setting.slice(dot + 1), value);
        }
    }
    return [...sections].map(([section, keys]) => [`[${section}]`, ...[...keys].map(([k, v]) => `${k} = ${v}`)].join("\n")).join("\n");
}

/** `section.key` → value, in the order the text states them. */
function readSettings(text: string): Map<string, string> {
    const settings = new Map<string, string>();
    let section = "";
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        const header = /^\[([^\]]+)\]$/.exec(line);
        if (header) section = header[1].toLowerCase();
        else if (/^[A-Za-z0-9_.-]+\s*=/.test(line))
            settings.set(`${section}.${line.split("=")[0].trim().toLowerCase()}`, line.slice(line.indexOf("=") + 1).trim());
    }
    return settings;
}
