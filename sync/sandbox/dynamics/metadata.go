package dynamics

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Table definitions (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api):
// EntityDefinitions(LogicalName='contact') with $select, its Attributes collection (and
// the casts to StringAttributeMetadata, MemoAttributeMetadata, ... for type-specific
// properties such as MaxLength and Format), a single attribute by LogicalName, and Keys
// (EntityKeyMetadata). Properties of the EntityMetadata/AttributeMetadata EntityTypes of
// the Web API reference.

const crmNS = "Microsoft.Dynamics.CRM."

func label(text string) map[string]any {
	if text == "" {
		return map[string]any{"LocalizedLabels": []any{}, "UserLocalizedLabel": nil}
	}
	l := map[string]any{"Label": text, "LanguageCode": 1033, "IsManaged": true, "HasChanged": nil}
	return map[string]any{"LocalizedLabels": []any{l}, "UserLocalizedLabel": l}
}

func (s *Sim) resolveMetadata(op *opReq) (*route, *apiError) {
	const v = "GET /api/data/v9.2/EntityDefinitions"
	p := strings.TrimPrefix(op.path, "EntityDefinitions")
	if u, err := url.PathUnescape(p); err == nil {
		p = u // no metadata name holds a "/"
	}
	if p == "" {
		return &route{template: v, run: func(op *opReq) *opResult { return s.entityList(op) }}, nil
	}
	if !strings.HasPrefix(p, "(") {
		return nil, newErr(http.StatusNotFound, codeSegmentNotFound, "Resource not found for the segment '%s'.", strings.SplitN(op.path, "/", 2)[0])
	}
	close := strings.Index(p, ")")
	if close < 0 {
		return nil, newErr(http.StatusBadRequest, codeODataGeneric, "Bad Request - Error in query syntax.")
	}
	t, err := s.entityByKey(p[1:close])
	if err != nil {
		return nil, err
	}
	rest := strings.TrimPrefix(p[close+1:], "/")
	switch {
	case rest == "":
		return &route{template: v + "({key})", run: func(op *opReq) *opResult { return s.entityMeta(t, op) }}, nil
	case rest == "ManyToOneRelationships":
		return &route{template: v + "({key})/ManyToOneRelationships", run: func(op *opReq) *opResult { return s.manyToOneMeta(t, op) }}, nil
	case rest == "Keys":
		return &route{template: v + "({key})/Keys", run: func(op *opReq) *opResult { return s.keysMeta(t, op) }}, nil
	case rest == "Attributes" || strings.HasPrefix(rest, "Attributes/") || strings.HasPrefix(rest, "Attributes("):
		return s.resolveAttributes(t, strings.TrimPrefix(rest, "Attributes"))
	}
	return nil, newErr(http.StatusNotFound, codeSegmentNotFound, "Resource not found for the segment '%s'.", rest)
}

func (s *Sim) entityByKey(key string) (*table, *apiError) {
	var name string
	if reGUID.MatchString(key) {
		for _, t := range s.tables {
			if t.def.metadataID == strings.ToLower(key) {
				return t, nil
			}
		}
		return nil, newErr(http.StatusNotFound, codeNotFound, "Could not find entity with id %s", key) // [unverified]
	}
	pairs, err := splitKeyPairs(key)
	if err != nil || len(pairs) != 1 || pairs[0][0] != "LogicalName" {
		return nil, newErr(http.StatusBadRequest, codeODataGeneric, "Bad Request - Error in query syntax.")
	}
	name = pairs[0][1]
	if t := s.byLogic[name]; t != nil {
		return t, nil
	}
	return nil, newErr(http.StatusNotFound, codeNotFound, "Entity with name = '%s' was not found in the MetadataCache.", name) // [unverified]
}

