package hubspot

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// Custom objects: the schemas API (crm-object-schemas), and records of a
// custom object through the objects, search, batch and properties
// endpoints the standard objects use. Sources:
//   - [spec] HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/
//     CRM/Schemas/Rollouts/145900/2026-03/schemas.json: the dated paths
//     GET /crm-object-schemas/2026-03/schemas (CollectionResponseObject
//     SchemaNoPaging: results, no paging) and GET …/schemas/{objectType}
//     ("Fully qualified name or object type ID of your schema"), their
//     query parameters (archived, default false; includeProperty
//     Definitions, includeAssociationDefinitions, includeAuditMetadata,
//     each default true), the ObjectSchema shape, and their security: any
//     one of crm.schemas.custom.read, crm.objects.custom.read and the
//     custom sensitive-data read scopes.
//   - [spec] PublicApiSpecs/CRM/Objects/Rollouts/424/2026-03/objects.json:
//     records of every object, custom ones included, go through
//     /crm/objects/2026-03/{objectType}; its security lists
//     crm.objects.custom.read and crm.objects.custom.write among the
//     alternatives. PublicApiSpecs/CRM/Properties/Rollouts/145899/2026-03/
//     properties.json: GET /crm/properties/2026-03/{objectType} accepts
//     crm.objects.custom.read, crm.objects.custom.write or
//     crm.schemas.custom.read.
//   - [doc] https://developers.hubspot.com/changelog/breaking-change-removed-support-for-referencing-custom-object-types-by-base-name:
//     a custom object type is named by its object type id (2-123), its
//     fully qualified name (p345_vendor) or the short-hand p_{name}
//     (p_vendor); the base name alone (vendor) is refused since
//     2025-06-24.
//   - [doc] https://developers.hubspot.com/docs/api/crm/crm-custom-objects
//     ("Retrieve existing custom objects"): the fully qualified name is
//     derived from p{portal_id}_{object_name}; in its walkthrough the
//     schema's id is 3465404 and its objectTypeId 2-3465404, and a schema's
//     name and labels cannot change once it is defined.
//
// What neither says, the sandbox chooses, marked [unverified]: the 404 for
// an unknown schema, that a create must set every requiredProperties
// value (the ObjectSchema says they "should be required when creating an
// object of this type") and its message, and which scope a record call
// needs (read: crm.objects.custom.read or .write; write: .write).

const (
	scopeSchemasCustomRead  = "crm.schemas.custom.read"
	scopeObjectsCustomRead  = "crm.objects.custom.read"
	scopeObjectsCustomWrite = "crm.objects.custom.write"
)

// Scopes that may read or write records of a custom object.
var (
	customReadScopes   = []string{scopeObjectsCustomRead, scopeObjectsCustomWrite}
	customWriteScopes  = []string{scopeObjectsCustomWrite}
	customSchemaScopes = []string{scopeSchemasCustomRead, scopeObjectsCustomRead}
	// customPropsScopes may read a custom object's properties.
	customPropsScopes = []string{scopeSchemasCustomRead, scopeObjectsCustomRead, scopeObjectsCustomWrite}
)

// customObject is one custom object type the portal defines.
type customObject struct {
	id                 string // "7788991"
	objectTypeID       string // "2-7788991": the stores' key
	name               string // "projects"
	singular, plural   string
	primaryDisplay     string
	secondaryDisplay   []string
	createdAt, updated string
	schema             *Schema
}

// fullyQualifiedName is p{portal_id}_{name}.
func (c *customObject) fullyQualifiedName(hubID int) string {
	return "p" + strconv.Itoa(hubID) + "_" + c.name
}

// projectsTypeID is the object type id of the sandbox portal's one custom
// object, Projects.
const projectsTypeID = "2-7788991"

// ProjectsObject names the sandbox's custom object Projects by its object
// type id; its fully qualified name is p{HubID}_projects, and p_projects
// names it too.
const ProjectsObject = projectsTypeID

// customObjects defines the sandbox portal's custom objects: Projects, with
// no records.
func customObjects() []*customObject {
	pi := "project_information"
	projects := newSchemaCreated(projectsTypeID, "hs_createdate", "hs_lastmodifieddate", 70000000000,
		[]string{"hs_createdate", "hs_lastmodifieddate", "hs_object_id", "project_name"},
		[]Property{
			{Name: "project_name", Label: "Project name", Type: typeString, FieldType: "text", GroupName: pi},
			{Name: "status", Label: "Status", Type: typeEnum, FieldType: "select", GroupName: pi,
				Options: opts("Planned", "planned", "Active", "active", "Done", "done")},
			{Name: "budget", Label: "Budget", Type: typeNumber, FieldType: "number", GroupName: pi},
			{Name: "start_date", Label: "Start date", Type: typeDate, FieldType: "date", GroupName: pi},
			// A unique property the portal's admin made for crmsync to
			// upsert by (README); the standard objects have none, as a
			// portal is delivered.
			{Name: "crmsync_key", Label: "crmsync key", Type: typeString, FieldType: "text", GroupName: "crmsync", Unique: true},
		})
	projects.Required = []string{"project_name"}
	projects.Searchable = []string{"project_name", "crmsync_key"}
	projects.Singular = "Project"
	return []*customObject{{
		id: "7788991", objectTypeID: projectsTypeID, name: "projects", singular: "Project", plural: "Projects",
		primaryDisplay: "project_name", secondaryDisplay: []string{"status"},
		createdAt: "2026-04-01T09:00:00.000Z", updated: "2026-04-01T09:00:00.000Z", schema: projects,
	}}
}

