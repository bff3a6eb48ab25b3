package dynamics

import (
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestCreateCompletedTask: a create of a completed task (statecode
// 1, which a create cannot set, and statuscode 5) makes a completed task,
// beside an open one in the same batch; a create whose state and status
// reason do not pair fails naming Dataverse's message and leaves no row.
func TestCreateCompletedTask(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 12})
	c := e.connect(t)
	ctx := t.Context()
	res, err := c.Write(ctx, "tasks", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"subject": "Done already", "statecode": "1", "statuscode": "5", "prioritycode": "2"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"subject": "Still to do", "statecode": "0", "statuscode": "3"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"subject": "Mismatched", "statecode": "1", "statuscode": "2"}},
	})
	if err != nil || len(res) != 3 {
		t.Fatalf("write: %v %+v", err, res)
	}
	for i, want := range [][2]string{{"1", "5"}, {"0", "3"}} {
		if res[i].Err != nil {
			t.Fatalf("create %d: %v", i, res[i].Err)
		}
		row, ok := e.sim.Get("tasks", res[i].ID)
		if !ok || fmt.Sprint(row.Fields["statecode"]) != want[0] || fmt.Sprint(row.Fields["statuscode"]) != want[1] {
			t.Errorf("task %d %s: statecode %v statuscode %v, want %s and %s", i, res[i].ID, row.Fields["statecode"], row.Fields["statuscode"], want[0], want[1])
		}
	}
	if res[2].Err == nil || !strings.Contains(res[2].Err.Error(), "not a valid status code") {
		t.Errorf("mismatched create: %+v, want Dataverse's refusal", res[2])
	}
	for page, err := range c.Read(ctx, "tasks", "") {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			if r.Fields["subject"] == "Mismatched" {
				t.Errorf("the refused create left task %s", r.ID)
			}
		}
	}
}
