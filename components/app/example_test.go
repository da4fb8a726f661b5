package app_test

import (
	"fmt"

	"github.com/strata-iac/strata/components/app"
)

// A system defines its app in code; its defaults fill in what the definition leaves out.
func ExampleSpec_WithDefaults() {
	spec := app.Spec{
		CPU: 256, MemoryMiB: 512,
		Containers: []app.Container{{Name: "web", Image: "nginx:1.27.3", Ports: []int{8080}}},
		Endpoint:   &app.Endpoint{Container: "web", Port: 8080},
	}
	got := spec.WithDefaults()
	fmt.Println(got.Endpoint.HealthCheckPath, got.Endpoint.IntervalSeconds, got.Scaling.Min, spec.Validate(app.Offer{}))
	// Output: / 30 1 <nil>
}
