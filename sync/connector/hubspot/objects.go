package hubspot

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// Custom objects. An Enterprise portal defines its own objects through the
// schemas API, and their records go through the same objects, search,
// batch and properties endpoints as the standard ones (the 2026-03
// objects spec's {objectType}). A custom object is named there by its
// object type id ("2-7788991"), its fully qualified name
// ("p1234567_projects") or the short-hand "p_projects"; its bare name
// ("projects") has been refused since 2025-06-24 (developer changelog,
// "Removed Support for Referencing Custom Object Types by Base Name").
//
// The editor offers each by its object type id. HubSpot uses that id for
// custom objects wherever an API names an object type (associations,
// schemas), it is stable for the object's life (its name and labels
// cannot change either, but a deleted object recreated under the same name
// gets the same fully qualified name and a new id: a sync that named the
// id then fails loudly instead of writing into a different object), and
// it cannot be mistaken for a standard object's name. A sync file may name
// a custom object any of the three ways.

const (
	// scopeSchemasRead lists the custom object schemas.
	scopeSchemasRead = "crm.schemas.custom.read"
	// scopeCustomRead and scopeCustomWrite read and write custom object
	// records (the objects spec's security).
	scopeCustomRead  = "crm.objects.custom.read"
	scopeCustomWrite = "crm.objects.custom.write"
)

// customKey is the unique property UpsertKey prefers on a custom object.
const customKey = "crmsync_key"

// customScopes are the custom object scopes crmsync asks for, as optional
// scopes: only an Enterprise portal can grant them.
var customScopes = []string{scopeSchemasRead, scopeCustomRead, scopeCustomWrite}

// schemasPath is the custom object schemas list (the 2026-03 schemas spec).
const schemasPath = "/crm-object-schemas/" + apiVersion + "/schemas"

// isCustom reports whether object names a custom object: by its object
// type id (meta-type 2, "2-…"), its fully qualified name p{portal}_{name}
// or the short-hand p_{name}. No standard object's name has either shape.
func isCustom(object string) bool {
	if rest, ok := strings.CutPrefix(object, "2-"); ok {
		return rest != ""
	}
	rest, ok := strings.CutPrefix(object, "p")
	if !ok {
		return false
	}
	portal, name, ok := strings.Cut(rest, "_")
	if !ok || name == "" {
		return false
	}
	for i := range len(portal) {
		if portal[i] < '0' || portal[i] > '9' {
			return false
		}
	}
	return true
}

// objectSchema is the part of HubSpot's ObjectSchema the connector uses.
type objectSchema struct {
	ID                 string `json:"id"`
	ObjectTypeID       string `json:"objectTypeId"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Name               string `json:"name"`
	Labels             struct {
		Singular string `json:"singular"`
		Plural   string `json:"plural"`
	} `json:"labels"`
	Archived           bool     `json:"archived"`
	RequiredProperties []string `json:"requiredProperties"`
}

// schemaQuery asks for a schema without its property and association
// definitions and audit fields: the connector reads properties through the
// properties API, and the rest it does not use.
const schemaQuery = "includePropertyDefinitions=false&includeAssociationDefinitions=false&includeAuditMetadata=false"

// ListObjects names the portal's custom objects that are not archived,
// each by its object type id, labelled `Custom object "Projects"
// (2-7788991)`, from one GET of the schemas list. A connection without the
// schema scope (a portal without Enterprise, which cannot grant it, or a
// connection made before crmsync asked for it) is answered 403
// MISSING_SCOPES: it has no custom objects to offer, which is no error.
func (c *Connector) ListObjects(ctx context.Context) ([]connector.ObjectChoice, error) {
	r, err := c.call(ctx, http.MethodGet, schemasPath+"?"+schemaQuery, nil)
	if err != nil {
		return nil, fmt.Errorf("hubspot: custom objects: %w", err)
	}
	if missingScopes(r) {
		c.release(r)
		return nil, nil
	}
	if r.Status != http.StatusOK {
		return nil, fmt.Errorf("hubspot: custom objects: %w", r.apiError())
	}
	var body struct {
		Results []objectSchema `json:"results"`
	}
	err = r.Decode(&body)
	c.release(r) // body holds copies
	if err != nil {
		return nil, fmt.Errorf("hubspot: custom objects: %w", err)
	}
	var out []connector.ObjectChoice
	for _, s := range body.Results {
		if s.Archived || s.ObjectTypeID == "" {
			continue
		}
		label := cmp.Or(s.Labels.Plural, s.Labels.Singular, s.Name, s.ObjectTypeID)
		out = append(out, connector.ObjectChoice{Name: s.ObjectTypeID,
			Label: "Custom object " + strconv.Quote(label) + " (" + s.ObjectTypeID + ")"})
	}
	slices.SortStableFunc(out, func(a, b connector.ObjectChoice) int { return strings.Compare(a.Label, b.Label) })
	return out, nil
}

// requiredOf reads a custom object's requiredProperties from its schema
// (the properties API has no required flag). A connection that may read
// the records but not the schema (403 MISSING_SCOPES) gets none: the
// properties still describe the object, and HubSpot still names a missing
// one when a create leaves it out.
func (c *Connector) requiredOf(ctx context.Context, object string) ([]string, error) {
	r, err := c.call(ctx, http.MethodGet, schemasPath+"/"+url.PathEscape(object)+"?"+schemaQuery, nil)
	if err != nil {
		return nil, err
	}
	if missingScopes(r) {
		c.release(r)
		return nil, nil
	}
	if r.Status != http.StatusOK {
		return nil, r.apiError()
	}
	var s objectSchema
	err = r.Decode(&s)
	c.release(r)
	if err != nil {
		return nil, err
	}
	return s.RequiredProperties, nil
}

// missingScopes reports HubSpot's 403 MISSING_SCOPES.
func missingScopes(r *response) bool {
	if r.Status != http.StatusForbidden {
		return false
	}
	he, err := decodeError(r.Body)
	return err == nil && he.Category == "MISSING_SCOPES"
}
