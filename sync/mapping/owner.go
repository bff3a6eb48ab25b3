package mapping

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// ErrNoCounterpart marks a value the target cannot hold because it names
// someone who has no counterpart there: an owner with no user of the same
// email. The engine leaves the target's value as it is (the plan's
// warnings name those people) rather than sending every record they own
// to review: Salesforce's integration user alone owns every record sync
// creates there.
var ErrNoCounterpart = errors.New("no counterpart")

// ownerTransform maps an owner field onto another by the users' email
// addresses, the one thing a person's account has in common across tools
// (HubSpot's Salesforce integration matches owners the same way). Each
// side's options are its users, by id, with their email (connector.Option
// .Email); the map is built from them each time the row is compiled, so a
// user added on both sides is mapped on the next run that reads the
// users.
//
// The canonical value is B's user id where the user has a counterpart.
// An A user with none reads as "a:" and their email ("a:#" and the id for
// an id A does not list, a deactivated owner), so it is never taken for a
// blank and never matches a B value: writing it to B, or a B user with no
// counterpart to A, is ErrNoCounterpart, and the target keeps its owner.
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
	emailOf := func(users []connector.Option, id string) (connector.Option, bool) {
		for _, u := range users {
			if u.Value == id {
				return u, true
			}
		}
		return connector.Option{}, false
	}
	missing := func(who string, to connector.Field) error {
		return fmt.Errorf("owner %s has no user with the same email in %s: %w", who, cmp.Or(to.Label, to.Name), ErrNoCounterpart)
	}
	ids := []connector.FieldType{connector.TypeEnum, connector.TypeID, connector.TypeString}
	t := transform{name: "owner", aTypes: ids, bTypes: ids,
		forward: func(s string) (string, error) {
			s = strings.TrimSpace(s)
			if v, ok := toB[s]; ok || s == "" {
				return v, nil
			}
			if u, ok := emailOf(aUsers, s); ok {
				return "a:" + strings.ToLower(strings.TrimSpace(u.Email)), nil
			}
			return "a:#" + s, nil
		},
		canon: func(s string) (string, error) { return strings.TrimSpace(s), nil },
		inverse: func(s string) (string, error) {
			s = strings.TrimSpace(s)
			switch own, isA := strings.CutPrefix(s, "a:"); {
			case s == "":
				return "", nil
			case isA && strings.HasPrefix(own, "#"):
				return own[1:], nil
			case isA && aByEmail[own] != "":
				return aByEmail[own], nil
			case isA:
				return "", missing("<"+own+">", a)
			}
			if v, ok := toA[s]; ok {
				return v, nil
			}
			who := s
			if u, ok := emailOf(bUsers, s); ok {
				who = ownerName(u) + " (" + s + ")"
			}
			return "", missing(who, a)
		},
		refuseB: func(s string) error {
			own, isA := strings.CutPrefix(s, "a:")
			if !isA {
				return nil
			}
			if id, ok := strings.CutPrefix(own, "#"); ok {
				return missing(id+" (not an active user)", b)
			}
			for _, u := range aUsers {
				if strings.EqualFold(strings.TrimSpace(u.Email), own) {
					return missing(ownerName(u), b)
				}
			}
			return missing("<"+own+">", b)
		},
	}
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
		more, verb := "", "have"
		if len(names) > most {
			more = fmt.Sprintf(" and %d more", len(names)-most)
			names = names[:most]
		}
		if len(names) == 1 && more == "" {
			verb = "has"
		}
		return []string{fmt.Sprintf("%s: %s%s %s no user with the same email in %s; what they own keeps the owner it has there",
			cmp.Or(from.Label, from.Name), strings.Join(names, ", "), more, verb, cmp.Or(to.Label, to.Name))}
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

// IsOwnerField says whether f is an owner field: its options are users
// with their emails.
func IsOwnerField(f connector.Field) bool {
	for _, o := range f.Options {
		if o.Email != "" {
			return true
		}
	}
	return false
}

// ownerName is how a person reads a user: "Ada Lovelace <ada@x.com>".
func ownerName(o connector.Option) string {
	if o.Label == "" || strings.EqualFold(o.Label, o.Email) {
		return "<" + o.Email + ">"
	}
	return o.Label + " <" + o.Email + ">"
}
