package aot

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeInstance   = "aws:ec2/instance:Instance"
	typeTemplate   = "aws:ec2/launchTemplate:LaunchTemplate"
	typeVolume     = "aws:ebs/volume:Volume"
	typeAttachment = "aws:ec2/volumeAttachment:VolumeAttachment"
	typeObject     = "aws:s3/bucketObjectv2:BucketObjectv2"
	typeParameter  = "aws:ssm/parameter:Parameter"
	typeKey        = "tls:index/privateKey:PrivateKey"
	typeIngress    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeEgress     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeGroup      = "aws:ec2/securityGroup:SecurityGroup"
	typePolicy     = "aws:iam/policy:Policy"
	typeAssoc      = "aws:ssm/association:Association"
	typeDocument   = "aws:ssm/document:Document"
	typeKMSKey     = "aws:kms/key:Key"
)

// object returns the content of a bucket object of the run.
func object(t *testing.T, res *mock.Result, logical string) string {
	t.Helper()
	s, ok := mocktest.Named(t, res, typeObject, "aot-"+logical).In("content").(string)
	require.True(t, ok, "%s has no content", logical)
	return s
}

func TestMembersAreNamedAfterTheirPool(t *testing.T) {
	res := mustDeploy(t, example())
	for _, m := range []struct{ group, member string }{{"worker", "worker1"}, {"worker", "worker2"}, {"head", "head"}} {
		inst := mocktest.Named(t, res, typeInstance, "aot-"+m.group+"-"+m.member)
		tags := mocktest.Tags(inst)
		assert.Equal(t, "aot-test-"+m.member, tags["Name"])
		assert.Equal(t, m.member, tags["Group"])
		assert.Equal(t, "aot-test", tags[ClusterTag], "the association finds members by this tag")
		lt := mocktest.Named(t, res, typeTemplate, "aot-"+m.group+"-"+m.member)
		assert.Equal(t, "aot-test-"+m.member, lt.In("name"))
	}
	assert.Len(t, res.ByType(typeInstance), 3)
	assert.Equal(t, []string{"head", "worker1", "worker2"}, res.Outputs["aot"].(map[string]any)["members"])
}

// Growing a pool adds its last member and nothing else changes; shrinking removes only it.
func TestPoolsGrowAndShrinkAtTheTail(t *testing.T) {
	c := example()
	c.Pools["worker"] = Pool{Count: 2, Settings: Settings{Zones: []int{0, 1}}}
	small := mustDeploy(t, c)
	c.Pools["worker"] = Pool{Count: 3, Settings: Settings{Zones: []int{0, 1}}}
	big := mustDeploy(t, c)

	// The cluster's files list the members, and their hash tells the association to run again.
	changes := map[string]bool{
		typeObject + " aot-facts": true, typeObject + " aot-known-hosts": true, typeObject + " aot-members": true,
		typeAssoc + " aot-bootstrap": true,
	}
	inputs := func(res *mock.Result) map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, r := range res.Resources() {
			out[r.Type+" "+r.Name] = mock.Plain(r.Inputs, false)
		}
		return out
	}
	before, after := inputs(small), inputs(big)
	var added []string
	for k := range after {
		if _, ok := before[k]; !ok {
			added = append(added, k)
		}
	}
	slices.Sort(added)
	assert.Equal(t, []string{
		typeVolume + " aot-worker-worker3-scratch",
		typeInstance + " aot-worker-worker3",
		typeTemplate + " aot-worker-worker3",
		typeAttachment + " aot-worker-worker3-scratch",
		typeParameter + " aot-worker3-host-key",
		typeKey + " aot-worker3-host-key",
	}, added, "growing adds the new member's resources only")
	for k, in := range before {
		require.Contains(t, after, k, "growing removes nothing")
		if changes[k] {
			assert.NotEqual(t, in, after[k], "%s lists the members", k)
			continue
		}
		assert.True(t, reflect.DeepEqual(in, after[k]), "%s changed when the pool grew:\n before %v\n after  %v", k, in, after[k])
	}
	assert.Contains(t, object(t, big, "facts"), `"worker3"`)
}

