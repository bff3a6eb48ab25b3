package salesforce

import (
	"slices"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// In an org with State and Country/Territory Picklists the text address
// fields read as restricted picklists of the names, labelled with codes,
// and the state depends on the country through describe's validFor; the
// same org without the setting keeps plain text fields.
func TestStateCountrySchema(t *testing.T) {
	plain := newOrg(t)
	sc, err := plain.connect(t, 0).Schema(bg, "Contact")
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := sc.Field("MailingCountry"); f.Type != connector.TypeString || f.Controller != "" || len(f.Options) != 0 {
		t.Errorf("MailingCountry without the setting = %+v; want plain text", f)
	}

	o := newOrg(t)
	if err := o.sim.EnableStateCountryPicklists(); err != nil {
		t.Fatal(err)
	}
	sc, err = o.connect(t, 0).Schema(bg, "Contact")
	if err != nil {
		t.Fatal(err)
	}
	country, _ := sc.Field("MailingCountry")
	if country.Type != connector.TypeEnum || country.Unrestricted ||
		!slices.Contains(country.Options, connector.Option{Value: "United States", Label: "US"}) {
		t.Errorf("MailingCountry = %+v; want a restricted picklist holding United States labelled US", country)
	}
	state, _ := sc.Field("MailingState")
	if state.Controller != "MailingCountry" || !slices.Equal(state.ValidFor["Western Australia"], []string{"Australia"}) ||
		!slices.Equal(state.ValidFor["Washington"], []string{"United States"}) {
		t.Errorf("MailingState controller %q, validFor %v; want MailingCountry, Western Australia under Australia", state.Controller, state.ValidFor)
	}
	if code, _ := sc.Field("MailingStateCode"); code.Controller != "MailingCountryCode" || len(code.ValidFor["QC"]) != 1 {
		t.Errorf("MailingStateCode controller %q, validFor %v; want MailingCountryCode, QC under one country", code.Controller, code.ValidFor)
	}
}
