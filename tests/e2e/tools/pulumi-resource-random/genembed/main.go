// Command genembed writes schema-embed.json: the schema.json that pulumi-tfgen-random wrote, with
// "version" set (tfgen leaves it out on purpose).
//
// Usage: go run ./genembed -version X.Y.Z <dir containing schema.json>
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
}
