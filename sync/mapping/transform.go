package mapping

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/nyaruka/phonenumbers"
)

// transform converts one value between A's form and the canonical (B) form.
// Every transform keeps a blank a blank, except a constant.
type transform struct {
	name string
	// forward turns a source value in A's form into canonical form.
	forward func(string) (string, error)
	// canon normalizes a value already in B's form.
	canon func(string) (string, error)
	// inverse turns a canonical value back into A's form; nil when the
	// transform cannot be inverted.
	inverse func(string) (string, error)
	// inverseOnto, when set, is inverse for an A field that already holds
	// current: it keeps what the canonical form does not hold (a
	// datetime's time of day under a date), so an update moves only what
	// changed. inverse is inverseOnto with a blank current (a create).
	inverseOnto func(canon, current string) (string, error)
	// ontoB, when set, turns a canonical value for B into the one to
	// write onto a B field that already holds current (a datetime keeps
	// its time of day when a date on A moves it to another day).
	ontoB func(canon, current string) string
	// ontoJoined, when set, is ontoB for a row joining several B fields:
	// it gets them joined ("" for a create) and gives the B value to write.
	ontoJoined func(canon, current string) string
	// writesFirst, on a row joining several B fields, writes only the
	// first; the others are only read (alldayend: the all-day flag).
	writesFirst bool
	// whyNot explains a nil inverse.
	whyNot string
	// fromBOnly, when set, says why the transform cannot write B: its row
	// must be b-to-a (endat).
	fromBOnly string
	// constant transforms ignore their input and read no source field.
	constant bool
	// link marks link:SYNC, whose source may list several references
	// (multiref.go).
	link bool
	// aTypes and bTypes list the field types the transform fits on each
	// side; nil means "checked by assignability" (identity).
	aTypes, bTypes []connector.FieldType
	// refuseB, when set, says why a canonical value cannot be written to
	// B before B's options are checked (an owner with no counterpart).
	refuseB func(string) error
	// notes tell a person what the transform will not carry from A to B
	// (owners with no counterpart), and notesRev from B to A; the plan
	// lists them as warnings.
	notes, notesRev []string
}

// transformEnv is what a transform may depend on besides its name.
type transformEnv struct {
	aType, bType connector.FieldType
	valueMap     map[string]string
	links        Links
	// aField and bField are the row's fields when it maps one onto one
	// (the owner transform reads their options).
	aField, bField *connector.Field
}

var (
	textual   = []connector.FieldType{connector.TypeString, connector.TypeText, connector.TypeEmail, connector.TypePhone, connector.TypeID, connector.TypeEnum, connector.TypeMulti}
	plainText = []connector.FieldType{connector.TypeString, connector.TypeText}
)

func withText(ts ...connector.FieldType) []connector.FieldType {
	return append(slices.Clone(plainText), ts...)
}

func identityFn(s string) (string, error) { return s, nil }

// knownTransforms lists the names for error messages.
const knownTransforms = "none, trim, lower, upper, title, domain, e164[:REGION], date[:ZONE], datetime[:ZONE], map, owner, concat, split, const:VALUE, number, money:CURRENCY[,A_CURRENCY], divide:N, hhmm:UNIT, wallclock:ZONE[,DAYZONE], allday:ZONE, alldayend:ZONE, span, text, firstline:N, bool, link:SYNC[,SYNC]"

