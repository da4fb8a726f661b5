package aot

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var hosts = []Host{
	{Name: "worker2", Group: "worker", InstanceID: "i-2", Subnet: "subnet-a", User: "ec2-user", Owner: `team "a"`, IP: "10.0.0.2",
		Hostname: "ip-10-0-0-2.ec2.internal", HostKey: "ssh-ed25519 AAAA2 comment\n"},
	{Name: "head", Group: "head", InstanceID: "i-1", Subnet: "subnet-b", User: "ubuntu", Owner: "ops", IP: "10.0.0.1",
		Hostname: "ip-10-0-0-1.ec2.internal", HostKey: "ssh-ed25519 AAAA1"},
}

func TestFactsAreOneJSONObjectKeyedByName(t *testing.T) {
	facts, err := Facts(hosts)
	require.NoError(t, err)
	var got map[string]map[string]string
	require.NoError(t, json.Unmarshal([]byte(facts), &got), "valid JSON, whatever the values hold")
	assert.Equal(t, map[string]map[string]string{
		"worker2": {"name": "worker2", "subnet": "subnet-a", "main_user": "ec2-user", "owner": `team "a"`, "ip_address": "10.0.0.2", "hostname": "ip-10-0-0-2.ec2.internal"},
		"head":    {"name": "head", "subnet": "subnet-b", "main_user": "ubuntu", "owner": "ops", "ip_address": "10.0.0.1", "hostname": "ip-10-0-0-1.ec2.internal"},
	}, got)
	again, err := Facts([]Host{hosts[1], hosts[0]})
	require.NoError(t, err)
	assert.Equal(t, facts, again, "the same members give the same file, in any order")

	empty, err := Facts(nil)
	require.NoError(t, err)
	assert.Equal(t, "{}\n", empty)
}

func TestKnownHostsAndMembers(t *testing.T) {
	assert.Equal(t, "head,ip-10-0-0-1.ec2.internal,10.0.0.1 ssh-ed25519 AAAA1\n"+
		"worker2,ip-10-0-0-2.ec2.internal,10.0.0.2 ssh-ed25519 AAAA2\n", KnownHosts(hosts), "by name, hostname and address; no comment")
	assert.Equal(t, "i-1 head head\ni-2 worker2 worker\n", Members(hosts))
	assert.Equal(t, "ssh-ed25519 AAAAroot\n", AuthorizedKeys("ssh-ed25519 AAAAroot\n"))
	assert.Equal(t, "a\nb\n", StageList([]string{"a", "b"}))
	assert.Empty(t, StageList(nil))
}

func TestRevisionChangesWithAnyFile(t *testing.T) {
	base := Revision("facts", "hosts")
	assert.Len(t, base, 64)
	assert.Equal(t, base, Revision("facts", "hosts"))
	assert.NotEqual(t, base, Revision("facts", "hosts2"))
	assert.NotEqual(t, Revision("ab", "c"), Revision("a", "bc"), "the files' boundaries count")
}

func TestDocumentCarriesTheScript(t *testing.T) {
	content, err := Document(3600)
	require.NoError(t, err)
	var doc struct {
		SchemaVersion string                    `json:"schemaVersion"`
		Parameters    map[string]map[string]any `json:"parameters"`
		MainSteps     []struct {
			Action string `json:"action"`
			Inputs struct {
				TimeoutSeconds string   `json:"timeoutSeconds"`
				RunCommand     []string `json:"runCommand"`
			} `json:"inputs"`
		} `json:"mainSteps"`
	}
	require.NoError(t, json.Unmarshal([]byte(content), &doc))
	assert.Equal(t, "2.2", doc.SchemaVersion)
	require.Len(t, doc.MainSteps, 1)
	step := doc.MainSteps[0]
	assert.Equal(t, "aws:runShellScript", step.Action)
	assert.Equal(t, "3600", step.Inputs.TimeoutSeconds)
	run := strings.Join(step.Inputs.RunCommand, "\n") + "\n"
	assert.Contains(t, run, HostScript, "the script runs as written in the repository")
	for _, p := range []string{ParamClusterPath, ParamBucket, ParamRevision} {
		assert.Contains(t, doc.Parameters, p)
		assert.NotEmpty(t, doc.Parameters[p]["allowedPattern"], "%s is constrained, as it is put in quotes", p)
		assert.Contains(t, run, "'{{ "+p+" }}'")
	}
	// Systems Manager reads {{ ... }} as parameters, and the here-document ends at its marker.
	assert.NotContains(t, HostScript, "{{")
	assert.NotContains(t, HostScript, scriptEnd)
	assert.Less(t, len(content), 64*1024, "a document holds at most 64 KB")
}
