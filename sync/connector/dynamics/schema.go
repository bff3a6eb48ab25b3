package dynamics

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// attribute is one column of a table definition, as the Web API's
// AttributeMetadata gives it, with the string columns' MaxLength and
// Format merged in.
type attribute struct {
	LogicalName   string `json:"LogicalName"`
	AttributeType string `json:"AttributeType"`
	// AttributeTypeName tells the virtual columns apart: a multi-select
	// choice column is AttributeType "Virtual" with AttributeTypeName
	// "MultiSelectPicklistType".
	AttributeTypeName struct {
		Value string `json:"Value"`
	} `json:"AttributeTypeName"`
	AttributeOf   string `json:"AttributeOf"`
	RequiredLevel struct {
		Value string `json:"Value"`
	} `json:"RequiredLevel"`
	IsValidForCreate *bool `json:"IsValidForCreate"`
	IsValidForUpdate *bool `json:"IsValidForUpdate"`
	IsValidForRead   *bool `json:"IsValidForRead"`
	// IsSecured marks column-level security: a caller without read
	// permission reads null, which cannot be told from an empty value.
	IsSecured bool `json:"IsSecured"`
	// DefaultValue is a Boolean column's (BooleanAttributeMetadata).
	DefaultValue *bool `json:"DefaultValue,omitempty"`
	DisplayName  struct {
		UserLocalizedLabel *struct {
			Label string `json:"Label"`
		} `json:"UserLocalizedLabel"`
	} `json:"DisplayName"`
	MaxLength int `json:"MaxLength,omitempty"`
	// Precision is a money, Decimal or Float column's decimal places:
	// Dataverse rounds a value to it when it stores it (MoneyAttributeMetadata,
	// DecimalAttributeMetadata, DoubleAttributeMetadata); 0 is whole
	// numbers, nil unknown (no rounding assumed).
	Precision *int `json:"Precision,omitempty"`
	// PrecisionSource 2: stored at the row's currency's currencyprecision
	// instead; 1: at the organization's pricing decimal precision, which
	// Precision then holds (MoneyAttributeMetadata.PrecisionSource).
	PrecisionSource *int     `json:"PrecisionSource,omitempty"`
	Format          string   `json:"Format,omitempty"`
	Options         []option `json:"Options,omitempty"`
	// Behavior is a date column's DateTimeBehavior: only DateOnly holds a
	// date on the wire. A UserLocal column formatted DateOnly (a phone
	// call's actualend) is an Edm.DateTimeOffset, Format being display.
	Behavior *struct {
		Value string `json:"Value"`
	} `json:"DateTimeBehavior,omitempty"`
}

// option is one choice of a picklist column, as its OptionSet lists it.
type option struct {
	Value int `json:"Value"`
	Label struct {
		UserLocalizedLabel *struct {
			Label string `json:"Label"`
		} `json:"UserLocalizedLabel"`
	} `json:"Label"`
}

// definition is what the schema is built from, as cached between runs.
type definition struct {
	Attributes []attribute `json:"attributes"`
	// EmailKey is the alternate key defined on the email alone, when the
	// organization has one and its index is active.
	EmailKey string `json:"email_key,omitempty"`
	// Relations are the table's lookups, one per table a lookup may
	// point at, with the navigation property a write binds.
	Relations []relation `json:"relations,omitempty"`
}

// relation is one lookup's target, from the table's
// ManyToOneRelationships.
type relation struct {
	Attr   string `json:"ReferencingAttribute"`
	Target string `json:"ReferencedEntity"`
	Nav    string `json:"ReferencingEntityNavigationPropertyName"`
}

// navField is a lookup offered as a field of its own per target table,
// named after its navigation property (parentcustomerid_account): read
// from _parentcustomerid_value when the row's lookup points at that table,
// written with "parentcustomerid_account@odata.bind": "/accounts(<id>)".
type navField struct {
	value  string // the _x_value property a query returns
	target table
	only   bool // the lookup has no other target: its id needs no annotation
	// owner marks ownerid (users.go): bound to systemusers, and read as
	// the id whatever table it names (a team's id matches no user).
	owner bool
	// currency marks transactioncurrencyid, read and written by ISO code.
	currency bool
}

