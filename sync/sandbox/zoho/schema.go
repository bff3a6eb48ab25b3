package zoho

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The simulated modules (their API names, as in the URL path).
const (
	ModuleContacts = "Contacts"
	ModuleAccounts = "Accounts"
	ModuleDeals    = "Deals"
	ModuleTasks    = "Tasks"
	ModuleCalls    = "Calls"
	ModuleEvents   = "Events" // "Meetings" in the web client; the API name stays Events
	ModuleNotes    = "Notes"
	// ModuleProjects is the sandbox org's custom module (generated_type "custom"), made in
	// the web client as "Projects": Zoho names a new custom module CustomModuleN
	// (module_name) and takes its api_name from the plural label (modules.yaml
	// getModules example: api_name "CM1", module_name "CustomModule2").
	ModuleProjects = "Projects"
	// ModuleProjectsContacts is a linking module (generated_type "linking") between
	// Projects and Contacts, as a multi-select lookup creates one [unverified: the
	// api_name Zoho gives it; "linking" is named by the modules doc's getModules
	// description ("linking (MxN) modules"), not by the spec's example].
	ModuleProjectsContacts = "Projects_X_Contacts"
	// ModuleLeads holds the prospects not yet converted (leads.go).
	ModuleLeads = "Leads"
)

// moduleOrder is the order of GET /settings/modules and of metadata id allocation (the
// modules added later come last so the older modules' ids do not move; a real org lists
// Leads near the top [unverified order]).
var moduleOrder = []string{ModuleAccounts, ModuleContacts, ModuleDeals, ModuleTasks, ModuleEvents, ModuleCalls, ModuleNotes,
	ModuleProjects, ModuleProjectsContacts, ModuleLeads}

// The generated_type values of GET /settings/modules the sandbox serves (modules.yaml:
// "default", "custom", "static_subform", "webtab_link" in the getModules example;
// "linking" [unverified value]).
const (
	generatedDefault = "default"
	generatedCustom  = "custom"
	generatedLinking = "linking"
)

// The field data types (data_type in GET /settings/fields) the sandbox knows.
const (
	TypeText        = "text"
	TypeTextarea    = "textarea"
	TypeEmail       = "email"
	TypePhone       = "phone"
	TypeWebsite     = "website"
	TypePicklist    = "picklist"
	TypeDate        = "date"
	TypeDatetime    = "datetime"
	TypeBoolean     = "boolean"
	TypeInteger     = "integer"
	TypeDouble      = "double"
	TypeCurrency    = "currency"
	TypeLookup      = "lookup"
	TypeOwnerLookup = "ownerlookup"
)

// TypeMultiPicklist is a multi-select picklist ("data_type": "multiselectpicklist", with
// pick_list_values as a picklist's: Zoho's Create Custom Fields doc, v7); a record holds
// a JSON array of strings, each one of the list (see parseMulti).
const TypeMultiPicklist = "multiselectpicklist"

// CustomField declares a custom field added to a module (Options.CustomFields).
type CustomField struct {
	APIName   string   // e.g. "Customer_Tier"
	Label     string   // field_label; default APIName with underscores as spaces
	Type      string   // one of the Type* constants except ownerlookup
	Length    int      // default by type (text 255, integer 9, double 16...)
	Values    []string // picklist and multi-select picklist values
	Lookup    string   // lookup target module (Contacts, Accounts or Deals)
	Unique    bool     // "Do not allow duplicate values"
	Mandatory bool
}

// fieldDef is one field of a module's metadata.
type fieldDef struct {
	apiName, label string
	dataType       string
	length         int
	decimals       int // decimal_place; -1 = null
	readOnly       bool
	mandatory      bool
	custom         bool
	unique         bool
	picklist       []string
	open           bool     // an unrestricted picklist: values outside the list are accepted
	lookup         string   // target module of a lookup
	multi          []string // target modules of a multi-module lookup (Tasks.What_Id, with $se_module)
	parent         bool     // Notes.Parent_Id: a multi-module lookup whose module comes inside the value
	id             int64
}