func (s *Sim) resolveAttributes(t *table, rest string) (*route, *apiError) {
	const v = "GET /api/data/v9.2/EntityDefinitions({key})/Attributes"
	var one *attrDef
	if strings.HasPrefix(rest, "(") {
		close := strings.Index(rest, ")")
		pairs, err := splitKeyPairs(rest[1:max(close, 1)])
		if close < 0 || err != nil || len(pairs) != 1 || pairs[0][0] != "LogicalName" {
			return nil, newErr(http.StatusBadRequest, codeODataGeneric, "Bad Request - Error in query syntax.")
		}
		if one = t.def.byName[pairs[0][1]]; one == nil {
			return nil, newErr(http.StatusNotFound, codeNotFound, "Could not find attribute with name %s on entity %s", pairs[0][1], t.def.logical) // [unverified]
		}
		rest = rest[close+1:]
	}
	cast := ""
	if rest != "" {
		cast = strings.TrimPrefix(rest, "/")
		if !strings.HasPrefix(cast, crmNS) || !slices.Contains(attributeTypes, strings.TrimPrefix(cast, crmNS)) {
			return nil, newErr(http.StatusNotFound, codeSegmentNotFound, "Resource not found for the segment '%s'.", cast)
		}
		cast = strings.TrimPrefix(cast, crmNS)
	}
	tmpl := v
	if one != nil {
		tmpl += "({key})"
	}
	if cast != "" {
		tmpl += "/" + crmNS + cast
	}
	return &route{template: tmpl, run: func(op *opReq) *opResult { return s.attributesMeta(t, one, cast, op) }}, nil
}

var attributeTypes = []string{"AttributeMetadata", "StringAttributeMetadata", "MemoAttributeMetadata", "IntegerAttributeMetadata",
	"DateTimeAttributeMetadata", "LookupAttributeMetadata", "StateAttributeMetadata", "StatusAttributeMetadata",
	"EnumAttributeMetadata", "PicklistAttributeMetadata", "BooleanAttributeMetadata", "MoneyAttributeMetadata",
	"DecimalAttributeMetadata", "DoubleAttributeMetadata",
	"EntityNameAttributeMetadata", "MultiSelectPicklistAttributeMetadata"}

func (s *Sim) entityMetadata(t *table) map[string]any {
	d := t.def
	return map[string]any{"MetadataId": d.metadataID, "LogicalName": d.logical, "SchemaName": d.schema, "EntitySetName": d.set,
		"LogicalCollectionName": d.set, "PrimaryIdAttribute": d.primaryID, "PrimaryNameAttribute": d.primaryName,
		"ObjectTypeCode": d.objectTypeCode, "ChangeTrackingEnabled": true, "IsOptimisticConcurrencyEnabled": !s.noVersions[d],
		"IsCustomEntity": d.custom, "IsActivity": d.isActivity,
		"IsIntersect": false, "IsPrivate": false, "IsValidForAdvancedFind": true, "IsLogicalEntity": false,
		"CanCreateAttributes": map[string]any{"Value": true, "CanBeChanged": d.custom, "ManagedPropertyLogicalName": "cancreateattributes"}, "TableType": "Standard", "OwnershipType": cmpOr(d.ownership, "UserOwned"),
		"DisplayName": label(d.display), "DisplayCollectionName": label(d.displayPlural), "Description": label("")}
}

// project applies $select to a metadata object (MetadataId is always returned).
func project(obj map[string]any, selRaw, typ string) (map[string]any, []string, *apiError) {
	if strings.TrimSpace(selRaw) == "" {
		return obj, nil, nil
	}
	out := map[string]any{"MetadataId": obj["MetadataId"]}
	var names []string
	for _, n := range strings.Split(selRaw, ",") {
		n = strings.TrimSpace(n)
		v, ok := obj[n]
		if !ok {
			return nil, nil, newErr(http.StatusBadRequest, codeODataGeneric, "Could not find a property named '%s' on type '%s'.", n, crmNS+typ)
		}
		out[n] = v
		names = append(names, n)
	}
	if t, ok := obj["@odata.type"]; ok {
		out["@odata.type"] = t
	}
	return out, names, nil
}