// schema is a table's columns as the connector offers them, with the
// Dataverse type of each, which reading and writing follow.
type schema struct {
	connector.Schema
	table    table
	types    map[string]string // logical name -> AttributeType
	emailKey bool              // an upsert by emailaddress1 is possible
	navs     map[string]navField
	// secured are the columns under column-level security: their null
	// is not read (toRecord).
	secured map[string]bool
	// later are the columns valid for an update but not for a create
	// (statecode): a create sets them with a PATCH after it (later.go, createOp).
	later map[string]bool
	// cur translates the currency field's codes (currencies.go); nil
	// when the table has none.
	cur *currencyMap
}

// Schema lists the table's columns from its definition
// (EntityDefinitions(LogicalName='contact')/Attributes, the string
// columns' lengths and formats, and the alternate keys). It is held for
// the connector's lifetime and kept in the metadata cache between runs; a
// ctx marked with connector.WithFreshSchema asks Dataverse.
func (c *Connector) Schema(ctx context.Context, object string) (connector.Schema, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return connector.Schema{}, err
	}
	out, err := c.withOwners(ctx, sc, connector.FreshSchema(ctx))
	if err != nil {
		return connector.Schema{}, err
	}
	return withCurrencyOptions(sc, out), nil
}

// schemaOf is the held schema, its currency map filled.
func (c *Connector) schemaOf(ctx context.Context, object string) (*schema, error) {
	sc, err := c.schemaDef(ctx, object)
	if err != nil {
		return nil, err
	}
	if err := c.loadCurrencies(ctx, sc); err != nil {
		return nil, err
	}
	return sc, nil
}

func (c *Connector) schemaDef(ctx context.Context, object string) (*schema, error) {
	t, err := c.tableFor(ctx, object)
	if err != nil {
		return nil, err
	}
	// "definition6": definitions cached before AttributeTypeName,
	// IsSecured and a money column's Precision and PrecisionSource were
	// read would hide the multi-select columns, read a secured column's
	// null as a blank and compare a rounded amount as an edit; those
	// before definition6 dropped a Precision of 0 (whole numbers);
	// "definition7": those before it lacked the Precision of Decimal and
	// Float columns, and so compared a rounded value as an edit.
	key := definitionKey(t.logical)
	if !connector.FreshSchema(ctx) {
		c.mu.Lock()
		sc := c.schemas[object]
		c.mu.Unlock()
		if sc != nil {
			return sc, nil
		}
		if b, ok, _ := c.meta.Lookup(ctx, key); ok {
			var d definition
			if json.Unmarshal(b, &d) == nil && len(d.Attributes) > 0 {
				if err := c.refreshSecured(ctx, t, d.Attributes); err != nil {
					return nil, err
				}
				return c.hold(t, d), nil
			}
		}
	}
	d, err := c.fetchDefinition(ctx, t)
	if err != nil {
		return nil, err
	}
	if b, err := json.Marshal(d); err == nil {
		_ = c.meta.Store(ctx, key, b) // the cache's owner logs its failures
	}
	return c.hold(t, d), nil
}