func (f *fieldDef) jsonType() string {
	switch f.dataType {
	case TypeBoolean:
		return "boolean"
	case TypeInteger:
		return "integer"
	case TypeDouble, TypeCurrency:
		return "double"
	case TypeLookup, TypeOwnerLookup:
		return "jsonobject"
	case TypeMultiPicklist:
		return "jsonarray" // [unverified: json_type of a multi-select]
	}
	return "string"
}

// uiType is the ui_type number the web client uses for the type (cosmetic) [unverified].
func (f *fieldDef) uiType() int {
	return map[string]int{TypeText: 1, TypeTextarea: 3, TypeEmail: 25, TypePhone: 33, TypeWebsite: 21,
		TypePicklist: 2, TypeDate: 24, TypeDatetime: 333, TypeBoolean: 301, TypeInteger: 32, TypeDouble: 38,
		TypeCurrency: 36, TypeLookup: 133, TypeOwnerLookup: 8, TypeMultiPicklist: 100}[f.dataType]
}

// textual reports whether values of the type are stored as strings.
func (f *fieldDef) textual() bool {
	switch f.dataType {
	case TypeText, TypeTextarea, TypeEmail, TypePhone, TypeWebsite, TypePicklist:
		return true
	}
	return false
}

// moduleDef is one module: its fields and records.
type moduleDef struct {
	name, singular string
	plural         string // plural_label; "" = name
	moduleName     string // module_name; "" = name (CustomModuleN for a custom module)
	generated      string // generated_type; "" = default
	id             int64
	fields         []*fieldDef
	byName         map[string]*fieldDef
	nameField      string // the field that names a record in lookups ("" for Contacts: first and last name)
	dupField       string // the system-defined duplicate check field (upsert doc); "" = none
	noUpsert       bool   // not among the upsert doc's supported modules (Tasks, Calls, Events, Notes)
	noSearch       bool   // no /search (Notes: the Notes API lists none)
	noDeleted      bool   // no /deleted (Notes: the Notes API lists none)
	lateIDs        bool   // metadata ids from the later-added range (added after the first release)
	st             *store
}

func (m *moduleDef) field(api string) *fieldDef { return m.byName[api] }

// uniqueFields are the user-defined unique fields, in metadata order.
func (m *moduleDef) uniqueFields() []*fieldDef {
	var out []*fieldDef
	for _, f := range m.fields {
		if f.unique {
			out = append(out, f)
		}
	}
	return out
}

var customDefaultLength = map[string]int{TypeText: 255, TypeTextarea: 2000, TypeEmail: 100, TypePhone: 30,
	TypeWebsite: 255, TypePicklist: 120, TypeDate: 20, TypeDatetime: 120, TypeBoolean: 5, TypeInteger: 9,
	TypeDouble: 16, TypeCurrency: 16, TypeLookup: 120, TypeMultiPicklist: 2000}

func customDef(c CustomField) (*fieldDef, error) {
	if c.APIName == "" || strings.ContainsAny(c.APIName, " ,:()") {
		return nil, fmt.Errorf("custom field api name %q is invalid", c.APIName)
	}
	length, ok := customDefaultLength[c.Type]
	if !ok {
		return nil, fmt.Errorf("custom field %s: unsupported type %q", c.APIName, c.Type)
	}
	if c.Length > 0 {
		length = c.Length
	}
	d := f(c.APIName, c.Label, c.Type, length)
	if d.label == "" {
		d.label = strings.ReplaceAll(c.APIName, "_", " ")
	}
	d.custom, d.unique, d.mandatory = true, c.Unique, c.Mandatory
	if c.Type == TypePicklist {
		if len(c.Values) == 0 {
			return nil, fmt.Errorf("custom picklist %s has no values", c.APIName)
		}
		d.picklist = append([]string{"-None-"}, c.Values...)
	}
	if c.Type == TypeMultiPicklist {
		if len(c.Values) == 0 {
			return nil, fmt.Errorf("custom multi-select picklist %s has no values", c.APIName)
		}
		d.picklist = slices.Clone(c.Values) // no -None-: no selection is an empty array
	}
	if c.Type == TypeLookup {
		if c.Lookup != ModuleContacts && c.Lookup != ModuleAccounts && c.Lookup != ModuleDeals {
			return nil, fmt.Errorf("custom lookup %s: target module %q is not simulated", c.APIName, c.Lookup)
		}
		d.lookup = c.Lookup
	}
	return d, nil
}