func ctxSel(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return "(" + strings.Join(names, ",") + ")"
}

func (s *Sim) entityMeta(t *table, op *opReq) *opResult {
	obj, names, err := project(s.entityMetadata(t), op.query.Get("$select"), "EntityMetadata")
	if err != nil {
		return errResult(err)
	}
	obj["@odata.context"] = op.base + apiPath + "$metadata#EntityDefinitions" + ctxSel(names) + "/$entity"
	return jsonResult(http.StatusOK, obj)
}

func (s *Sim) entityList(op *opReq) *opResult {
	vals := []any{}
	var names []string
	match, ferr := metadataFilter(op.query.Get("$filter"))
	if ferr != nil {
		return errResult(ferr)
	}
	for _, set := range sortedSets(s.tables) {
		full := s.entityMetadata(s.tables[set])
		ok, ferr := match(full)
		if ferr != nil {
			return errResult(ferr)
		}
		if !ok {
			continue
		}
		obj, n, err := project(full, op.query.Get("$select"), "EntityMetadata")
		if err != nil {
			return errResult(err)
		}
		names = n
		vals = append(vals, obj)
	}
	return jsonResult(http.StatusOK, map[string]any{"@odata.context": op.base + apiPath + "$metadata#EntityDefinitions" + ctxSel(names), "value": vals})
}

