package hubspot

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// A multiple-checkboxes property is a multi-select with its options, read
// and written as HubSpot's own "A;B"; an option HubSpot does not have fails
// that one record with HubSpot's message and the property's name.
func TestMultipleCheckboxesAgainstSandbox(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 3})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	sc, err := c.Schema(t.Context(), "contacts")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Field("hs_buying_role")
	if !ok || f.Type != connector.TypeMulti || len(f.Options) != 9 || f.Options[3] != (connector.Option{Value: "DECISION_MAKER", Label: "Decision Maker"}) {
		t.Fatalf("hs_buying_role = %+v; want a multi-select with HubSpot's nine options", f)
	}
	if f, _ := sc.Field("lifecyclestage"); f.Type != connector.TypeEnum {
		t.Errorf("lifecyclestage (radio) = %s; want enum", f.Type)
	}

	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"email": "two.roles@example.com", "lastname": "Roles", "hs_buying_role": "END_USER;CHAMPION"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"email": "poet@example.com", "lastname": "Poet", "hs_buying_role": "CHAMPION;POET"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil {
		t.Fatalf("valid selection: %v", res[0].Err)
	}
	if got, _ := e.sim.Get("contacts", res[0].ID); got.Properties["hs_buying_role"] != "END_USER;CHAMPION" {
		t.Errorf("stored hs_buying_role = %q; want END_USER;CHAMPION", got.Properties["hs_buying_role"])
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != "hs_buying_role" || !strings.Contains(re.Message, "POET was not one of the allowed options") {
		t.Fatalf("unknown option: %#v; want a record error on hs_buying_role with HubSpot's message", res[1].Err)
	}
	if e.sim.Count("contacts") != 1 {
		t.Errorf("%d contacts stored; want only the valid one", e.sim.Count("contacts"))
	}

	var got string
	for p, err := range c.Read(t.Context(), "contacts", "") {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			if r.ID == res[0].ID {
				got = r.Fields["hs_buying_role"]
			}
		}
	}
	if got != "END_USER;CHAMPION" {
		t.Errorf("read hs_buying_role = %q; want END_USER;CHAMPION", got)
	}
}
