package hubspot

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Owners: the read-only owners API and the hubspot_owner_id property that
// assigns a record to one. Sources:
//   - [spec] HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/
//     CRM/Crm Owners/Rollouts/146888/2026-03/crmOwners.json: the paths
//     GET /crm/owners/2026-03 (query after, archived default false, email,
//     limit default 100; no maximum is given) answering
//     CollectionResponsePublicOwnerForwardPaging (results required, paging
//     {next {after required, link}}), and GET /crm/owners/2026-03/{ownerId}
//     (ownerId an int32; archived default false, "Whether to return only
//     results that have been archived"; idProperty enum [id, userId],
//     default id) answering PublicOwner; errors are the standard Error. Both
//     accept either oauth2 scope crm.objects.owners.read or automation.
//     PublicOwner requires archived, createdAt, id, type, updatedAt; email,
//     firstName, lastName, teams (PublicTeam: id, name, primary, all
//     required), userId and userIdIncludingInactive (int32) are optional;
//     type is PERSON or QUEUE. info.x-hubspot-introduction: "To assign an
//     owner to a CRM record, you can use the properties API to set the
//     hubspot_owner_id property."
//   - [doc] https://developers.hubspot.com/docs/guides/api/crm/owners and
//     https://developers.hubspot.com/docs/api-reference/latest/crm/owners/guide.md:
//     scope crm.objects.owners.read; id is what assigns ownership, and
//     userId "will result in an error if it is used to assign ownership";
//     archived=true lists archived owners, whose userId is null, the user id
//     staying in userIdIncludingInactive; updatedAt changes with the Owner
//     object only; teams appear "if applicable".
//   - [doc] the properties guide's referencedObjectType: "should be set to
//     'OWNER' when 'externalOptions' is true, which causes the property to
//     dynamically pull option values from the current HubSpot users".
//   - [page] HubSpot Community, as summarised at eshopman-com.pages.dev
//     ("HubSpot API Owner IDs: ... contact assignment"): a contact create
//     with an id that is not an owner id fails with invalid_owner_id.
//   - [issue] PipedreamHQ/pipedream#20425 relays the notes property
//     hubspot_owner_id from HubSpot as "Activity assigned to".
//
// What these do not say, the sandbox chooses, marked [unverified]: the
// maximum limit (500) and the refusal above it; the cursor (the last
// owner's id); the 404 and 400 bodies' words; the labels and groups of the
// property but on notes; the invalid-owner error's message (its code
// INVALID_OWNER_ID is HubSpot's); that an archived owner cannot be assigned.

const (
	ownersPath      = "/crm/owners/2026-03"
	scopeOwnersRead = "crm.objects.owners.read"
	// scopeAutomation is the spec's other scope that opens the owners API.
	scopeAutomation = "automation"
	// maxOwnersLimit is the largest page [unverified: the spec gives no
	// maximum].
	maxOwnersLimit = 500
	// ownerProp is the owner property every standard object has.
	ownerProp = "hubspot_owner_id"
	// ownerIDBase and userIDBase start the ids SeedOwners assigns.
	ownerIDBase = 41629700
	userIDBase  = 9586500
)

// ownersScopes open the owners endpoints (the spec's security alternatives).
var ownersScopes = []string{scopeOwnersRead, scopeAutomation}

// Owner types.
const (
	OwnerPerson = "PERSON"
	OwnerQueue  = "QUEUE"
)

// Team is one of an owner's teams (PublicTeam).
type Team struct {
	ID      string
	Name    string
	Primary bool
}

// Owner is one owner of the portal, as tests and the seeder see it.
type Owner struct {
	ID        string // numeric; assigned by SeedOwners when empty
	Email     string
	FirstName string
	LastName  string
	Type      string // OwnerPerson (default) or OwnerQueue
	// UserID is the owner's user; SeedOwners assigns one to a person
	// that has none (a queue keeps 0: no user [unverified]).
	UserID    int
	Archived  bool
	Teams     []Team
	CreatedAt time.Time
	UpdatedAt time.Time
}