func TestTrustIsComplete(t *testing.T) {
	res := mustDeploy(t, example())
	members := map[string]string{"worker1": "worker", "worker2": "worker", "head": "head"}
	known := object(t, res, "known-hosts")
	lines := strings.Split(strings.TrimSuffix(known, "\n"), "\n")
	require.Len(t, lines, len(members), "one known_hosts line per member:\n%s", known)
	for name, group := range members {
		inst := mocktest.Named(t, res, typeInstance, "aot-"+group+"-"+name)
		key := mocktest.Named(t, res, typeKey, "aot-"+name+"-host-key")
		pub := strings.TrimSpace(key.Out("publicKeyOpenssh").(string))
		want := name + "," + inst.Out("privateDns").(string) + "," + inst.Out("privateIp").(string) + " " + pub
		assert.Contains(t, lines, want, "%s is known by name, hostname and private IP with its own host key", name)

		param := mocktest.Named(t, res, typeParameter, "aot-"+name+"-host-key")
		assert.Equal(t, "/aot/test/groups/"+group+"/"+name+"/ssh_host_ed25519_key", param.In("name"))
		assert.Equal(t, key.Out("privateKeyOpenssh"), param.In("value"), "the member's host key is its own")
	}
	rootKey := mocktest.Named(t, res, typeKey, "aot-root-key")
	assert.Equal(t, "ED25519", rootKey.In("algorithm"))
	assert.Equal(t, strings.TrimSpace(rootKey.Out("publicKeyOpenssh").(string))+"\n", object(t, res, "authorized-keys"),
		"every member authorizes the cluster's root key")
	root := mocktest.Named(t, res, typeParameter, "aot-root-key")
	assert.Equal(t, "/aot/test/root/id_ed25519", root.In("name"))
	assert.Equal(t, rootKey.Out("privateKeyOpenssh"), root.In("value"))
	var ids []string
	for name, group := range members {
		ids = append(ids, mocktest.Named(t, res, typeInstance, "aot-"+group+"-"+name).ID+" "+name+" "+group)
	}
	slices.Sort(ids)
	assert.Equal(t, strings.Join(ids, "\n")+"\n", object(t, res, "members"), "members find themselves by instance id")
}

func TestPrivateKeysStaySecret(t *testing.T) {
	res := mustDeploy(t, example())
	key := mocktest.One(t, res, typeKMSKey)
	params := res.ByType(typeParameter)
	require.Len(t, params, 4, "the root key and one host key per member")
	for _, p := range params {
		assert.Equal(t, "SecureString", p.In("type"), p.Name)
		assert.Equal(t, key.Out("arn"), p.In("keyId"), "%s is encrypted with the cluster's own key", p.Name)
		assert.True(t, p.Inputs["value"].ContainsSecrets(), "%s: the value is a secret in the state", p.Name)
	}
	for _, r := range res.Resources() {
		if !r.Custom || r.Type == typeParameter || r.Type == typeKey {
			continue
		}
		plain := fmt.Sprint(mock.Plain(r.Inputs, false))
		assert.NotContains(t, plain, "PRIVATE KEY", "%s %s holds a private key", r.Type, r.Name)
		for k, v := range mocktest.Tags(r) {
			assert.NotContains(t, fmt.Sprint(v), "ssh-ed25519", "%s %s: tag %s holds a key", r.Type, r.Name, k)
		}
	}
	for _, lt := range res.ByType(typeTemplate) {
		assert.Nil(t, lt.In("userData"), "%s: the members need no user data; keys come through Parameter Store", lt.Name)
	}
}

func TestSSHOnlyBetweenMembers(t *testing.T) {
	res := mustDeploy(t, example())
	cluster := mocktest.Named(t, res, typeGroup, "aot-cluster")
	assert.Equal(t, "aot-test-cluster", cluster.In("name"))
	in := mocktest.Named(t, res, typeIngress, "aot-cluster-in-ssh")
	out := mocktest.Named(t, res, typeEgress, "aot-cluster-out-ssh")
	for _, r := range []*mock.Resource{in, out} {
		assert.Equal(t, cluster.ID, r.In("securityGroupId"))
		assert.Equal(t, cluster.ID, r.In("referencedSecurityGroupId"), "%s: the peer is the group itself", r.Name)
		assert.Equal(t, "tcp", r.In("ipProtocol"))
		assert.EqualValues(t, 22, r.In("fromPort"))
		assert.EqualValues(t, 22, r.In("toPort"))
		assert.Nil(t, r.In("cidrIpv4"))
	}
	assert.Len(t, res.ByType(typeIngress), 1, "nothing else admits anything")
	for _, r := range res.ByType(typeEgress) {
		if r.Name != "aot-cluster-out-ssh" {
			assert.EqualValues(t, 443, r.In("fromPort"), "%s: members send HTTPS (Session Manager, S3) and SSH to members only", r.Name)
		}
	}
	for _, inst := range res.ByType(typeInstance) {
		groups := inst.In("vpcSecurityGroupIds").([]any)
		assert.Contains(t, groups, cluster.ID, inst.Name)
		assert.Equal(t, false, inst.In("associatePublicIpAddress"), "%s: no public IP", inst.Name)
	}
}

