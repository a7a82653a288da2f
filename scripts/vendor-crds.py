#!/usr/bin/env python3
"""Vendor the validation schemas of upstream CRDs into tests/fixtures/crds/.

Usage: python3 scripts/vendor-crds.py <crd-dir> [<out-dir>]

For every CustomResourceDefinition found in <crd-dir>/*.yaml this writes
<out-dir>/<group>_<plural>.json (default out-dir: tests/fixtures/crds next to
this script's parent) as one line of compact JSON:

    {"source": ..., "group": ..., "kind": ..., "version": ..., "schema": ...}

  source  "<owner/repo>/<path>@<commit>" taken from <crd-dir>/SOURCES.md when
          the file is listed there, otherwise the CRD's file name
  version the storage version
  schema  that version's openAPIV3Schema, unmodified

This is a dev tool: run it again when the upstream CRDs are bumped. The tests
only read the JSON files, never <crd-dir>.
"""
import glob
import json
import os
import re
import sys

import yaml


def read_sources(crd_dir):
    """Map CRD file name -> "owner/repo/path@commit" from SOURCES.md's table."""
    sources = {}
    path = os.path.join(crd_dir, "SOURCES.md")
    if not os.path.exists(path):
        return sources
    with open(path, encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 4 or not cells[0].endswith((".yaml", ".yml")):
                continue
            name, repo, repo_path, commit = cells[:4]
            m = re.match(r"[0-9a-fA-F]{7,40}", commit)
            if not m:
                continue
            sources[name] = "%s/%s@%s" % (repo, repo_path, m.group(0))
    return sources


def storage_version(crd, file_name):
    versions = [v for v in crd["spec"]["versions"] if v.get("storage")]
    if len(versions) != 1:
        sys.exit("%s: expected exactly one storage version, found %d" % (file_name, len(versions)))
    return versions[0]


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    crd_dir = argv[1]
    repo_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = argv[2] if len(argv) == 3 else os.path.join(repo_root, "tests", "fixtures", "crds")
    os.makedirs(out_dir, exist_ok=True)

    sources = read_sources(crd_dir)
    files = sorted(glob.glob(os.path.join(crd_dir, "*.yaml")) + glob.glob(os.path.join(crd_dir, "*.yml")))
    if not files:
        sys.exit("no *.yaml files in %s" % crd_dir)

    written = 0
    for path in files:
        file_name = os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        for crd in docs:
            if crd.get("kind") != "CustomResourceDefinition":
                continue
            spec = crd["spec"]
            version = storage_version(crd, file_name)
            schema = (version.get("schema") or {}).get("openAPIV3Schema")
            if schema is None:
                sys.exit("%s: storage version %s has no openAPIV3Schema" % (file_name, version["name"]))
            doc = {
                "source": sources.get(file_name, file_name),
                "group": spec["group"],
                "kind": spec["names"]["kind"],
                "version": version["name"],
                "schema": schema,
            }
            out = os.path.join(out_dir, "%s_%s.json" % (spec["group"], spec["names"]["plural"]))
            # allow_nan=False: a YAML .nan/.inf would not be valid JSON.
            text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            with open(out, "w", encoding="utf-8") as f:
                f.write(text + "\n")
            print("%s -> %s (%d bytes)" % (file_name, os.path.relpath(out), len(text.encode("utf-8")) + 1))
            written += 1
    if written == 0:
        sys.exit("no CustomResourceDefinition found in %s" % crd_dir)


if __name__ == "__main__":
    main(sys.argv)
