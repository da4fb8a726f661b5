package image_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/image"
	"github.com/strata-iac/strata/components/naming"
)

// A web server image baked on the first deployment and rebuilt every Monday: the AMI is named
// web-image-<build date>, tagged without any environment, and its id lands in
// /imagebuilder/web-image, from which servers launch (resolve:ssm:/imagebuilder/web-image).
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		img, err := image.New(ctx, "web-image", &image.Args{
			Name: "web-image",
			Components: []image.Component{{Name: "packages", Document: `schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: Packages
        action: ExecuteBash
        inputs:
          commands: [set -euo pipefail, dnf -y install nginx]
`}},
			ImageTags: map[string]string{"Name": "web-image", "App": "web"},
			Schedule:  "cron(0 4 ? * mon *)",
			Bake:      true,
			Naming:    naming.Convention{App: "web", Env: "staging", Owner: "research-it"},
			VPCID:     pulumi.String("vpc-0123456789abcdef0"),
			SubnetID:  pulumi.String("subnet-0123456789abcdef0"),
		})
		if err != nil {
			return err
		}
		ctx.Export("imageId", img.ImageID)
		ctx.Export("imageParameter", pulumi.String(img.Parameter))
		return nil
	})
}
