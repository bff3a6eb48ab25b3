package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLostCreateFoundManyErrorSaysHeld: a create batch loses
// HubSpot's answer (a 502 text/plain) and the lookup after it finds the
// key on two companies (a colleague entered the same one meanwhile). The
// run's error for that Account must say what happened in words a person
// acts on: the answer was lost, the lookup found two records holding the
// phone, and the record is held for Review, not sent again; not only the
// gateway's transport text.
func TestLostCreateFoundManyErrorSaysHeld(t *testing.T) {
	a, srv, tr, clock := lossyClockedApp(t, 41, 6)
	def := auditPhoneCompanies(t, a)
	clock.step(time.Minute)
	const phone = "+14155550171"
	acc, err := srv.Salesforce().Create("Account", map[string]string{"Name": "Held Twin Co", "Phone": phone})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	var once sync.Once
	tr.setHook(func(r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/companies/search") || len(tr.lostCalls()) == 0 {
			return
		}
		once.Do(func() {
			if _, err := srv.HubSpot().Create("companies", map[string]string{"name": "Held Twin Co", "phone": phone}); err != nil {
				t.Errorf("colleague's company: %v", err)
			}
		})
	})
	tr.arm(1, postTo("/companies/batch/create"))
	_, errs := runAndErrors(t, a, def.Name)
	held := hsCompaniesWithPhone(srv, phone)
	if len(tr.lostCalls()) != 1 || len(held) != 2 {
		t.Fatalf("the create answer was not lost with a colleague's twin made: lost %v, companies with the phone %v", tr.lostCalls(), held)
	}
	var msg string
	for _, e := range errs {
		if e.RecordID == acc.ID {
			msg = e.Message
		}
	}
	if msg == "" {
		t.Fatalf("no run error for Salesforce Account %s: %+v", acc.ID, errs)
	}
	for _, want := range append([]string{"lost", "found 2", "phone", "4155550171", "Review", "not sent again"}, held...) {
		if !strings.Contains(msg, want) {
			t.Errorf("the run's error for Account %s does not say %q: %q", acc.ID, want, msg)
		}
	}
	items, err := a.Reviews(context.Background(), def.Name, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range items {
		if it.RecordID == acc.ID {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d open Review items hold Account %s after the run that said it is held there; want one", n, acc.ID)
	}
}