// buildModules assembles the modules with custom fields (before the system fields) and
// the unique marks of Options.UniqueFields; field ids come from nextID.
// orgBase is added to the org's id prefix for the org's own modules' metadata ids.
func buildModules(o Options, nextID func() int64, orgBase int64) (map[string]*moduleDef, error) {
	mods := map[string]*moduleDef{
		ModuleContacts: {name: ModuleContacts, singular: "Contact", fields: contactFields(), dupField: "Email"},
		ModuleAccounts: {name: ModuleAccounts, singular: "Account", fields: accountFields(), nameField: "Account_Name",
			dupField: "Account_Name"},
		// Upsert doc: the system-defined duplicate check field of Deals is Deal_Name; Tasks
		// are not among the upsert's supported modules.
		ModuleDeals: {name: ModuleDeals, singular: "Deal", fields: dealFields(), nameField: "Deal_Name", dupField: "Deal_Name"},
		ModuleTasks: {name: ModuleTasks, singular: "Task", fields: taskFields(), nameField: "Subject", noUpsert: true},
		// Calls and Events (Meetings) are not among the upsert doc's modules either; the
		// insert doc lists them as "Calls" and "Meetings".
		ModuleCalls: {name: ModuleCalls, singular: "Call", fields: callFields(), nameField: "Subject", noUpsert: true},
		ModuleEvents: {name: ModuleEvents, singular: "Meeting", plural: "Meetings", fields: eventFields(),
			nameField: "Event_Title", noUpsert: true},
		// The Notes API (crm-oas notes.yaml) has list, get, create, update and delete only.
		ModuleNotes: {name: ModuleNotes, singular: "Note", fields: noteFields(), nameField: "Note_Title", noUpsert: true,
			noSearch: true, noDeleted: true},
		// A custom module's records go through the same records API as the standard
		// modules'. The upsert doc lists "Custom" among its supported modules; its
		// system-defined duplicate check field is taken to be Name [unverified].
		ModuleProjects: {name: ModuleProjects, singular: "Project", moduleName: "CustomModule1", generated: generatedCustom,
			fields: projectFields(), nameField: "Name", dupField: "Name"},
		ModuleProjectsContacts: {name: ModuleProjectsContacts, singular: "Projects X Contacts", plural: "Projects X Contacts", moduleName: "LinkingModule1",
			generated: generatedLinking, fields: projectContactFields(), nameField: "Name", noUpsert: true},
		// Upsert doc: the system-defined duplicate check field of Leads is Email. Its
		// metadata ids come from the later range so that adding it moved no record id.
		ModuleLeads: {name: ModuleLeads, singular: "Lead", fields: leadFields(), dupField: "Email", lateIDs: true},
	}
	if len(o.CustomFields[ModuleNotes]) > 0 {
		return nil, fmt.Errorf("module %s takes no custom fields", ModuleNotes) // as in Zoho's Notes layout [unverified]
	}
	// The org's own modules take their metadata ids from a range of their own, so that
	// adding them moved no id of the standard modules' fields nor of any record.
	orgID := int64(0)
	for _, name := range moduleOrder {
		m := mods[name]
		nextID := nextID
		if m.generated != "" || m.lateIDs {
			nextID = func() int64 { orgID++; return orgBase + orgID }
		}
		m.id = nextID()
		var custom []*fieldDef
		for _, c := range o.CustomFields[name] {
			d, err := customDef(c)
			if err != nil {
				return nil, err
			}
			custom = append(custom, d)
		}
		n := len(m.fields) - numSystemFields(name)
		m.fields = slices.Concat(m.fields[:n], custom, m.fields[n:])
		m.byName = map[string]*fieldDef{}
		for _, fd := range m.fields {
			if m.byName[fd.apiName] != nil {
				return nil, fmt.Errorf("module %s: duplicate field %s", name, fd.apiName)
			}
			fd.id = nextID()
			m.byName[fd.apiName] = fd
		}
		for _, api := range o.UniqueFields[name] {
			fd := m.byName[api]
			if fd == nil || fd.readOnly || !fd.textual() && fd.dataType != TypeInteger {
				return nil, fmt.Errorf("module %s: field %q cannot be unique", name, api)
			}
			fd.unique = true
		}
		m.st = newStore()
	}
	for name, cs := range o.CustomFields {
		if mods[name] == nil && len(cs) > 0 {
			return nil, fmt.Errorf("custom fields for unknown module %q", name)
		}
	}
	return mods, nil
}

