package dynamics

import (
	"context"
	"fmt"
	"slices"

	"github.com/crmsync/crmsync/sync/connector"
)

// moneyScale is the places Dataverse stores a money column at
// (MoneyAttributeMetadata): its own Precision, 0 to 4, where 0 is whole
// numbers, not "keeps what it is sent" (connector.WholeNumbers); and,
// for PrecisionSource 2, the row's currency's currencyprecision instead,
// named by ScaleBy (Scales come from the currencies, withCurrencyOptions).
// For PrecisionSource 1, Precision holds the organization's pricing
// decimal precision (readPricingPrecision). A column whose metadata names
// no Precision is taken to keep what it is sent (Scale 0).
func moneyScale(a attribute) (scale int, scaleBy string) {
	if a.Precision != nil {
		scale = *a.Precision
		if scale == 0 {
			scale = connector.WholeNumbers
		}
	}
	if a.PrecisionSource != nil && *a.PrecisionSource == 2 {
		scaleBy = currencyField
	}
	return scale, scaleBy
}

// numberScale is the places Dataverse stores a Decimal column
// (DecimalAttributeMetadata.Precision, 0 to 10) or a Float column
// (DoubleAttributeMetadata.Precision, 0 to 5) at: a value written with
// more places reads back rounded, so crmsync rounds it there before
// comparing and writing, as for money. 0 is whole numbers; no Precision
// is taken to keep what it is sent (Scale 0).
func numberScale(a attribute) int {
	if a.Precision == nil {
		return 0
	}
	if *a.Precision == 0 {
		return connector.WholeNumbers
	}
	return *a.Precision
}

// numberCasts are the metadata casts that hold a number column's
// Precision, by AttributeType.
var numberCasts = map[string]string{"Decimal": "DecimalAttributeMetadata", "Double": "DoubleAttributeMetadata"}

// readNumberPrecisions sets the Precision of attrs' Decimal and Float
// columns from their casts: one call for each kind the table has, none
// for a table without them.
func (c *Connector) readNumberPrecisions(ctx context.Context, def string, attrs []attribute) error {
	for _, kind := range []string{"Decimal", "Double"} {
		if !slices.ContainsFunc(attrs, func(a attribute) bool { return a.AttributeType == kind }) {
			continue
		}
		var cast struct {
			Value []attribute `json:"value"`
		}
		if err := c.getJSON(ctx, def+"/Attributes/Microsoft.Dynamics.CRM."+numberCasts[kind]+"?$select=LogicalName,Precision", &cast); err != nil {
			return fmt.Errorf("dynamics: precision of the %s columns: %w", kind, err)
		}
		for _, p := range cast.Value {
			if i := slices.IndexFunc(attrs, func(a attribute) bool { return a.LogicalName == p.LogicalName }); i >= 0 {
				attrs[i].Precision = p.Precision
			}
		}
	}
	return nil
}

// pricingQuery reads the organization's pricing decimal precision, the
// places of money columns of PrecisionSource 1 ("Precision specified in
// Organization.PricingDecimalPrecision attribute should be used",
// MoneyAttributeMetadata.PrecisionSource).
const pricingQuery = "/organizations?$select=pricingdecimalprecision"

// readPricingPrecision sets the Precision of attrs' money columns of
// PrecisionSource 1 to the organization's pricing decimal precision: one
// call, only for a table that has such a column. It is kept with the
// table's definition, so a change of the setting is seen when that is
// next read.
func (c *Connector) readPricingPrecision(ctx context.Context, attrs []attribute) error {
	byOrg := func(a attribute) bool { return a.PrecisionSource != nil && *a.PrecisionSource == 1 }
	if !slices.ContainsFunc(attrs, byOrg) {
		return nil
	}
	var body struct {
		Value []struct {
			Places *int `json:"pricingdecimalprecision"`
		} `json:"value"`
	}
	if err := c.getJSON(ctx, pricingQuery, &body); err != nil {
		return fmt.Errorf("dynamics: the organization's pricing decimal precision: %w", err)
	}
	if len(body.Value) == 0 || body.Value[0].Places == nil {
		return &connector.Error{Vendor: vendor, Endpoint: "GET " + apiRoot + "/organizations", Category: connector.CatServer,
			Message: `the organization row has no "pricingdecimalprecision"`}
	}
	for i := range attrs {
		if byOrg(attrs[i]) {
			attrs[i].Precision = body.Value[0].Places
		}
	}
	return nil
}
