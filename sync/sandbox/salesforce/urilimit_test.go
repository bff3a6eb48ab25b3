package salesforce

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A SOQL query whose GET URI is over 16,384 bytes is refused with 414,
// as Salesforce refuses it (Help article 000386264); one under it runs,
// custom fields included.
func TestQueryURIOverLimitIs414(t *testing.T) {
	e := newEnv(t, Options{})
	var names []string
	for i := range 600 {
		names = append(names, fmt.Sprintf("Customer_Preference_%03d__c", i))
	}
	if err := e.sim.AddCustomFields("Contact", names...); err != nil {
		t.Fatal(err)
	}
	seedContacts(t, e.sim, 1)
	short := "SELECT Id, " + strings.Join(names[:50], ", ") + " FROM Contact"
	if resp, raw := e.do("GET", v+"/query?q="+url.QueryEscape(short), nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("short query: %d %s", resp.StatusCode, raw)
	}
	long := "SELECT Id, " + strings.Join(names, ", ") + " FROM Contact"
	if n := len(v + "/query?q=" + url.QueryEscape(long)); n <= maxRequestHead {
		t.Fatalf("test query URI is only %d bytes", n)
	}
	if resp, raw := e.do("GET", v+"/query?q="+url.QueryEscape(long), nil); resp.StatusCode != http.StatusRequestURITooLong {
		t.Fatalf("query with a %d-byte URI: %d %.200s, want 414", len(long), resp.StatusCode, raw)
	}
}
