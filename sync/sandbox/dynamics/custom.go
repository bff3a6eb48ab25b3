package dynamics

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Custom tables. An organization adds its own tables, named with its solution
// publisher's prefix: logical name crmsync_project, entity set crmsync_projects. Their
// rows go through the same endpoints as a standard table's, and their definitions are
// listed by EntityDefinitions with IsCustomEntity true
// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api).

// The options of crmsync_project.crmsync_status (a local choice of the crmsync
// publisher, option value prefix 10000).
const (
	ProjectPlanned = 100000000
	ProjectActive  = 100000001
	ProjectDone    = 100000002
)

// projectDef is the custom table crmsync_project ("Project"/"Projects") an
// organization with the crmsync publisher would add: its primary key
// crmsync_projectid, its primary name column crmsync_name (String, 100 characters,
// ApplicationRequired: the maker portal's default for a new table's primary column
// [unverified]), a choice crmsync_status, a currency crmsync_budget, a date-only
// crmsync_startdate, and the columns every user-owned table has (ownerid, createdon,
// modifiedon, statecode 0 Active / 1 Inactive, statuscode 1 Active / 2 Inactive).
// ObjectTypeCode and MetadataId are made up [unverified]. No rows are seeded.
func projectDef() *entityDef {
	status := picklist("crmsync_status", "crmsync_Status", "Status", "",
		option{value: ProjectPlanned, label: "Planned"}, option{value: ProjectActive, label: "Active"},
		option{value: ProjectDone, label: "Done"})
	budget := &attrDef{name: "crmsync_budget", schema: "crmsync_Budget", display: "Budget", kind: kindMoney, edm: edmDec, required: "None",
		create: true, update: true, minMoney: -922_337_203_685_477, maxMoney: 922_337_203_685_477, precision: 2}
	start := dateOnly("crmsync_startdate", "crmsync_StartDate", "Start Date")
	name := str("crmsync_name", "crmsync_Name", "Name", 100, "Text", "ApplicationRequired")
	attrs := []*attrDef{
		{name: "crmsync_projectid", schema: "crmsync_ProjectId", display: "Project", kind: kindID, edm: edmGUID, required: "SystemRequired", create: true},
		name, status, budget, start, ownerAttr(),
	}
	for _, a := range []*attrDef{attrs[0], name, status, budget, start} {
		a.custom = true
	}
	attrs = append(attrs, systemAttrs("crmsync_project")...)
	return newEntity(&entityDef{logical: "crmsync_project", set: "crmsync_projects", schema: "crmsync_Project", display: "Project",
		displayPlural: "Projects", primaryID: "crmsync_projectid", primaryName: "crmsync_name", objectTypeCode: 10010, custom: true,
		metadataID: "b3f1c2d4-6e7a-4b8c-9d0e-1f2a3b4c5d6e", defaultStatus: 1, attrs: attrs})
}

// metadataFilter reads the $filter of an EntityDefinitions query. "You can use $filter
// on any properties which use primitive or enumeration values", a complex type's
// primitive by its path (CanCreateAttributes/Value eq true), but not a Label's
// (query-metadata-web-api). The simulator takes comparisons with eq and ne joined by
// and; query functions are refused as Dataverse refuses them on metadata entities
// ([unverified]: the message is quoted from a third-party note, not Microsoft's docs),
// and or, not and parentheses are refused as not simulated [unverified].
func metadataFilter(raw string) (func(map[string]any) (bool, *apiError), *apiError) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return func(map[string]any) (bool, *apiError) { return true, nil }, nil
	}
	type cmp struct {
		path []string
		ne   bool
		val  any
	}
	var cmps []cmp
	for _, part := range reMetaAnd.Split(raw, -1) {
		part = strings.TrimSpace(part)
		if m := reFilterFunc.FindStringSubmatch(part); m != nil {
			return nil, newErr(http.StatusBadRequest, codeMetadataFunc, "The '%s' function isn't supported for Metadata Entities", strings.ToLower(m[1]))
		}
		m := reMetaCmp.FindStringSubmatch(part)
		if m == nil {
			return nil, newErr(http.StatusBadRequest, codeQueryUnsupported,
				"The simulator takes only comparisons with eq or ne joined by and in a $filter of EntityDefinitions, not '%s'.", part) // [unverified]
		}
		v, ok := metaLiteral(m[3])
		if !ok {
			return nil, newErr(http.StatusBadRequest, codeODataGeneric, "Bad Request - Error in query syntax.")
		}
		cmps = append(cmps, cmp{path: strings.Split(m[1], "/"), ne: strings.EqualFold(m[2], "ne"), val: v})
	}
	return func(obj map[string]any) (bool, *apiError) {
		for _, c := range cmps {
			cur, ok := obj[c.path[0]]
			if !ok {
				return false, newErr(http.StatusBadRequest, codeODataGeneric,
					"Could not find a property named '%s' on type '%sEntityMetadata'.", c.path[0], crmNS)
			}
			if len(c.path) > 1 {
				sub, isMap := cur.(map[string]any)
				if !isMap || len(c.path) > 2 {
					return false, newErr(http.StatusBadRequest, codeODataGeneric, "Bad Request - Error in query syntax.")
				}
				if _, isLabel := sub["LocalizedLabels"]; isLabel {
					// "this does not work on properties of Label ComplexType" [message unverified]
					return false, newErr(http.StatusBadRequest, codeQueryUnsupported, "A Label property cannot be used in a $filter of metadata entities.")
				}
				if cur, ok = sub[c.path[1]]; !ok {
					return false, newErr(http.StatusBadRequest, codeODataGeneric, "Could not find a property named '%s'.", c.path[1])
				}
			}
			if _, isMap := cur.(map[string]any); isMap {
				return false, newErr(http.StatusBadRequest, codeODataGeneric, "Bad Request - Error in query syntax.")
			}
			eq := metaEqual(cur, c.val)
			if eq == c.ne {
				return false, nil
			}
		}
		return true, nil
	}, nil
}

// codeMetadataFunc is the code a query function gets on EntityDefinitions [unverified:
// a third-party note's "400 0x8006088a"].
const codeMetadataFunc = "0x8006088a"

var (
	reMetaAnd    = regexp.MustCompile(`(?i)\s+and\s+`)
	reFilterFunc = regexp.MustCompile(`^(?i)(startswith|endswith|contains|tolower|toupper|substringof|length|indexof|any|all)\s*\(`)
	reMetaCmp    = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)?)\s+(?i:(eq|ne))\s+(.+)$`)
	reEnumLit    = regexp.MustCompile(`^Microsoft\.Dynamics\.CRM\.[A-Za-z]+'([^']*)'$`)
)

// metaLiteral reads true, false, null, an integer, 'text' (quotes doubled) or an enum
// value Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'.
func metaLiteral(s string) (any, bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "true":
		return true, true
	case "false":
		return false, true
	case "null":
		return nil, true
	}
	if m := reEnumLit.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		inner := s[1 : len(s)-1]
		if strings.Count(inner, "'")%2 != 0 {
			return nil, false
		}
		return strings.ReplaceAll(inner, "''", "'"), true
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	return nil, false
}

func metaEqual(cur, want any) bool {
	switch w := want.(type) {
	case nil:
		return cur == nil
	case bool:
		b, ok := cur.(bool)
		return ok && b == w
	case string:
		s, ok := cur.(string)
		return ok && strings.EqualFold(s, w) // [unverified: case-insensitive as data queries are]
	case int64:
		switch n := cur.(type) {
		case int:
			return int64(n) == w
		case int64:
			return n == w
		}
	}
	return false
}