// fetchDefinition reads a table's definition: seven calls, and one more
// for each of Decimal and Float columns the table has (their Precision).
func (c *Connector) fetchDefinition(ctx context.Context, t table) (definition, error) {
	var d definition
	def := "/EntityDefinitions(LogicalName='" + t.logical + "')"
	var attrs struct {
		Value []attribute `json:"value"`
	}
	if err := c.getJSON(ctx, def+"/Attributes?$select=LogicalName,AttributeType,AttributeTypeName,AttributeOf,RequiredLevel,IsValidForCreate,IsValidForUpdate,IsValidForRead,IsSecured,DisplayName", &attrs); err != nil {
		return d, err
	}
	if len(attrs.Value) == 0 {
		return d, &connector.Error{Vendor: vendor, Endpoint: "GET " + apiRoot + "/EntityDefinitions({id})/Attributes", Category: connector.CatServer,
			Message: "the definition of " + t.logical + " lists no column"}
	}
	var strs struct {
		Value []attribute `json:"value"`
	}
	if err := c.getJSON(ctx, def+"/Attributes/Microsoft.Dynamics.CRM.StringAttributeMetadata?$select=LogicalName,MaxLength,Format", &strs); err != nil {
		return d, err
	}
	// A date column says in its own cast whether it holds a date only.
	var dates struct {
		Value []attribute `json:"value"`
	}
	if err := c.getJSON(ctx, def+"/Attributes/Microsoft.Dynamics.CRM.DateTimeAttributeMetadata?$select=LogicalName,Format,DateTimeBehavior", &dates); err != nil {
		return d, err
	}
	// A picklist's choices come with its OptionSet, and so do a
	// multi-select choice column's (MultiSelectPicklistAttributeMetadata,
	// https://learn.microsoft.com/power-apps/developer/data-platform/multi-select-picklist).
	type withOptions struct {
		Value []struct {
			LogicalName string `json:"LogicalName"`
			OptionSet   struct {
				Options []option `json:"Options"`
			} `json:"OptionSet"`
		} `json:"value"`
	}
	var picks, multis, states withOptions
	if err := c.getJSON(ctx, def+"/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)", &picks); err != nil {
		return d, err
	}
	// A state column (statecode) is an EnumAttributeMetadata too, its
	// OptionSet the states' labels (StateOptionMetadata: Value, Label), so
	// a note can say "Won (1)", not "1".
	if err := c.getJSON(ctx, def+"/Attributes/Microsoft.Dynamics.CRM.StateAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)", &states); err != nil {
		return d, err
	}
	if err := c.getJSON(ctx, def+"/Attributes/Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)", &multis); err != nil {
		return d, err
	}
	// A Boolean column is never null: it starts at its DefaultValue.
	var bools struct {
		Value []attribute `json:"value"`
	}
	if err := c.getJSON(ctx, def+"/Attributes/Microsoft.Dynamics.CRM.BooleanAttributeMetadata?$select=LogicalName,DefaultValue", &bools); err != nil {
		return d, err
	}
	// A money column is stored at its precision: a value written with
	// more places reads back rounded (MoneyAttributeMetadata.Precision).
	var money struct {
		Value []attribute `json:"value"`
	}
	if err := c.getJSON(ctx, def+"/Attributes/Microsoft.Dynamics.CRM.MoneyAttributeMetadata?$select=LogicalName,Precision,PrecisionSource", &money); err != nil {
		return d, err
	}
	extra := make(map[string]attribute, len(strs.Value)+len(dates.Value)+len(picks.Value)+len(multis.Value)+len(states.Value)+len(bools.Value)+len(money.Value))
	for _, a := range slices.Concat(strs.Value, dates.Value, bools.Value, money.Value) {
		extra[a.LogicalName] = a
	}
	for _, p := range slices.Concat(picks.Value, multis.Value, states.Value) {
		extra[p.LogicalName] = attribute{Options: p.OptionSet.Options}
	}
	for i, a := range attrs.Value {
		if s, ok := extra[a.LogicalName]; ok {
			attrs.Value[i].MaxLength, attrs.Value[i].Format, attrs.Value[i].Options = s.MaxLength, s.Format, s.Options
			attrs.Value[i].DefaultValue, attrs.Value[i].Behavior, attrs.Value[i].Precision = s.DefaultValue, s.Behavior, s.Precision
			attrs.Value[i].PrecisionSource = s.PrecisionSource
		}
	}
	d.Attributes = attrs.Value
	if err := c.readNumberPrecisions(ctx, def, d.Attributes); err != nil {
		return d, err
	}
	if err := c.readPricingPrecision(ctx, d.Attributes); err != nil {
		return d, err
	}
	var keys struct {
		Value []struct {
			LogicalName          string   `json:"LogicalName"`
			KeyAttributes        []string `json:"KeyAttributes"`
			EntityKeyIndexStatus string   `json:"EntityKeyIndexStatus"`
		} `json:"value"`
	}
	if err := c.getJSON(ctx, def+"/Keys?$select=LogicalName,KeyAttributes,EntityKeyIndexStatus", &keys); err != nil {
		return d, err
	}
	for _, k := range keys.Value {
		if len(k.KeyAttributes) == 1 && k.KeyAttributes[0] == "emailaddress1" && k.EntityKeyIndexStatus == "Active" {
			d.EmailKey = k.LogicalName
		}
	}
	var rels struct {
		Value []relation `json:"value"`
	}
	if err := c.getJSON(ctx, def+"/ManyToOneRelationships?$select=ReferencingAttribute,ReferencedEntity,ReferencingEntityNavigationPropertyName", &rels); err != nil {
		return d, err
	}
	d.Relations = rels.Value
	return d, nil
}

