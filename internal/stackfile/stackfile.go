package stackfile

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/pulumi/esc"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// Stack is a stack's project and config, as the CLI would pass them to the program.
type Stack struct {
	Project string
	Name    string
	// Dir is the project's directory, which holds Pulumi.yaml.
	Dir string
	// Config maps full keys ("strata:base", "aws:region") to values; objects are JSON. Secrets are
	// blinded as "[secret]": offline runs never need, and never see, their plaintext.
	Config map[string]string
	// SecretKeys lists the keys whose values are secrets.
	SecretKeys []string
}

// Load reads stack's config from the project that contains dir.
func Load(dir, stack string) (*Stack, error) {
	projectPath, err := workspace.DetectProjectPathFrom(dir)
	if err != nil {
		return nil, err
	}
	if projectPath == "" {
		return nil, fmt.Errorf("no Pulumi.yaml in %s or its parents", dir)
	}
	project, err := workspace.LoadProject(projectPath)
	if err != nil {
		return nil, err
	}
	stackPath := filepath.Join(filepath.Dir(projectPath), "Pulumi."+stack+".yaml")
	sink := diag.DefaultSink(io.Discard, os.Stderr, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, project, stackPath)
	if err != nil {
		return nil, err
	}
	if len(ps.Config) == 0 {
		return nil, fmt.Errorf("stack %q has no config: %s is missing or empty", stack, stackPath)
	}
	// Project defaults apply as in the CLI; checking is left to strata's own config loader, which
	// reports every problem at once instead of stopping at the first.
	if err := workspace.ApplyProjectConfig(context.Background(), stack, project, esc.Value{}, ps.Config,
		config.NopEncrypter, config.NewBlindingDecrypter()); err != nil {
		return nil, err
	}
	values, err := ps.Config.Decrypt(config.NewBlindingDecrypter())
	if err != nil {
		return nil, err
	}
	s := &Stack{Project: project.Name.String(), Name: stack, Dir: filepath.Dir(projectPath), Config: map[string]string{}}
	for k, v := range values {
		s.Config[k.String()] = v
		if ps.Config[k].Secure() {
			s.SecretKeys = append(s.SecretKeys, k.String())
		}
	}
	slices.Sort(s.SecretKeys)
	return s, nil
}