func TestMembersRequireIMDSv2AndEncryptVolumes(t *testing.T) {
	res := mustDeploy(t, example())
	for _, lt := range res.ByType(typeTemplate) {
		assert.Equal(t, "required", lt.In("metadataOptions.httpTokens"), lt.Name)
		assert.EqualValues(t, 1, lt.In("metadataOptions.httpPutResponseHopLimit"), lt.Name)
		for i, d := range lt.In("blockDeviceMappings").([]any) {
			assert.Equal(t, "true", d.(map[string]any)["ebs"].(map[string]any)["encrypted"], "%s device %d", lt.Name, i)
		}
	}
	vols := res.ByType(typeVolume)
	require.Len(t, vols, 3)
	for _, v := range vols {
		assert.Equal(t, true, v.In("encrypted"), v.Name)
		assert.EqualValues(t, 10, v.In("size"), v.Name)
	}
	require.Len(t, res.ByType(typeAttachment), 3)
	for _, a := range res.ByType(typeAttachment) {
		assert.Equal(t, "/dev/sdf", a.In("deviceName"), a.Name)
	}
}

func TestFactsDescribeEveryMember(t *testing.T) {
	res := mustDeploy(t, example())
	facts := object(t, res, "facts")
	var parsed map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(facts), &parsed), "the facts are valid JSON")
	assert.Equal(t, []string{"head", "worker1", "worker2"}, slices.Sorted(maps.Keys(parsed)))
	for name, f := range parsed {
		group := map[string]string{"head": "head"}[name]
		if group == "" {
			group = "worker"
		}
		inst := mocktest.Named(t, res, typeInstance, "aot-"+group+"-"+name)
		assert.Equal(t, map[string]any{
			"name": name, "subnet": inst.In("subnetId"), "main_user": "ec2-user", "owner": "research-platform",
			"ip_address": inst.Out("privateIp"), "hostname": inst.Out("privateDns"),
		}, f, name)
	}
	assert.Equal(t, facts, res.Outputs["aot"].(map[string]any)["facts"], "the facts are an output")
}

func TestTarballsAreContentAddressed(t *testing.T) {
	res := mustDeploy(t, example())
	var stages []*mock.Resource
	for _, o := range res.ByType(typeObject) {
		if strings.HasPrefix(o.Name, "aot-stage-") {
			stages = append(stages, o)
		}
	}
	require.Len(t, stages, 2)
	for _, o := range stages {
		b, err := base64.StdEncoding.DecodeString(o.In("contentBase64").(string))
		require.NoError(t, err)
		sum := sha256.Sum256(b)
		assert.Equal(t, "bootstrap/"+hex.EncodeToString(sum[:])+".tar.gz", o.In("key"), "%s is stored under its hash", o.Name)
	}
	p, err := example().Plan(stage, site)
	require.NoError(t, err)
	assert.Equal(t, StageList([]string{p.Stages[0].SHA256, p.Stages[1].SHA256}), object(t, res, "stages-worker"))
}

// A directory is uploaded from the plan, a tarball file as a file asset, an S3 object copied; all
// under their hash.
func TestTarballSources(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"dir/bootstrap.sh": "true\n"})
	packed, err := Pack(filepath.Join(root, "dir"))
	require.NoError(t, err)
	writeTree(t, root, map[string]string{"dir/bootstrap.sh": "echo changed\n"})
	require.NoError(t, os.WriteFile(filepath.Join(root, "file.tar.gz"), packed, 0o644))
	s3sum := strings.Repeat("5", 64)

	c := example()
	c.Defaults.Bootstrap = []Tarball{{Path: "dir"}, {Path: "file.tar.gz"}, {S3: "s3://tools-bucket/ansible.tar.gz", SHA256: s3sum}}
	p, err := c.Plan(stage, Site{Dir: root, Zones: 1, PublicZones: 1})
	require.NoError(t, err)
	res, err := mock.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, App, p, Deps{Network: fakeNetwork()})
		return err
	}, mock.Options{Project: "strata", Stack: "test", Config: map[string]string{"aws:region": "us-east-2"}})
	require.NoError(t, err)

	require.Len(t, p.Stages, 3)
	dir := mocktest.Named(t, res, typeObject, "aot-stage-"+p.Stages[0].SHA256[:12])
	assert.NotNil(t, dir.In("contentBase64"))
	file := mocktest.Named(t, res, typeObject, "aot-stage-"+hash(packed)[:12])
	assert.Equal(t, "bootstrap/"+hash(packed)+".tar.gz", file.In("key"))
	assert.Nil(t, file.In("contentBase64"), "a tarball file is not kept in the state")
	assert.NotNil(t, file.In("source"))
	cp := mocktest.Named(t, res, "aws:s3/objectCopy:ObjectCopy", "aot-stage-"+s3sum[:12])
	assert.Equal(t, "tools-bucket/ansible.tar.gz", cp.In("source"))
	assert.Equal(t, "bootstrap/"+s3sum+".tar.gz", cp.In("key"))
	assert.Equal(t, "REPLACE", cp.In("taggingDirective"))
	assert.Equal(t, StageList([]string{p.Stages[0].SHA256, hash(packed), s3sum}), object(t, res, "stages-worker"))
}

