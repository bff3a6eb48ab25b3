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
// users.
//
// A user with no counterpart of the same email (a HubSpot-only seat,
// Salesforce's integration user, someone who left) reads as no owner: the
// row must be unless-blank (checked in compile), so the other side keeps
// the owner it has, and the row's notes name those users for the
// preview. Sending each such record to review instead would fill the
// queue with every record the integration user created.
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
	lookup := func(m map[string]string) func(string) (string, error) {
		return func(s string) (string, error) { return m[strings.TrimSpace(s)], nil }
	}
	ids := []connector.FieldType{connector.TypeEnum, connector.TypeID, connector.TypeString}
	t := transform{name: "owner",
		forward: lookup(toB),
		// B's own value is canonical when its user has a counterpart.
		canon: func(s string) (string, error) {
			if s = strings.TrimSpace(s); toA[s] != "" {
				return s, nil
			}
			return "", nil
		},
		inverse: lookup(toA),
		aTypes:  ids, bTypes: ids}
	note := func(users []connector.Option, m map[string]string, from, to connector.Field) []string {
		var names []string
		for _, u := range users {
			if _, ok := m[u.Value]; !ok {
				names = append(names, ownerName(u))
			}
		}
		if len(names) == 0 {
			return nil
		}
		const most = 5
		more := ""
		if len(names) > most {
			more = fmt.Sprintf(" and %d more", len(names)-most)
			names = names[:most]
		}
		return []string{fmt.Sprintf("%s: %s%s %s no user with the same email in %s; what they own keeps the owner it has there",
			cmp.Or(from.Label, from.Name), strings.Join(names, ", "), more, map[bool]string{true: "has", false: "have"}[len(names) == 1 && more == ""],
			cmp.Or(to.Label, to.Name))}
	}
	// A's users without a counterpart matter where the row writes B, and
	// B's where it writes A.
	t.notes, t.notesRev = note(aUsers, toB, a, b), note(bUsers, toA, b, a)
	return t, nil
}

// ownerOptions indexes an owner field's users by lower-case email (the
// first of a repeated email wins) and lists them in the field's order.
func ownerOptions(f connector.Field) (map[string]string, []connector.Option, error) {
	byEmail := map[string]string{}
	var users []connector.Option
	for _, o := range f.Options {
		e := strings.ToLower(strings.TrimSpace(o.Email))
		if e == "" {
			continue
		}
		users = append(users, o)
		if _, dup := byEmail[e]; !dup {
			byEmail[e] = o.Value
		}
	}
	if len(byEmail) == 0 {
		return nil, nil, fmt.Errorf("transform owner needs the users of %s with their email addresses, and its connection lists none "+
			"(is it an owner field? a connection made before crmsync read users must reconnect)", f.Name)
	}
	return byEmail, users, nil
}

// ownerName is how a person reads a user: "Ada Lovelace <ada@x.com>".
func ownerName(o connector.Option) string {
	if o.Label == "" || strings.EqualFold(o.Label, o.Email) {
		return "<" + o.Email + ">"
	}
	return o.Label + " <" + o.Email + ">"
}
