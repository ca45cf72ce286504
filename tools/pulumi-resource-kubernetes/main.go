// Command pulumi-resource-kubernetes is the Pulumi Kubernetes provider, built from its Go module.
//
// The upstream main embeds a schema and a Terraform mapping generated at release time, which the
// module does not carry: tools/build.sh writes them beside this file from the module's schema.json
// and terraform-mapping.json (the schema stamped with the provider version) before it builds.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
