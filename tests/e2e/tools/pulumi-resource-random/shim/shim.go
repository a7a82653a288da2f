// Package shim exposes the Terraform random provider, whose implementation lives in an internal
// package of github.com/terraform-providers/terraform-provider-random. A module whose path is
// nested under that module's path may import it, which is why this module has that path.
//
// pulumi-random uses an equivalent local module (replaced in its go.mod, not published); this one
// is our own stand-in for it.
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"

	randomtf "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// NewProvider returns a new instance of the Terraform random provider (Plugin Framework).
func NewProvider() provider.Provider {
	return randomtf.New()
}
