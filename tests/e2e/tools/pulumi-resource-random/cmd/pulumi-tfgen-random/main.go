// Command pulumi-tfgen-random generates the Pulumi schema (schema.json) and bridge-metadata.json
// of the random package: `pulumi-tfgen-random schema --out DIR`.
package main

import (
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	"kubedb-mssql/e2e-tools/pulumi-random/provider"
)

func main() {
	tfgen.Main("random", provider.Provider([]byte("{}")))
}
