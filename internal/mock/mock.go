package mock

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Account and default region that mocked ids and ARNs use.
const (
	Account       = "123456789012"
	DefaultRegion = "us-east-1"
)

// Resource is one registration the monitor saw.
type Resource struct {
	Type string
	Name string
	URN  string
	// Parent is the parent's URN; empty for resources at the top of the stack.
	Parent string
	// Custom is false for component resources.
	Custom bool
	// Remote marks a component implemented by a provider plugin: it has no children here.
	Remote         bool
	Protect        bool
	RetainOnDelete bool
	IgnoreChanges  []string
	Dependencies   []string
	// ImportID is the id of an existing resource the registration adopts (Pulumi's import option).
	ImportID string
	// Aliases are the URNs the resource was known by before, as the engine would compute them from
	// its alias specifications (aliases that a parent's aliases imply are not included).
	Aliases []string
	Inputs  resource.PropertyMap
	Outputs resource.PropertyMap
	ID      string
}

// Invoke is one provider function call the monitor answered.
type Invoke struct {
	Token string
	Args  resource.PropertyMap
}

// Monitor is a thread-safe recording pulumi.MockResourceMonitor.
type Monitor struct {
	project, stack, region string

	mu        sync.Mutex
	resources []*Resource
	invokes   []Invoke
}

// NewMonitor returns a monitor for a project's stack whose ARNs and invokes use region.
func NewMonitor(project, stack, region string) *Monitor {
	if region == "" {
		region = DefaultRegion
	}
	return &Monitor{project: project, stack: stack, region: region}
}

// NewResource implements pulumi.MockResourceMonitor.
func (m *Monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := &Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Remote = rpc.GetRemote()
		r.Protect = rpc.GetProtect()
		r.RetainOnDelete = rpc.GetRetainOnDelete()
		r.IgnoreChanges = rpc.GetIgnoreChanges()
		r.Dependencies = rpc.GetDependencies()
		r.Parent = rpc.GetParent()
		r.ImportID = rpc.GetImportId()
		for _, a := range rpc.GetAliases() {
			r.Aliases = append(r.Aliases, m.aliasURN(r, a))
		}
	}
	parentType := tokens.Type("")
	if p := resource.URN(r.Parent); p != "" {
		if p.QualifiedType() == resource.RootStackType {
			r.Parent = ""
		} else {
			parentType = p.QualifiedType()
		}
	}
	r.URN = string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType,
		tokens.Type(r.Type), r.Name))
	r.ID, r.Outputs = m.outputs(r)

	m.mu.Lock()
	defer m.mu.Unlock()
	m.resources = append(m.resources, r)
	return r.ID, r.Outputs, nil
}

// aliasURN resolves an alias of r: a URN as given, or a specification whose unset parts are r's
// own (same name, type, stack, project and parent unless it says otherwise).
func (m *Monitor) aliasURN(r *Resource, a *pulumirpc.Alias) string {
	if urn := a.GetUrn(); urn != "" {
		return urn
	}
	spec := a.GetSpec()
	name, typ, stack, project := spec.GetName(), spec.GetType(), spec.GetStack(), spec.GetProject()
	if name == "" {
		name = r.Name
	}
	if typ == "" {
		typ = r.Type
	}
	if stack == "" {
		stack = m.stack
	}
	if project == "" {
		project = m.project
	}
	parentType := tokens.Type("")
	switch {
	case spec.GetNoParent():
	case spec.GetParentUrn() != "":
		if p := resource.URN(spec.GetParentUrn()); p.QualifiedType() != resource.RootStackType {
			parentType = p.QualifiedType()
		}
	case r.Parent != "":
		parentType = resource.URN(r.Parent).QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(stack), tokens.PackageName(project), parentType, tokens.Type(typ), name))
}

// Call implements pulumi.MockResourceMonitor by answering the provider functions strata uses.
func (m *Monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.invokes = append(m.invokes, Invoke{Token: args.Token, Args: args.Args})
	m.mu.Unlock()

	answer, ok := invokes[args.Token]
	if !ok {
		return nil, fmt.Errorf("mock: no canned answer for invoke %s", args.Token)
	}
	return resource.NewPropertyMapFromMap(answer(m, args.Args.Mappable())), nil
}

// Project returns the project name the monitor was made for.
func (m *Monitor) Project() string { return m.project }

// Resources returns the registrations in the order they happened.
func (m *Monitor) Resources() []*Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*Resource(nil), m.resources...)
}

// Invokes returns the provider function calls in the order they happened.
func (m *Monitor) Invokes() []Invoke {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Invoke(nil), m.invokes...)
}

