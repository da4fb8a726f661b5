package base_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/base"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

// importRecorder is the recording mock monitor that also keeps each registration's import id,
// which mock.Resource does not record.
type importRecorder struct {
	*mock.Monitor
	mu  sync.Mutex
	ids map[string]string // "<type> <name>" → import id
}

func (r *importRecorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if rpc := args.RegisterRPC; rpc != nil && rpc.GetImportId() != "" {
		r.mu.Lock()
		r.ids[args.TypeToken+" "+args.Name] = rpc.GetImportId()
		r.mu.Unlock()
	}
	return r.Monitor.NewResource(args)
}

// deployRecordingImports creates the base layer and returns the monitor and the import ids.
func deployRecordingImports(t *testing.T, args base.Args) (*mock.Monitor, map[string]string) {
	t.Helper()
	args.Naming = conv
	rec := &importRecorder{Monitor: mock.NewMonitor("strata", "test", ""), ids: map[string]string{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := base.New(ctx, "kotta", &args)
		return err
	}, pulumi.WithMocks("strata", "test", rec))
	require.NoError(t, err)
	return rec.Monitor, rec.ids
}

func TestImportAdoptsExistingResources(t *testing.T) {
	tests := []struct {
		name string
		args base.Args
		want map[string]string
	}{
		{"nothing to import", base.Args{JobsBucket: "kotta-test-jobs-bucket"}, map[string]string{}},
		{"tables and bucket by name", base.Args{ImportJobsBucket: "klab-jobs", ImportJobsTable: "Jobs", ImportUsersTable: "TuringUsers"},
			map[string]string{
				typeBucket + " kotta-jobs": "klab-jobs",
				typeTable + " kotta-jobs":  "Jobs",
				typeTable + " kotta-users": "TuringUsers",
			}},
		{"names given too, equal", base.Args{JobsBucket: "klab-jobs", ImportJobsBucket: "klab-jobs", JobsTable: "Jobs", ImportJobsTable: "Jobs"},
			map[string]string{typeBucket + " kotta-jobs": "klab-jobs", typeTable + " kotta-jobs": "Jobs"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, ids := deployRecordingImports(t, tc.args)
			// Only the bucket and the tables themselves: their settings are plain updates.
			assert.Equal(t, tc.want, ids)
			for key, id := range tc.want {
				var r *mock.Resource
				for _, typ := range []string{typeBucket, typeTable} {
					if name, ok := strings.CutPrefix(key, typ+" "); ok {
						r = m.Get(typ, name)
					}
				}
				require.NotNil(t, r, key)
				// The adopted resource keeps its physical name, or the import would be a replacement.
				physical := r.In("name")
				if r.Type == typeBucket {
					physical = r.In("bucket")
				}
				assert.Equal(t, id, physical, "%s physical name", key)
			}
		})
	}
}

func TestImportWithAnotherNameIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		args base.Args
		want string
	}{
		{"bucket", base.Args{JobsBucket: "kotta-new-jobs", ImportJobsBucket: "klab-jobs"},
			`importJobsBucket: "klab-jobs" differs from jobsBucket "kotta-new-jobs"`},
		{"jobs table", base.Args{JobsBucket: "abc", JobsTable: "kotta-test-jobs", ImportJobsTable: "Jobs"},
			`importJobsTable: "Jobs" differs from jobsTable "kotta-test-jobs"`},
		{"users table", base.Args{JobsBucket: "abc", UsersTable: "Users2", ImportUsersTable: "Users"},
			`importUsersTable: "Users" differs from usersTable "Users2"`},
		{"imported name checked", base.Args{ImportJobsBucket: "Klab_Jobs"}, `jobsBucket: "Klab_Jobs" is not a valid S3 bucket name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			args.Naming = conv
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := base.New(ctx, "kotta", &args)
				return err
			}, tc.want)
		})
	}
}

func TestImportDefaultsLeaveTheCallersArgs(t *testing.T) {
	args := base.Args{ImportJobsBucket: "klab-jobs", ImportJobsTable: "Jobs"}
	got := args.WithDefaults()
	assert.Equal(t, "klab-jobs", got.JobsBucket)
	assert.Equal(t, "Jobs", got.JobsTable)
	assert.Empty(t, args.JobsBucket)
	assert.Empty(t, args.JobsTable)
}
