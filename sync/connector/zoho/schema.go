package zoho

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// fieldItem is one field of GET /settings/fields.
type fieldItem struct {
	APIName         string `json:"api_name"`
	FieldLabel      string `json:"field_label"`
	DisplayLabel    string `json:"display_label"`
	DataType        string `json:"data_type"`
	ReadOnly        bool   `json:"read_only"`
	FieldReadOnly   bool   `json:"field_read_only"`
	SystemMandatory bool   `json:"system_mandatory"`
	Unique          any    `json:"unique"`
	// DecimalPlace is the places a double or currency field stores
	// (null for other types); Zoho rounds a value with more.
	DecimalPlace   *int `json:"decimal_place"`
	PickListValues []struct {
		ActualValue  string `json:"actual_value"`
		DisplayValue string `json:"display_value"`
	} `json:"pick_list_values"`
	Lookup struct {
		Module struct {
			APIName string `json:"api_name"`
		} `json:"module"`
	} `json:"lookup"`
	// MultiModule lists the modules of a lookup whose target each record
	// names in $se_module (a task's What_Id); {} for any other field.
	MultiModule struct {
		Modules []struct {
			APIName string `json:"api_name"`
		} `json:"modules"`
	} `json:"multi_module_lookup"`
}

// schema is a module's fields as the connector offers them, with the
// Zoho data type of each, which reading and writing follow.
type schema struct {
	connector.Schema
	types map[string]string // api_name -> data_type
	// targets are the fields a multi-module lookup is offered as, one per
	// module the connector speaks: "What_Id.Accounts" -> What_Id, Accounts.
	targets map[string]target
}

// target is one module of a multi-module lookup.
type target struct{ lookup, module string }

// moduleInValue is the multi-module lookup that names its module inside
// its value ({"module": {"api_name": …}, "id": …}), as a note's parent
// does; the others name it in the record's "$se_module".
const moduleInValue = "Parent_Id"

// multiPicklist is the data_type of a multi-select picklist, whose records hold a JSON
// array of its option values, read and written as connector.TypeMulti (values joined by
// connector.MultiSep).
const multiPicklist = "multiselectpicklist"

// systemReadOnly are the fields Zoho sets itself.
var systemReadOnly = map[string]bool{"Created_Time": true, "Modified_Time": true, "Created_By": true, "Modified_By": true, "Full_Name": true}

// Schema lists the module's fields (GET /crm/v8/settings/fields?module=).
// It is held for the connector's lifetime and kept in the metadata cache
// between runs; a ctx marked with connector.WithFreshSchema asks Zoho. A record's Owner
// is offered as a picklist of the active users (users.go).
func (c *Connector) Schema(ctx context.Context, object string) (connector.Schema, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return connector.Schema{}, err
	}
	return c.withOwners(ctx, sc)
}

func (c *Connector) schemaOf(ctx context.Context, object string) (*schema, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	key := fieldsKey(object)
	if !connector.FreshSchema(ctx) {
		c.mu.Lock()
		sc := c.schemas[object]
		c.mu.Unlock()
		if sc != nil {
			return sc, nil
		}
		if b, ok, _ := c.meta.Lookup(ctx, key); ok {
			var items []fieldItem
			if json.Unmarshal(b, &items) == nil && len(items) > 0 {
				return c.hold(object, items), nil
			}
		}
	}
	r, err := c.call(ctx, http.MethodGet, apiRoot+"/settings/fields?module="+url.QueryEscape(object), nil, nil)
	if err != nil {
		return nil, err
	}
	if r.Status != http.StatusOK {
		return nil, r.apiError()
	}
	var body struct {
		Fields []fieldItem `json:"fields"`
	}
	if err := r.Decode(&body); err != nil {
		return nil, err
	}
	if len(body.Fields) == 0 {
		return nil, r.Fail("the fields metadata of " + object + " lists no field")
	}
	if err := c.withCurrencies(ctx, body.Fields); err != nil {
		return nil, err
	}
	if b, err := json.Marshal(body.Fields); err == nil {
		_ = c.meta.Store(ctx, key, b) // the cache's owner logs its failures
	}
	return c.hold(object, body.Fields), nil
}