// refreshSecured sets which columns are secured now: an administrator
// may secure a column after the definition was cached, and a secured
// column's null must never read as a blank. One call, as the connector
// holds the schema for its lifetime.
func (c *Connector) refreshSecured(ctx context.Context, t table, attrs []attribute) error {
	var now struct {
		Value []attribute `json:"value"`
	}
	if err := c.getJSON(ctx, "/EntityDefinitions(LogicalName='"+t.logical+"')/Attributes?$select=LogicalName,IsSecured", &now); err != nil {
		return fmt.Errorf("dynamics: which columns of %s are secured: %w", t.logical, err)
	}
	secured := make(map[string]bool, len(now.Value))
	for _, a := range now.Value {
		secured[a.LogicalName] = a.IsSecured
	}
	for i := range attrs {
		attrs[i].IsSecured = secured[attrs[i].LogicalName]
	}
	return nil
}

// getJSON runs one GET of a collection and decodes a 200's body into out.
func (c *Connector) getJSON(ctx context.Context, path string, out any) error {
	r, err := c.get(ctx, path, nil)
	if err != nil {
		return err
	}
	if r.Status != http.StatusOK {
		return r.apiError()
	}
	if err := r.Decode(out); err != nil {
		return err
	}
	var list struct {
		Value json.RawMessage `json:"value"`
	}
	if r.Decode(&list) != nil || len(list.Value) == 0 || string(list.Value) == "null" {
		// A collection always has its "value" list, [] when empty: an
		// answer without one (a gateway's JSON) is not a table without
		// options, keys or secured columns, which would be cached as one.
		return r.Fail(`answer has no "value" list`)
	}
	return nil
}

// notOffered are column types a sync cannot carry: virtual name columns,
// table names, activity parties and the like. (Lookups are offered per
// target table below, and the owner as a picklist of users: users.go.)
var notOffered = map[string]bool{"Virtual": true, "EntityName": true, "PartyList": true, "CalendarRules": true, "ManagedProperty": true}