// addOwnerProperties appends hubspot_owner_id to each schema, labelled
// as given ("" for an engagement's "Activity assigned to"). It goes last,
// so every other property keeps its displayOrder.
func addOwnerProperties(labels map[*Schema]string) {
	for sc, label := range labels {
		// Groups: contacts sales_properties, companies companyinformation,
		// deals dealinformation, engagements engagement [unverified].
		group := map[string]string{"contacts": "sales_properties", "companies": "companyinformation", "deals": "dealinformation"}[sc.Object]
		if group == "" {
			group = "engagement"
		}
		if label == "" {
			label = "Activity assigned to" // notes per Pipedream's relay; the other engagements [unverified]
		}
		sc.index[ownerProp] = len(sc.Props)
		sc.Props = append(sc.Props, Property{Name: ownerProp, Label: label, Type: typeEnum, FieldType: "select", GroupName: group,
			HubSpotDefined: true, ReferencedObjectType: "OWNER", ExternalOptions: true})
	}
}

// ownerErrors refuses each OWNER-referencing value in vals (validated
// property values) that is not the id of a live owner: 400
// VALIDATION_ERROR with code INVALID_OWNER_ID naming the property. A blank
// value clears the owner. Caller holds s.mu.
func (s *Sim) ownerErrors(sc *Schema, vals map[int]string) []errDetail {
	var errs []errDetail
	for idx, v := range vals {
		p := sc.Props[idx]
		if p.ReferencedObjectType != "OWNER" || v == "" {
			continue
		}
		if o := s.ownerLocked(v, false); o == nil || o.Archived {
			errs = append(errs, errDetail{Message: fmt.Sprintf("%s is not a valid owner id", v), Code: "INVALID_OWNER_ID",
				In: p.Name, Context: map[string][]string{"propertyName": {p.Name}}})
		}
	}
	return errs
}

// ownerLocked finds an owner by id, or by user id. Caller holds s.mu.
func (s *Sim) ownerLocked(id string, byUser bool) *Owner {
	for _, o := range s.owners {
		if byUser && o.UserID != 0 && strconv.Itoa(o.UserID) == id || !byUser && o.ID == id {
			return o
		}
	}
	return nil
}

// compareIDs orders numeric id strings numerically (shorter first).
func compareIDs(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

// SeedOwners adds owners to the portal: each without an ID gets the next
// numeric one, a person without a UserID the next user id, and missing
// timestamps the sim's now (UpdatedAt: CreatedAt); Type defaults to
// PERSON. An owner whose ID is already the portal's replaces it. It returns
// the owners as stored.
func (s *Sim) SeedOwners(owners []Owner) []Owner {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Owner, 0, len(owners))
	for _, o := range owners {
		if o.ID == "" { // the next id no owner has; an explicit ID is kept
			for o.ID == "" || s.ownerLocked(o.ID, false) != nil {
				s.ownerSeq++
				o.ID = strconv.FormatInt(ownerIDBase+s.ownerSeq, 10)
			}
		}
		if o.Type == "" {
			o.Type = OwnerPerson
		}
		if o.UserID == 0 && o.Type == OwnerPerson {
			o.UserID = userIDBase + len(s.owners) + 1
			for s.ownerLocked(strconv.Itoa(o.UserID), true) != nil {
				o.UserID++
			}
		}
		if o.CreatedAt.IsZero() {
			o.CreatedAt = s.now()
		}
		if o.UpdatedAt.IsZero() {
			o.UpdatedAt = o.CreatedAt
		}
		o.Teams = slices.Clone(o.Teams)
		stored := o
		s.owners = slices.DeleteFunc(s.owners, func(x *Owner) bool { return x.ID == o.ID })
		i, _ := slices.BinarySearchFunc(s.owners, o.ID, func(x *Owner, id string) int { return compareIDs(x.ID, id) })
		s.owners = slices.Insert(s.owners, i, &stored)
		o.Teams = slices.Clone(o.Teams)
		out = append(out, o)
	}
	return out
}

// Owners returns every owner, archived included, in id order.
func (s *Sim) Owners() []Owner {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Owner, 0, len(s.owners))
	for _, o := range s.owners {
		c := *o
		c.Teams = slices.Clone(o.Teams)
		out = append(out, c)
	}
	return out
}

// ArchiveOwner archives an owner, as deactivating its user does; it can no
// longer be assigned. It reports whether the owner exists.
func (s *Sim) ArchiveOwner(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.ownerLocked(id, false)
	if o == nil {
		return false
	}
	if !o.Archived {
		o.Archived, o.UpdatedAt = true, s.now() // [unverified: that archiving moves updatedAt]
	}
	return true
}

// publicTeam is PublicTeam.
type publicTeam struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Primary bool   `json:"primary"`
}