// parseTransform builds the named transform. "concat" and "split" are
// identity transforms: joining and splitting fields is done by the row from
// the "+" in its field names.
func parseTransform(spec string, env transformEnv) (transform, error) {
	name, arg, hasArg := strings.Cut(strings.TrimSpace(spec), ":")
	name = strings.ToLower(strings.TrimSpace(name))
	if name != "const" {
		arg = strings.TrimSpace(arg)
	}
	noArg := func(t transform) (transform, error) {
		if hasArg {
			return transform{}, fmt.Errorf("transform %s takes no argument", name)
		}
		return t, nil
	}
	switch name {
	case "", "none", "concat", "split":
		if name == "" {
			name = "none"
		}
		return noArg(transform{name: name, forward: identityFn, canon: identityFn, inverse: identityFn})
	case "trim":
		return noArg(textTransform(name, strings.TrimSpace))
	case "lower":
		return noArg(textTransform(name, func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }))
	case "upper":
		return noArg(textTransform(name, func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }))
	case "title":
		return noArg(textTransform(name, titleCase))
	case "domain":
		// A company's web domain: HubSpot keeps a bare domain, Salesforce,
		// Zoho and Dataverse a website URL. Both read as the bare domain
		// (the domain match key's form), so a URL's scheme, "www." and
		// path are no change, and a created record gets the domain.
		return noArg(transform{name: name, forward: normalizeDomain, canon: normalizeDomain, inverse: normalizeDomain, aTypes: textual, bTypes: textual})
	case "e164":
		region := "US"
		if hasArg {
			region = strings.ToUpper(arg)
			if !phonenumbers.GetSupportedRegions()[region] {
				return transform{}, fmt.Errorf("transform e164: unknown region %q (use a two-letter code such as US, GB, DE)", arg)
			}
		}
		f := newE164(region).convert
		return transform{name: "e164", forward: f, canon: f, inverse: identityFn,
			aTypes: withText(connector.TypePhone), bTypes: withText(connector.TypePhone)}, nil
	case "date", "datetime":
		return dateTransform(name, arg, hasArg, env)
	case "map":
		t := mapTransform(env.valueMap)
		if env.aType == connector.TypeMulti || env.bType == connector.TypeMulti {
			t = eachValue(t)
		}
		return noArg(t)
	case "owner":
		if env.aField == nil || env.bField == nil {
			return transform{}, fmt.Errorf("transform owner maps one owner field onto one")
		}
		t, err := ownerTransform(*env.aField, *env.bField)
		if err != nil {
			return transform{}, err
		}
		return noArg(t)
	case "number":
		return noArg(transform{name: name, forward: normalizeNumber, canon: normalizeNumber, inverse: identityFn,
			aTypes: withText(connector.TypeNumber), bTypes: withText(connector.TypeNumber)})
	case "divide":
		return divideTransform(arg)
	case "hhmm":
		return clockTransform(name, arg, 60000)
	case "mmss":
		return clockTransform(name, arg, 1000)
	case "wallclock":
		return wallclockTransform(arg)
	case "endat":
		return endAtTransform(arg)
	case "allday", "alldayend":
		return allDayTransform(name, arg)
	case "text":
		return noArg(textHTMLTransform())
	case "firstline":
		return firstLineTransform(arg)
	case "span":
		return noArg(spanTransform())
	case "bool":
		return noArg(transform{name: name, forward: normalizeBool, canon: normalizeBool, inverse: identityFn,
			aTypes: withText(connector.TypeBool, connector.TypeNumber, connector.TypeEnum), bTypes: withText(connector.TypeBool)})
	case "link":
		if arg == "" {
			return transform{}, fmt.Errorf("transform link needs the sync that links the referenced records, e.g. link:companies")
		}
		syncs := linkSyncs(arg)
		if len(syncs) == 0 {
			return transform{}, fmt.Errorf("transform link needs the sync that links the referenced records, e.g. link:companies")
		}
		return linkTransform(syncs, env.links), nil
	case "money":
		return moneyTransform(arg)
	case "const":
		if !hasArg {
			return transform{}, fmt.Errorf("transform const needs a value, e.g. const:Website")
		}
		value := arg
		return transform{name: "const", constant: true,
			forward: func(string) (string, error) { return value, nil },
			canon:   identityFn,
			whyNot:  "a constant is one-way"}, nil
	}
	return transform{}, fmt.Errorf("unknown transform %q (known: %s)", spec, knownTransforms)
}

