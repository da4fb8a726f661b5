package aot

import (
	_ "embed"
	"encoding/json"
	"strconv"
	"strings"
)

// HostScript is the bootstrap every member runs (host/bootstrap.sh); the document carries it.
//
//go:embed host/bootstrap.sh
var HostScript string

// Parameters of the bootstrap document. Their allowed patterns keep the values safe inside the
// single quotes the document puts them in.
const (
	ParamClusterPath = "ClusterPath"
	ParamBucket      = "Bucket"
	ParamRevision    = "Revision"
)

// scriptEnd ends the here-document that writes the script to a file on the host.
const scriptEnd = "AOT_BOOTSTRAP_EOF"

type document struct {
	SchemaVersion string              `json:"schemaVersion"`
	Description   string              `json:"description"`
	Parameters    map[string]docParam `json:"parameters"`
	MainSteps     []documentStep      `json:"mainSteps"`
}

type docParam struct {
	Type           string `json:"type"`
	Description    string `json:"description"`
	AllowedPattern string `json:"allowedPattern"`
}

type documentStep struct {
	Action       string              `json:"action"`
	Name         string              `json:"name"`
	Precondition map[string][]string `json:"precondition"`
	Inputs       stepInputs          `json:"inputs"`
}

type stepInputs struct {
	TimeoutSeconds string   `json:"timeoutSeconds"`
	RunCommand     []string `json:"runCommand"`
}

// Document renders the SSM Command document that bootstraps a member: it writes HostScript to a
// file and runs it with bash, with the cluster's parameters in its environment. The agent runs
// the commands with sh, and a script read from a file keeps the stages' standard input apart
// from it.
func Document(timeoutSeconds int) (string, error) {
	run := []string{
		"set -eu",
		`script=$(mktemp)`,
		`trap 'rm -f "$script"' EXIT`,
		`cat >"$script" <<'` + scriptEnd + `'`,
	}
	run = append(run, strings.Split(strings.TrimSuffix(HostScript, "\n"), "\n")...)
	run = append(run, scriptEnd,
		"AOT_PATH='{{ "+ParamClusterPath+" }}' AOT_BUCKET='{{ "+ParamBucket+" }}' AOT_REVISION='{{ "+ParamRevision+" }}' bash \"$script\" </dev/null")
	d := document{
		SchemaVersion: "2.2",
		Description:   "aot: installs the cluster's SSH trust and facts, then runs the member's bootstrap stages in order, each once per tarball",
		Parameters: map[string]docParam{
			ParamClusterPath: {Type: "String", Description: "SSM parameter path of the cluster's keys", AllowedPattern: `^/[a-z0-9/-]+$`},
			ParamBucket:      {Type: "String", Description: "Bucket holding the cluster files and tarballs", AllowedPattern: `^[a-z0-9.-]{3,63}$`},
			ParamRevision:    {Type: "String", Description: "Hash of the cluster files: a new one runs the bootstrap again", AllowedPattern: `^[0-9a-f]{64}$`},
		},
		MainSteps: []documentStep{{
			Action:       "aws:runShellScript",
			Name:         "bootstrap",
			Precondition: map[string][]string{"StringEquals": {"platformType", "Linux"}},
			Inputs:       stepInputs{TimeoutSeconds: strconv.Itoa(timeoutSeconds), RunCommand: run},
		}},
	}
	// Without HTML escaping, the script reads as written in the plan and in the console.
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(d)
	return b.String(), err
}