// attributeMetadata renders one attribute; base=true limits it to AttributeMetadata's
// properties for $select checking on the uncast collection.
func (s *Sim) attributeMetadata(t *table, a *attrDef) (full map[string]any, baseKeys map[string]bool) {
	e := t.def
	m := map[string]any{
		"@odata.type": "#" + crmNS + a.metadataType(), "MetadataId": attrMetadataID(e, a), "LogicalName": a.name,
		"SchemaName": a.schema, "EntityLogicalName": e.logical, "AttributeType": a.kind,
		"AttributeTypeName": map[string]any{"Value": a.typeName()}, "AttributeOf": nil,
		"RequiredLevel":    map[string]any{"Value": a.required, "CanBeChanged": a.required != "SystemRequired", "ManagedPropertyLogicalName": "canmodifyrequirementlevelsettings"},
		"IsValidForCreate": a.create, "IsValidForUpdate": a.update, "IsValidForRead": true,
		"IsPrimaryId": a.name == e.primaryID, "IsPrimaryName": a.name == e.primaryName, "IsCustomAttribute": a.custom,
		"IsLogical": a.virtual, "DisplayName": label(a.display), "Description": label(""), "ColumnNumber": nil,
		// Column-level security (security.go): whether the column is secured, and
		// whether it could be, for each operation alike.
		"IsSecured": s.isSecured(a), "CanBeSecuredForRead": canBeSecured(e, a),
		"CanBeSecuredForCreate": canBeSecured(e, a), "CanBeSecuredForUpdate": canBeSecured(e, a),
	}
	if a.attributeOf != "" {
		m["AttributeOf"] = a.attributeOf
	}
	baseKeys = map[string]bool{}
	for k := range m {
		baseKeys[k] = true
	}
	switch a.kind {
	case kindString:
		m["MaxLength"], m["Format"], m["FormatName"] = a.maxLen, a.format, map[string]any{"Value": a.format}
		m["DatabaseLength"] = a.maxLen * 2
	case kindMemo:
		m["MaxLength"], m["Format"] = a.maxLen, a.format
	case kindInt:
		m["MinValue"], m["MaxValue"], m["Format"] = a.minInt, a.maxInt, "None"
	case kindMoney:
		// MoneyAttributeMetadata: MinValue, MaxValue, Precision, PrecisionSource (opportunity reference).
		m["MinValue"], m["MaxValue"], m["Precision"], m["PrecisionSource"] = a.minMoney, a.maxMoney, a.precision, a.precisionSource()
		m["ImeMode"], m["IsBaseCurrency"], m["CalculationOf"] = "Auto", false, nil
	case kindDecimal, kindDouble:
		// DecimalAttributeMetadata and DoubleAttributeMetadata: MinValue, MaxValue, Precision.
		m["MinValue"], m["MaxValue"], m["Precision"], m["ImeMode"] = a.minMoney, a.maxMoney, a.precision, "Auto"
	case kindPick, kindState, kindStatus:
		// EnumAttributeMetadata: DefaultFormValue; the choices are the OptionSet
		// navigation property, returned with $expand (retrieve-metadata-name-metadataid).
		m["DefaultFormValue"] = -1
		if a.kind == kindPick && a.name == "prioritycode" {
			// task prioritycode DefaultFormValue (task reference); assumed for phonecall
			// and appointment [unverified]
			m["DefaultFormValue"] = 1
		}
	case kindEntity:
		m["DefaultFormValue"] = nil // EntityNameAttributeMetadata derives from EnumAttributeMetadata [unverified value]
	case kindMulti:
		// MultiSelectPicklistAttributeMetadata (EnumAttributeMetadata): "a default value
		// can't be set" (multi-select-picklist), so DefaultFormValue is null [unverified
		// value]; SourceTypeMask 0 as in the metadata operations sample's create request.
		// The choices are the OptionSet navigation property, returned with $expand.
		m["DefaultFormValue"], m["SourceTypeMask"], m["FormulaDefinition"] = nil, 0, nil
		m["ParentPicklistLogicalName"], m["ChildPicklistLogicalNames"] = nil, []any{}
	case kindBool:
		// BooleanAttributeMetadata: DefaultValue; the options are the OptionSet
		// navigation property (BooleanOptionSetMetadata: TrueOption, FalseOption).
		m["DefaultValue"], m["FormulaDefinition"] = a.defBool, nil
	case kindLookup, kindCust, kindOwner:
		m["Targets"], m["Format"] = a.targets, nil
	case kindTime:
		if a.dateOnly {
			m["Format"], m["DateTimeBehavior"] = "DateOnly", map[string]any{"Value": "DateOnly"}
		} else if a.kind == kindTime && a.edm == edmTime {
			// UserLocal values are date-times on the wire whatever the Format, which
			// some references give as DateOnly (phonecall.actualend).
			m["Format"], m["DateTimeBehavior"] = cmp.Or(a.format, "DateAndTime"), map[string]any{"Value": "UserLocal"}
		}
	}
	return m, baseKeys
}

func castMatches(a *attrDef, cast string) bool {
	switch cast {
	case "", "AttributeMetadata":
		return true
	case "EnumAttributeMetadata":
		return a.kind == kindState || a.kind == kindStatus || a.kind == kindPick || a.kind == kindEntity || a.kind == kindMulti
	}
	return a.metadataType() == cast
}