// ByType returns the registrations of one type token.
func (m *Monitor) ByType(typ string) []*Resource {
	var out []*Resource
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Get returns the registration of a type and logical name, or nil.
func (m *Monitor) Get(typ, name string) *Resource {
	for _, r := range m.Resources() {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	return nil
}

// ByURN returns the registration with urn, or nil.
func (m *Monitor) ByURN(urn string) *Resource {
	for _, r := range m.Resources() {
		if r.URN == urn {
			return r
		}
	}
	return nil
}

// Options configures Run.
type Options struct {
	Project string
	Stack   string
	// Config holds the stack's config as the Pulumi CLI passes it: full keys ("strata:base"),
	// strings, objects as JSON.
	Config map[string]string
	// SecretKeys lists the config keys that are secrets.
	SecretKeys []string
	// RootDirectory is the project's directory (ctx.RootDirectory()), where programs find files
	// of the repository; empty leaves it unset.
	RootDirectory string
}

// Result is what a mocked run registered and exported.
type Result struct {
	*Monitor
	// Outputs are the stack outputs, resolved.
	Outputs map[string]any
	// SecretOutputs names the outputs that are secrets.
	SecretOutputs map[string]bool
}

// runMu serialises runs: the config's key list travels in the process environment, as it does
// from the Pulumi language host.
var runMu sync.Mutex

// Run runs program under a fresh Monitor with opts' config and returns what it registered. The
// error is the program's, including invalid config.
func Run(program pulumi.RunFunc, opts Options) (*Result, error) {
	region := opts.Config["aws:region"]
	res := &Result{
		Monitor:       NewMonitor(opts.Project, opts.Stack, region),
		Outputs:       map[string]any{},
		SecretOutputs: map[string]bool{},
	}
	raw, err := json.Marshal(opts.Config)
	if err != nil {
		return nil, err
	}
	runMu.Lock()
	defer runMu.Unlock()
	// Unsetting a variable that was set cannot fail on the platforms Go supports.
	defer func() { _ = os.Unsetenv(pulumi.EnvConfig) }()
	if err := os.Setenv(pulumi.EnvConfig, string(raw)); err != nil {
		return nil, err
	}

	var outMu sync.Mutex
	withConfig := func(info *pulumi.RunInfo) {
		info.Config = maps.Clone(opts.Config)
		info.ConfigSecretKeys = opts.SecretKeys
		info.RootDirectory = opts.RootDirectory
	}
	var programErr error
	err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		if programErr = program(ctx); programErr != nil {
			return programErr
		}
		// Applies run on their own goroutines, which the SDK does not wait for: wait here, while
		// the monitor keeps answering, until every export has resolved.
		var wg sync.WaitGroup
		for name, v := range ctx.GetCurrentExportMap() {
			out := pulumi.ToOutput(v)
			wg.Add(1)
			out.ApplyT(func(x any) (any, error) {
				defer wg.Done()
				outMu.Lock()
				defer outMu.Unlock()
				res.Outputs[name] = x
				res.SecretOutputs[name] = pulumi.IsSecret(out)
				return nil, nil
			})
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
			return nil
		case <-time.After(time.Minute):
			return fmt.Errorf("mock: stack outputs did not resolve within a minute")
		}
	}, pulumi.WithMocks(opts.Project, opts.Stack, res.Monitor), withConfig)
	if programErr != nil {
		// The SDK wraps the program's error in a multierror; callers want the program's own.
		return res, programErr
	}
	return res, err
}

// In returns the input at path (dotted keys and [i] indexes, e.g. "rules[0].status"), or nil;
// secrets are unwrapped (Inputs keeps their marks).
func (r *Resource) In(path string) any { return lookup(Plain(r.Inputs, false), path) }

// Out returns the output at path, or nil; secrets are unwrapped.
func (r *Resource) Out(path string) any { return lookup(Plain(r.Outputs, false), path) }

// Plain converts properties to JSON-shaped values: unknowns become "[unknown]", and secrets either
// "[secret]" (mask) or their value.
func Plain(pm resource.PropertyMap, mask bool) map[string]any {
	out := make(map[string]any, len(pm))
	for k, v := range pm {
		out[string(k)] = plain(v, mask)
	}
	return out
}

func plain(v resource.PropertyValue, mask bool) any {
	switch {
	case v.IsSecret() && mask:
		return "[secret]"
	case v.IsSecret():
		return plain(v.SecretValue().Element, mask)
	case v.IsComputed() || (v.IsOutput() && !v.OutputValue().Known):
		return "[unknown]"
	case v.IsOutput():
		return plain(v.OutputValue().Element, mask)
	case v.IsObject():
		return Plain(v.ObjectValue(), mask)
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plain(e, mask)
		}
		return out
	case v.IsResourceReference():
		return v.ResourceReferenceValue().URN
	}
	return v.Mappable()
}

func lookup(v any, path string) any {
	for _, part := range strings.FieldsFunc(path, func(c rune) bool { return c == '.' || c == '[' }) {
		if idx, ok := strings.CutSuffix(part, "]"); ok {
			list, _ := v.([]any)
			i, err := strconv.Atoi(idx)
			if err != nil || i < 0 || i >= len(list) {
				return nil
			}
			v = list[i]
			continue
		}
		obj, _ := v.(map[string]any)
		v = obj[part]
	}
	return v
}
