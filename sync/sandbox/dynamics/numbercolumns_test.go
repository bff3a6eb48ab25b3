package dynamics

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestNumberColumnsWire: a Decimal column of 2 places and a Float
// column of 1 place report their Precision in their metadata casts
// (DecimalAttributeMetadata, DoubleAttributeMetadata) and store a value
// rounded to it; a money column of PrecisionSource 1 reports it and is
// stored at the organization's pricingdecimalprecision, which the
// organization row serves. New sandbox behaviour: kept as its coverage.
func TestNumberColumnsWire(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.sim.AddNumberColumn("contacts", "crmsync_score", "Score", DecimalColumn, 2); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.AddNumberColumn("contacts", "crmsync_ratio", "Ratio", FloatColumn, 1); err != nil {
		t.Fatal(err)
	}
	for cast, col := range map[string]string{"DecimalAttributeMetadata": "crmsync_score", "DoubleAttributeMetadata": "crmsync_ratio"} {
		r := e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes/Microsoft.Dynamics.CRM."+cast+"?$select=LogicalName,Precision", nil), 200)
		found := false
		for _, v := range r.values() {
			if v["LogicalName"] == col {
				found = fmt.Sprint(v["Precision"]) == map[string]string{"crmsync_score": "2", "crmsync_ratio": "1"}[col]
			}
		}
		if !found {
			t.Errorf("%s does not list %s with its Precision: %s", cast, col, r.raw)
		}
	}
	in := e.must(e.do("POST", "contacts?$select=crmsync_score,crmsync_ratio", map[string]any{"lastname": "Precise",
		"crmsync_score": json.Number("1234.5678"), "crmsync_ratio": json.Number("1234.5678")}, "Prefer", "return=representation"), 201)
	if got := fmt.Sprint(in.body["crmsync_score"]); got != "1234.57" {
		t.Errorf("Decimal of 2 places stored 1234.5678 as %s, want 1234.57", got)
	}
	if got := fmt.Sprint(in.body["crmsync_ratio"]); got != "1234.6" {
		t.Errorf("Float of 1 place stored 1234.5678 as %s, want 1234.6", got)
	}

	if err := e.sim.UsePricingPrecision("opportunities", "estimatedvalue"); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.SetPricingPrecision(1); err != nil {
		t.Fatal(err)
	}
	org := e.must(e.do("GET", "organizations?$select=pricingdecimalprecision", nil), 200)
	if v := org.values(); len(v) != 1 || fmt.Sprint(v[0]["pricingdecimalprecision"]) != "1" {
		t.Errorf("organization's pricingdecimalprecision: %s", org.raw)
	}
	money := e.must(e.do("GET", "EntityDefinitions(LogicalName='opportunity')/Attributes/Microsoft.Dynamics.CRM.MoneyAttributeMetadata?$select=LogicalName,PrecisionSource", nil), 200)
	for _, v := range money.values() {
		if v["LogicalName"] == "estimatedvalue" && fmt.Sprint(v["PrecisionSource"]) != "1" {
			t.Errorf("estimatedvalue's PrecisionSource is %v, want 1", v["PrecisionSource"])
		}
	}
	opp := e.must(e.do("POST", "opportunities?$select=estimatedvalue", map[string]any{"name": "Priced", "estimatedvalue": json.Number("1234.56")},
		"Prefer", "return=representation"), 201)
	if got := fmt.Sprint(opp.body["estimatedvalue"]); got != "1234.6" {
		t.Errorf("estimatedvalue of PrecisionSource 1 stored 1234.56 as %s, want 1234.6", got)
	}
}