// publicOwner is PublicOwner.
type publicOwner struct {
	ID                      string       `json:"id"`
	Email                   string       `json:"email,omitempty"`
	Type                    string       `json:"type"`
	FirstName               string       `json:"firstName"`
	LastName                string       `json:"lastName"`
	UserID                  *int         `json:"userId"`
	UserIDIncludingInactive *int         `json:"userIdIncludingInactive,omitempty"`
	CreatedAt               string       `json:"createdAt"`
	UpdatedAt               string       `json:"updatedAt"`
	Archived                bool         `json:"archived"`
	Teams                   []publicTeam `json:"teams,omitempty"`
}

// render is the owner's PublicOwner: an archived owner's userId is null,
// its user id staying in userIdIncludingInactive (owners guide).
func (o *Owner) render() publicOwner {
	out := publicOwner{ID: o.ID, Email: o.Email, Type: o.Type, FirstName: o.FirstName, LastName: o.LastName,
		CreatedAt: nowISO(o.CreatedAt), UpdatedAt: nowISO(o.UpdatedAt), Archived: o.Archived}
	if o.UserID != 0 {
		uid := o.UserID
		out.UserIDIncludingInactive = &uid
		if !o.Archived {
			out.UserID = &uid
		}
	}
	for _, t := range o.Teams {
		out.Teams = append(out.Teams, publicTeam(t))
	}
	return out
}

// handleOwners serves GET /crm/owners/2026-03: the active owners, or with
// archived=true the archived ones, in id order; email keeps those whose
// address it is, in any case. A page holds limit owners (default 100,
// 1..500 or 400 [unverified]); paging.next.after, the last owner's id,
// comes only when more follow.
func (s *Sim) handleOwners(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, ok := queryInt(q, "limit", 100)
	if !ok || limit < 1 || limit > maxOwnersLimit {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("limit must be between 1 and %d", maxOwnersLimit),
			[]errDetail{{Message: fmt.Sprintf("must be between 1 and %d", maxOwnersLimit), In: "limit"}})
		return
	}
	archived, ok := queryBool(w, q, "archived")
	if !ok {
		return
	}
	email := strings.TrimSpace(q.Get("email"))
	after := q.Get("after")
	s.mu.RLock()
	results := make([]publicOwner, 0, min(limit, len(s.owners)))
	next := ""
	for _, o := range s.owners {
		if o.Archived != archived || email != "" && !strings.EqualFold(o.Email, email) || after != "" && compareIDs(o.ID, after) <= 0 {
			continue
		}
		if len(results) == limit {
			next = results[len(results)-1].ID
			break
		}
		results = append(results, o.render())
	}
	s.mu.RUnlock()
	s.writeListPage(w, r, results, next)
}

// handleOwner serves GET /crm/owners/2026-03/{ownerId}?idProperty=id|userId
// &archived=: the owner with that id (or user id) that is active, or with
// archived=true archived; otherwise 404 OBJECT_NOT_FOUND. An ownerId that
// is not an integer, or another idProperty, is a 400 [unverified: words].
func (s *Sim) handleOwner(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := r.PathValue("ownerId")
	idProp := cmp.Or(q.Get("idProperty"), "id")
	if idProp != "id" && idProp != "userId" {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid idProperty: "+idProp+"; must be one of [id, userId]",
			[]errDetail{{Message: "must be one of [id, userId]", In: "idProperty"}})
		return
	}
	if _, err := strconv.ParseInt(id, 10, 32); err != nil {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid ownerId: "+id,
			[]errDetail{{Message: "must be an integer", In: "ownerId"}})
		return
	}
	archived, ok := queryBool(w, q, "archived")
	if !ok {
		return
	}
	s.mu.RLock()
	var out *publicOwner
	if o := s.ownerLocked(id, idProp == "userId"); o != nil && o.Archived == archived {
		p := o.render()
		out = &p
	}
	s.mu.RUnlock()
	if out == nil {
		writeError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", fmt.Sprintf("Owner with %s %s not found", idProp, id), nil)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// queryBool reads a boolean query parameter (default false); anything
// but true or false is a 400.
func queryBool(w http.ResponseWriter, q url.Values, name string) (bool, bool) {
	switch v := q.Get(name); v {
	case "", "false":
		return false, true
	case "true":
		return true, true
	default:
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("Invalid %s: %s; must be true or false", name, v),
			[]errDetail{{Message: "must be a boolean", In: name}})
		return false, false
	}
}
