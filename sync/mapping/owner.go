package mapping

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// ownerTransform maps an owner field onto another by the users' email
// addresses, the one thing a person's account has in common across tools
// (HubSpot's Salesforce integration matches owners the same way). Each
// side's options are its users, by id, with their email (connector.Option
// .Email); the map is built from them each time the row is compiled, so a
// user added on both sides is mapped on the next run that reads the
// users. A user with no counterpart of the same email is an
// *UnknownValueError naming the person, which sends the record's value to
// review rather than writing someone else as its owner.
func ownerTransform(a, b connector.Field) (transform, error) {
	aByEmail, aUsers, err := ownerOptions(a)
	if err != nil {
		return transform{}, err
	}
	bByEmail, bUsers, err := ownerOptions(b)
	if err != nil {
		return transform{}, err
	}
	toB, toA := map[string]string{}, map[string]string{}
	for email, av := range aByEmail {
		if bv, ok := bByEmail[email]; ok {
			toB[av], toA[bv] = bv, av
		}
	}
	translate := func(m map[string]string, users map[string]connector.Option, from, to connector.Field) func(string) (string, error) {
		return func(s string) (string, error) {
			s = strings.TrimSpace(s)
			if s == "" {
				return "", nil
			}
			if v, ok := m[s]; ok {
				return v, nil
			}
			who := fmt.Sprintf("%s %s is not an active user there", cmp.Or(from.Label, from.Name), s)
			if u, ok := users[s]; ok {
				who = fmt.Sprintf("%s (%s)", ownerName(u), s)
			}
			return "", &UnknownValueError{Value: s, Unmapped: true,
				Detail: fmt.Sprintf("owner %s has no active user with the same email in %s; add the user there, or choose the owner in review",
					who, cmp.Or(to.Label, to.Name))}
		}
	}
	ids := []connector.FieldType{connector.TypeEnum, connector.TypeID, connector.TypeString}
	return transform{name: "owner",
		forward: translate(toB, aUsers, a, b),
		canon:   func(s string) (string, error) { return strings.TrimSpace(s), nil },
		inverse: translate(toA, bUsers, b, a),
		aTypes:  ids, bTypes: ids}, nil
}

// ownerOptions indexes an owner field's users by lower-case email (the
// first of a repeated email wins) and by id.
func ownerOptions(f connector.Field) (map[string]string, map[string]connector.Option, error) {
	byEmail, byID := map[string]string{}, map[string]connector.Option{}
	for _, o := range f.Options {
		e := strings.ToLower(strings.TrimSpace(o.Email))
		if e == "" {
			continue
		}
		byID[o.Value] = o
		if _, dup := byEmail[e]; !dup {
			byEmail[e] = o.Value
		}
	}
	if len(byEmail) == 0 {
		return nil, nil, fmt.Errorf("transform owner needs the users of %s with their email addresses, and its connection lists none "+
			"(is it an owner field? a connection made before crmsync read users may need to reconnect)", f.Name)
	}
	return byEmail, byID, nil
}

// ownerName is how a person reads a user: "Ada Lovelace <ada@x.com>".
func ownerName(o connector.Option) string {
	if o.Label == "" || strings.EqualFold(o.Label, o.Email) {
		return "<" + o.Email + ">"
	}
	return o.Label + " <" + o.Email + ">"
}