func (s *Sim) attributesMeta(t *table, one *attrDef, cast string, op *opReq) *opResult {
	typ := cast
	if typ == "" {
		typ = "AttributeMetadata"
	}
	sel := op.query.Get("$select")
	expands, xerr := parseOptionSetExpand(op.query.Get("$expand"), typ)
	if xerr != nil {
		return errResult(xerr)
	}
	render := func(a *attrDef) (map[string]any, []string, *apiError) {
		full, base := s.attributeMetadata(t, a)
		if cast == "" || cast == "AttributeMetadata" {
			for k := range full { // the uncast collection only knows AttributeMetadata's properties in $select
				if !base[k] && sel != "" {
					delete(full, k)
				}
			}
		}
		obj, names, err := project(full, sel, typ)
		if err != nil {
			return nil, nil, err
		}
		for _, x := range expands {
			if a.kind == kindEntity {
				obj[x.name] = nil // an EntityName column has no choices [unverified]
				continue
			}
			set := optionSetMetadata(t.def, a)
			if x.name == "GlobalOptionSet" && a.global == "" {
				obj[x.name] = nil // a local choice has no global option set
				continue
			}
			p, _, err := project(set, x.sel, "OptionSetMetadata")
			if err != nil {
				return nil, nil, err
			}
			obj[x.name] = p
		}
		for _, x := range expands {
			names = append(names, x.ctx())
		}
		return obj, names, nil
	}
	ctx := op.base + apiPath + "$metadata#EntityDefinitions('" + t.def.metadataID + "')/Attributes"
	if cast != "" {
		ctx += "/" + crmNS + cast
	}
	if one != nil {
		if !castMatches(one, cast) {
			return errResult(newErr(http.StatusNotFound, codeNotFound, "The attribute %s is not of type %s", one.name, cast)) // [unverified]
		}
		obj, names, err := render(one)
		if err != nil {
			return errResult(err)
		}
		obj["@odata.context"] = ctx + ctxSel(names) + "/$entity"
		return jsonResult(http.StatusOK, obj)
	}
	vals := []any{}
	var names []string
	for _, a := range t.def.attrs {
		if !castMatches(a, cast) {
			continue
		}
		obj, n, err := render(a)
		if err != nil {
			return errResult(err)
		}
		names = n
		vals = append(vals, obj)
	}
	if sel != "" && len(vals) == 0 {
		// No column of this type: $select is still checked against the type's properties.
		proto := map[string]any{}
		if k, ok := castKinds[cast]; ok {
			proto, _ = s.attributeMetadata(t, &attrDef{name: "proto", kind: k})
		}
		if _, _, err := project(proto, sel, typ); err != nil {
			return errResult(err)
		}
	}
	return jsonResult(http.StatusOK, map[string]any{"@odata.context": ctx + ctxSel(names), "value": vals})
}

// manyToOneMeta lists the table's lookups as OneToManyRelationshipMetadata,
// one per target table, with the navigation property a write binds
// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
// and the relationship metadata reference). Relationship schema names are
// made up as referenced_referencing_attribute [unverified].
func (s *Sim) manyToOneMeta(t *table, op *opReq) *opResult {
	vals := []any{}
	var names []string
	for _, a := range t.def.attrs {
		if a.kind == kindOwner {
			continue // owner_<table> refers to "owner", which is not simulated
		}
		for i, target := range a.targets {
			ref := s.byLogic[target]
			if ref == nil || i >= len(a.navs) {
				continue
			}
			name := target + "_" + t.def.logical + "_" + a.name
			if i < len(a.rels) && a.rels[i] != "" {
				name = a.rels[i] // the relationship SchemaName of the table reference
			}
			del := "RemoveLink"
			if i < len(a.cascade) && a.cascade[i] != "" {
				del = a.cascade[i]
			}
			obj := map[string]any{
				// Only Delete is simulated; the other actions are listed as NoCascade [unverified].
				"CascadeConfiguration": map[string]any{"Assign": "NoCascade", "Delete": del, "Merge": "NoCascade",
					"Reparent": "NoCascade", "Share": "NoCascade", "Unshare": "NoCascade", "RollupView": "NoCascade", "Archive": "NoCascade"}, "MetadataId": attrMetadataID(t.def, &attrDef{name: "rel:" + name}), "SchemaName": name,
				"RelationshipType": "OneToManyRelationship", "ReferencedEntity": target, "ReferencedAttribute": ref.def.primaryID,
				"ReferencingEntity": t.def.logical, "ReferencingAttribute": a.name,
				"ReferencingEntityNavigationPropertyName": a.navs[i], "ReferencedEntityNavigationPropertyName": name,
				"IsCustomRelationship": false, "IsManaged": true}
			p, n, err := project(obj, op.query.Get("$select"), "OneToManyRelationshipMetadata")
			if err != nil {
				return errResult(err)
			}
			names = n
			vals = append(vals, p)
		}
	}
	return jsonResult(http.StatusOK, map[string]any{
		"@odata.context": op.base + apiPath + "$metadata#EntityDefinitions('" + t.def.metadataID + "')/ManyToOneRelationships" + ctxSel(names), "value": vals})
}

