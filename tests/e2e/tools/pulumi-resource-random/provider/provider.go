// Package provider maps the Terraform random provider to the Pulumi "random" package with the
// pulumi-terraform-bridge, giving the same tokens and property names as pulumi-random
// (random:index/randomPassword:RandomPassword, ...), so the @pulumi/random npm SDK can drive it.
package provider

import (
	"context"
	"errors"

	pf "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/terraform-providers/terraform-provider-random/shim"
)

// Version is the provider version, set with -ldflags -X.
var Version = "0.0.0-dev"

// Provider returns the bridge description of the random package. bridgeMetadata is the
// bridge-metadata.json written by `pulumi-tfgen-random schema` ("{}" when generating it).
func Provider(bridgeMetadata []byte) tfbridge.ProviderInfo {
	p := tfbridge.ProviderInfo{
		P:            pf.ShimProvider(shim.NewProvider()),
		Name:         "random",
		Description:  "A Pulumi package to safely use randomness in Pulumi programs.",
		Keywords:     []string{"pulumi", "random"},
		License:      "Apache-2.0",
		Homepage:     "https://pulumi.io",
		Repository:   "https://github.com/pulumi/pulumi-random",
		Version:      Version,
		MetadataInfo: tfbridge.NewProviderMetadata(bridgeMetadata),
		Resources: map[string]*tfbridge.ResourceInfo{
			// Old random_string states may lack their schema version; treat them as version 1.
			"random_string": {
				PreStateUpgradeHook: func(a tfbridge.PreStateUpgradeHookArgs) (int64, resource.PropertyMap, error) {
					if a.PriorStateSchemaVersion == 0 {
						return 1, a.PriorState, nil
					}
					return a.PriorStateSchemaVersion, a.PriorState, nil
				},
			},
			// random_bytes has no natural id in Terraform; use its base64 value.
			"random_bytes": {ComputeID: bytesID},
		},
		JavaScript:                  &tfbridge.JavaScriptInfo{RespectSchemaVersion: true},
		EnableAccurateBridgePreview: true,
		EnableRawStateDelta:         true,
	}
	// random_password -> random:index/randomPassword:RandomPassword, and so on.
	p.MustComputeTokens(tokens.SingleModule("random_", "index",
		func(module, name string) (string, error) {
			return tokens.MakeStandard("random")(module, "Random"+name)
		}))
	p.MustApplyAutoAliases()
	return p
}

func bytesID(_ context.Context, state resource.PropertyMap) (resource.ID, error) {
	v, ok := state["base64"]
	if !ok {
		return "", errors.New("random_bytes: state has no base64 property")
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		return "", errors.New("random_bytes: base64 property is not a string")
	}
	return resource.ID(v.StringValue()), nil
}