// hold builds the schema from the fields metadata and keeps it.
func (c *Connector) hold(object string, items []fieldItem) *schema {
	sc := &schema{Schema: connector.Schema{Object: object}, types: map[string]string{}, targets: map[string]target{}}
	for _, it := range items {
		if it.APIName == "" {
			continue
		}
		f := connector.Field{
			Name:     it.APIName,
			Label:    firstNonEmpty(it.DisplayLabel, it.FieldLabel, it.APIName),
			Type:     fieldType(it.DataType),
			Required: it.SystemMandatory,
			// A multi-module lookup is written with its module, which a
			// mapped field cannot carry: read only, and offered per module
			// below.
			ReadOnly: it.ReadOnly || it.FieldReadOnly && it.DataType != "ownerlookup" || systemReadOnly[it.APIName] ||
				it.DataType == "autonumber" || it.DataType == "formula" || len(it.MultiModule.Modules) > 0,
			Unique: isUnique(it.Unique) || ((object == "Contacts" || object == leads) && it.APIName == "Email"),
		}
		// The fields metadata says no picklist is open (crm-oas v8 fields.json
		// has no such key), but Call_Purpose is: "when you specify a new value,
		// the new value gets added to list of options" (Kaizen #38, Calls API).
		f.Unrestricted = object == "Calls" && it.APIName == "Call_Purpose" && it.DataType == "picklist"
		if f.Type == connector.TypeBool {
			f.Default = "false" // a checkbox left out reads back unchecked
		}
		f.Double, f.Scale = numberPrecision(it)
		for _, o := range it.PickListValues {
			// Records hold display values: "Use the display_value in API
			// requests during create, update, and upsert operations" (Zoho,
			// Kaizen #205 on picklists via the CRM APIs; Zoho's Java SDK
			// checks picklist input against display values too).
			v := firstNonEmpty(o.DisplayValue, o.ActualValue)
			f.Options = append(f.Options, connector.Option{Value: v, Label: v})
		}
		sc.Fields = append(sc.Fields, f)
		sc.types[it.APIName] = it.DataType
		for _, m := range it.MultiModule.Modules {
			if !slices.Contains(Info().Objects, m.APIName) {
				continue
			}
			name := it.APIName + "." + m.APIName
			sc.Fields = append(sc.Fields, connector.Field{Name: name, Label: f.Label + " (" + m.APIName + ")", Type: connector.TypeID,
				ReadOnly: it.ReadOnly || it.FieldReadOnly})
			sc.types[name] = "lookup"
			sc.targets[name] = target{lookup: it.APIName, module: m.APIName}
		}
	}
	slices.SortStableFunc(sc.Fields, func(a, b connector.Field) int { return strings.Compare(a.Name, b.Name) })
	c.mu.Lock()
	c.schemas[object] = sc
	c.mu.Unlock()
	return sc
}

// fieldType maps Zoho's data_type to the canonical field types.
func fieldType(dataType string) connector.FieldType {
	switch dataType {
	case "email":
		return connector.TypeEmail
	case "phone":
		return connector.TypePhone
	case "textarea":
		return connector.TypeText
	case "picklist":
		return connector.TypeEnum
	case multiPicklist:
		return connector.TypeMulti
	case "date":
		return connector.TypeDate
	case "datetime":
		return connector.TypeDateTime
	case "boolean":
		return connector.TypeBool
	case "integer", "bigint", "double", "currency", "decimal", "percent":
		return connector.TypeNumber
	case "lookup", "ownerlookup":
		return connector.TypeID
	}
	return connector.TypeString
}

// isUnique reads the metadata's "unique" property: {} or absent when the
// field is not unique.
func isUnique(v any) bool {
	switch u := v.(type) {
	case bool:
		return u
	case map[string]any:
		return len(u) > 0
	}
	return false
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// checkObject refuses what cannot name a module: the modules Info lists,
// and any other api_name (a custom module, ListObjects), which Zoho itself
// refuses with INVALID_MODULE when the organization has no such module.
func checkObject(object string) error {
	if !slices.Contains(Info().Objects, object) && !validModule(object) {
		return &connector.Error{Vendor: vendor, Category: connector.CatValidation,
			Message: "invalid module name " + strconv.Quote(object) + " (known: " + strings.Join(Info().Objects, ", ") + ", or a custom module's API name)"}
	}
	return nil
}