// keysMeta lists EntityKeyMetadata (https://learn.microsoft.com/power-apps/developer/data-platform/define-alternate-keys-entity).
func (s *Sim) keysMeta(t *table, op *opReq) *opResult {
	vals := []any{}
	var names []string
	for _, k := range t.keys {
		obj := map[string]any{"MetadataId": attrMetadataID(t.def, &attrDef{name: "key:" + k.name}), "LogicalName": k.name,
			"SchemaName": k.name, "EntityLogicalName": t.def.logical, "KeyAttributes": k.attrs, "EntityKeyIndexStatus": "Active",
			"DisplayName": label(k.name), "IsManaged": false, "IsSecondaryKey": false}
		p, n, err := project(obj, op.query.Get("$select"), "EntityKeyMetadata")
		if err != nil {
			return errResult(err)
		}
		names = n
		vals = append(vals, p)
	}
	return jsonResult(http.StatusOK, map[string]any{
		"@odata.context": op.base + apiPath + "$metadata#EntityDefinitions('" + t.def.metadataID + "')/Keys" + ctxSel(names), "value": vals})
}

// expandItem is one $expand=OptionSet($select=Options) item of an attribute query.
type expandItem struct{ name, sel string }

func (x expandItem) ctx() string {
	if x.sel == "" {
		return x.name
	}
	return x.name + "(" + strings.ReplaceAll(x.sel, " ", "") + ")"
}

// parseOptionSetExpand reads $expand on Attributes cast to PicklistAttributeMetadata
// (or MultiSelectPicklist/State/Status/EnumAttributeMetadata; the metadata operations
// sample reads a multi-select column's choices with
// Attributes(LogicalName='...')/Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata?$select=SchemaName&$expand=OptionSet): OptionSet and GlobalOptionSet are its
// single-valued navigation properties, each with an optional ($select=...)
// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/retrieve-metadata-name-metadataid
// and query-metadata-web-api). Other casts have no such property.
func parseOptionSetExpand(raw, typ string) ([]expandItem, *apiError) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, nil
	}
	var items []string
	depth, start := 0, 0
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				items = append(items, raw[start:i])
				start = i + 1
			}
		}
	}
	items = append(items, raw[start:])
	enum := typ == "PicklistAttributeMetadata" || typ == "StateAttributeMetadata" || typ == "StatusAttributeMetadata" ||
		typ == "EnumAttributeMetadata" || typ == "BooleanAttributeMetadata" || typ == "EntityNameAttributeMetadata" ||
		typ == "MultiSelectPicklistAttributeMetadata"
	var out []expandItem
	for _, it := range items {
		it = strings.TrimSpace(it)
		name, opts, hasOpts := strings.Cut(it, "(")
		name = strings.TrimSpace(name)
		if !enum || (name != "OptionSet" && name != "GlobalOptionSet") {
			return nil, newErr(http.StatusBadRequest, codeODataGeneric, "Could not find a property named '%s' on type '%s'.", name, crmNS+typ)
		}
		x := expandItem{name: name}
		if hasOpts {
			opts = strings.TrimSuffix(strings.TrimSpace(opts), ")")
			for _, o := range strings.Split(opts, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(o), "=")
				if k != "$select" {
					return nil, newErr(http.StatusBadRequest, codeODataGeneric, "The query option '%s' is not supported in $expand by this simulator.", k) // [unverified]
				}
				x.sel = v
			}
		}
		out = append(out, x)
	}
	return out, nil
}