// hold builds the schema from the definition and keeps it.
func (c *Connector) hold(t table, d definition) *schema {
	sc := &schema{Schema: connector.Schema{Object: t.set}, table: t, types: map[string]string{}, emailKey: d.EmailKey != "", navs: map[string]navField{}, secured: map[string]bool{}, later: map[string]bool{}}
	byTarget := map[string]table{}
	for _, tt := range tables {
		byTarget[tt.logical] = tt
	}
	rels := map[string][]relation{}
	for _, r := range d.Relations {
		rels[r.Attr] = append(rels[r.Attr], r)
	}
	for _, a := range d.Attributes {
		if isMulti(a) {
			a.AttributeType = multiSelect
		}
		if a.LogicalName == "" || a.AttributeOf != "" || notOffered[a.AttributeType] || (a.IsValidForRead != nil && !*a.IsValidForRead) {
			continue
		}
		name := a.LogicalName
		if a.AttributeType == "Lookup" || a.AttributeType == "Customer" || a.AttributeType == "Owner" {
			name = "_" + name + "_value" // how a query returns a lookup's id
		}
		create := a.IsValidForCreate == nil || *a.IsValidForCreate
		update := a.IsValidForUpdate == nil || *a.IsValidForUpdate
		ro := !create && !update || name != a.LogicalName || a.LogicalName == t.id || a.AttributeType == "Uniqueidentifier"
		f := connector.Field{
			Name:  name,
			Label: a.LogicalName,
			Type:  fieldType(a),
			// State, status and Boolean columns always have a default
			// (a note's isdocument is SystemRequired and false unless set).
			Required: !ro && create && (a.RequiredLevel.Value == "ApplicationRequired" || a.RequiredLevel.Value == "SystemRequired") &&
				a.AttributeType != "State" && a.AttributeType != "Status" && a.AttributeType != "Boolean",
			ReadOnly: ro,
			Unique:   d.EmailKey != "" && a.LogicalName == "emailaddress1",
			MaxLen:   a.MaxLength,
		}
		switch a.AttributeType {
		case "Money":
			f.Scale, f.ScaleBy = moneyScale(a)
		case "Decimal", "Double":
			f.Scale = numberScale(a)
		}
		if a.AttributeType == "Boolean" {
			f.Default = strconv.FormatBool(a.DefaultValue != nil && *a.DefaultValue)
		}
		if l := a.DisplayName.UserLocalizedLabel; l != nil && l.Label != "" {
			f.Label = l.Label
		}
		for _, o := range a.Options {
			v := strconv.Itoa(o.Value)
			label := v
			if l := o.Label.UserLocalizedLabel; l != nil && l.Label != "" {
				label = l.Label
			}
			f.Options = append(f.Options, connector.Option{Value: v, Label: label})
		}
		sc.Fields = append(sc.Fields, f)
		sc.types[name] = a.AttributeType
		sc.secured[name] = a.IsSecured
		if !create && update && !ro {
			sc.later[name] = true
		}
		if a.AttributeType == "Owner" && a.LogicalName == ownerField {
			// Offered as its navigation property, ownerid, whose options
			// are the users (withOwners).
			of := connector.Field{Name: ownerField, Label: f.Label, Type: connector.TypeEnum, ReadOnly: !create && !update}
			sc.Fields = append(sc.Fields, of)
			sc.types[ownerField] = "Navigation"
			sc.navs[ownerField] = navField{value: name, target: systemusers, owner: true}
			continue
		}
		if a.LogicalName == currencyField && a.AttributeType == "Lookup" && slices.ContainsFunc(rels[a.LogicalName], func(r relation) bool {
			return r.Target == transactioncurrencies.logical && r.Nav == currencyField
		}) {
			// Offered by ISO code (currencies.go).
			sc.Fields = append(sc.Fields, connector.Field{Name: currencyField, Label: f.Label, Type: connector.TypeEnum, ReadOnly: !create && !update})
			sc.types[currencyField] = "Navigation"
			sc.navs[currencyField] = navField{value: name, target: transactioncurrencies, only: true, currency: true}
			sc.cur = &currencyMap{}
			continue
		}
		// A lookup into a table crmsync speaks is also offered per target,
		// writable as the column is.
		for _, r := range rels[a.LogicalName] {
			target, ok := byTarget[r.Target]
			if !ok || r.Nav == "" || name == r.Nav {
				continue
			}
			nf := connector.Field{Name: r.Nav, Label: f.Label + " (" + target.set + ")", Type: connector.TypeID, ReadOnly: !create && !update}
			sc.Fields = append(sc.Fields, nf)
			sc.types[r.Nav] = "Navigation"
			sc.navs[r.Nav] = navField{value: name, target: target, only: len(rels[a.LogicalName]) == 1}
		}
	}
	slices.SortStableFunc(sc.Fields, func(a, b connector.Field) int { return strings.Compare(a.Name, b.Name) })
	c.mu.Lock()
	c.schemas[t.set] = sc
	c.mu.Unlock()
	return sc
}

// multiSelect is the type the connector gives a multi-select choice
// column (Dataverse's AttributeType says only "Virtual").
const multiSelect = "MultiSelectPicklist"

// isMulti reports a multi-select choice column: AttributeType Virtual with
// AttributeTypeName MultiSelectPicklistType, as the Web API metadata
// operations sample creates one.
func isMulti(a attribute) bool {
	return a.AttributeTypeName.Value == "MultiSelectPicklistType" || a.AttributeType == multiSelect
}

// fieldType maps an attribute's type (and a string's format) to the
// canonical field types.
func fieldType(a attribute) connector.FieldType {
	switch a.AttributeType {
	case "String":
		switch a.Format {
		case "Email":
			return connector.TypeEmail
		case "Phone":
			return connector.TypePhone
		case "TextArea":
			return connector.TypeText
		}
		return connector.TypeString
	case "Memo":
		return connector.TypeText
	case "Integer", "BigInt", "Decimal", "Double", "Money":
		return connector.TypeNumber
	case "Boolean":
		return connector.TypeBool
	case "DateTime":
		if a.Format == "DateOnly" && (a.Behavior == nil || a.Behavior.Value == "DateOnly") {
			return connector.TypeDate
		}
		return connector.TypeDateTime
	case "Picklist", "State", "Status":
		return connector.TypeEnum
	case multiSelect:
		return connector.TypeMulti
	case "Lookup", "Customer", "Owner", "Uniqueidentifier":
		return connector.TypeID
	}
	return connector.TypeString
}