// module resolves a path's module name; Zoho matches API names case-insensitively
// [unverified].
func (s *Sim) module(name string) *moduleDef {
	for _, m := range s.modules {
		if strings.EqualFold(m.name, name) {
			return m
		}
	}
	return nil
}

func (s *Sim) renderField(fd *fieldDef, seq int) map[string]any {
	out := map[string]any{"api_name": fd.apiName, "field_label": fd.label, "display_label": fd.label,
		"data_type": fd.dataType, "json_type": fd.jsonType(), "length": fd.length, "decimal_place": nil,
		"read_only": fd.readOnly, "field_read_only": fd.readOnly, "system_mandatory": fd.mandatory,
		"custom_field": fd.custom, "visible": true, "id": idString(fd.id), "ui_type": fd.uiType(),
		"type": "used", "created_source": "default", "searchable": true, "sortable": true, "filterable": true,
		"mass_update": !fd.readOnly, "sequence_number": seq, "unique": map[string]any{}, "lookup": map[string]any{},
		"pick_list_values": []any{}, "currency": map[string]any{},
		"operation_type": map[string]any{"web_update": !fd.readOnly, "api_create": !fd.readOnly,
			"web_create": !fd.readOnly, "api_update": !fd.readOnly},
		"view_type": map[string]any{"view": true, "edit": !fd.readOnly, "quick_create": fd.mandatory, "create": !fd.readOnly}}
	if fd.custom {
		out["created_source"] = "user"
	}
	if fd.decimals >= 0 {
		out["decimal_place"] = fd.decimals
	}
	if fd.unique {
		out["unique"] = map[string]any{"casesensitive": "false"}
	}
	if fd.dataType == TypeCurrency {
		out["currency"] = map[string]any{"rounding_option": "normal", "precision": 2}
	}
	if fd.lookup != "" {
		t := s.modules[fd.lookup]
		out["lookup"] = map[string]any{"display_label": t.singular, "api_name": nil, "id": nil,
			"module": map[string]any{"api_name": t.name, "id": idString(t.id)}}
	}
	// {} as in the getFields example; a multi-module lookup (What_Id) lists its modules
	// per fields.json's multi_module_lookup schema [unverified values].
	out["multi_module_lookup"] = map[string]any{}
	if len(fd.multi) > 0 {
		mods := make([]any, len(fd.multi))
		for i, name := range fd.multi {
			mods[i] = map[string]any{"api_name": name, "id": idString(s.modules[name].id)}
		}
		out["multi_module_lookup"] = map[string]any{"display_label": fd.label, "api_name": fd.apiName, "modules": mods}
	}
	if len(fd.picklist) > 0 {
		vals := make([]any, len(fd.picklist))
		for i, v := range fd.picklist {
			vals[i] = map[string]any{"display_value": v, "actual_value": v, "sequence_number": i + 1,
				"id": idString(fd.id + int64(i+1)*1000), "type": "used", "colour_code": nil}
		}
		out["pick_list_values"] = vals
	}
	return out
}

