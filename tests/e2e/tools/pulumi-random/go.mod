module kubedb-mssql/e2e-tools/pulumi-random

go 1.24.7

// github.com/pulumi/pulumi-random/provider/v4 is not served by the Go module proxy here, so this
// module is our own equivalent of it (see README.md). It wraps the Terraform random provider at the
// commit pulumi-random v4.21.1 pins (through ./shim) with pulumi-terraform-bridge v3.120.0: the
// newest bridge release whose whole dependency graph the proxy serves (v4.21.1 uses v3.135.0).
require (
	github.com/pulumi/pulumi-terraform-bridge/v3 v3.120.0
	github.com/pulumi/pulumi/pkg/v3 v3.218.0
	github.com/pulumi/pulumi/sdk/v3 v3.218.0
	github.com/terraform-providers/terraform-provider-random/shim v0.0.0
)

replace github.com/terraform-providers/terraform-provider-random/shim => ./shim

// Repeated from pulumi-terraform-bridge v3.120.0's go.mod (pulumi-random repeats it too).
replace github.com/hashicorp/terraform-plugin-sdk/v2 => github.com/pulumi/terraform-plugin-sdk/v2 v2.0.0-20250923233607-7f1981c8674a
