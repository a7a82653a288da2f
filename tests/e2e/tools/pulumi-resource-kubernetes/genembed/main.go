// Command genembed writes the files that pulumi-resource-kubernetes //go:embeds but that are not
// part of the published module: schema-embed.json (schema.json with "version" set) and
// terraform-mapping-embed.json (terraform-mapping.json, compacted). It does what upstream's
// `VERSION=... go generate ./cmd/pulumi-resource-kubernetes` does.
//
// Usage: go run ./genembed -version 4.25.0 <dir containing schema.json>
package main

import (
	"encoding/json"
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	version := flag.String("version", "", "provider version to stamp into the schema")
	flag.Parse()
	if *version == "" || flag.NArg() != 1 {
		log.Fatal("usage: genembed -version X.Y.Z <dir>")
	}
	dir := flag.Arg(0)

	raw, err := os.ReadFile(filepath.Join(dir, "schema.json"))
	if err != nil {
		log.Fatal(err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		log.Fatalf("parse schema.json: %v", err)
	}
	spec.Version = *version
	out, err := json.Marshal(spec)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "schema-embed.json"), out, 0o644); err != nil {
		log.Fatal(err)
	}

	raw, err = os.ReadFile(filepath.Join(dir, "terraform-mapping.json"))
	if err != nil {
		log.Fatal(err)
	}
	var mapping any
	if err := json.Unmarshal(raw, &mapping); err != nil {
		log.Fatalf("parse terraform-mapping.json: %v", err)
	}
	if out, err = json.Marshal(mapping); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "terraform-mapping-embed.json"), out, 0o644); err != nil {
		log.Fatal(err)
	}
}
