package app_test

import (
	"fmt"

	"github.com/strata-iac/strata/components/app"
)

// A stack program defines the app; a stage's config overrides its image and size.
func ExampleOverrides_Apply() {
	spec := app.Spec{
		CPU: 256, MemoryMiB: 512,
		Containers: []app.Container{{Name: "web", Image: "nginx:1.27.2", Ports: []int{8080}}},
		Endpoint:   &app.Endpoint{Container: "web", Port: 8080},
	}
	stage := app.Overrides{MemoryMiB: 1024, Containers: map[string]app.Container{"web": {Image: "nginx:1.27.3"}}}
	got, err := stage.Apply(spec)
	if err != nil {
		panic(err)
	}
	fmt.Println(got.Containers[0].Image, got.MemoryMiB, got.Validate(app.Offer{}))
	// Output: nginx:1.27.3 1024 <nil>
}