func TestMemberRolesReadOnlyTheirClusterFiles(t *testing.T) {
	res := mustDeploy(t, example())
	doc := mocktest.Document(t, mocktest.Named(t, res, typePolicy, "aot-worker"), "policy")
	key := mocktest.One(t, res, typeKMSKey)
	bucket := "arn:aws:s3:::strata-aot-test-bootstrap"
	mocktest.EqualLists(t, "worker grants", mocktest.Grants(doc), []string{
		"kms:Decrypt " + key.Out("arn").(string),
		"s3:GetObject " + bucket + "/bootstrap/*",
		"s3:GetObject " + bucket + "/cluster/*",
		"s3:PutObject " + bucket + "/logs/*",
		"ssm:GetParameter arn:aws:ssm:us-east-2:123456789012:parameter/aot/test/groups/worker/*",
		"ssm:GetParameter arn:aws:ssm:us-east-2:123456789012:parameter/aot/test/root/*",
	})
	for _, s := range doc.Statement {
		if s.Sid == "DecryptSSHKeys" {
			assert.Equal(t, map[string]any{"kms:ViaService": "ssm.us-east-2.amazonaws.com"}, s.Condition["StringEquals"])
		}
	}
	keyDoc := mocktest.Document(t, key, "policy")
	for _, s := range keyDoc.Statement {
		assert.Equal(t, map[string]any{"AWS": "arn:aws:iam::123456789012:root"}, s.Principal)
		for _, a := range s.Action {
			assert.NotContains(t, a, "*", "%s: no wildcard actions", s.Sid)
		}
		if slices.Contains(s.Action, "kms:Decrypt") {
			assert.Equal(t, "ssm.us-east-2.amazonaws.com", s.Condition["StringEquals"]["kms:ViaService"],
				"the key decrypts through Parameter Store only")
		}
	}
}

// Every member's role may call ssm:GetParameter on any parameter (AmazonSSMManagedInstanceCore),
// so the decrypt is what keeps a group from another's host keys: Systems Manager passes the
// parameter's ARN to KMS as the encryption context PARAMETER_ARN, and each group's condition
// matches the root key and its own members' host keys only. Pool "work" is a prefix of "worker".
func TestMemberRolesDecryptOnlyTheirOwnKeys(t *testing.T) {
	c := example()
	c.Pools["work"] = Pool{Count: 1}
	res := mustDeploy(t, c)
	const arn = "arn:aws:ssm:us-east-2:123456789012:parameter"
	params := map[string]string{} // parameter ARN → the group that may read it ("" for all)
	for _, r := range res.ByType(typeParameter) {
		name := r.In("name").(string)
		group := ""
		if rest, ok := strings.CutPrefix(name, "/aot/test/groups/"); ok {
			group, _, _ = strings.Cut(rest, "/")
		}
		params[arn+name] = group
	}
	require.Len(t, params, 5, "the root key and four host keys")

	for _, group := range []string{"worker", "work", "head"} {
		t.Run(group, func(t *testing.T) {
			doc := mocktest.Document(t, mocktest.Named(t, res, typePolicy, "aot-"+group), "policy")
			var decrypt map[string]map[string]any
			for _, s := range doc.Statement {
				if s.Sid == "DecryptSSHKeys" {
					decrypt = s.Condition
				}
			}
			require.NotNil(t, decrypt, "the role decrypts the keys")
			assert.Equal(t, map[string]any{"kms:ViaService": "ssm.us-east-2.amazonaws.com"}, decrypt["StringEquals"])
			assert.Equal(t, map[string]any{"kms:EncryptionContext:PARAMETER_ARN": []any{
				arn + "/aot/test/root/*", arn + "/aot/test/groups/" + group + "/*",
			}}, decrypt["StringLike"], "exactly the parameters the group reads")
			patterns := decrypt["StringLike"]["kms:EncryptionContext:PARAMETER_ARN"].([]any)
			for param, owner := range params {
				want := owner == "" || owner == group
				assert.Equal(t, want, slices.ContainsFunc(patterns, func(p any) bool { return stringLike(p.(string), param) }),
					"%s decrypting %s", group, param)
			}
		})
	}
}

