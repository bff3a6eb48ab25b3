package dynamics

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"

	"github.com/crmsync/crmsync/sync/connector"
)

// Custom tables. An organization adds its own tables, named with its
// solution publisher's prefix (logical name crmsync_project, entity set
// crmsync_projects); their rows go through the same endpoints as a
// standard table's. The editor offers each by its entity set name, which
// is what a sync names for the standard tables too, and the table
// definitions list them: GET EntityDefinitions with $filter=IsCustomEntity
// eq true ("you can use $filter on any properties which use primitive or
// enumeration values"; there is no paging, every match comes in the first
// answer: Microsoft Learn, "Query table definitions using the Web API").
// Activity tables (keyed by activityid, written with activity parties),
// intersect tables (many-to-many links) and private tables are not
// offered.

var _ connector.ObjectLister = (*Connector)(nil)

// entityDef is the part of EntityMetadata the connector reads.
type entityDef struct {
	LogicalName           string `json:"LogicalName"`
	EntitySetName         string `json:"EntitySetName"`
	PrimaryIDAttribute    string `json:"PrimaryIdAttribute"`
	IsCustomEntity        bool   `json:"IsCustomEntity"`
	IsActivity            bool   `json:"IsActivity"`
	IsIntersect           bool   `json:"IsIntersect"`
	IsPrivate             bool   `json:"IsPrivate"`
	DisplayCollectionName struct {
		UserLocalizedLabel *struct {
			Label string `json:"Label"`
		} `json:"UserLocalizedLabel"`
	} `json:"DisplayCollectionName"`
}

const entitySelect = "$select=LogicalName,EntitySetName,PrimaryIdAttribute,DisplayCollectionName,IsCustomEntity,IsActivity,IsIntersect,IsPrivate"

// syncable reports a custom table a sync can carry.
func (d entityDef) syncable() bool {
	return d.IsCustomEntity && !d.IsActivity && !d.IsIntersect && !d.IsPrivate &&
		d.LogicalName != "" && d.EntitySetName != "" && d.PrimaryIDAttribute != "" && validSet.MatchString(d.EntitySetName)
}

func (d entityDef) table() table {
	return table{set: d.EntitySetName, logical: d.LogicalName, id: d.PrimaryIDAttribute}
}

// validSet is an entity set name: letters, digits and underscores, so it
// can go into a URL path and a quoted OData literal as it is.
var validSet = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// ListObjects lists the organization's custom tables: one call.
func (c *Connector) ListObjects(ctx context.Context) ([]connector.ObjectChoice, error) {
	defs, err := c.entityDefs(ctx, "IsCustomEntity eq true")
	if err != nil {
		return nil, fmt.Errorf("dynamics: list custom tables: %w", err)
	}
	var out []connector.ObjectChoice
	for _, d := range defs {
		if !d.syncable() {
			continue
		}
		if _, std := tables[d.EntitySetName]; std {
			continue
		}
		c.remember(d.table())
		label := d.LogicalName
		if l := d.DisplayCollectionName.UserLocalizedLabel; l != nil && l.Label != "" {
			label = l.Label
		}
		out = append(out, connector.ObjectChoice{Name: d.EntitySetName, Label: fmt.Sprintf("Custom table %q (%s)", label, d.EntitySetName)})
	}
	slices.SortFunc(out, func(a, b connector.ObjectChoice) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// entityDefs runs one EntityDefinitions query with filter.
func (c *Connector) entityDefs(ctx context.Context, filter string) ([]entityDef, error) {
	var list struct {
		Value []entityDef `json:"value"`
	}
	if err := c.getJSON(ctx, "/EntityDefinitions?"+entitySelect+"&$filter="+url.QueryEscape(filter), &list); err != nil {
		return nil, err
	}
	return list.Value, nil
}

func (c *Connector) remember(t table) {
	c.mu.Lock()
	c.custom[t.set] = t
	c.mu.Unlock()
}

// tableFor names object's table: a standard one the connector knows, or a
// custom table found by its entity set name
// (EntityDefinitions?$filter=EntitySetName eq '…'), held for the
// connector's life and kept in the metadata cache.
func (c *Connector) tableFor(ctx context.Context, object string) (table, error) {
	if t, err := tableOf(object); err == nil {
		return t, nil
	}
	unknown := func() (table, error) {
		return table{}, &connector.Error{Vendor: vendor, Category: connector.CatValidation,
			Message: "unknown table " + object + " (known: " + joinObjects() + ", or a custom table's entity set name)"}
	}
	if !validSet.MatchString(object) {
		return unknown()
	}
	c.mu.Lock()
	t, ok := c.custom[object]
	c.mu.Unlock()
	if ok {
		return t, nil
	}
	key := "dynamics/v9.2/table/" + object
	if !connector.FreshSchema(ctx) {
		if b, ok, _ := c.meta.Lookup(ctx, key); ok {
			var d cachedTable
			if json.Unmarshal(b, &d) == nil && d.Set == object && d.Logical != "" && d.ID != "" {
				t := table{set: d.Set, logical: d.Logical, id: d.ID}
				c.remember(t)
				return t, nil
			}
		}
	}
	defs, err := c.entityDefs(ctx, "EntitySetName eq "+literal(object))
	if err != nil {
		return table{}, fmt.Errorf("dynamics: find table %s: %w", object, err)
	}
	for _, d := range defs {
		if d.EntitySetName == object && d.syncable() {
			t := d.table()
			c.remember(t)
			if b, err := json.Marshal(cachedTable{Set: t.set, Logical: t.logical, ID: t.id}); err == nil {
				_ = c.meta.Store(ctx, key, b) // the cache's owner logs its failures
			}
			return t, nil
		}
	}
	return unknown()
}

// cachedTable is a custom table's names as the metadata cache keeps them.
type cachedTable struct {
	Set     string `json:"set"`
	Logical string `json:"logical"`
	ID      string `json:"id"`
}
