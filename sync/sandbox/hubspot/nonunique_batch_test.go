package hubspot

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestNonUniqueKeyRefusedWholeBatch: HubSpot answers a batch upsert
// or update by an idProperty that is not unique with one 400 for the whole
// batch (nonUniqueKey in batch.go); no source shows it refusing such
// inputs one by one in a 207. While an admin turns the key's "Require
// unique values" rule off and on, the sandbox must still answer each call
// wholly one way or the other: every input written under the rule, or the
// whole batch refused without it, never a 207 whose errors refuse the key.
func TestNonUniqueKeyRefusedWholeBatch(t *testing.T) {
	e := newEnv(t, Options{})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the admin, flipping the rule as fast as the lock allows
		defer wg.Done()
		for on := false; ; on = !on {
			select {
			case <-stop:
				_ = e.sim.SetUniqueValue(ProjectsObject, "crmsync_key", true)
				return
			default:
			}
			if err := e.sim.SetUniqueValue(ProjectsObject, "crmsync_key", on); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()

	var whole, written int
	for i := range 400 {
		kind := "upsert"
		inputs := []any{
			map[string]any{"id": fmt.Sprintf("k-%d-a", i), "idProperty": "crmsync_key", "properties": map[string]string{"project_name": "A"}},
			map[string]any{"id": fmt.Sprintf("k-%d-b", i), "idProperty": "crmsync_key", "properties": map[string]string{"project_name": "B"}},
		}
		if i%2 == 1 { // the same keys again, as updates of the records made
			kind = "update"
			for _, in := range inputs {
				in.(map[string]any)["id"] = strings.Replace(in.(map[string]any)["id"].(string), fmt.Sprintf("k-%d-", i), fmt.Sprintf("k-%d-", i-1), 1)
			}
		}
		r, body := e.do("POST", projectsPath+"/batch/"+kind, map[string]any{"inputs": inputs})
		switch r.StatusCode {
		case http.StatusOK:
			written++
		case http.StatusBadRequest:
			if body["category"] != "VALIDATION_ERROR" || !strings.Contains(fmt.Sprint(body["message"]), "non-unique") {
				t.Fatalf("batch %s %d: 400 %v; want HubSpot's refusal of the non-unique key", kind, i, body)
			}
			whole++
		case http.StatusMultiStatus:
			// An update of a record the refused upsert never made is
			// OBJECT_NOT_FOUND, which HubSpot does answer per input.
			for _, x := range body["errors"].([]any) {
				if m := x.(map[string]any); m["category"] != "OBJECT_NOT_FOUND" {
					t.Fatalf("batch %s %d: 207 refusing an input %v; HubSpot refuses a non-unique key for the whole batch", kind, i, m)
				}
			}
		default:
			t.Fatalf("batch %s %d: %d %v", kind, i, r.StatusCode, body)
		}
	}
	if whole == 0 || written == 0 {
		t.Logf("%d batches written, %d refused whole: the rule did not flip between calls this time", written, whole)
	}
}