// settingsModule reads the required ?module= of the settings endpoints.
func (s *Sim) settingsModule(r *http.Request) (*moduleDef, *zerr) {
	name := r.URL.Query().Get("module")
	if name == "" {
		return nil, errRequiredParam("module")
	}
	m := s.module(name)
	if m == nil {
		return nil, badRequest("INVALID_MODULE", "the module name given seems to be invalid", map[string]any{"param_name": "module"})
	}
	return m, nil
}

// handleFields serves GET /crm/v8/settings/fields?module=Contacts[&type=all|used|unused].
func (s *Sim) handleFields(w http.ResponseWriter, r *http.Request) {
	m, e := s.settingsModule(r)
	if e != nil {
		writeErr(w, e)
		return
	}
	switch r.URL.Query().Get("type") {
	case "", "all", "used":
	case "unused": // every simulated field is in use
		writeNoContent(w)
		return
	default:
		writeErr(w, badRequest("INVALID_DATA", "invalid data", map[string]any{"param_name": "type",
			"supported_values": []string{"all", "used", "unused"}}))
		return
	}
	s.mu.RLock() // DeleteField edits the list
	out := make([]any, len(m.fields))
	for i, fd := range m.fields {
		out[i] = s.renderField(fd, i+1)
	}
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, map[string]any{"fields": out})
}

// handleField serves GET /crm/v8/settings/fields/{field}?module=Contacts (field id or API name).
func (s *Sim) handleField(w http.ResponseWriter, r *http.Request) {
	m, e := s.settingsModule(r)
	if e != nil {
		writeErr(w, e)
		return
	}
	key := r.PathValue("field")
	for i, fd := range m.fields {
		if fd.apiName == key || idString(fd.id) == key {
			writeJSON(w, http.StatusOK, map[string]any{"fields": []any{s.renderField(fd, i+1)}})
			return
		}
	}
	writeErr(w, badRequest("INVALID_DATA", "the id given seems to be invalid", map[string]any{"param_name": "field"}))
}

func (s *Sim) renderModule(m *moduleDef, seq int) map[string]any {
	return map[string]any{"api_name": m.name, "module_name": cmp.Or(m.moduleName, m.name), "singular_label": m.singular,
		"plural_label": cmp.Or(m.plural, m.name), "id": idString(m.id), "api_supported": true, "creatable": true, "editable": true,
		"deletable": true, "viewable": true, "visible": true, "convertable": m.name == ModuleLeads, "generated_type": cmp.Or(m.generated, generatedDefault),
		"sequence_number": seq, "status": "visible", "recycle_bin_on_delete": true, "per_page": 10,
		"modified_time": nil, "modified_by": nil}
}

// handleModules serves GET /crm/v8/settings/modules: the simulated modules only (a real
// org lists every module) [unverified: trimmed property set].
func (s *Sim) handleModules(w http.ResponseWriter, r *http.Request) {
	out := make([]any, len(moduleOrder))
	for i, name := range moduleOrder {
		out[i] = s.renderModule(s.modules[name], i+1)
	}
	writeJSON(w, http.StatusOK, map[string]any{"modules": out})
}

// handleModule serves GET /crm/v8/settings/modules/{module} (API name or id).
func (s *Sim) handleModule(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("module")
	for i, name := range moduleOrder {
		if m := s.modules[name]; strings.EqualFold(m.name, key) || idString(m.id) == key {
			writeJSON(w, http.StatusOK, map[string]any{"modules": []any{s.renderModule(m, i+1)}})
			return
		}
	}
	writeErr(w, errInvalidModule())
}
