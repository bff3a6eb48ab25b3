package pipedrive

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// The v2 spec documents only 200 and 404 for PATCH and DELETE of
// /api/v2/persons/{id}, and no source shows whether a deleted person
// answers 404 (the sandbox) or 410: the update and the delete of a
// person deleted in Pipedrive must come back, either way, as that one
// record not found, naming it, and not stop the write for the others.
func TestDeletedPersonEither404Or410IsRecordGone(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusGone} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			e := newEnv(t, pdsim.Options{})
			c := e.connect(t)
			gone, err := e.sim.CreatePerson(map[string]any{"name": "Gone Person"})
			if err != nil {
				t.Fatal(err)
			}
			live, err := e.sim.CreatePerson(map[string]any{"name": "Live Person"})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.sim.DeletePerson(gone.ID); err != nil {
				t.Fatal(err)
			}
			goneID, liveID := strconv.FormatInt(gone.ID, 10), strconv.FormatInt(live.ID, 10)
			if status == http.StatusGone {
				for _, ep := range []string{"PATCH /api/v2/persons/{id}", "DELETE /api/v2/persons/{id}"} {
					e.sim.Faults().RefuseEndpoint(ep, simkit.Refusal{Status: status, Message: "Person not found", Times: 1})
				}
			}
			res, err := c.Write(t.Context(), "persons", []connector.Op{
				{Kind: connector.OpUpdate, ID: goneID, Fields: map[string]string{"name": "Edited"}},
				{Kind: connector.OpUpdate, ID: liveID, Fields: map[string]string{"name": "Edited"}},
			})
			if err != nil {
				t.Fatalf("update: the call failed whole: %v", err)
			}
			assertGone(t, "update", res[0], goneID)
			if res[1].Err != nil {
				t.Fatalf("update of the live person: %v", res[1].Err)
			}
			del, err := c.Delete(t.Context(), "persons", []string{goneID})
			if err != nil {
				t.Fatalf("delete: the call failed whole: %v", err)
			}
			assertGone(t, "delete", del[0], goneID)
		})
	}
}

func assertGone(t *testing.T, what string, r connector.Result, id string) {
	t.Helper()
	if r.Err == nil || connector.CategoryOf(r.Err) != connector.CatNotFound {
		t.Fatalf("%s of deleted person %s: %v, want not found", what, id, r.Err)
	}
	if !strings.Contains(r.Err.Error(), id) || !strings.Contains(r.Err.Error(), "Person not found") {
		t.Fatalf("%s of deleted person: %q names neither the record nor Pipedrive's words", what, r.Err)
	}
}
