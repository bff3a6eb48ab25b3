package dynamics

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// record is one row. vals holds the set columns by logical name: string (text, memo,
// date-only "YYYY-MM-DD", lookup id), int64 (integer, statecode, statuscode). Records are
// never mutated once stored (writes replace them), so a reader may keep one after
// releasing the lock.
type record struct {
	id                string
	vals              map[string]any
	lookupType        map[string]string // lookup logical name -> target entity logical name
	created, modified time.Time         // UTC, whole seconds
	version           int64             // row version, the @odata.etag value
}

func (r *record) clone() *record {
	c := *r
	c.vals = maps.Clone(r.vals)
	c.lookupType = maps.Clone(r.lookupType)
	if c.vals == nil {
		c.vals = map[string]any{}
	}
	return &c
}

// altKey is an alternate key (EntityKeyMetadata) and its unique index.
type altKey struct {
	name  string
	attrs []string
	index map[string]string // joined values -> record id
}

type deletion struct {
	id      string
	version int64
}

// table holds one entity set's rows with two ordered indexes: by id (the default order,
// as Dataverse pages by primary key) and by (modifiedon, id) for incremental sync.
type table struct {
	def     *entityDef
	byID    map[string]*record
	idIdx   []*record
	modIdx  []*record
	keys    []*altKey
	deleted []deletion         // for change tracking
	undo    *[]func()          // inverse operations while a change set runs
	bin     map[string]*record // deleted rows, by id, for Restore (the recycle bin)
}

func newTable(def *entityDef) *table { return &table{def: def, byID: map[string]*record{}} }

func cmpID(a, b *record) int { return strings.Compare(a.id, b.id) }

func cmpMod(a, b *record) int {
	if c := a.modified.Compare(b.modified); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

func (t *table) insert(r *record) {
	if t.undo != nil {
		*t.undo = append(*t.undo, func() { t.remove(r) })
	}
	t.byID[r.id] = r
	i, _ := slices.BinarySearchFunc(t.idIdx, r, cmpID)
	t.idIdx = slices.Insert(t.idIdx, i, r)
	j, _ := slices.BinarySearchFunc(t.modIdx, r, cmpMod)
	t.modIdx = slices.Insert(t.modIdx, j, r)
	for _, k := range t.keys {
		if v, ok := keyValue(k, r); ok {
			k.index[v] = r.id
		}
	}
}

func (t *table) remove(r *record) {
	if t.undo != nil {
		*t.undo = append(*t.undo, func() { t.insert(r) })
	}
	delete(t.byID, r.id)
	if i, ok := slices.BinarySearchFunc(t.idIdx, r, cmpID); ok {
		t.idIdx = slices.Delete(t.idIdx, i, i+1)
	}
	if j, ok := slices.BinarySearchFunc(t.modIdx, r, cmpMod); ok {
		t.modIdx = slices.Delete(t.modIdx, j, j+1)
	}
	for _, k := range t.keys {
		if v, ok := keyValue(k, r); ok && k.index[v] == r.id {
			delete(k.index, v)
		}
	}
}

// replace swaps a stored row for its edited copy.
func (t *table) replace(old, r *record) {
	t.remove(old)
	t.insert(r)
}

// bulkAppend adds rows without keeping the indexes sorted; call resort afterwards.
func (t *table) bulkAppend(r *record) {
	t.byID[r.id] = r
	t.idIdx = append(t.idIdx, r)
	t.modIdx = append(t.modIdx, r)
	for _, k := range t.keys {
		if v, ok := keyValue(k, r); ok {
			k.index[v] = r.id
		}
	}
}

func (t *table) resort() {
	slices.SortFunc(t.idIdx, cmpID)
	slices.SortFunc(t.modIdx, cmpMod)
}

// keyValue joins a row's values for an alternate key; rows with a null key column are
// not indexed [unverified: Dataverse's unique index treats nulls this way on SQL].
func keyValue(k *altKey, r *record) (string, bool) {
	parts := make([]string, len(k.attrs))
	for i, a := range k.attrs {
		v, ok := r.vals[a]
		if !ok || v == nil {
			return "", false
		}
		parts[i] = foldString(valueString(v))
	}
	return strings.Join(parts, "\x00"), true
}

func valueString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return formatInt(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// foldString lower-cases for the case-insensitive comparisons of SQL Server's default
// collation [unverified: Dataverse's collation is case-insensitive by default].
func foldString(s string) string { return strings.ToLower(s) }

// cmpFold compares two strings case-insensitively without allocating.
func cmpFold(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			la, lb := unicode.ToLower(ra), unicode.ToLower(rb)
			if la != lb {
				return cmp.Compare(la, lb)
			}
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

// get returns the value of a property for reading and filtering: nil for null.
func (t *table) get(r *record, a *attrDef) any {
	switch {
	case a.name == t.def.primaryID:
		return r.id
	case a.name == "createdon":
		return r.created
	case a.name == "modifiedon":
		return r.modified
	case a.name == "fullname":
		if n := fullName(r); n != "" {
			return n
		}
		return nil
	case a.name == "statecode":
		if v, ok := r.vals["statecode"]; ok {
			return v
		}
		return int64(0)
	case a.name == "statuscode":
		if v, ok := r.vals["statuscode"]; ok {
			return v
		}
		// A new row has its table's DefaultStatus of statecode 0 (1 Active for contact and
		// account, 1 In Progress for opportunity, 2 Not Started for task: table references).
		return t.def.defaultStatus
	case a.kind == kindBool:
		if v, ok := r.vals[a.name]; ok {
			return v
		}
		return a.defBool // the column's DefaultValue (table references)
	case a.kind == kindEntity && a.typeOf != "":
		if v, ok := r.lookupType[a.typeOf]; ok && r.vals[a.typeOf] != nil {
			return v
		}
		return nil
	}
	return r.vals[a.name]
}

// fullName is contact.fullname, computed "first last" [unverified: depends on the org's
// FullNameConventionCode; this is the "First Name Last Name" convention].
func fullName(r *record) string {
	f, _ := r.vals["firstname"].(string)
	l, _ := r.vals["lastname"].(string)
	return strings.TrimSpace(strings.TrimSpace(f) + " " + strings.TrimSpace(l))
}

// compareValues orders two property values: null first (SQL Server's ascending order),
// strings case-insensitively.
func compareValues(a, b any) int {
	if a == nil || b == nil {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return -1
		}
		return 1
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return cmpFold(x, y)
		}
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmp.Compare(x, y)
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y)
		}
	case bool:
		if y, ok := b.(bool); ok && x != y {
			if x {
				return 1 // false orders before true (bit 0 < 1)
			}
			return -1
		}
	}
	return 0
}