// textTransform is a normalizer on text. Its inverse is the identity: the
// canonical value is already a valid A value that maps onto itself.
func textTransform(name string, f func(string) string) transform {
	fn := func(s string) (string, error) { return f(s), nil }
	return transform{name: name, forward: fn, canon: fn, inverse: identityFn, aTypes: textual, bTypes: textual}
}

// titleCase lowers a value and capitalizes each word, including after a
// hyphen or apostrophe ("o'brien-smith" -> "O'Brien-Smith").
func titleCase(s string) string {
	rs := []rune(strings.ToLower(strings.TrimSpace(s)))
	start := true
	for i, r := range rs {
		if start && unicode.IsLetter(r) {
			rs[i] = unicode.ToTitle(r)
		}
		start = unicode.IsSpace(r) || r == '-' || r == '\''
	}
	return string(rs)
}

// toE164 formats a phone number as E.164, reading national numbers in the
// default region. Blank stays blank; anything that cannot be a phone number
// is an error naming the value. It checks "possible" (length and shape), not
// "valid" (assigned ranges): numbering plans change faster than the library's
// metadata, and refusing a customer's real number would block the sync.
func toE164(s, region string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	num, err := phonenumbers.Parse(s, region)
	if err != nil {
		return "", fmt.Errorf("phone %q: %w", s, err)
	}
	switch phonenumbers.IsPossibleNumberWithReason(num) {
	case phonenumbers.IS_POSSIBLE:
	case phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		// A number without its area code is dialable only from nearby;
		// "+15550142" is no one's number.
		return "", fmt.Errorf("phone %q has no area code (region %s); write the full number", s, region)
	default:
		return "", fmt.Errorf("phone %q is not a possible number (region %s)", s, region)
	}
	if nsn := phonenumbers.GetNationalSignificantNumber(num); num.GetCountryCode() == 1 && nsn != "" && nsn[0] < '2' {
		// A North American area code starts with 2-9, in every numbering
		// plan (not assigned-range metadata). Ten digits with a leading
		// 0 are another country's national number, "02 9876 5432" in
		// Sydney: "+10298765432" would be a wrong number written as good.
		return "", fmt.Errorf("phone %q is not a North American number (an area code starts with 2-9); if it is another country's, write it with its country code (+44 20 …) or set the region (e164:GB)", s)
	}
	out := phonenumbers.Format(num, phonenumbers.E164)
	if ext := num.GetExtension(); ext != "" {
		// E.164 has no extension; dropping it would lose the number a
		// person dials. A vendor that takes strict E.164 only (an SMS
		// field) refuses it, and the record fails naming the field.
		out += " ext. " + ext
	}
	return out, nil
}

// mapTransform maps picklist values through the user's value map. Lookups
// try the exact key first, then a unique case-insensitive match. The inverse
// is the reversed map and exists only when the map is 1:1.
func mapTransform(vm map[string]string) transform {
	keys := sortedKeys(vm)
	forward := func(s string) (string, error) {
		if strings.TrimSpace(s) == "" {
			return "", nil
		}
		if k, ok := lookupFold(vm, s); ok {
			return vm[k], nil
		}
		return "", &UnknownValueError{Value: s, Allowed: keys, Unmapped: true}
	}
	reversed := make(map[string]string, len(vm))
	var clash []string
	for _, k := range keys {
		v := vm[k]
		if prev, dup := reversed[v]; dup {
			clash = append(clash, fmt.Sprintf("%q and %q both map to %q", prev, k, v))
			continue
		}
		reversed[v] = k
	}
	values := sortedKeys(reversed)
	canon := func(s string) (string, error) {
		if k, ok := lookupFold(reversed, s); ok {
			return k, nil // B's own spelling of a mapped value
		}
		return strings.TrimSpace(s), nil
	}
	// B takes the map's values, not the source's, so a map can feed an
	// enum, a flag or a number whatever A's type (a status to "done").
	t := transform{name: "map", forward: forward, canon: canon,
		bTypes: withText(connector.TypeEnum, connector.TypeMulti, connector.TypeBool, connector.TypeNumber, connector.TypeID)}
	if len(clash) > 0 {
		t.whyNot = "the value map is not 1:1 (" + strings.Join(clash, "; ") + ")"
		return t
	}
	t.inverse = func(s string) (string, error) {
		if strings.TrimSpace(s) == "" {
			return "", nil
		}
		if k, ok := lookupFold(reversed, s); ok {
			return reversed[k], nil
		}
		return "", &UnknownValueError{Value: s, Allowed: values, Unmapped: true}
	}
	return t
}