// addCustomObjects registers the portal's custom objects: each one's store
// under its object type id, and its fully qualified name and short-hand
// p_{name} as aliases. Called by New.
func (s *Sim) addCustomObjects() {
	s.aliases = map[string]string{}
	if s.opts.NoCustomObjects {
		return
	}
	for _, c := range customObjects() {
		s.customs = append(s.customs, c)
		s.stores[c.objectTypeID] = newObjectStore(c.schema)
		s.aliases[c.fullyQualifiedName(s.opts.HubID)] = c.objectTypeID
		s.aliases["p_"+c.name] = c.objectTypeID
	}
}

// storeNamed is the store of object, which names a standard object, or a
// custom one by its object type id, fully qualified name or p_{name}.
func (s *Sim) storeNamed(object string) (*objectStore, bool) {
	if st, ok := s.stores[object]; ok {
		return st, true
	}
	if id, ok := s.aliases[object]; ok {
		st, ok := s.stores[id]
		return st, ok
	}
	return nil, false
}

// customNamed is the custom object that object names, or nil.
func (s *Sim) customNamed(object string) *customObject {
	st, ok := s.storeNamed(object)
	if !ok {
		return nil
	}
	for _, c := range s.customs {
		if c.objectTypeID == st.schema.Object {
			return c
		}
	}
	return nil
}

// customScoped refuses a call on a custom object's records (the {object}
// path value) whose token holds none of scopes, with HubSpot's 403
// MISSING_SCOPES. Calls on the standard objects pass as before.
func (s *Sim) customScoped(scopes []string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.customNamed(r.PathValue("object")) != nil && !s.scopes.hasAny(simkit.BearerToken(r), scopes) {
			writeMissingScopes(w, scopes)
			return
		}
		h(w, r)
	}
}

// objectSchemaJSON is ObjectSchema.
type objectSchemaJSON struct {
	AllowsSensitiveProperties  bool              `json:"allowsSensitiveProperties"`
	Archived                   bool              `json:"archived"`
	Associations               []any             `json:"associations"`
	CreatedAt                  string            `json:"createdAt"`
	CreatedByUserID            *int              `json:"createdByUserId,omitempty"`
	Description                string            `json:"description,omitempty"`
	FullyQualifiedName         string            `json:"fullyQualifiedName"`
	ID                         string            `json:"id"`
	Labels                     map[string]string `json:"labels"`
	Name                       string            `json:"name"`
	ObjectTypeID               string            `json:"objectTypeId"`
	PrimaryDisplayProperty     string            `json:"primaryDisplayProperty,omitempty"`
	Properties                 []propertyJSON    `json:"properties"`
	RequiredProperties         []string          `json:"requiredProperties"`
	SearchableProperties       []string          `json:"searchableProperties"`
	SecondaryDisplayProperties []string          `json:"secondaryDisplayProperties"`
	UpdatedAt                  string            `json:"updatedAt"`
	UpdatedByUserID            *int              `json:"updatedByUserId,omitempty"`
}

// boolParam reads a boolean query parameter, def when absent.
func boolParam(r *http.Request, name string, def bool) bool {
	switch r.URL.Query().Get(name) {
	case "true":
		return true
	case "false":
		return false
	}
	return def
}

// objectSchema renders c as the schemas API does.
func (s *Sim) objectSchema(r *http.Request, c *customObject) objectSchemaJSON {
	out := objectSchemaJSON{Associations: []any{}, CreatedAt: c.createdAt, FullyQualifiedName: c.fullyQualifiedName(s.opts.HubID),
		ID: c.id, Labels: map[string]string{"singular": c.singular, "plural": c.plural}, Name: c.name, ObjectTypeID: c.objectTypeID,
		PrimaryDisplayProperty: c.primaryDisplay, Properties: []propertyJSON{},
		RequiredProperties: slices.Clone(c.schema.Required), SearchableProperties: slices.Clone(c.schema.Searchable),
		SecondaryDisplayProperties: slices.Clone(c.secondaryDisplay), UpdatedAt: c.updated}
	if boolParam(r, "includePropertyDefinitions", true) {
		out.Properties = propertiesOf(c.schema)
	}
	if boolParam(r, "includeAuditMetadata", true) {
		uid := s.opts.UserID
		out.CreatedByUserID, out.UpdatedByUserID = &uid, &uid
	}
	// includeAssociationDefinitions: the sandbox defines no associations
	// for its custom objects, so the list is empty either way.
	return out
}

// handleSchemas serves GET /crm-object-schemas/2026-03/schemas: every
// custom object, or with archived=true only the archived ones (the sandbox
// archives none).
func (s *Sim) handleSchemas(w http.ResponseWriter, r *http.Request) {
	results := []objectSchemaJSON{}
	if !boolParam(r, "archived", false) {
		for _, c := range s.customs {
			results = append(results, s.objectSchema(r, c))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results})
}

// handleSchema serves GET /crm-object-schemas/2026-03/schemas/{objectType}.
func (s *Sim) handleSchema(w http.ResponseWriter, r *http.Request) {
	c := s.customNamed(r.PathValue("objectType"))
	if c == nil {
		// [unverified] HubSpot's status and words for an unknown schema.
		writeError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "Unable to find object type "+r.PathValue("objectType"), nil)
		return
	}
	writeJSON(w, http.StatusOK, s.objectSchema(r, c))
}

// CustomObjects lists the object type ids of the portal's custom objects.
func (s *Sim) CustomObjects() []string {
	out := make([]string, len(s.customs))
	for i, c := range s.customs {
		out[i] = c.objectTypeID
	}
	return out
}
