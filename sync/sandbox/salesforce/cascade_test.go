package salesforce

import (
	"net/url"
	"testing"
)

// TestAccountDeleteCascades deletes an Account over REST: Salesforce
// moves its Contacts, Opportunities and their activities and notes to the
// recycle bin with it (Help, "Delete Accounts"), so queryAll reads them
// as deleted and query no longer lists them; a record of another Account
// stays. Restoring the Account restores them.
func TestAccountDeleteCascades(t *testing.T) {
	e := newEnv(t, Options{})
	mk := func(object string, f map[string]string) string {
		t.Helper()
		r, err := e.sim.Create(object, f)
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	acct := mk("Account", map[string]string{"Name": "Acme"})
	other := mk("Account", map[string]string{"Name": "Other"})
	c := mk("Contact", map[string]string{"LastName": "One", "AccountId": acct})
	keep := mk("Contact", map[string]string{"LastName": "Two", "AccountId": other})
	opp := mk("Opportunity", map[string]string{"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2026-12-01", "AccountId": acct})
	task := mk("Task", map[string]string{"Subject": "Call", "WhoId": c})
	keepTask := mk("Task", map[string]string{"Subject": "Call", "WhoId": keep})
	note := mk("Note", map[string]string{"Title": "n", "ParentId": opp})
	if r, raw := e.do("DELETE", v+"/sobjects/Account/"+acct, nil); r.StatusCode != 204 {
		t.Fatalf("delete: %d %s", r.StatusCode, raw)
	}
	deleted := func(object, id string) bool {
		t.Helper()
		q := url.QueryEscape("SELECT Id, IsDeleted FROM " + object + " WHERE Id = '" + id + "'")
		r, raw := e.do("GET", v+"/queryAll?q="+q, nil)
		if r.StatusCode != 200 {
			t.Fatalf("queryAll %s: %d %s", object, r.StatusCode, raw)
		}
		p := decode[struct{ Records []map[string]any }](t, raw)
		return len(p.Records) == 1 && p.Records[0]["IsDeleted"] == true
	}
	for _, x := range [][2]string{{"Contact", c}, {"Opportunity", opp}, {"Task", task}, {"Note", note}} {
		if !deleted(x[0], x[1]) {
			t.Errorf("%s %s of the deleted Account is not in the recycle bin", x[0], x[1])
		}
	}
	if deleted("Contact", keep) || deleted("Task", keepTask) {
		t.Error("another Account's Contact or its Task was deleted")
	}
	if err := e.sim.Undelete("Account", acct); err != nil {
		t.Fatal(err)
	}
	if deleted("Contact", c) || deleted("Task", task) || deleted("Note", note) {
		t.Error("restoring the Account left its Contact, Task or Note in the recycle bin")
	}
}

// TestContactDeleteCascadesInCollection deletes a Contact through
// sObject Collections: its Task goes too; with allOrNone and a failing
// id, nothing is deleted.
func TestContactDeleteCascadesInCollection(t *testing.T) {
	e := newEnv(t, Options{})
	c, _ := e.sim.Create("Contact", map[string]string{"LastName": "One"})
	task, _ := e.sim.Create("Task", map[string]string{"Subject": "Call", "WhoId": c.ID})
	if r, raw := e.do("DELETE", v+"/composite/sobjects?allOrNone=true&ids="+c.ID+",003000000000999AAA", nil); r.StatusCode != 200 {
		t.Fatalf("delete: %d %s", r.StatusCode, raw)
	}
	if r, _ := e.sim.Get("Task", task.ID); r.Deleted {
		t.Fatal("a rolled-back collection delete left the Contact's Task deleted")
	}
	if r, raw := e.do("DELETE", v+"/composite/sobjects?ids="+c.ID, nil); r.StatusCode != 200 {
		t.Fatalf("delete: %d %s", r.StatusCode, raw)
	}
	if r, _ := e.sim.Get("Task", task.ID); !r.Deleted {
		t.Fatal("the deleted Contact's Task is still live")
	}
}