// eachValue applies t to each value of a multi-select selection, so a
// value map translates "Decision Maker;Champion" option by option. The
// result's order does not matter: the field's type sorts it (normMulti).
func eachValue(t transform) transform {
	each := func(f func(string) (string, error)) func(string) (string, error) {
		if f == nil {
			return nil
		}
		return func(s string) (string, error) {
			parts := connector.SplitMulti(s)
			for i, p := range parts {
				v, err := f(p)
				if err != nil {
					return "", err
				}
				parts[i] = v
			}
			return strings.Join(parts, connector.MultiSep), nil
		}
	}
	t.forward, t.canon, t.inverse = each(t.forward), each(t.canon), each(t.inverse)
	return t
}

// lookupFold finds s in m exactly (after trimming), or by a unique
// case-insensitive match, and returns the key found.
func lookupFold(m map[string]string, s string) (string, bool) {
	if _, ok := m[s]; ok {
		return s, true
	}
	t := strings.TrimSpace(s)
	if _, ok := m[t]; ok {
		return t, true
	}
	found, n := "", 0
	for k := range m {
		if strings.EqualFold(strings.TrimSpace(k), t) {
			found, n = k, n+1
		}
	}
	return found, n == 1
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Links translates record ids through the links of other syncs, for rows
// whose fields hold references: a contact's company, a task's contact.
type Links interface {
	// B returns the B id that sync links to A id a, to write on B.
	B(sync, a string) (string, bool)
	// A returns the A id that sync links to B id b, to write on A.
	A(sync, b string) (string, bool)
	// LinkedB reports whether sync links B id b at all: a linked B id is
	// comparable even where it cannot be written to A (its partner was
	// deleted).
	LinkedB(sync, b string) bool
}

// ErrNotLinked means a referenced record is not linked by the named sync
// (yet): the reference has no counterpart to compare or write. It is an
// ErrNotRead, so the row is left alone rather than blanked.
var ErrNotLinked = fmt.Errorf("referenced record is not linked: %w", ErrNotRead)

// NotLinkedError is the ErrNotLinked of one reference: the sync it goes
// through (the first of several, Syncs) and the id none of them has
// linked, so the engine can plan the record again once one links it.
type NotLinkedError struct {
	Sync, ID string
	Syncs    []string // every sync the reference may go through, Sync first
}

func (e *NotLinkedError) Error() string {
	if len(e.Syncs) > 1 {
		return fmt.Sprintf("%s (syncs %q): %v", e.ID, strings.Join(e.Syncs, ", "), ErrNotLinked)
	}
	return fmt.Sprintf("%s (sync %q): %v", e.ID, e.Sync, ErrNotLinked)
}

func (e *NotLinkedError) Unwrap() error { return ErrNotLinked }

// linkTransform maps a reference on A to the record the first of syncs
// that links it links it to on B: "link:contacts,leads" for a Salesforce
// Task's WhoId, which names a Contact or a Lead. The canonical value is
// B's id, and only a linked B id is canonical: a reference to a record no
// sync has linked cannot be compared.
func linkTransform(syncs []string, links Links) transform {
	notLinked := func(id string) error { return &NotLinkedError{Sync: syncs[0], ID: id, Syncs: syncs} }
	lookup := func(find func(string, string) (string, bool), id string) (string, error) {
		if links != nil {
			for _, sync := range syncs {
				if v, ok := find(sync, id); ok {
					return v, nil
				}
			}
		}
		return "", notLinked(id)
	}
	var toB, toA func(string, string) (string, bool)
	if links != nil {
		toB, toA = links.B, links.A
	}
	ids := withText(connector.TypeID, connector.TypeNumber)
	return transform{name: "link:" + strings.Join(syncs, ","), link: true,
		forward: func(a string) (string, error) {
			return firstRef(a, func(a string) (string, error) { return lookup(toB, a) })
		},
		canon: func(b string) (string, error) {
			return firstRef(b, func(b string) (string, error) {
				for _, sync := range syncs {
					if links != nil && links.LinkedB(sync, b) {
						return b, nil
					}
				}
				return "", notLinked(b)
			})
		},
		inverse: func(b string) (string, error) { return lookup(toA, strings.TrimSpace(b)) },
		aTypes:  ids, bTypes: ids}
}

// linkSyncs splits link:'s argument, "contacts" or "contacts,leads".
func linkSyncs(arg string) []string {
	var out []string
	for name := range strings.SplitSeq(arg, ",") {
		if name = strings.TrimSpace(name); name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// LinkedSyncs lists the syncs whose links fields' link:SYNC transforms
// translate references through, each once, in order.
func LinkedSyncs(fields []Field) []string {
	var out []string
	for _, f := range fields {
		for _, spec := range []string{f.Transform, f.ReverseTransform} {
			name, arg, _ := strings.Cut(strings.TrimSpace(spec), ":")
			arg = strings.TrimSpace(arg)
			if !strings.EqualFold(strings.TrimSpace(name), "link") {
				continue
			}
			for _, sync := range linkSyncs(arg) {
				if !slices.Contains(out, sync) {
					out = append(out, sync)
				}
			}
		}
	}
	return out
}

// moneyTransform builds "money:CUR[,ACUR]": A is an amount and its
// currency code joined (A: amount+deal_currency_code), B an amount in the
// one currency CUR its CRM holds (a single-currency org). An amount in
// another currency is refused, so the record goes to review rather than
// arriving as the same number in CUR: converting is the CRMs' business. A
// blank currency is A's account currency ACUR (CUR when not given).
// Written to A, an amount carries CUR.
func moneyTransform(arg string) (transform, error) {
	isCode := func(c string) bool {
		return len(c) == 3 && strings.IndexFunc(c, func(r rune) bool { return r < 'A' || r > 'Z' }) < 0
	}
	want, blank, two := strings.Cut(strings.ToUpper(arg), ",")
	if !two {
		blank = want
	}
	if !isCode(want) || !isCode(blank) {
		return transform{}, fmt.Errorf("transform money needs the 3-letter currency B holds amounts in, then optionally A's for an amount without one, e.g. money:USD or money:EUR,USD; got %q", arg)
	}
	forward := func(s string) (string, error) {
		var amount, cur string
		for _, w := range strings.Fields(s) {
			if strings.IndexFunc(w, unicode.IsLetter) == 0 && len(w) == 3 {
				cur = strings.ToUpper(w)
			} else {
				amount = w
			}
		}
		if amount == "" {
			return "", nil
		}
		of := ""
		if cur == "" {
			cur, of = blank, " (no currency given: the account's)"
		}
		n, err := normalizeNumber(amount)
		if err == nil && cur != want {
			err = fmt.Errorf("amount %s %s%s cannot be written where amounts are in %s only (crmsync does not convert currencies): change the record's currency to %s where it was set, then run again, or skip it", n, cur, of, want, want)
		}
		return n, err
	}
	inverse := func(s string) (string, error) {
		n, err := normalizeNumber(s)
		if err != nil || n == "" {
			return n, err
		}
		return n + " " + want, nil
	}
	return transform{name: "money", forward: forward, canon: normalizeNumber, inverse: inverse,
		aTypes: withText(connector.TypeNumber, connector.TypeEnum), bTypes: withText(connector.TypeNumber)}, nil
}