// stringLike matches s against an IAM StringLike pattern: * is any run of characters, ? one.
func stringLike(pattern, s string) bool {
	var re strings.Builder
	re.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '*':
			re.WriteString(".*")
		case '?':
			re.WriteString(".")
		default:
			re.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	re.WriteString("$")
	return regexp.MustCompile(re.String()).MatchString(s)
}

func TestBootstrapAssociation(t *testing.T) {
	res := mustDeploy(t, example())
	assoc := mocktest.One(t, res, typeAssoc)
	doc := mocktest.One(t, res, typeDocument)
	assert.Equal(t, "aot-test-bootstrap", doc.In("name"))
	assert.Equal(t, doc.In("name"), assoc.In("name"))
	assert.Equal(t, "1", assoc.In("documentVersion"), "a new document version runs the bootstrap again")
	assert.Equal(t, []any{map[string]any{"key": "tag:Cluster", "values": []any{"aot-test"}}}, assoc.In("targets"))
	assert.Equal(t, map[string]any{"s3BucketName": "strata-aot-test-bootstrap", "s3KeyPrefix": "logs"}, assoc.In("outputLocation"),
		"every run's output is kept")
	params := assoc.In("parameters").(map[string]any)
	assert.Equal(t, "/aot/test", params[ParamClusterPath])
	assert.Equal(t, "strata-aot-test-bootstrap", params[ParamBucket])
	assert.Equal(t, Revision(object(t, res, "facts"), object(t, res, "known-hosts"), object(t, res, "authorized-keys"),
		object(t, res, "members"), object(t, res, "stages-worker"), object(t, res, "stages-head")), params[ParamRevision])
	assert.Nil(t, assoc.In("waitForSuccessTimeoutSeconds"), "no wait unless asked")
	// The association runs after everything the hosts read exists.
	for _, r := range res.Resources() {
		if r.Type == typeObject || r.Type == typeParameter {
			assert.Contains(t, assoc.Dependencies, r.URN, "the association waits for %s", r.Name)
		}
	}
	out := res.Outputs["aot"].(map[string]any)
	id := assoc.Out("associationId").(string)
	assert.Equal(t, "aws ssm start-associations-once --region us-east-2 --association-ids "+id, out["rerunBootstrap"])
	head := mocktest.Named(t, res, typeInstance, "aot-head-head")
	assert.Equal(t, "aws ssm start-session --region us-east-2 --target "+head.ID, out["shell"].(map[string]string)["head"])
	assert.Equal(t, map[string]string{"name": "head", "group": "head", "id": head.ID, "privateIp": head.Out("privateIp").(string),
		"hostname": head.Out("privateDns").(string)}, out["instances"].(map[string]any)["head"])

	c := example()
	c.WaitSeconds = 900
	waited := mocktest.One(t, mustDeploy(t, c), typeAssoc)
	assert.EqualValues(t, 900, waited.In("waitForSuccessTimeoutSeconds"))
}

func TestTagsOnEveryTaggableResource(t *testing.T) {
	res := mustDeploy(t, example())
	for _, r := range res.Resources() {
		if !mocktest.Taggable(r) || r.Type == typeAttachment {
			continue
		}
		tags := mocktest.Tags(r)
		assert.Equal(t, "aot", tags["App"], "%s %s", r.Type, r.Name)
		assert.Equal(t, "rp-1042", tags["CostCenter"], "%s %s", r.Type, r.Name)
		assert.NotEmpty(t, tags["Owner"], "%s %s", r.Type, r.Name)
	}
}

func TestProtectedDataVolumes(t *testing.T) {
	st := stage
	st.Protect = true
	res, err := deployAt(example(), st)
	require.NoError(t, err)
	for _, v := range res.ByType(typeVolume) {
		assert.True(t, v.Protect, "%s is protected with strata:protect", v.Name)
	}
}

func TestBadConfigRegistersNothing(t *testing.T) {
	c := example()
	c.Pools["worker"] = Pool{Count: 0}
	res, err := deploy(c)
	require.ErrorContains(t, err, "strata:aot.pools.worker.count: 0 is out of range")
	assert.Empty(t, res.Resources())
}
