package salesforce

import (
	"encoding/base64"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// State and Country/Territory Picklists. With the org setting on, each
// address's text State/Province and Country fields (MailingState,
// BillingCountry…) take only an integration value, by default the
// state's or country's full name, and Salesforce refuses anything else
// with FIELD_INTEGRITY_EXCEPTION ("There's a problem with this country,
// even though it may appear correct"). Describe shows the setting as a
// picklist beside each of them, <field>Code, whose values are the ISO
// codes and whose labels the names (Salesforce Help, "Integration Values
// for State and Country/Territory Picklists").
//
// The connector then presents the text field as a restricted picklist of
// those names, each labelled with its code: the mapping layer writes "us"
// or "united states" as "United States", compares it back without a
// change, and sends a value matching no name or code ("USA") to review
// before any call. Integration values an admin renamed are not in
// describe: such an org refuses the names, and its errors still say so.

// addressCodeField is the code picklist of a text address field in an org
// with State and Country/Territory Picklists, if it has one.
func addressCodeField(d *describeResult, f describeField) (describeField, bool) {
	if f.Type != "string" || !strings.HasSuffix(f.Name, "State") && !strings.HasSuffix(f.Name, "Country") {
		return describeField{}, false
	}
	for _, c := range d.Fields {
		if c.Name == f.Name+"Code" && c.Type == "picklist" {
			return c, true
		}
	}
	return describeField{}, false
}

// asAddressPicklist turns cf, a text address field, into a restricted
// picklist of the names its code picklist accepts, each once, labelled
// with its code.
func asAddressPicklist(cf *connector.Field, code describeField) {
	cf.Type, cf.Unrestricted, cf.Options = connector.TypeEnum, false, nil
	seen := map[string]bool{}
	for _, pv := range code.PicklistValues {
		if pv.Active && !seen[pv.Label] {
			seen[pv.Label] = true
			cf.Options = append(cf.Options, connector.Option{Value: pv.Label, Label: pv.Value})
		}
	}
}

// dependsOn fills cf's Controller and ValidFor from dep, a dependent
// picklist (describe's controllerName, and on each value validFor: a
// base64 bitmap whose bit i, most significant first, says the value is
// valid when the controller holds its i-th picklist value). address:
// dep is an address code field standing for cf, so both sides are named
// by their text fields (names, not codes). A controller that is no
// picklist (a checkbox) is left alone.
func dependsOn(cf *connector.Field, d *describeResult, dep describeField, address bool) {
	if dep.ControllerName == "" {
		return
	}
	var ctrl describeField
	for _, f := range d.Fields {
		if f.Name == dep.ControllerName {
			ctrl = f
		}
	}
	if ctrl.Type != "picklist" {
		return
	}
	cf.Controller = ctrl.Name
	if address {
		cf.Controller = strings.TrimSuffix(ctrl.Name, "Code")
	}
	cf.ValidFor = map[string][]string{}
	for _, pv := range dep.PicklistValues {
		bits, err := base64.StdEncoding.DecodeString(pv.ValidFor)
		if !pv.Active || err != nil {
			continue
		}
		v := pv.Value
		if address {
			v = pv.Label
		}
		for i, c := range ctrl.PicklistValues {
			if i/8 < len(bits) && bits[i/8]&(0x80>>(i%8)) != 0 {
				cv := c.Value
				if address {
					cv = c.Label
				}
				cf.ValidFor[v] = append(cf.ValidFor[v], cv)
			}
		}
	}
}
