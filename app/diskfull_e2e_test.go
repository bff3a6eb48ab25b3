//go:build linux

package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestDiskFullMidRun fills the disk (a file size limit on the data
// file's WAL) at every point of a run's writes in turn: the run must stop
// with an error, and once space is back the next run must settle what the
// CRMs hold — no duplicate, no echo — and a run after it write nothing.
func TestDiskFullMidRun(t *testing.T) {
	ctx := context.Background()
	for room := int64(0); room <= 24; room += 2 {
		t.Run(fmt.Sprint("frames=", room), func(t *testing.T) {
			a, srv := connectedSandbox(t, 11, 30)
			def := app.DemoSync("contacts", "hs", "sf")
			if err := a.SaveSync(ctx, def); err != nil {
				t.Fatal(err)
			}
			if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
				t.Fatalf("first run: %v %+v", err, res.Summary)
			}
			for i := 0; i < 12; i++ {
				if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": fmt.Sprintf("full%d@example.com", i), "firstname": "Full", "lastname": fmt.Sprint("N", i)}); err != nil {
					t.Fatal(err)
				}
			}
			hs, sf := srv.HubSpot().Count("contacts"), srv.Salesforce().Count("Contact")
			prev, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
			if err != nil || prev.Plan.Counts.CreateB != 12 {
				t.Fatalf("preview: %v %+v", err, prev.Plan.Counts)
			}
			wal := filepath.Join(a.Home(), store.FileName) + "-wal"
			fi, err := os.Stat(wal)
			if err != nil {
				t.Fatal(err)
			}
			var old syscall.Rlimit
			if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				t.Fatal(err)
			}
			lim := syscall.Rlimit{Cur: uint64(fi.Size() + room*(4096+24)), Max: old.Max}
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
				t.Fatal(err)
			}
			res, runErr := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				t.Fatal(err)
			}
			status := ""
			if res.Summary != nil {
				status = res.Summary.Status
				t.Logf("full-disk run: %v status=%q msg=%q created=%d", runErr, status, res.Summary.Message, res.Summary.Created)
			} else {
				t.Logf("full-disk run: %v", runErr)
			}
			if runErr == nil && status == "success" && srv.Salesforce().Count("Contact") != sf+12 {
				t.Errorf("run said success but Salesforce has %d contacts, want %d", srv.Salesforce().Count("Contact"), sf+12)
			}
			after, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("run after space is back: %v %+v", err, after.Summary)
			}
			if got := srv.Salesforce().Count("Contact"); got != sf+12 {
				t.Errorf("Salesforce has %d contacts, want %d (duplicates or lost creates)", got, sf+12)
			}
			if got := srv.HubSpot().Count("contacts"); got != hs {
				t.Errorf("HubSpot has %d contacts, want %d (echo creates)", got, hs)
			}
			again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatal(err)
			}
			if s := again.Summary; s.Created+s.Updated+s.Deleted != 0 {
				t.Errorf("third run wrote %+v; want nothing\n%s", s, again.Plan.Summary())
			}
		})
	}
}
