// Command pulumi-sdkgen generates a Pulumi package SDK from a schema with Pulumi's own code
// generators (pkg/v3/codegen/{nodejs,python,go}), as `pulumi package gen-sdk` does, but without a
// plugin host, a language host or any network access: the schema must be self-contained (it may
// reference no other package).
//
//	pulumi-sdkgen <schema.json> <nodejs|python|go> <outdir>
//
// The schema is validated against Pulumi's metaschema and bound (schema.BindSpec, as gen-sdk does);
// on a bad schema every error diagnostic is printed and the exit status is 1. The generated files
// are written under outdir (created if missing; files already there are overwritten, others kept).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	"github.com/hashicorp/hcl/v2"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-sdkgen"

const usage = "usage: pulumi-sdkgen <schema.json> <nodejs|python|go> <outdir>"

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-sdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, language, outDir string) error {
	switch language {
	case "nodejs", "python", "go":
	default:
		return fmt.Errorf("unknown language %q (want nodejs, python or go)\n%s", language, usage)
	}

	pkg, err := load(schemaPath)
	if err != nil {
		return err
	}

	var files map[string][]byte
	loader := &onlyPackage{pkg: pkg}
	switch language {
	case "nodejs":
		files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, false, loader)
	case "python":
		files, err = python.GeneratePackage(tool, pkg, nil, loader)
	case "go":
		files, err = gogen.GeneratePackage(tool, pkg, nil)
	}
	if err != nil {
		return fmt.Errorf("generating the %s SDK of %s: %w", language, schemaPath, err)
	}
	return write(outDir, files)
}

// load reads, validates and binds the schema.
func load(path string) (*schema.Package, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelled key would otherwise be dropped without a word
	if err := dec.Decode(&spec); err != nil {
		return nil, fmt.Errorf("%s is not a Pulumi package schema: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s is not a Pulumi package schema: trailing data after the JSON object", path)
	}
	if spec.Name == "" {
		return nil, fmt.Errorf("%s is not a Pulumi package schema: no \"name\"", path)
	}

	// BindSpec = metaschema validation + binding (ImportSpec would skip the validation).
	pkg, diags, err := schema.BindSpec(spec, &onlyPackage{name: spec.Name}, schema.ValidationOptions{})
	var msgs []string
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			msgs = append(msgs, "  "+diagString(d))
		} else {
			fmt.Fprintf(os.Stderr, "pulumi-sdkgen: warning: %s: %s\n", path, diagString(d))
		}
	}
	if err != nil {
		msgs = append(msgs, "  "+err.Error())
	}
	if len(msgs) > 0 {
		return nil, fmt.Errorf("invalid schema %s:\n%s", path, strings.Join(msgs, "\n"))
	}
	return pkg, nil
}

func diagString(d *hcl.Diagnostic) string {
	s := d.Summary
	if d.Detail != "" {
		s += ": " + d.Detail
	}
	return s
}

// write puts the generated files under outDir, in a stable order.
func write(outDir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(outDir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// onlyPackage is a schema.ReferenceLoader that knows one package (the one being generated, once it
// is bound) and refuses every other: the schema must not reference other packages, and nothing is
// ever downloaded or started.
type onlyPackage struct {
	name string
	pkg  *schema.Package
}

var _ schema.ReferenceLoader = (*onlyPackage)(nil)

func (l *onlyPackage) LoadPackage(name string, version *semver.Version) (*schema.Package, error) {
	return l.LoadPackageV2(context.Background(), &schema.PackageDescriptor{Name: name, Version: version})
}

func (l *onlyPackage) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	if l.pkg != nil && d.PackageName() == l.pkg.Name {
		return l.pkg, nil
	}
	self := l.name
	if l.pkg != nil {
		self = l.pkg.Name
	}
	return nil, fmt.Errorf("the schema references package %q; pulumi-sdkgen only knows %q "+
		"(schemas that reference other packages are not supported)", d.String(), self)
}

func (l *onlyPackage) LoadPackageReference(name string, version *semver.Version) (schema.PackageReference, error) {
	return l.LoadPackageReferenceV2(context.Background(), &schema.PackageDescriptor{Name: name, Version: version})
}

func (l *onlyPackage) LoadPackageReferenceV2(
	ctx context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	pkg, err := l.LoadPackageV2(ctx, d)
	if err != nil {
		return nil, err
	}
	return pkg.Reference(), nil
}