// optionSetMetadata renders a column's OptionSetMetadata in the shape of the docs'
// example (retrieve-metadata-name-metadataid): Options[] with Value, Label
// (LocalizedLabels and UserLocalizedLabel), Description and the other OptionMetadata
// properties; State options carry DefaultStatus and InvariantName, Status options State.
// A multi-select column's option set is of OptionSetType Picklist (the metadata
// operations sample creates one so); a custom column's is unmanaged and custom.
func optionSetMetadata(e *entityDef, a *attrDef) map[string]any {
	name, typ := e.logical+"_"+a.name, "Picklist"
	if a.global != "" {
		name = a.global
	}
	switch a.kind {
	case kindState:
		typ = "State"
	case kindStatus:
		typ = "Status"
	}
	optionMeta := func(o option) map[string]any {
		l := map[string]any{"Label": o.label, "LanguageCode": 1033, "IsManaged": !a.custom,
			"MetadataId": attrMetadataID(e, &attrDef{name: "label:" + a.name + ":" + formatInt(o.value)}), "HasChanged": nil}
		return map[string]any{"Value": o.value, "Color": nil, "IsManaged": !a.custom, "ExternalValue": nil, "ParentValues": []any{},
			"Tag": nil, "IsHidden": false, "MetadataId": nil, "HasChanged": nil,
			"Label":       map[string]any{"LocalizedLabels": []any{l}, "UserLocalizedLabel": l},
			"Description": map[string]any{"LocalizedLabels": []any{}, "UserLocalizedLabel": nil}}
	}
	if a.kind == kindBool {
		// BooleanOptionSetMetadata: TrueOption (Value 1) and FalseOption (Value 0) with
		// the reference's labels (e.g. 1 Outgoing / 0 Incoming for directioncode).
		return map[string]any{"MetadataId": attrMetadataID(e, &attrDef{name: "optionset:" + a.name}), "Name": name,
			"IsGlobal": a.global != "", "OptionSetType": "Boolean", "IsCustomOptionSet": false, "IsManaged": true,
			"DisplayName": label(a.display), "Description": label(""),
			"TrueOption":  optionMeta(option{value: 1, label: a.trueLabel}),
			"FalseOption": optionMeta(option{value: 0, label: a.falseLabel})}
	}
	opts := make([]any, 0, len(a.options))
	for _, o := range a.options {
		m := optionMeta(o)
		switch a.kind {
		case kindState:
			m["@odata.type"], m["DefaultStatus"], m["InvariantName"] = "#"+crmNS+"StateOptionMetadata", o.defStatus, strings.ReplaceAll(o.label, " ", "")
		case kindStatus:
			m["@odata.type"], m["State"], m["TransitionData"] = "#"+crmNS+"StatusOptionMetadata", o.state, nil
		}
		opts = append(opts, m)
	}
	return map[string]any{"MetadataId": attrMetadataID(e, &attrDef{name: "optionset:" + a.name}), "Name": name,
		"IsGlobal": a.global != "", "OptionSetType": typ, "IsCustomOptionSet": a.custom, "IsManaged": !a.custom,
		"DisplayName": label(a.display), "Description": label(""), "Options": opts}
}

var castKinds = map[string]string{"StringAttributeMetadata": kindString, "MemoAttributeMetadata": kindMemo,
	"IntegerAttributeMetadata": kindInt, "DateTimeAttributeMetadata": kindTime, "LookupAttributeMetadata": kindLookup,
	"StateAttributeMetadata": kindState, "StatusAttributeMetadata": kindStatus, "EnumAttributeMetadata": kindPick,
	"PicklistAttributeMetadata": kindPick, "MoneyAttributeMetadata": kindMoney, "BooleanAttributeMetadata": kindBool,
	"DecimalAttributeMetadata": kindDecimal, "DoubleAttributeMetadata": kindDouble,
	"EntityNameAttributeMetadata": kindEntity, "MultiSelectPicklistAttributeMetadata": kindMulti}
